# helpers.bash: shared by every tests/*.bats file.
#
#   setup_maildir            make $MD, an empty Maildir the session user owns
#   imap [mdimapd args...]   pipe stdin (LF line ends, sent as CRLF) into
#                            mdimapd; prints the responses with CR removed,
#                            and "MISSING CR: <line>" for any line not
#                            ending in CRLF. mdimapd's stderr goes to
#                            $TESTDIR/stderr; its exit status is printed
#                            last as "exit=N" when IMAP_SHOW_EXIT=1.
#   imap_raw [args...]       the same with stdin sent exactly as given.
#   as_user CMD...           run CMD as the unprivileged test user when the
#                            tests run as root (CI does), else as ourselves.
#   expect TEXT              $output must be TEXT exactly (a diff if not).
#   CAPS_NOTAUTH, CAPS_AUTH, GREETING, LOGIN_NO, preauth_greeting, rep, ASU:
#                            what every file needs of the server's answers.
#
# Tests compare exact responses: expected output is written out in full.

MDIMAPD=${MDIMAPD:-$BATS_TEST_DIRNAME/../build/mdimapd}
case $MDIMAPD in /*) ;; *) MDIMAPD=$PWD/$MDIMAPD ;; esac
TEST_USER=${TEST_USER:-nobody}

common_setup() {
	TESTDIR=$(mktemp -d /tmp/mdimapd-test.XXXXXX)
	chmod 755 "$TESTDIR"
	# Every test runs with a configuration of its own, never the
	# machine's /etc/mdimapd.conf: $MDIMAPD is a wrapper that passes
	# -f $TESTDIR/mdimapd.conf (tests add settings with test_config).
	# No delay after a failed login: tests of the delay set one.
	printf 'auth_delay = 0\n' >"$TESTDIR/mdimapd.conf"
	MDIMAPD_BIN=${MDIMAPD_BIN:-$MDIMAPD}
	printf '#!/bin/sh\nexec "%s" -f "%s" "$@"\n' "$MDIMAPD_BIN" \
	    "$TESTDIR/mdimapd.conf" >"$TESTDIR/mdimapd"
	chmod 755 "$TESTDIR/mdimapd"
	MDIMAPD=$TESTDIR/mdimapd
}

# test_config "name = value": add a setting to the test's configuration.
test_config() {
	printf '%s\n' "$1" >>"$TESTDIR/mdimapd.conf"
}

common_teardown() {
	[ -n "${TESTDIR:-}" ] && rm -rf "$TESTDIR"
}

setup() { common_setup; }
teardown() { common_teardown; }

as_user() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid="$TEST_USER" --regid="$(id -g "$TEST_USER")" \
		    --clear-groups -- "$@"
	else
		"$@"
	fi
}

setup_maildir() {
	MD=$TESTDIR/Maildir
	mkdir -p "$MD/cur" "$MD/new" "$MD/tmp"
	if [ "$(id -u)" = 0 ]; then
		chown -R "$TEST_USER" "$MD"
	fi
}

# Strip CR from CRLF lines; flag lines without it.
# MAILBOXIDs (RFC 8474) are new GUIDs each run: written as "ID" here
# (objectid.bats reads the raw output).
crlf_check() {
	awk '{ gsub(/MAILBOXID \(F[0-9a-f]+\)/, "MAILBOXID (ID)")
	    if (sub(/\r$/, "")) print; else print "MISSING CR: " $0 }'
}

imap_raw() {
	local rc
	as_user "$MDIMAPD" "$@" >"$TESTDIR/out" 2>"$TESTDIR/stderr"
	rc=$?
	crlf_check <"$TESTDIR/out"
	if [ "${IMAP_SHOW_EXIT:-0}" = 1 ]; then
		echo "exit=$rc"
	fi
	return 0
}

imap() {
	sed 's/$/\r/' | imap_raw "$@"
}

# imap_preauth: imap with --preauth on $MD (setup_maildir first).
imap_preauth() {
	imap --preauth -m "$MD" "$@"
}

# What the server advertises before login (from this host) and after it;
# the one place these lists are written down.
CAPS_NOTAUTH='IMAP4rev1 IMAP4rev2 LITERAL- AUTH=PLAIN SASL-IR ID'
CAPS_AUTH='IMAP4rev1 IMAP4rev2 LITERAL- UIDPLUS APPENDLIMIT=67108864 CHILDREN LIST-EXTENDED LIST-STATUS SPECIAL-USE CREATE-SPECIAL-USE STATUS=SIZE BINARY SORT=DISPLAY THREAD=ORDEREDSUBJECT THREAD=REFERENCES QUOTA=RES-STORAGE QUOTA=RES-MESSAGE ESEARCH SEARCHRES UTF8=ACCEPT OBJECTID SAVEDATE CONDSTORE QRESYNC ID ENABLE UNSELECT SORT MOVE IDLE NAMESPACE QUOTA COMPRESS=DEFLATE'
GREETING="* OK [CAPABILITY $CAPS_NOTAUTH] mdimapd ready."
LOGIN_NO='NO [AUTHENTICATIONFAILED] Authentication failed.'

preauth_greeting() {
	echo "* PREAUTH [CAPABILITY $CAPS_AUTH] Logged in as $(as_user id -un)"
}

# rep CHAR N: N copies of CHAR.
rep() {
	head -c "$2" /dev/zero | tr '\0' "$1"
}

# expect TEXT: $output must be exactly TEXT; shows a diff when not.
expect() {
	if [ "$output" != "$1" ]; then
		echo "--- expected"
		printf '%s\n' "$1"
		echo "--- got"
		printf '%s\n' "$output"
		diff -u <(printf '%s\n' "$1") <(printf '%s\n' "$output") || :
		return 1
	fi
}

# ASU: the command prefix that runs the server as the test user.
if [ "$(id -u)" = 0 ]; then
	ASU=(setpriv --reuid="$TEST_USER" --regid="$(id -g "$TEST_USER")"
	    --clear-groups --)
else
	ASU=()
fi
