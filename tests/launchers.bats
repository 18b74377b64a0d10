#!/usr/bin/env bats
# launchers.bats: mdimapd started the ways DESIGN.md names, by the real
# programs, with real clients through them:
#   xinetd  (foreground, a private configuration, a loopback port)
#   stunnel (foreground, exec mode: IMAPS with a certificate made here)
#   mdimapd --listen 127.0.0.1:PORT
# and curl, Python's imaplib, mbsync and fetchmail as clients.
#
# As root (CI) mdimapd runs as root and the user alice has uid 5001: the
# monitor and the pre-login process are in play. As a normal user alice
# has our own uid (a non-root mdimapd serves only its own user). Every
# daemon runs in its own session under a timeout and is ended, with all
# it started, in teardown.

load helpers
load login/lib

setup() {
	common_setup
	command -v python3 >/dev/null || skip "python3 not installed"
	if [ "$(id -u)" = 0 ]; then
		USER_UID=5001
	else
		USER_UID=$(id -u)
	fi
	test_config "throttle_dir = $TESTDIR/throttle"
	test_config "idle_prelogin = 30"
	add_user alice "$USER_UID" secret
	# Three messages (1 and 2 seen) and a Sent folder, in the order of
	# both their names and their times.
	MD=$TESTDIR/home/alice/Maildir
	mkdir -p "$MD/cur" "$MD/new" "$MD/tmp" \
	    "$MD/.Sent/cur" "$MD/.Sent/new" "$MD/.Sent/tmp"
	: >"$MD/.Sent/maildirfolder"
	for i in 1 2 3; do
		f="$MD/cur/170000000$i.M${i}P1Q1.host:2,"
		[ "$i" = 3 ] || f="${f}S"
		printf 'From: a%s@example.org\r\nSubject: message %s\r\nMessage-ID: <%s@example.org>\r\n\r\nbody %s\r\n' \
		    "$i" "$i" "$i" "$i" >"$f"
		touch -d "@170000000$i" "$f"
		eval "MSG$i=\$f"
	done
	if [ "$(id -u)" = 0 ]; then
		chown -R "$USER_UID:$USER_UID" "$MD"
	fi
}

teardown() {
	stop_daemons
	common_teardown
}

# start_xinetd: xinetd in the foreground on a free loopback port ($PORT),
# running mdimapd with the test's configuration.
start_xinetd() {
	command -v xinetd >/dev/null || skip "xinetd not installed"
	PORT=$(free_port)
	cat >"$TESTDIR/xinetd.conf" <<EOF
defaults
{
	instances = 20
}
service mdimapd-test
{
	type = UNLISTED
	socket_type = stream
	protocol = tcp
	wait = no
	user = $(id -un)
	server = $MDIMAPD
	port = $PORT
	bind = 127.0.0.1
	flags = IPv4
}
EOF
	start_daemon xinetd xinetd -dontfork -f "$TESTDIR/xinetd.conf" \
	    -pidfile "$TESTDIR/xinetd.pid" -filelog "$TESTDIR/xinetd-file.log"
	wait_port "$PORT"
}

# start_stunnel: stunnel in the foreground on a free loopback port ($PORT),
# TLS with a self-signed certificate, mdimapd in exec mode.
start_stunnel() {
	command -v stunnel >/dev/null || skip "stunnel not installed"
	command -v openssl >/dev/null || skip "openssl not installed"
	make_cert
	PORT=$(free_port)
	cat >"$TESTDIR/stunnel.conf" <<EOF
foreground = yes
pid = $TESTDIR/stunnel.pid
debug = 5
[imaps]
accept = 127.0.0.1:$PORT
cert = $TESTDIR/cert.pem
key = $TESTDIR/key.pem
exec = $MDIMAPD
execArgs = mdimapd
EOF
	start_daemon stunnel stunnel "$TESTDIR/stunnel.conf"
	wait_port "$PORT"
}

# start_listen [ADDR]: mdimapd --listen on a free port ($PORT).
start_listen() {
	PORT=$(free_port)
	start_daemon listen "$MDIMAPD" --listen "${1:-127.0.0.1}:$PORT"
	wait_port "$PORT"
}

CURL="curl -sS --max-time 20 --user alice:secret"

# curl_list URL [ARGS...]: the LIST responses curl prints, CRs removed.
curl_list() {
	local out
	out=$($CURL "$@") || return 1
	printf '%s\n' "$out" | tr -d '\r'
}

LIST='* LIST (\HasNoChildren) "." INBOX
* LIST (\HasNoChildren \Sent) "." Sent'

