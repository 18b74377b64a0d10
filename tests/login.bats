#!/usr/bin/env bats
# login.bats: LOGIN and AUTHENTICATE PLAIN through the root monitor and the
# pre-login process (DESIGN.md, process model and authentication): who
# runs what, failures, delays, throttling, the cleartext policy, hostile
# input before login, the passwd-file and system backends.
#
# Needs root (the monitor forks and changes uid): skipped otherwise. Each
# test has its own passwd-file with alice (uid 5001, password "secret",
# home $TESTDIR/home/alice) and runs mdimapd with the client on a
# socketpair, as inetd would (tests/login/imapc.py), or behind its own
# --listen on 127.0.0.1.

load helpers
load login/lib

ALICE_UID=5001

setup() {
	common_setup
	if [ "$(id -u)" != 0 ]; then
		skip "needs root: the monitor forks and becomes the user"
	fi
	command -v python3 >/dev/null || skip "python3 not installed"
	test_config "throttle_dir = $TESTDIR/throttle"
	test_config "idle_prelogin = 30"
	add_user alice "$ALICE_UID" secret
	SYSUSER=
}

teardown() {
	stop_daemons
	if [ -n "${SYSUSER:-}" ]; then
		userdel "$SYSUSER" >/dev/null 2>&1 || :
	fi
	common_teardown
}

# ---------------------------------------------------------------------------
# Logging in

@test "LOGIN with the right password: tagged OK carrying the logged-in CAPABILITY" {
	run imapc_exec line 'send:a LOGIN alice secret' upto:a \
	    'send:b LOGIN alice secret' upto:b 'send:c LOGOUT' eof
	expect "$GREETING_PLAIN
a $LOGGED_IN
b BAD Already logged in
* BYE Logging out
c OK Logout completed.
EOF"
}

@test "AUTHENTICATE PLAIN with an initial response (SASL-IR), with and without authzid" {
	# "\0alice\0secret"
	run imapc_exec line 'send:a AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==' \
	    upto:a 'send:b LOGOUT' eof
	expect "$GREETING_PLAIN
a $LOGGED_IN
* BYE Logging out
b OK Logout completed.
EOF"
	# "alice\0alice\0secret": the same user as authzid is fine.
	run imapc_exec line 'send:a AUTHENTICATE PLAIN YWxpY2UAYWxpY2UAc2VjcmV0' \
	    upto:a 'send:b LOGOUT' eof
	expect "$GREETING_PLAIN
a $LOGGED_IN
* BYE Logging out
b OK Logout completed.
EOF"
}

@test "AUTHENTICATE PLAIN with the \"+ \" continuation" {
	run imapc_exec line 'send:a AUTHENTICATE PLAIN' line \
	    plain::alice:secret upto:a 'send:b LOGOUT' eof
	expect "$GREETING_PLAIN
+ 
a $LOGGED_IN
* BYE Logging out
b OK Logout completed.
EOF"
}

@test "AUTHENTICATE PLAIN: \"*\" cancels (BAD), another authzid is refused, bad base64 is BAD" {
	# RFC 9051 6.2.2: a cancel or invalid base64 is a tagged BAD.
	# "bob\0alice\0secret": no proxy logins.
	run imapc_exec line 'send:a AUTHENTICATE PLAIN' line 'send:*' upto:a \
	    'send:b AUTHENTICATE PLAIN Ym9iAGFsaWNlAHNlY3JldA==' upto:b \
	    'send:c AUTHENTICATE PLAIN' line 'send:AG%%' upto:c \
	    'send:d AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==' upto:d \
	    'send:e LOGOUT' eof
	expect "$GREETING_PLAIN
+ 
a BAD Authentication canceled
b NO [AUTHORIZATIONFAILED] Cannot log in as another user
+ 
c BAD Invalid PLAIN response
d $LOGGED_IN
* BYE Logging out
e OK Logout completed.
EOF"
}

