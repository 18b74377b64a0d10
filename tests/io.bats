#!/usr/bin/env bats
# io.bats: what standard input and output may be (a regular file, a pipe, a
# socket), EOF, write errors and a client that never reads.

load helpers

teardown() {
	# Close the FIFO end a test may hold; stop a listener a failed test
	# left (our own child, by its pid).
	exec 8>&-
	if [ -n "${LPID:-}" ]; then
		kill "$LPID" 2>/dev/null || :
		wait "$LPID" 2>/dev/null || :
	fi
	common_teardown
}

# ---------------------------------------------------------------------------
# Kinds of standard input

@test "stdin is a regular file (mdimapd < file): answered, exit 0" {
	printf 'a NOOP\r\nb CAPABILITY\r\n' >"$TESTDIR/in"
	[ -f "$TESTDIR/in" ]
	IMAP_SHOW_EXIT=1 run imap_raw <"$TESTDIR/in"
	expect "$GREETING
a OK NOOP completed.
* CAPABILITY $CAPS_NOTAUTH
b OK Capability completed.
exit=0"
}

@test "stdin is /dev/null: greeting, then exit 0" {
	IMAP_SHOW_EXIT=1 run imap_raw </dev/null
	expect "$GREETING
exit=0"
}

@test "stdin is a pipe: answered, exit 0" {
	rc=0
	printf 'a NOOP\r\nb LOGOUT\r\n' |
	    timeout 30 "${ASU[@]}" "$MDIMAPD" >"$TESTDIR/out" 2>/dev/null ||
	    rc=$?
	[ "$rc" -eq 0 ]
	run crlf_check <"$TESTDIR/out"
	expect "$GREETING
a OK NOOP completed.
* BYE Logging out
b OK Logout completed."
}

@test "stdin and stdout are one socket (socat EXEC, a socketpair)" {
	command -v socat >/dev/null || skip "socat not installed"
	# The wrapper shows what fd 0 is on stderr, then runs mdimapd.
	cat >"$TESTDIR/wrap.sh" <<EOF
#!/bin/sh
stat -L -c %F /proc/self/fd/0 >&2
exec ${ASU[*]} $MDIMAPD
EOF
	chmod 755 "$TESTDIR/wrap.sh"
	rc=0
	printf 'a NOOP\r\nb CAPABILITY\r\nc LOGOUT\r\n' |
	    timeout 30 socat -t 30 STDIO EXEC:"$TESTDIR/wrap.sh" \
	    >"$TESTDIR/out" 2>"$TESTDIR/err" || rc=$?
	cat "$TESTDIR/err"
	[ "$rc" -eq 0 ]
	grep -qx socket "$TESTDIR/err"
	run crlf_check <"$TESTDIR/out"
	expect "$GREETING
a OK NOOP completed.
* CAPABILITY $CAPS_NOTAUTH
b OK Capability completed.
* BYE Logging out
c OK Logout completed."
}

@test "socket: the client's half-close (EOF) ends the session after answers" {
	command -v socat >/dev/null || skip "socat not installed"
	cat >"$TESTDIR/wrap.sh" <<EOF
#!/bin/sh
exec ${ASU[*]} $MDIMAPD
EOF
	chmod 755 "$TESTDIR/wrap.sh"
	rc=0
	printf 'a NOOP\r\nb NOOP\r\n' |
	    timeout 30 socat -t 30 STDIO EXEC:"$TESTDIR/wrap.sh" \
	    >"$TESTDIR/out" 2>/dev/null || rc=$?
	[ "$rc" -eq 0 ]
	run crlf_check <"$TESTDIR/out"
	expect "$GREETING
a OK NOOP completed.
b OK NOOP completed."
}

@test "stdin and stdout are a loopback TCP socket (socat TCP-LISTEN, nofork)" {
	command -v socat >/dev/null || skip "socat not installed"
	cat >"$TESTDIR/wrap.sh" <<EOF
#!/bin/sh
exec ${ASU[*]} $MDIMAPD -d
EOF
	chmod 755 "$TESTDIR/wrap.sh"
	# Port 0: the kernel picks a free port, socat -d -d logs it. With
	# nofork mdimapd gets the accepted TCP socket itself as fd 0 and 1.
	# The log exists before socat starts: the loop below reads it at once.
	: >"$TESTDIR/listen.err"
	timeout 30 socat -d -d TCP-LISTEN:0,bind=127.0.0.1 \
	    EXEC:"$TESTDIR/wrap.sh",nofork 2>"$TESTDIR/listen.err" 3>&- &
	LPID=$!
	port=
	for ((i = 0; i < 200; i++)); do
		port=$(sed -n 's/.*listening on AF=2 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
		    "$TESTDIR/listen.err")
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ]
	rc=0
	printf 'a NOOP\r\nb CAPABILITY\r\n' |
	    timeout 30 socat -t 30 STDIO TCP:127.0.0.1:"$port" \
	    >"$TESTDIR/out" 2>/dev/null || rc=$?
	[ "$rc" -eq 0 ]
	# mdimapd (exec'd by socat) ended on the client's half-close: exit 0
	rc=0
	wait "$LPID" || rc=$?
	LPID=
	cat "$TESTDIR/listen.err"
	[ "$rc" -eq 0 ]
	grep -q 'mdimapd: session start: remote=127.0.0.1$' "$TESTDIR/listen.err"
	grep -q 'remote=127.0.0.1 .* reason=EOF$' "$TESTDIR/listen.err"
	run crlf_check <"$TESTDIR/out"
	expect "$GREETING