# What imaplib_client.py prints; $1 the capabilities before login.
imaplib_expected() {
	cat <<EOF
capabilities: $1
login: OK
select: OK 3
fetch: OK 1 (UID 1 RFC822.SIZE 81 BODY[] {81}
From: a1@example.org
Subject: message 1
Message-ID: <1@example.org>

body 1
flags: 1 (FLAGS (\\Seen))
flags: 2 (FLAGS (\\Seen))
flags: 3 (FLAGS ())
append: OK [APPENDUID
fetch appended: OK N (UID N FLAGS (\\Flagged) BODY[] {69}
same message: True
logout: BYE
EOF
}

# The message imaplib appended: one new file, the user's.
check_appended() {
	run find "$MD/cur" "$MD/new" -type f -newer "$MSG3" ! -name '170000000*'
	[ "${#lines[@]}" -eq 1 ]
	grep -q '^appended by imaplib' "${lines[0]}"
	[ "$(stat -c %u "${lines[0]}")" = "$USER_UID" ]
}

# ---------------------------------------------------------------------------
# xinetd

@test "xinetd: curl imap:// lists the folders and fetches a message" {
	start_xinetd
	run curl_list "imap://127.0.0.1:$PORT/"
	[ "$status" -eq 0 ]
	expect "$LIST"
	$CURL -o "$TESTDIR/got" "imap://127.0.0.1:$PORT/INBOX;UID=2"
	cmp "$TESTDIR/got" "$MSG2"
}

@test "xinetd: Python imaplib IMAP4 logs in, selects, fetches, appends" {
	start_xinetd
	run timeout 60 python3 "$LOGIN_DIR/imaplib_client.py" plain 127.0.0.1 \
	    "$PORT" alice secret
	[ "$status" -eq 0 ]
	expect "$(imaplib_expected 'AUTH=PLAIN ID IMAP4REV1 IMAP4REV2 LITERAL- SASL-IR')"
	check_appended
}

@test "xinetd, login_cleartext = never: LOGINDISABLED advertised, LOGIN refused" {
	test_config "login_cleartext = never"
	start_xinetd
	run imapc --connect "127.0.0.1:$PORT" line 'send:a CAPABILITY' upto:a \
	    'send:b LOGIN alice secret' upto:b \
	    'send:c AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==' upto:c \
	    'send:d LOGOUT' eof
	expect "$GREETING_DISABLED
* CAPABILITY $CAPS_DISABLED
a OK Capability completed.
b NO [PRIVACYREQUIRED] Login is allowed only on a secure connection (IMAPS)
c NO [CANNOT] Unsupported authentication mechanism
* BYE Logging out
d OK Logout completed.
EOF"
}

# ---------------------------------------------------------------------------
# stunnel

@test "stunnel: curl imaps:// (-k) lists the folders and fetches a message" {
	start_stunnel
	run curl_list -k "imaps://127.0.0.1:$PORT/"
	[ "$status" -eq 0 ]
	expect "$LIST"
	$CURL -k -o "$TESTDIR/got" "imaps://127.0.0.1:$PORT/INBOX;UID=3"
	# curl fetched BODY[]: message 3 is \Seen now.
	cmp "$TESTDIR/got" "${MSG3}S"
}

@test "stunnel: Python imaplib IMAP4_SSL logs in, selects, fetches, appends" {
	start_stunnel
	run timeout 60 python3 "$LOGIN_DIR/imaplib_client.py" ssl 127.0.0.1 \
	    "$PORT" alice secret
	[ "$status" -eq 0 ]
	expect "$(imaplib_expected 'AUTH=PLAIN ID IMAP4REV1 IMAP4REV2 LITERAL- SASL-IR')"
	check_appended
}

@test "stunnel: the channel counts as secure (REMOTE_HOST): LOGIN works with login_cleartext = never" {
	test_config "login_cleartext = never"
	start_stunnel
	run timeout 60 python3 - "$PORT" <<'EOF'
import socket, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])), 20))
f = s.makefile("rb")
def line():
    print(f.readline().decode().rstrip("\r\n"))
line()
s.sendall(b"a LOGIN alice secret\r\n")
line()
s.sendall(b"b LOGOUT\r\n")
line()
line()
EOF
	expect "$GREETING_PLAIN
a $LOGGED_IN
* BYE Logging out
b OK Logout completed."
}