@test "commands pipelined after LOGIN in the same write are answered (the monitor re-feeds them)" {
	run imapc_exec line \
	    'send:a LOGIN alice secret\r\nb STATUS INBOX (MESSAGES)\r\nc NOOP\r\nd LOGOUT' \
	    eof
	expect "$GREETING_PLAIN
a $LOGGED_IN
* STATUS INBOX (MESSAGES 0)
b OK Status completed.
c OK NOOP completed.
* BYE Logging out
d OK Logout completed.
EOF"
	# The same after AUTHENTICATE with SASL-IR, with a literal in the rest.
	run imapc_exec line \
	    'send:a AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\nb APPEND INBOX {7+}\r\nSubj: x\r\nc STATUS INBOX (MESSAGES)\r\nd LOGOUT' \
	    eof
	[ "${lines[2]%% *}" = b ] && [ "${lines[2]#b OK \[APPENDUID }" != "${lines[2]}" ]
	lines[2]=APPENDED
	output=$(printf '%s\n' "${lines[@]}")
	expect "$GREETING_PLAIN
a $LOGGED_IN
APPENDED
* STATUS INBOX (MESSAGES 1)
c OK Status completed.
* BYE Logging out
d OK Logout completed.
EOF"
}

@test "the Maildir is made on first login, and what APPEND writes belongs to the user" {
	home=$TESTDIR/home/alice
	[ ! -e "$home/Maildir" ]
	run imapc_exec line 'send:a LOGIN alice secret' upto:a \
	    'send:b CREATE Sent' upto:b \
	    'send:c APPEND INBOX {10+}\r\nSubject: 1' upto:c \
	    'send:d APPEND Sent {10+}\r\nSubject: 2' upto:d \
	    'send:e LOGOUT' eof
	[ "${lines[1]}" = "a $LOGGED_IN" ]
	[[ "${lines[2]}" =~ ^"b OK [MAILBOXID (F"[0-9a-f]{32}")] Create completed."$ ]]
	[ "${lines[3]#c OK \[APPENDUID }" != "${lines[3]}" ]
	[ "${lines[4]#d OK \[APPENDUID }" != "${lines[4]}" ]
	[ -d "$home/Maildir/cur" ] && [ -d "$home/Maildir/new" ] && [ -d "$home/Maildir/tmp" ]
	# Two messages; every file and directory is alice's, none readable
	# by others.
	[ "$(find "$home/Maildir" -path '*/cur/*' -type f | wc -l)" -eq 2 ]
	run find "$home" ! -uid "$ALICE_UID" -print
	expect ""
	run find "$home" ! -gid "$ALICE_UID" -print
	expect ""
	run find "$home/Maildir" -perm /077 -print
	expect ""
}

# ---------------------------------------------------------------------------
# Who runs what

@test "the session process runs as the user: no 0 in its Uid, Gid or Groups" {
	run imapc_exec line 'send:a LOGIN alice secret' upto:a status \
	    'send:b NOOP' upto:b childstatus 'send:c LOGOUT' eof
	expect "$GREETING_PLAIN
a $LOGGED_IN
Uid: 5001 5001 5001 5001
Gid: 5001 5001 5001 5001
Groups: 5001
CapPrm: 0000000000000000
CapEff: 0000000000000000
b OK NOOP completed.
children: none
* BYE Logging out
c OK Logout completed.
EOF"
}

@test "before LOGIN the process that reads the client runs as prelogin_user (nobody), holding nothing else" {
	uid=$(id -u nobody) gid=$(id -g nobody)
	[ "$uid" != 0 ] && [ "$gid" != 0 ]
	run imapc_exec line childstatus childfds 'send:a NOOP' upto:a \
	    'send:b LOGOUT' eof
	# The client, stderr, the monitor's socket; no capabilities.
	expect "$GREETING_PLAIN
Uid: $uid $uid $uid $uid
Gid: $gid $gid $gid $gid
Groups: $gid
CapPrm: 0000000000000000
CapEff: 0000000000000000
fd 0: socket
fd 1: socket
fd 2: $TESTDIR/stderr
fd 3+: socket
a OK NOOP completed.
* BYE Logging out
b OK Logout completed.
EOF"
}