a OK NOOP completed.
* CAPABILITY $CAPS_NOTAUTH
b OK Capability completed."
}

# ---------------------------------------------------------------------------
# EOF

@test "EOF after pipelined commands: every one is answered, exit 0" {
	setup_maildir
	IMAP_SHOW_EXIT=1 run imap_preauth <<'EOF'
a NOOP
b CAPABILITY
c ENABLE X
d NOOP
EOF
	expect "$(preauth_greeting)
a OK NOOP completed.
* CAPABILITY $CAPS_AUTH
b OK Capability completed.
* ENABLED
c OK ENABLE completed.
d OK NOOP completed.
exit=0"
}

@test "EOF in an unfinished last command: it is dropped, exit 0" {
	printf 'a NOOP\r\nb NOOP' >"$TESTDIR/in"
	IMAP_SHOW_EXIT=1 run imap_raw <"$TESTDIR/in"
	expect "$GREETING
a OK NOOP completed.
exit=0"

	printf 'a NOOP\r\nb LOGIN "user' >"$TESTDIR/in"
	IMAP_SHOW_EXIT=1 run imap_raw <"$TESTDIR/in"
	expect "$GREETING
a OK NOOP completed.
exit=0"

	printf 'a NOOP\r\nb LOGIN {4}\r\nus' >"$TESTDIR/in"
	IMAP_SHOW_EXIT=1 run imap_raw <"$TESTDIR/in"
	expect "$GREETING
a OK NOOP completed.
+ Ready for literal data
exit=0"

	printf 'a NOOP\r\nb LOGIN\r' >"$TESTDIR/in"
	IMAP_SHOW_EXIT=1 run imap_raw <"$TESTDIR/in"
	expect "$GREETING
a OK NOOP completed.
exit=0"
}

@test "EOF while a refused non-sync literal is being discarded: exit 0" {
	setup_maildir
	printf 'a ID ("name" {4097+}\r\nxyz' >"$TESTDIR/in"
	IMAP_SHOW_EXIT=1 run imap_raw --preauth -m "$MD" <"$TESTDIR/in"
	expect "$(preauth_greeting)
exit=0"
}

# ---------------------------------------------------------------------------
# Writing

@test "stdout is a regular file" {
	printf 'a NOOP\r\n' >"$TESTDIR/in"
	rc=0
	timeout 30 "${ASU[@]}" "$MDIMAPD" <"$TESTDIR/in" >"$TESTDIR/out.file" \
	    2>/dev/null || rc=$?
	[ "$rc" -eq 0 ]
	run crlf_check <"$TESTDIR/out.file"
	expect "$GREETING
a OK NOOP completed."
}

@test "write error (stdout closed early): mdimapd exits, does not hang" {
	# Endless NOOPs; the reader takes 10 bytes and goes away.
	timeout 30 yes $'a NOOP\r' |
	    timeout 30 "${ASU[@]}" "$MDIMAPD" -d 2>"$TESTDIR/stderr" |
	    head -c 10 >"$TESTDIR/out"
	st=("${PIPESTATUS[@]}")
	echo "statuses: ${st[*]}"
	cat "$TESTDIR/stderr"
	# not killed by timeout (124), exit status 1 (mdimapd(8))
	[ "${st[1]}" -eq 1 ]
	grep -q 'reason=write error$' "$TESTDIR/stderr"
	[ "$(cat "$TESTDIR/out")" = "* OK [CAPA" ]
}

@test "a client that never reads: -o write_timeout=1 ends the session" {
	# 20000 pipelined CAPABILITY commands (1.4 MB of answers) into a
	# pipe that this shell holds open and never reads.
	for i in $(seq 1 20000); do printf 'c%d CAPABILITY\r\n' "$i"; done \
	    >"$TESTDIR/in"
	mkfifo "$TESTDIR/out.fifo"
	exec 8<>"$TESTDIR/out.fifo"
	start=$(date +%s)
	rc=0
	timeout 60 "${ASU[@]}" "$MDIMAPD" -d -o write_timeout=1 \
	    <"$TESTDIR/in" >"$TESTDIR/out.fifo" 2>"$TESTDIR/stderr" 8>&- ||
	    rc=$?
	end=$(date +%s)
	exec 8>&-
	echo "exit $rc after $((end - start)) s"
	cat "$TESTDIR/stderr"
	# ended by itself (not by timeout: 124), status 1 (mdimapd(8))
	[ "$rc" -eq 1 ]
	grep -q 'reason=write timeout$' "$TESTDIR/stderr"
	[ $((end - start)) -lt 50 ]
}
