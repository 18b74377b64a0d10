# tests/store/lib.bash: shared by store.bats, concurrency.bats, crash.bats
# and dovecot.bats (load it after helpers). Everything runs under timeout.
#
#   store_setup             $MD (an empty Maildir the session user owns), TZ=UTC
#   mkfolder NAME...        folder .NAME made on disk, as another program would
#   putmsg PATH TEXT [DATE] message file $MD/PATH holding TEXT with LF line
#                           ends (printf %b escapes), mtime DATE (touch -d)
#   fix_owner               give everything under $MD to the session user
#   session                 imap_preauth (bounded) without the greeting line
#   norm                    UIDVALIDITY numbers become UV1, UV2... in order
#   expect TEXT             $output must be TEXT exactly
#   drive NAMES             imapdrive.py: several sessions from one script
#   user_sh CMD             sh -c CMD as the session user
#   listing [MAILBOX [-x]]  mdcheck.py imap through mdimapd (-x: sizes, dates)
#   disk_check [DIR]        mdcheck.py disk on a folder (default INBOX)
#   uidvalidity_of [DIR]    the V of a folder's dovecot-uidlist
#   have_dovecot, dovecot_setup, dovecot_argv, dovecot_argv_user,
#   dovecot_drive, dovecot_listing: the same with Dovecot's imap
# Scripts beside this file: imapdrive.py (several sessions step by step),
# mdcheck.py (a folder on disk, or listed through IMAP), crashcheck.py
# (crash.bats's bookkeeping), mda.sh (deliveries into new/).

STORE_DIR=$BATS_TEST_DIRNAME/store
export STORE_DIR TZ=UTC
# the system's python3 (a pyenv shim costs 100 ms a start)
PYTHON3=${PYTHON3:-$(command -v /usr/bin/python3 || command -v python3)}
export PYTHON3

# The session user's argv prefix (setpriv as root, nothing otherwise).
user_prefix() {
	if [ "$(id -u)" = 0 ]; then
		echo setpriv --reuid="$TEST_USER" \
		    --regid="$(id -g "$TEST_USER")" --clear-groups --
	fi
}

store_setup() {
	setup_maildir
	export MD TESTDIR MDIMAPD
}

fix_owner() {
	[ "$(id -u)" != 0 ] || chown -R "$TEST_USER" "$MD"
}

mkfolder() {
	local n
	for n in "$@"; do
		mkdir -p "$MD/.$n/cur" "$MD/.$n/new" "$MD/.$n/tmp"
		: >"$MD/.$n/maildirfolder"
	done
	fix_owner
}

putmsg() {
	printf '%b' "$2" >"$MD/$1"
	[ -z "${3:-}" ] || touch -d "$3" "$MD/$1"
	[ "$(id -u)" != 0 ] || chown "$TEST_USER" "$MD/$1"
}

user_sh() {
	as_user sh -c "$1"
}

session() {
	sed -u 's/$/\r/' | timeout 60 $(user_prefix) "$MDIMAPD" --preauth -m "$MD" \
	    2>"$TESTDIR/stderr" | crlf_check | sed 1d
}

# Raw session output (CRLF kept, greeting kept) into a file.
session_raw() {
	timeout 60 $(user_prefix) "$MDIMAPD" --preauth -m "$MD" \
	    2>"$TESTDIR/stderr" >"$1"
}

norm() {
	perl -pe 's/\b(UIDVALIDITY|COPYUID|APPENDUID) (\d+)/"$1 UV" . ($uv{$2} ||= ++$n)/ge'
}

# drive NAMES: imapdrive.py with mdimapd sessions NAMES (A,B), the script
# on stdin; its "!" shell steps run as the session user too.
drive() {
	timeout 120 "$PYTHON3" "$STORE_DIR/imapdrive.py" -t 40 \
	    -s "$(user_prefix)" "$1" -- \
	    $(user_prefix) "$MDIMAPD" --preauth -m "$MD"
}

listing() {
	timeout 60 "$PYTHON3" "$STORE_DIR/mdcheck.py" imap ${2:-} "${1:-INBOX}" -- \
	    $(user_prefix) "$MDIMAPD" --preauth -m "$MD"
}

disk_check() {
	"$PYTHON3" "$STORE_DIR/mdcheck.py" disk "${1:-$MD}"
}

# uidvalidity_of [DIR]: the V of the folder's dovecot-uidlist.
uidvalidity_of() {
	sed -n '1s/.* V\([0-9]*\).*/\1/p' "${1:-$MD}/dovecot-uidlist"
}

# Dovecot's imap process, preauthenticated, on the same Maildir.
DOVECOT_IMAP=${DOVECOT_IMAP:-/usr/lib/dovecot/imap}

have_dovecot() {
	[ -x "$DOVECOT_IMAP" ]
}

# dovecot_setup: its configuration in $TESTDIR (after store_setup).
dovecot_setup() {
	cat >"$TESTDIR/dovecot.conf" <<DCEOF
mail_location = maildir:$MD
log_path = $TESTDIR/dovecot.log
ssl = no
DCEOF
	: >"$TESTDIR/dovecot.log"
	[ "$(id -u)" != 0 ] || chown "$TEST_USER" "$TESTDIR/dovecot.log"
}

# The argv that starts Dovecot's imap as the session user.
dovecot_argv() {
	if [ "$(id -u)" = 0 ]; then
		echo setpriv --reuid="$TEST_USER" \
		    --regid="$(id -g "$TEST_USER")" --clear-groups -- \
		    env USER="$TEST_USER" HOME="$TESTDIR" \
		    "$DOVECOT_IMAP" -c "$TESTDIR/dovecot.conf"
	else
		echo env USER="$(id -un)" HOME="$TESTDIR" \
		    "$DOVECOT_IMAP" -c "$TESTDIR/dovecot.conf"
	fi
}

# The same, for a shell that already runs as the session user.
dovecot_argv_user() {
	local u=$TEST_USER
	[ "$(id -u)" = 0 ] || u=$(id -un)
	echo env USER="$u" HOME="$TESTDIR" "$DOVECOT_IMAP" \
	    -c "$TESTDIR/dovecot.conf"
}

# dovecot_drive NAME: imapdrive.py with Dovecot as session NAME (each
# command sent when the one before is answered: Dovecot runs pipelined
# commands in its own order); timing comments removed.
dovecot_drive() {
	timeout 120 "$PYTHON3" "$STORE_DIR/imapdrive.py" -t 40 \
	    -s "$(user_prefix)" "$1" -- $(dovecot_argv) 2>>"$TESTDIR/dovecot.err" |
	    sed 's/ ([0-9.]*\( + [0-9.]*\)* secs)\././'
}

dovecot_listing() {
	timeout 60 "$PYTHON3" "$STORE_DIR/mdcheck.py" imap ${2:-} "${1:-INBOX}" -- \
	    $(dovecot_argv)
}