@test "prelogin_user = root is refused: no greeting, the connection closes" {
	test_config "prelogin_user = root"
	run imapc_exec line 'send:a NOOP' eof wait
	expect "EOF
EOF
exit=2"
	grep -q 'prelogin_user: root is not an unprivileged user' "$TESTDIR/stderr"
}

@test "prelogin_chroot: the pre-login process is shut in an empty directory" {
	mkdir "$TESTDIR/empty"
	test_config "prelogin_chroot = $TESTDIR/empty"
	run imapc_exec line childroot 'send:a LOGIN alice secret' upto:a \
	    'send:b LOGOUT' eof
	expect "$GREETING_PLAIN
root=$TESTDIR/empty
a $LOGGED_IN
* BYE Logging out
b OK Logout completed.
EOF"
}

# ---------------------------------------------------------------------------
# Failures

@test "a wrong password and an unknown user get the same answer" {
	run imapc_exec line 'send:a LOGIN alice wrong' upto:a \
	    'send:b AUTHENTICATE PLAIN AGFsaWNlAHdyb25n' upto:b \
	    'send:c LOGOUT' eof
	wrong=$output
	expect "$GREETING_PLAIN
a NO [AUTHENTICATIONFAILED] Authentication failed.
b NO [AUTHENTICATIONFAILED] Authentication failed.
* BYE Logging out
c OK Logout completed.
EOF"
	# "\0mallory\0secret"
	run imapc_exec line 'send:a LOGIN mallory secret' upto:a \
	    'send:b AUTHENTICATE PLAIN AG1hbGxvcnkAc2VjcmV0' upto:b \
	    'send:c LOGOUT' eof
	expect "$wrong"
}

@test "three failed logins end the connection with * BYE; a good login before that works" {
	run imapc_exec line 'send:a LOGIN alice wrong' upto:a \
	    'send:b LOGIN alice secret' upto:b 'send:c LOGOUT' eof
	expect "$GREETING_PLAIN
a NO [AUTHENTICATIONFAILED] Authentication failed.
b $LOGGED_IN
* BYE Logging out
c OK Logout completed.
EOF"
	run imapc_exec line 'send:a LOGIN alice wrong' upto:a \
	    'send:b LOGIN mallory x' upto:b \
	    'send:c AUTHENTICATE PLAIN AGFsaWNlAHdyb25n' upto:c \
	    'send:d LOGIN alice secret' eof wait
	# It ends, not killed by a signal (the exit status is not fixed).
	[[ "${lines[6]}" == exit=* ]]
	unset 'lines[6]'
	output=$(printf '%s\n' "${lines[@]}")
	expect "$GREETING_PLAIN
a NO [AUTHENTICATIONFAILED] Authentication failed.
b NO [AUTHENTICATIONFAILED] Authentication failed.
c NO [AUTHENTICATIONFAILED] Authentication failed.
* BYE Too many failed logins
EOF"
}

@test "auth_failures = 1: the first failure ends the connection" {
	test_config "auth_failures = 1"
	run imapc_exec line 'send:a LOGIN alice wrong' upto:a eof
	expect "$GREETING_PLAIN
a NO [AUTHENTICATIONFAILED] Authentication failed.
* BYE Too many failed logins
EOF"
}

