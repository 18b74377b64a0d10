#!/usr/bin/env bats
# idle.bats: IDLE (RFC 2177): changes made by others reach an idling
# session at once (inotify), DONE and garbage end it, the idle limit ends
# the session, and an idling process sleeps.

load helpers

# Start a session on $MD reading from a FIFO; $SESS_PID is its pid.
start_session() {
	mkfifo "$TESTDIR/in"
	chmod 666 "$TESTDIR/in"
	as_user timeout 60 "$MDIMAPD" --preauth -m "$MD" "$@" \
	    <"$TESTDIR/in" >"$TESTDIR/idle.out" 2>"$TESTDIR/err" &
	SESS_PID=$!
	exec 7>"$TESTDIR/in"
}

send() {
	printf '%s\r\n' "$@" >&7
}

# wait_for LINE: until the output has LINE (at most 10 s).
wait_for() {
	local i
	for ((i = 0; i < 100; i++)); do
		tr -d '\r' <"$TESTDIR/idle.out" | grep -qxF -- "$1" && return 0
		sleep 0.1
	done
	echo "never got: $1"; tr -d '\r' <"$TESTDIR/idle.out"
	return 1
}

deliver() {
	printf 'Subject: %s\n\nhi\n' "$1" >"$MD/tmp/$1"
	[ "$(id -u)" = 0 ] && chown "$TEST_USER" "$MD/tmp/$1"
	mv "$MD/tmp/$1" "$MD/new/$1"
}

teardown() {
	exec 7>&- 2>/dev/null || :
	[ -n "${SESS_PID:-}" ] && kill "$SESS_PID" 2>/dev/null || :
	wait 2>/dev/null || :
	common_teardown
}

@test "IDLE: a message delivered into new/ is announced at once; DONE ends IDLE" {
	setup_maildir
	start_session
	send 'a SELECT INBOX' 'b IDLE'
	wait_for '+ idling'
	deliver 1800000000.M1P1Q1.host
	wait_for '* 1 EXISTS'
	wait_for '* 1 RECENT'
	send DONE 'c LOGOUT'
	wait_for 'c OK Logout completed.'
	tr -d '\r' <"$TESTDIR/idle.out" | grep -qx 'b OK Idle completed.'
}

@test "IDLE: another session's STORE and EXPUNGE are announced" {
	setup_maildir
	deliver 1800000000.M1P1Q1.host
	deliver 1800000001.M1P1Q2.host
	start_session
	send 'a SELECT INBOX' 'b IDLE'
	wait_for '+ idling'
	run imap_preauth <<'EOF'
x SELECT INBOX
y STORE 2 +FLAGS (\Flagged)
z STORE 1 +FLAGS (\Deleted)
w EXPUNGE
EOF
	wait_for '* 1 EXPUNGE'
	# The flag change comes before the expunge (message 2) or after it
	# (then message 1), as the two reach the idling session.
	for i in $(seq 50); do
		tr -d '\r' <"$TESTDIR/idle.out" | grep -qx \
		    -e '\* 2 FETCH (FLAGS (\\Flagged \\Recent))' \
		    -e '\* 1 FETCH (FLAGS (\\Flagged \\Recent))' && break
		sleep 0.1
	done
	tr -d '\r' <"$TESTDIR/idle.out" | grep -qx \
	    -e '\* 2 FETCH (FLAGS (\\Flagged \\Recent))' \
	    -e '\* 1 FETCH (FLAGS (\\Flagged \\Recent))'
	send DONE
	wait_for 'b OK Idle completed.'
}

@test "IDLE: anything but DONE is BAD and ends IDLE; IDLE takes no arguments" {
	setup_maildir
	start_session
	send 'a SELECT INBOX' 'b IDLE'
	wait_for '+ idling'
	send 'c NOOP'
	wait_for 'b BAD Expected DONE to end IDLE'
	send 'd IDLE now' 'e NOOP'
	wait_for 'd BAD IDLE takes no arguments'
	wait_for 'e OK NOOP completed.'
}

@test "IDLE: the idle limit ends the session; an idling process sleeps" {
	setup_maildir
	start_session -o idle=3
	send 'a SELECT INBOX' 'b IDLE'
	wait_for '+ idling'
	sleep 2
	# utime + stime of the server in clock ticks: almost nothing
	pid=$(pgrep -f -- "--preauth -m $MD -o idle=3" | tail -1)
	if [ -n "$pid" ] && [ -r "/proc/$pid/stat" ]; then
		ticks=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
		[ "$ticks" -lt 50 ]
	fi
	wait_for '* BYE Autologout; idle for too long'
}
