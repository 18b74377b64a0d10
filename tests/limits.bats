#!/usr/bin/env bats
# limits.bats: every limit of src/lib/mdlimits.h that a session can reach,
# each tested at the limit and one past it; idle timeouts; bounded memory.
# See mdimapd(8), LIMITS.

load helpers

teardown() {
	sess_close
	common_teardown
}

# An interactive session: mdimapd reads the FIFO $TESTDIR/in, which this
# shell holds open on fd 7 (so mdimapd sees no EOF until sess_close), and
# writes $TESTDIR/out; its exit status lands in $TESTDIR/rc. Bounded by
# timeout: nothing outlives the test.
sess_start() {
	mkfifo "$TESTDIR/in"
	: >"$TESTDIR/out"
	exec 7<>"$TESTDIR/in"
	(
		timeout 60 "${ASU[@]}" "$MDIMAPD" "$@" <"$TESTDIR/in" \
		    >"$TESTDIR/out" 2>"$TESTDIR/stderr"
		echo $? >"$TESTDIR/rc"
	) 3>&- 7>&- &
	SESS_PID=$!
}

sess_send() {
	printf '%s' "$1" >&7
}

# sess_wait_line LINE SECS: wait until LINE (CR removed) was written.
sess_wait_line() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		tr -d '\r' <"$TESTDIR/out" | grep -qxF -- "$1" && return 0
		sleep 0.1
	done
	echo "no line '$1' within $2 s"
	return 1
}

# sess_wait_exit SECS: wait until mdimapd has ended (stdin still open).
sess_wait_exit() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		[ -s "$TESTDIR/rc" ] && return 0
		sleep 0.1
	done
	echo "mdimapd still running after $1 s"
	return 1
}

# sess_close: EOF to mdimapd and wait for it (bounded by its timeout).
sess_close() {
	exec 7>&-
	if [ -n "${SESS_PID:-}" ]; then
		wait "$SESS_PID" 2>/dev/null || :
		SESS_PID=
	fi
}

# sess_output: what mdimapd wrote, CR stripped, lines without CR flagged.
sess_output() {
	crlf_check <"$TESTDIR/out"
}

# ---------------------------------------------------------------------------
# Command line length (literal data excluded)