@test "auth_delay = 1: the answer to a failed login waits at least a second" {
	test_config "auth_delay = 1"
	run imapc_exec line mark 'send:a LOGIN alice wrong' upto:a elapsed_ms \
	    mark 'send:b LOGIN mallory wrong' upto:b elapsed_ms \
	    'send:c LOGOUT' eof
	[ "${lines[1]}" = "a NO [AUTHENTICATIONFAILED] Authentication failed." ]
	[ "${lines[3]}" = "b NO [AUTHENTICATIONFAILED] Authentication failed." ]
	for i in 2 4; do
		ms=${lines[$i]#elapsed_ms=}
		echo "delay $ms ms"
		[ "$ms" -ge 1000 ] && [ "$ms" -lt 10000 ]
	done
}

@test "throttling: after throttle_failures failures from an address, even the right password gets NO [UNAVAILABLE]" {
	test_config "throttle_failures = 2"
	port=$(free_port)
	start_daemon listen "$MDIMAPD" --listen "127.0.0.1:$port"
	wait_port "$port"
	for i in 1 2; do
		run imapc --connect "127.0.0.1:$port" line \
		    'send:a LOGIN alice wrong' upto:a 'send:b LOGOUT' eof
		expect "$GREETING_PLAIN
a NO [AUTHENTICATIONFAILED] Authentication failed.
* BYE Logging out
b OK Logout completed.
EOF"
	done
	run imapc --connect "127.0.0.1:$port" line \
	    'send:a LOGIN alice secret' upto:a \
	    'send:b AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==' upto:b \
	    'send:c LOGOUT' eof
	expect "$GREETING_PLAIN
a NO [UNAVAILABLE] Too many failed logins from your address, try again later
b NO [UNAVAILABLE] Too many failed logins from your address, try again later
* BYE Logging out
c OK Logout completed.
EOF"
	[ -f "$TESTDIR/throttle/127.0.0.1" ]
	[ "$(cut -d' ' -f1 "$TESTDIR/throttle/127.0.0.1")" = 2 ]
}

@test "throttling: the count is per address window; after throttle_window the address may log in again" {
	test_config "throttle_failures = 1"
	test_config "throttle_window = 1"
	port=$(free_port)
	start_daemon listen "$MDIMAPD" --listen "127.0.0.1:$port"
	wait_port "$port"
	run imapc --connect "127.0.0.1:$port" line 'send:a LOGIN alice wrong' \
	    upto:a 'send:b LOGIN alice secret' upto:b 'send:c LOGOUT' eof
	expect "$GREETING_PLAIN
a NO [AUTHENTICATIONFAILED] Authentication failed.
b NO [UNAVAILABLE] Too many failed logins from your address, try again later
* BYE Logging out
c OK Logout completed.
EOF"
	sleep 2.2
	run imapc --connect "127.0.0.1:$port" line 'send:a LOGIN alice secret' \
	    upto:a 'send:b LOGOUT' eof
	expect "$GREETING_PLAIN
a $LOGGED_IN
* BYE Logging out
b OK Logout completed.
EOF"
}

@test "throttling counts an IPv6 address by its /64, however the address is written" {
	# The launcher's address (TCPREMOTEIP, fd 0 not a socket of its own);
	# secure = yes, as these addresses are not loopback.
	test_config "throttle_failures = 1"
	test_config "secure = yes"
	login_from() {
		imapc --exec --stderr "$TESTDIR/stderr" line "send:a LOGIN alice $2" \
		    upto:a 'send:b LOGOUT' eof -- env TCPREMOTEIP="$1" "$MDIMAPD" |
		    sed -n 2p
	}
	run login_from 2001:db8::1 wrong
	expect "a NO [AUTHENTICATIONFAILED] Authentication failed."
	# Another /64: not throttled.
	run login_from 2001:db8:0:1::1 secret
	expect "a $LOGGED_IN"
	# The same /64, written three ways.
	for a in 2001:db8::2 2001:db8:0:0:1:2:3:4 2001:db8::; do
		run login_from "$a" secret
		expect "a NO [UNAVAILABLE] Too many failed logins from your address, try again later"
	done
}

@test "passwd-file schemes: crypt(3) hashes with or without {SCHEME}; {PLAIN}, locked and empty never match" {
	home=$TESTDIR/home/alice
	cat >>"$TESTDIR/passwd" <<EOF
# a comment, and a blank line

s512:{SHA512-CRYPT}\$6\$abcdefgh\$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.:5001:5001::$home::
s256:{SHA256-CRYPT}\$5\$abcdefgh\$gruCpC7VkOTspMQTTSAR8mtlO9Upms.fwqE5y16JVM.:5001:5001::$home::
bare:\$6\$abcdefgh\$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.:5001:5001::$home::
md5:{MD5-CRYPT}\$1\$abcdefgh\$cHJi5PXp/ki/ktXzqlk6I1:5001:5001::$home::
plain:{PLAIN}secret:5001:5001::$home::
locked:!\$6\$abcdefgh\$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.:5001:5001::$home::
empty::5001:5001::$home::
EOF
	for u in s512 s256 bare md5; do
		run imapc_exec line "send:a LOGIN $u secret" upto:a
		expect "$GREETING_PLAIN
a $LOGGED_IN"
	done
	for u in plain locked; do
		run imapc_exec line "send:a LOGIN $u secret" upto:a
		expect "$GREETING_PLAIN
a NO [AUTHENTICATIONFAILED] Authentication failed."
	done
	run imapc_exec line 'send:a LOGIN empty ""' upto:a \
	    'send:b AUTHENTICATE PLAIN AGVtcHR5AA==' upto:b
	expect "$GREETING_PLAIN
a NO [AUTHENTICATIONFAILED] Authentication failed.
b NO [AUTHENTICATIONFAILED] Authentication failed."
}

@test "an unreadable passwd-file is a temporary failure: NO [UNAVAILABLE]" {
	test_config "passwd_file = $TESTDIR/no-such-file"
	run imapc_exec line 'send:a LOGIN alice secret' upto:a 'send:b LOGOUT' eof
	expect "$GREETING_PLAIN
a NO [UNAVAILABLE] Temporary authentication failure
* BYE Logging out
b OK Logout completed.
EOF"
}

# ---------------------------------------------------------------------------
# The cleartext policy (RFC 9051 6.2.3, 11.1; RFC 8314)

@test "secure = no, login_cleartext = never: LOGINDISABLED, no AUTH=PLAIN; LOGIN and AUTHENTICATE PLAIN refused" {
	test_config "secure = no"
	test_config "login_cleartext = never"
	run imapc_exec line 'send:a CAPABILITY' upto:a \
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

@test "default policy, a client that is not on loopback (TCPREMOTEIP) and no TLS: LOGINDISABLED" {
	run imapc --exec --stderr "$TESTDIR/stderr" line \
	    'send:a LOGIN alice secret' upto:a 'send:b LOGOUT' eof \
	    -- env TCPREMOTEIP=192.0.2.7 "$MDIMAPD"
	expect "$GREETING_DISABLED
a NO [PRIVACYREQUIRED] Login is allowed only on a secure connection (IMAPS)
* BYE Logging out
b OK Logout completed.
EOF"
}

@test "secure = yes, login_cleartext = never: AUTH=PLAIN offered and LOGIN works" {
	test_config "secure = yes"
	test_config "login_cleartext = never"
	run imapc_exec line 'send:a LOGIN alice secret' upto:a 'send:b LOGOUT' eof
	expect "$GREETING_PLAIN
a $LOGGED_IN
* BYE Logging out
b OK Logout completed.
EOF"
}

@test "REMOTE_HOST and REMOTE_PORT set (stunnel in exec mode), login_cleartext = never: AUTH=PLAIN offered and LOGIN works" {
	test_config "login_cleartext = never"
	run imapc --exec --stderr "$TESTDIR/stderr" line \
	    'send:a LOGIN alice secret' upto:a 'send:b LOGOUT' eof \
	    -- env REMOTE_HOST=192.0.2.7 REMOTE_PORT=40000 "$MDIMAPD"
	expect "$GREETING_PLAIN
a $LOGGED_IN
* BYE Logging out
b OK Logout completed.
EOF"
}

@test "--listen, login_cleartext = never: a TCP client gets LOGINDISABLED even from loopback" {
	test_config "login_cleartext = never"
	port=$(free_port)
	start_daemon listen "$MDIMAPD" --listen "127.0.0.1:$port"
	wait_port "$port"
	run imapc --connect "127.0.0.1:$port" line 'send:a LOGIN alice secret' \
	    upto:a 'send:b LOGOUT' eof
	expect "$GREETING_DISABLED
a NO [PRIVACYREQUIRED] Login is allowed only on a secure connection (IMAPS)
* BYE Logging out
b OK Logout completed.
EOF"
}

# ---------------------------------------------------------------------------
# Hostile input before login

@test "a 1 MB user name: BAD, the connection goes on, no crash, memory stays bounded" {
	# What short sessions cost, to compare with: one that logs in, one
	# that does not.
	run imapc_exec line 'send:a LOGIN alice secret' upto:a 'send:b LOGOUT' \
	    eof wait rss
	base_login=${lines[${#lines[@]} - 1]#maxrss_kb=}
	run imapc_exec line 'send:a LOGOUT' eof wait rss
	base=${lines[${#lines[@]} - 1]#maxrss_kb=}
	[ "$base" -gt 0 ] && [ "$base_login" -gt 0 ]

	run imapc_exec line 'raw:a LOGIN ' fill:x:1048576 'send: secret' \
	    'send:b LOGIN alice secret' upto:b 'send:c LOGOUT' eof wait rss
	rss=${lines[${#lines[@]} - 1]#maxrss_kb=}
	unset 'lines[${#lines[@]}-1]'
	output=$(printf '%s\n' "${lines[@]}")
	expect "$GREETING_PLAIN
a BAD [TOOBIG] Command line too long
b $LOGGED_IN
* BYE Logging out
c OK Logout completed.
EOF
exit=0"
	# Holding the name would cost 1024 KiB more.
	echo "max RSS: $rss KiB; short sessions: $base_login KiB, $base KiB"
	[ "$rss" -lt $((base_login + 1024)) ]

	# The same name in an AUTHENTICATE continuation and as an initial
	# response.
	run imapc_exec line 'send:a AUTHENTICATE PLAIN' line fill:A:1048576 \
	    'send:' 'raw:b AUTHENTICATE PLAIN ' fill:A:1048576 'send:' \
	    upto:b 'send:c NOOP' upto:c shut eof wait rss
	rss=${lines[${#lines[@]} - 1]#maxrss_kb=}
	unset 'lines[${#lines[@]}-1]'
	output=$(printf '%s\n' "${lines[@]}")
	expect "$GREETING_PLAIN
+ 
a BAD Response too long
b BAD [TOOBIG] Command line too long
c OK NOOP completed.
EOF
exit=0"
	echo "max RSS: $rss KiB"
	[ "$rss" -lt $((base + 1024)) ]
}

@test "a literal too big before login is refused without \"+\"; a small one is taken" {
	run imapc_exec line 'send:a LOGIN {2000}' line \
	    'send:b LOGIN {5}' line 'send:alice {6}' line 'send:secret' upto:b \
	    'send:c LOGOUT' eof
	expect "$GREETING_PLAIN
a BAD [TOOBIG] Literal too big before login
+ Ready for literal data
+ Ready for literal data
b $LOGGED_IN
* BYE Logging out
c OK Logout completed.
EOF"
}

# ---------------------------------------------------------------------------
# Backends and the Maildir setting

@test "a passwd-file user mapped to uid 0 is refused, with the right password" {
	hash=$(sed -n 's/^alice:\([^:]*\):.*/\1/p' "$TESTDIR/passwd")
	printf 'toor:%s:0:0::%s::\n' "$hash" "$TESTDIR/home/alice" \
	    >>"$TESTDIR/passwd"
	run imapc_exec line 'send:a LOGIN toor secret' upto:a 'send:b LOGOUT' eof
	expect "$GREETING_PLAIN
a NO [AUTHENTICATIONFAILED] Authentication failed.
* BYE Logging out
b OK Logout completed.
EOF"
	grep -q 'toor maps to uid or gid 0' "$TESTDIR/stderr"
}

@test "a passwd-file user with gid 0 is refused like uid 0 (NO, the connection goes on)" {
	hash=$(sed -n 's/^alice:\([^:]*\):.*/\1/p' "$TESTDIR/passwd")
	printf 'wheel:%s:5002:0::%s::\n' "$hash" "$TESTDIR/home/alice" \
	    >>"$TESTDIR/passwd"
	run imapc_exec line 'send:a LOGIN wheel secret' upto:a 'send:b LOGOUT' eof
	expect "$GREETING_PLAIN
a NO [AUTHENTICATIONFAILED] Authentication failed.
* BYE Logging out
b OK Logout completed.
EOF"
}

@test "the maildir template (%u) is used, and the Maildir is made on first login" {
	mkdir -p "$TESTDIR/mail/alice"
	chown "$ALICE_UID:$ALICE_UID" "$TESTDIR/mail/alice"
	test_config "maildir = $TESTDIR/mail/%u/Maildir"
	run imapc_exec line 'send:a LOGIN alice secret' upto:a \
	    'send:b APPEND INBOX {10+}\r\nSubject: 1' upto:b 'send:c LOGOUT' eof
	[ "${lines[1]}" = "a $LOGGED_IN" ]
	[ "${lines[2]#b OK \[APPENDUID }" != "${lines[2]}" ]
	md=$TESTDIR/mail/alice/Maildir
	[ -d "$md/cur" ] && [ -d "$md/new" ] && [ -d "$md/tmp" ]
	[ "$(find "$md/cur" "$md/new" -type f | wc -l)" -eq 1 ]
	[ "$(stat -c %u "$md")" = "$ALICE_UID" ]
	[ ! -e "$TESTDIR/home/alice/Maildir" ]
}

@test "the maildir template: a new user's missing %u directory is made too" {
	mkdir -p "$TESTDIR/mail"
	chown "$ALICE_UID:$ALICE_UID" "$TESTDIR/mail"
	test_config "maildir = $TESTDIR/mail/%u/Maildir"
	run imapc_exec line 'send:a LOGIN alice secret' upto:a 'send:b LOGOUT' eof
	expect "$GREETING_PLAIN
a $LOGGED_IN
* BYE Logging out
b OK Logout completed.
EOF"
	[ -d "$TESTDIR/mail/alice/Maildir/cur" ]
}

@test "auth = system: a user made with useradd logs in with the /etc/shadow password" {
	command -v useradd >/dev/null || skip "useradd not installed"
	command -v openssl >/dev/null || skip "openssl not installed"
	SYSUSER=mdt$$x$RANDOM
	home=$TESTDIR/home/$SYSUSER
	for i in 1 2 3; do
		useradd -M -d "$home" -s /usr/sbin/nologin \
		    -p "$(openssl passwd -6 'pass word')" "$SYSUSER" && break
		sleep 1	# /etc/passwd may be locked by someone else
	done
	id "$SYSUSER"
	uid=$(id -u "$SYSUSER") gid=$(id -g "$SYSUSER")
	[ "$uid" != 0 ] && [ "$uid" != "$ALICE_UID" ]
	grep -q "^$SYSUSER:\\\$6\\\$" /etc/shadow
	mkdir -p "$home"
	chown "$uid:$gid" "$home"
	test_config "auth = system"
	run imapc_exec line "send:a LOGIN $SYSUSER wrong" upto:a \
	    "send:b LOGIN $SYSUSER \"pass word\"" upto:b status \
	    'send:c APPEND INBOX {10+}\r\nSubject: 1' upto:c 'send:d LOGOUT' eof
	[ "${lines[8]#c OK \[APPENDUID }" != "${lines[8]}" ]
	lines[8]=APPENDED
	output=$(printf '%s\n' "${lines[@]}")
	expect "$GREETING_PLAIN
a NO [AUTHENTICATIONFAILED] Authentication failed.
b $LOGGED_IN
Uid: $uid $uid $uid $uid
Gid: $gid $gid $gid $gid
Groups: $gid
CapPrm: 0000000000000000
CapEff: 0000000000000000
APPENDED
* BYE Logging out
d OK Logout completed.
EOF"
	[ "$(find "$home/Maildir/cur" "$home/Maildir/new" -type f -uid "$uid" | wc -l)" -eq 1 ]
	# The passwd-file user is not known to this backend.
	run imapc_exec line 'send:a LOGIN alice secret' upto:a 'send:b LOGOUT' eof
	[ "${lines[1]}" = "a NO [AUTHENTICATIONFAILED] Authentication failed." ]
}