@test "stunnel: mbsync (SSLType IMAPS, the test's certificate) pulls the messages and the folder" {
	command -v mbsync >/dev/null || skip "mbsync not installed (apt-get install isync)"
	start_stunnel
	mkdir -p "$TESTDIR/local"
	cat >"$TESTDIR/mbsyncrc" <<EOF
IMAPAccount srv
Host 127.0.0.1
Port $PORT
User alice
Pass secret
SSLType IMAPS
CertificateFile $TESTDIR/cert.pem

IMAPStore remote
Account srv

MaildirStore local
Path $TESTDIR/local/
Inbox $TESTDIR/local/INBOX
SubFolders Verbatim

Channel ch
Far :remote:
Near :local:
Patterns *
Create Near
SyncState *
EOF
	run env HOME="$TESTDIR" timeout 60 mbsync -c "$TESTDIR/mbsyncrc" -a
	echo "$output"
	[ "$status" -eq 0 ]
	[ -d "$TESTDIR/local/Sent/cur" ]
	[ "$(find "$TESTDIR/local/INBOX/cur" "$TESTDIR/local/INBOX/new" -type f | wc -l)" -eq 3 ]
	# Seen stays seen; the messages arrived whole (with local line ends,
	# and the X-TUID header mbsync adds).
	[ "$(find "$TESTDIR/local/INBOX" -type f -name '*,S' | wc -l)" -eq 2 ]
	for i in 1 2 3; do
		f=$(grep -l "^Subject: message $i" "$TESTDIR"/local/INBOX/*/*)
		cmp <(grep -v '^X-TUID: ' "$f" | tr -d '\r') \
		    <(tr -d '\r' <"$(eval echo "\$MSG$i")")
	done
	# A second run finds nothing to do and still succeeds.
	run env HOME="$TESTDIR" timeout 60 mbsync -c "$TESTDIR/mbsyncrc" -a
	[ "$status" -eq 0 ]
	[ "$(find "$TESTDIR/local/INBOX/cur" "$TESTDIR/local/INBOX/new" -type f | wc -l)" -eq 3 ]
}

@test "stunnel: fetchmail (--nosslcertck) fetches every message and keeps them" {
	command -v fetchmail >/dev/null || skip "fetchmail not installed"
	start_stunnel
	cat >"$TESTDIR/fetchmailrc" <<EOF
set no bouncemail
set no syslog
poll 127.0.0.1 service $PORT protocol IMAP auth password
  user "alice" password "secret" is "$(id -un)" here
  ssl
  keep
  fetchall
EOF
	chmod 600 "$TESTDIR/fetchmailrc"
	run env HOME="$TESTDIR" FETCHMAILHOME="$TESTDIR" timeout 60 \
	    fetchmail -v -f "$TESTDIR/fetchmailrc" --nosslcertck \
	    -i "$TESTDIR/fetchids" --pidfile "$TESTDIR/fetchmail.pid" \
	    --bsmtp "$TESTDIR/bsmtp" </dev/null
	echo "$output" | tail -20
	[ "$status" -eq 0 ]
	[ "$(grep -c '^Subject: message [123]' "$TESTDIR/bsmtp")" -eq 3 ]
	grep -q '^body 2' "$TESTDIR/bsmtp"
	# keep: the messages are still on the server.
	[ "$(find "$MD/cur" "$MD/new" -type f | wc -l)" -eq 3 ]
}

# ---------------------------------------------------------------------------
# mdimapd --listen

@test "--listen 127.0.0.1: curl imap:// lists and fetches; imaplib IMAP4 logs in, fetches, appends" {
	start_listen
	run curl_list "imap://127.0.0.1:$PORT/"
	[ "$status" -eq 0 ]
	expect "$LIST"
	$CURL -o "$TESTDIR/got" "imap://127.0.0.1:$PORT/INBOX;UID=1"
	cmp "$TESTDIR/got" "$MSG1"
	run timeout 60 python3 "$LOGIN_DIR/imaplib_client.py" plain 127.0.0.1 \
	    "$PORT" alice secret
	[ "$status" -eq 0 ]
	expect "$(imaplib_expected 'AUTH=PLAIN ID IMAP4REV1 IMAP4REV2 LITERAL- SASL-IR')"
	check_appended
}

@test "--listen [::1]: curl over IPv6 loopback" {
	python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' \
	    2>/dev/null || skip "no IPv6 loopback here"
	PORT=$(free_port)
	start_daemon listen "$MDIMAPD" --listen "[::1]:$PORT"
	for i in $(seq 1 100); do
		python3 -c 'import socket, sys
socket.create_connection(("::1", int(sys.argv[1])), 1).close()' "$PORT" \
		    2>/dev/null && break
		sleep 0.1
	done
	run curl_list -g "imap://[::1]:$PORT/"
	[ "$status" -eq 0 ]
	expect "$LIST"
}

@test "--listen, login_cleartext = never: LOGINDISABLED, and curl cannot log in" {
	test_config "login_cleartext = never"
	start_listen
	run $CURL "imap://127.0.0.1:$PORT/"
	[ "$status" -ne 0 ]
	run imapc --connect "127.0.0.1:$PORT" line 'send:a LOGIN alice secret' \
	    upto:a 'send:b LOGOUT' eof
	expect "$GREETING_DISABLED
a NO [PRIVACYREQUIRED] Login is allowed only on a secure connection (IMAPS)
* BYE Logging out
b OK Logout completed.
EOF"
}