@test "line before login: 8192 bytes (CRLF included) is accepted" {
	# "a LOGIN u " + quoted password + CRLF = 8192 bytes
	pass=$(rep p $((8192 - 10 - 2 - 2)))
	line="a LOGIN u \"$pass\""
	[ $((${#line} + 2)) -eq 8192 ]
	run imap <<EOF
$line
b NOOP
EOF
	expect "$GREETING
a $LOGIN_NO
b OK NOOP completed."
}

@test "line before login: 8193 bytes is BAD [TOOBIG], the next command answered" {
	pass=$(rep p $((8193 - 10 - 2 - 2)))
	run imap <<EOF
a LOGIN u "$pass"
b NOOP
EOF
	expect "$GREETING
a BAD [TOOBIG] Command line too long
b OK NOOP completed."
}

@test "line before login: literal data does not count (9 KiB command is fine)" {
	# 1024 bytes of literal + a line of 8192 bytes without it.
	{
		printf 'a LOGIN {1024}\r\n'
		rep u 1024
		pass=$(rep p $((8192 - 16 - 1 - 2 - 2)))
		printf ' "%s"\r\n' "$pass"
		printf 'b NOOP\r\n'
	} >"$TESTDIR/in"
	run imap_raw <"$TESTDIR/in"
	expect "$GREETING
+ Ready for literal data
a $LOGIN_NO
b OK NOOP completed."
}

@test "line before login: the text around a literal still counts (8193 is BAD)" {
	{
		printf 'a LOGIN {1024}\r\n'
		rep u 1024
		pass=$(rep p $((8193 - 16 - 1 - 2 - 2)))
		printf ' "%s"\r\n' "$pass"
		printf 'b NOOP\r\n'
	} >"$TESTDIR/in"
	run imap_raw <"$TESTDIR/in"
	expect "$GREETING
+ Ready for literal data
a BAD [TOOBIG] Command line too long
b OK NOOP completed."
}

@test "line after login: 65536 bytes is accepted" {
	setup_maildir
	# "a ENABLE " + atoms of 99 bytes separated by spaces + CRLF
	n=$(( (65536 - 9 - 2 + 1) / 100 ))
	atoms=$(for ((i = 0; i < n; i++)); do rep X 99; echo; done | paste -sd ' ')
	pad=$(rep Y $((65536 - 9 - 2 - ${#atoms} - 1)))
	line="a ENABLE $atoms $pad"
	[ $((${#line} + 2)) -eq 65536 ]
	printf '%s\r\nb NOOP\r\n' "$line" >"$TESTDIR/in"
	run imap_raw --preauth -m "$MD" <"$TESTDIR/in"
	expect "$(preauth_greeting)
* ENABLED
a OK ENABLE completed.
b OK NOOP completed."
}

@test "line after login: 65537 bytes is BAD [TOOBIG], the next command answered" {
	setup_maildir
	line="a ENABLE $(rep X $((65537 - 9 - 2)))"
	[ $((${#line} + 2)) -eq 65537 ]
	printf '%s\r\nb NOOP\r\n' "$line" >"$TESTDIR/in"
	run imap_raw --preauth -m "$MD" <"$TESTDIR/in"
	expect "$(preauth_greeting)
a BAD [TOOBIG] Command line too long
b OK NOOP completed."
}

@test "line too long inside the command name: still a tagged BAD" {
	printf 'a %s\r\nb NOOP\r\n' "$(rep X 9000)" >"$TESTDIR/in"
	run imap_raw <"$TESTDIR/in"
	expect "$GREETING
a BAD [TOOBIG] Command line too long
b OK NOOP completed."
}

@test "line after login: a 100 KiB command made mostly of literals is parsed" {
	setup_maildir
	{
		printf 'a ID ("name" {40000}\r\n'
		rep v 40000
		printf ' "x" {40000}\r\n'
		rep w 40000
		# and 20 KiB of text: 100 KiB in all, 20 KiB without literals
		printf ' "%s" "y")\r\n' "$(rep z 20000)"
		printf 'b NOOP\r\n'
	} >"$TESTDIR/in"
	run imap_raw --preauth -m "$MD" <"$TESTDIR/in"
	# The literals reach ID, which refuses values over 1024 octets.
	expect "$(preauth_greeting)
+ Ready for literal data
+ Ready for literal data
a BAD [LIMIT] ID field or value too long
b OK NOOP completed."
}

# ---------------------------------------------------------------------------
# Literals before login

@test "literal before login: LOGIN may send 1024 octets" {
	{
		printf 'a LOGIN {1024}\r\n'
		rep u 1024
		printf ' {1024}\r\n'
		rep p 1024
		printf '\r\nb NOOP\r\n'
	} >"$TESTDIR/in"
	run imap_raw <"$TESTDIR/in"
	expect "$GREETING
+ Ready for literal data
+ Ready for literal data
a $LOGIN_NO
b OK NOOP completed."
}

@test "literal before login: 1025 octets is BAD [TOOBIG] with no '+'" {
	# The client waits for "+", gets BAD, and does not send the data.
	run imap <<'EOF'
a LOGIN {1025}
b NOOP
c LOGIN user {1025}
d NOOP
EOF
	expect "$GREETING
a BAD [TOOBIG] Literal too big before login
b OK NOOP completed.
c BAD [TOOBIG] Literal too big before login
d OK NOOP completed."
}

@test "literal before login: a refused {n} is answered at once, without more input" {
	# A real client sends "a LOGIN {1025}" and waits for "+" or a
	# tagged answer (RFC 9051 7.6); mdimapd(8): "the server answers BAD
	# at once and sends no +".
	sess_start
	sess_send $'a LOGIN {1025}\r\n'
	sess_wait_line "a BAD [TOOBIG] Literal too big before login" 10
	sess_send $'b LOGOUT\r\n'
	sess_wait_exit 20
	run sess_output
	expect "$GREETING
a BAD [TOOBIG] Literal too big before login
* BYE Logging out
b OK Logout completed."
}

@test "literal after login: a refused {n} is answered at once, without more input" {
	setup_maildir
	sess_start --preauth -m "$MD"
	sess_send $'a ID ("name" {65537}\r\n'
	sess_wait_line "a BAD [TOOBIG] Literal too big" 10
	sess_send $'b LOGOUT\r\n'
	sess_wait_exit 20
	run sess_output
	expect "$(preauth_greeting)
a BAD [TOOBIG] Literal too big
* BYE Logging out
b OK Logout completed."
}

@test "literal before login: only LOGIN may send one" {
	run imap <<'EOF'
a ID ("name" {4}
b NOOP
c AUTHENTICATE PLAIN {4}
d NOOP
EOF
	expect "$GREETING
a BAD Literals are not allowed before login
b OK NOOP completed.
c BAD Literals are not allowed before login
d OK NOOP completed."
}

@test "literal before login: a refused {1025+} has its data discarded" {
	{
		printf 'a LOGIN {1025+}\r\n'
		printf 'x LOGOUT\r\n'
		rep u $((1025 - 10))
		printf ' pass\r\nb NOOP\r\n'
	} >"$TESTDIR/in"
	run imap_raw <"$TESTDIR/in"
	expect "$GREETING
a BAD [TOOBIG] Literal too big before login
b OK NOOP completed."
}

# ---------------------------------------------------------------------------
# Non-synchronizing literals (LITERAL-: 4096)

@test "non-synchronizing literal: 4096 octets is accepted" {
	setup_maildir
	{
		printf 'a ID ("name" {4096+}\r\n'
		rep v 4096
		printf ')\r\nb ID ("name" {1024+}\r\n'
		rep v 1024
		printf ')\r\nc NOOP\r\n'
	} >"$TESTDIR/in"
	version=$("$MDIMAPD" -V | sed 's/^mdimapd //')
	run imap_raw --preauth -m "$MD" <"$TESTDIR/in"
	# The literal reaches ID, which refuses values over 1024 octets.
	expect "$(preauth_greeting)
a BAD [LIMIT] ID field or value too long
* ID (\"name\" \"mdimapd\" \"version\" \"$version\")
b OK ID completed.
c OK NOOP completed."
}

@test "non-synchronizing literal: 4097 octets is BAD [TOOBIG], data discarded" {
	setup_maildir
	{
		printf 'a ID ("name" {4097+}\r\n'
		printf 'x LOGOUT\r\n'
		rep v $((4097 - 10))
		printf ')\r\nb NOOP\r\n'
	} >"$TESTDIR/in"
	run imap_raw --preauth -m "$MD" <"$TESTDIR/in"
	expect "$(preauth_greeting)
a BAD [TOOBIG] Non-synchronizing literal too big (LITERAL-: 4096)
b OK NOOP completed."
}

@test "discard limit: a refused non-sync literal of 1 MiB - 2 (+CRLF) is discarded" {
	setup_maildir
	n=$((1048576 - 2))
	{
		printf 'a ID ("name" {%d+}\r\n' "$n"
		rep v "$n"
		printf '\r\nb NOOP\r\n'
	} >"$TESTDIR/in"
	IMAP_SHOW_EXIT=1 run imap_raw --preauth -m "$MD" <"$TESTDIR/in"
	expect "$(preauth_greeting)
a BAD [TOOBIG] Non-synchronizing literal too big (LITERAL-: 4096)
b OK NOOP completed.
exit=0"
}

@test "discard limit: a non-sync literal beyond 1 MiB gets BYE [TOOBIG], exit 1" {
	setup_maildir
	n=$((1048576 + 1))
	{
		printf 'a ID ("name" {%d+}\r\n' "$n"
		rep v "$n"
		printf '\r\nb NOOP\r\n'
	} >"$TESTDIR/in"
	IMAP_SHOW_EXIT=1 run imap_raw --preauth -m "$MD" <"$TESTDIR/in"
	expect "$(preauth_greeting)
* BYE [TOOBIG] Non-synchronizing literal too big (LITERAL-: 4096)
exit=1"
}

@test "discard limit: an over-long line of 8 KiB + 1 MiB is discarded" {
	# 8192 bytes of line, then 1 MiB (the LF included) skipped.
	{
		printf 'a NOOP '
		rep X $((8192 + 1048576 - 7 - 2))
		printf '\r\nb NOOP\r\n'
	} >"$TESTDIR/in"
	IMAP_SHOW_EXIT=1 run imap_raw <"$TESTDIR/in"
	expect "$GREETING
a BAD [TOOBIG] Command line too long
b OK NOOP completed.
exit=0"
}

@test "discard limit: an over-long line one byte longer gets BYE [TOOBIG], exit 1" {
	{
		printf 'a NOOP '
		rep X $((8192 + 1048576 - 7 - 2 + 1))
		printf '\r\nb NOOP\r\n'
	} >"$TESTDIR/in"
	IMAP_SHOW_EXIT=1 run imap_raw <"$TESTDIR/in"
	expect "$GREETING
* BYE [TOOBIG] Command line too long
exit=1"
}

# ---------------------------------------------------------------------------
# Literal sizes

@test "literal size {4294967296}: BAD [TOOBIG] without '+', before and after login" {
	run imap <<'EOF'
a LOGIN {4294967296}
b NOOP
EOF
	expect "$GREETING
a BAD [TOOBIG] Literal too big before login
b OK NOOP completed."

	setup_maildir
	run imap_preauth <<'EOF'
a ID ("name" {4294967296}
b NOOP
EOF
	expect "$(preauth_greeting)
a BAD [TOOBIG] Literal too big
b OK NOOP completed."
}

@test "literal size {99999999999999999999}: BAD [TOOBIG] without '+'" {
	run imap <<'EOF'
a LOGIN {99999999999999999999}
b NOOP
EOF
	expect "$GREETING
a BAD [TOOBIG] Literal too big before login
b OK NOOP completed."

	setup_maildir
	run imap_preauth <<'EOF'
a ID ("name" {99999999999999999999}
b NOOP
c ID ("name" {18446744073709551615}
d NOOP
EOF
	expect "$(preauth_greeting)
a BAD [TOOBIG] Literal too big
b OK NOOP completed.
c BAD [TOOBIG] Literal too big
d OK NOOP completed."
}

@test "non-sync literal sizes {4294967296+} and {99999999999999999999+}: BYE [TOOBIG]" {
	# Their data cannot be skipped within the discard limit.
	setup_maildir
	IMAP_SHOW_EXIT=1 run imap_preauth <<'EOF'
a ID ("name" {4294967296+}
b NOOP
EOF
	expect "$(preauth_greeting)
* BYE [TOOBIG] Non-synchronizing literal too big (LITERAL-: 4096)
exit=1"

	IMAP_SHOW_EXIT=1 run imap_preauth <<'EOF'
a ID ("name" {99999999999999999999+}
b NOOP
EOF
	expect "$(preauth_greeting)
* BYE [TOOBIG] Non-synchronizing literal too big (LITERAL-: 4096)
exit=1"
}

@test "literal size with more than 20 digits: refused, its data not run as commands" {
	# number64 = 1*DIGIT: leading zeros are legal, this is a 10-octet
	# literal. Accepting it or refusing it are both fine; executing its
	# data is not.
	setup_maildir
	printf 'a ID ("name" {000000000000000000010+}\r\nx LOGOUT\r\n)\r\nb NOOP\r\n' \
	    >"$TESTDIR/in"
	run imap_raw --preauth -m "$MD" <"$TESTDIR/in"
	echo "$output"
	[[ "$output" != *"Logging out"* ]]
	[ "${lines[-1]}" = "b OK NOOP completed." ]
}

@test "one literal: 65536 octets is accepted after login" {
	setup_maildir
	{
		printf 'a ID ("name" {65536}\r\n'
		rep v 65536
		printf ')\r\nb NOOP\r\n'
	} >"$TESTDIR/in"
	run imap_raw --preauth -m "$MD" <"$TESTDIR/in"
	expect "$(preauth_greeting)
+ Ready for literal data
a BAD [LIMIT] ID field or value too long
b OK NOOP completed."
}

@test "one literal: 65537 octets is BAD [TOOBIG] with no '+'" {
	setup_maildir
	run imap_preauth <<'EOF'
a ID ("name" {65537}
b NOOP
EOF
	expect "$(preauth_greeting)
a BAD [TOOBIG] Literal too big
b OK NOOP completed."
}

@test "literals of a command: 15 x 64 KiB + 60000 octets are accepted" {
	setup_maildir
	{
		printf 'a ID ('
		for i in $(seq 1 15); do
			printf '{65536}\r\n'
			rep v 65536
			printf ' '
		done
		printf '{60000}\r\n'
		rep w 60000
		printf ')\r\nb NOOP\r\n'
	} >"$TESTDIR/in"
	run imap_raw --preauth -m "$MD" <"$TESTDIR/in"
	expect "$(preauth_greeting)
$(for i in $(seq 1 16); do echo "+ Ready for literal data"; done)
a BAD [LIMIT] ID field or value too long
b OK NOOP completed."
}

@test "literals of a command: the 16th literal of 64 KiB is BAD [TOOBIG] (1 MiB)" {
	setup_maildir
	{
		printf 'a ID ('
		for i in $(seq 1 15); do
			printf '{65536}\r\n'
			rep v 65536
			printf ' '
		done
		printf '{65536}\r\n'
		printf 'b NOOP\r\n'
	} >"$TESTDIR/in"
	run imap_raw --preauth -m "$MD" <"$TESTDIR/in"
	expect "$(preauth_greeting)
$(for i in $(seq 1 15); do echo "+ Ready for literal data"; done)
a BAD [TOOBIG] Literal too big
b OK NOOP completed."
}

# ---------------------------------------------------------------------------
# Counts: nesting, arguments, tag

@test "list nesting: 32 levels are parsed" {
	setup_maildir
	printf 'a ID %s%s\r\nb NOOP\r\n' "$(rep '(' 32)" "$(rep ')' 32)" \
	    >"$TESTDIR/in"
	run imap_raw --preauth -m "$MD" <"$TESTDIR/in"
	# ID gets a list holding one list: not field-value pairs.
	expect "$(preauth_greeting)
a BAD ID needs NIL or a list of field-value pairs
b OK NOOP completed."
}

@test "list nesting: 33 levels are BAD [LIMIT]" {
	setup_maildir
	printf 'a ID %s%s\r\nb NOOP\r\n' "$(rep '(' 33)" "$(rep ')' 33)" \
	    >"$TESTDIR/in"
	run imap_raw --preauth -m "$MD" <"$TESTDIR/in"
	expect "$(preauth_greeting)
a BAD [LIMIT] Lists nested too deep
b OK NOOP completed."
}

@test "arguments: 10000 in one command are accepted" {
	setup_maildir
	printf 'a ENABLE%s\r\nb NOOP\r\n' "$(rep ' ' 10000 | sed 's/ / X/g')" \
	    >"$TESTDIR/in"
	run imap_raw --preauth -m "$MD" <"$TESTDIR/in"
	expect "$(preauth_greeting)
* ENABLED
a OK ENABLE completed.
b OK NOOP completed."
}

@test "arguments: 10001 are BAD [LIMIT]" {
	setup_maildir
	printf 'a ENABLE%s\r\nb NOOP\r\n' "$(rep ' ' 10001 | sed 's/ / X/g')" \
	    >"$TESTDIR/in"
	run imap_raw --preauth -m "$MD" <"$TESTDIR/in"
	expect "$(preauth_greeting)
a BAD [LIMIT] Too many arguments
b OK NOOP completed."
}

@test "tag: 128 bytes is accepted, 129 is BAD [TOOBIG]" {
	t128=$(rep T 128)
	t129=$(rep U 129)
	run imap <<EOF
$t128 NOOP
$t129 NOOP
b NOOP
EOF
	expect "$GREETING
$t128 OK NOOP completed.
* BAD [TOOBIG] Tag too long
b OK NOOP completed."
}

# ---------------------------------------------------------------------------
# Idle timeouts

@test "idle before login (-o idle_prelogin=1): BYE Autologout, exit 0" {
	sess_start -o idle_prelogin=1
	sess_send $'a NOOP\r\n'
	# stdin stays open: only the timeout can end the session.
	sess_wait_exit 30
	run cat "$TESTDIR/rc"
	[ "$output" = 0 ]
	run sess_output
	expect "$GREETING
a OK NOOP completed.
* BYE Autologout; idle for too long"
}

@test "idle after login (-o idle=1): BYE Autologout, exit 0" {
	setup_maildir
	sess_start --preauth -m "$MD" -o idle=1
	sess_send $'a NOOP\r\n'
	sess_wait_exit 30
	run cat "$TESTDIR/rc"
	[ "$output" = 0 ]
	run sess_output
	expect "$(preauth_greeting)
a OK NOOP completed.
* BYE Autologout; idle for too long"
}

@test "idle: the pre-login limit does not apply after login" {
	setup_maildir
	sess_start --preauth -m "$MD" -o idle_prelogin=1
	sleep 3
	sess_send $'a NOOP\r\nb LOGOUT\r\n'
	sess_wait_exit 30
	run cat "$TESTDIR/rc"
	[ "$output" = 0 ]
	run sess_output
	expect "$(preauth_greeting)
a OK NOOP completed.
* BYE Logging out
b OK Logout completed."
}

@test "idle before login: a client trickling bytes of one command is timed out" {
	# One byte every 0.5 s for 12 s, never a whole command: with
	# idle_prelogin=1 the session should end while the bytes still come.
	sess_start -o idle_prelogin=1
	sess_send 'a NOOP '
	for ((i = 0; i < 24; i++)); do
		[ -s "$TESTDIR/rc" ] && break
		sess_send x
		sleep 0.5
	done
	[ -s "$TESTDIR/rc" ]
	run sess_output
	expect "$GREETING
* BYE Autologout; idle for too long"
}

# ---------------------------------------------------------------------------
# Memory

# max_rss_kb FILE: the maximum RSS that GNU time -f %M wrote, in KiB.
max_rss_kb() {
	tail -n 1 "$1"
}

@test "memory: 50 MB of garbage without a newline gets BYE, RSS stays small" {
	gen() { head -c 50000000 /dev/zero | tr '\0' x; }
	rc=0
	if [ -x /usr/bin/time ]; then
		gen | timeout 60 /usr/bin/time -f %M -o "$TESTDIR/rss" \
		    "${ASU[@]}" "$MDIMAPD" >"$TESTDIR/out" 2>/dev/null || rc=$?
	else
		gen | timeout 60 "${ASU[@]}" "$MDIMAPD" >"$TESTDIR/out" \
		    2>/dev/null || rc=$?
	fi
	[ "$rc" -eq 1 ]
	run crlf_check <"$TESTDIR/out"
	expect "$GREETING
* BYE [TOOBIG] Tag too long"
	if [ -x /usr/bin/time ]; then
		rss=$(max_rss_kb "$TESTDIR/rss")
		echo "max RSS ${rss} KiB"
		[ "$rss" -lt 32768 ]
	fi
}

@test "memory: 50 over-long lines of 1 MB after login, RSS stays small" {
	setup_maildir
	{
		x=$(rep x 1000000)
		for i in $(seq 1 50); do
			printf 't%d NOOP %s\r\n' "$i" "$x"
		done
		printf 'z LOGOUT\r\n'
	} >"$TESTDIR/in"
	rc=0
	if [ -x /usr/bin/time ]; then
		timeout 60 /usr/bin/time -f %M -o "$TESTDIR/rss" \
		    "${ASU[@]}" "$MDIMAPD" --preauth -m "$MD" \
		    <"$TESTDIR/in" >"$TESTDIR/out" 2>/dev/null || rc=$?
	else
		timeout 60 "${ASU[@]}" "$MDIMAPD" --preauth -m "$MD" \
		    <"$TESTDIR/in" >"$TESTDIR/out" 2>/dev/null || rc=$?
	fi
	[ "$rc" -eq 0 ]
	run crlf_check <"$TESTDIR/out"
	expect "$(preauth_greeting)
$(for i in $(seq 1 50); do echo "t$i BAD [TOOBIG] Command line too long"; done)
* BYE Logging out
z OK Logout completed."
	if [ -x /usr/bin/time ]; then
		rss=$(max_rss_kb "$TESTDIR/rss")
		echo "max RSS ${rss} KiB"
		[ "$rss" -lt 32768 ]
	fi
}
