#!/usr/bin/env bats
# compress.bats: COMPRESS=DEFLATE (RFC 4978). tests/compress/client.py
# talks to the real binary through python3's zlib (raw deflate, wbits -15)
# and prints the inflated responses: the OK is sent plain, then every byte
# both ways is compressed; commands pipelined behind COMPRESS, big FETCHes
# and APPEND literals, IDLE, corrupt streams and decompression bombs; the
# answers when COMPRESS is refused.

load helpers
load store/lib

CLIENT=$BATS_TEST_DIRNAME/compress/client.py

# zsession [-r] [mdimapd args...]: client.py (script on stdin) on a
# --preauth session on $MD; mdimapd's stderr in $TESTDIR/stderr.
zsession() {
	local copt=()
	if [ "${1:-}" = -r ]; then
		copt=(-r)
		shift
	fi
	timeout 120 "$PYTHON3" "$CLIENT" -t 30 "${copt[@]}" -- $(user_prefix) \
	    "$MDIMAPD" --preauth -m "$MD" "$@" 2>"$TESTDIR/stderr" |
	    perl -pe 's/MAILBOXID \(F[0-9a-f]+\)/MAILBOXID (ID)/g'
}

# zclient COMMAND...: client.py on COMMAND; its stderr in $TESTDIR/stderr.
zclient() {
	timeout 120 "$PYTHON3" "$CLIENT" -t 30 -- "$@" 2>"$TESTDIR/stderr"
}

setup() {
	common_setup
	store_setup
}

# expect_big TEXT: as expect, for outputs of thousands of lines: on a
# difference, only the first lines of the diff are shown.
expect_big() {
	printf '%s\n' "$1" >"$TESTDIR/want"
	printf '%s\n' "$output" >"$TESTDIR/got"
	diff -u "$TESTDIR/want" "$TESTDIR/got" | head -40
	cmp -s "$TESTDIR/want" "$TESTDIR/got"
}

SELECT_EMPTY='* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted.
* 0 EXISTS
* 0 RECENT
* OK [UIDVALIDITY UV1] UIDs valid
* OK [UIDNEXT 1] Predicted next UID
* OK [MAILBOXID (ID)] Ok'

@test "COMPRESS DEFLATE: OK in plain, then both ways compressed; commands pipelined behind it in the same write are answered" {
	mkfolder Work
	# One write: the COMPRESS line, then compressed commands.
	run zsession <<'EOF'
a COMPRESS DEFLATE
!z
b NOOP
c LIST "" *
d SELECT INBOX
!wait d
e COMPRESS DEFLATE
f COMPRESS FOO
g CAPABILITY
h LOGOUT
EOF
	output=$(echo "$output" | norm)
	expect "$(preauth_greeting)
a OK DEFLATE active
b OK NOOP completed.
* LIST (\\HasNoChildren) \".\" INBOX
* LIST (\\HasNoChildren) \".\" Work
c OK List completed.
$SELECT_EMPTY
d OK [READ-WRITE] Select completed.
e NO [COMPRESSIONACTIVE] DEFLATE active via COMPRESS
f NO [COMPRESSIONACTIVE] DEFLATE active via COMPRESS
* CAPABILITY $CAPS_AUTH
g OK Capability completed.
* BYE Logging out
h OK Logout completed.
exit=0"
}

@test "COMPRESS DEFLATE alone in its write, the next commands in later writes; lower case" {
	run zsession <<'EOF'
a compress deflate
!z
!wait a
b NOOP
!wait b
c NOOP
EOF
	expect "$(preauth_greeting)
a OK DEFLATE active
b OK NOOP completed.
c OK NOOP completed.
exit=0"
}

@test "COMPRESS refused: wrong arguments BAD, unknown mechanism BAD (RFC 4978 3); compression stays off" {
	# Plain text all along: the answers after each refusal are readable.
	run imap_preauth <<'EOF'
a COMPRESS
b COMPRESS DEFLATE x
c COMPRESS "DEFLATE"
d COMPRESS (DEFLATE)
e COMPRESS FOO
f COMPRESS DEFLATE-X
g NOOP
EOF
	expect "$(preauth_greeting)
a BAD COMPRESS takes one mechanism: DEFLATE
b BAD COMPRESS takes one mechanism: DEFLATE
c BAD COMPRESS takes one mechanism: DEFLATE
d BAD COMPRESS takes one mechanism: DEFLATE
e BAD Unknown compression mechanism
f BAD Unknown compression mechanism
g OK NOOP completed."
}

@test "COMPRESS before login does not exist: BAD, not advertised, nothing compressed" {
	run imap <<'EOF'
a COMPRESS DEFLATE
b CAPABILITY
c NOOP
EOF
	expect "$GREETING
a BAD COMPRESS needs a login first
* CAPABILITY $CAPS_NOTAUTH
b OK Capability completed.
c OK NOOP completed."
}

# bigmsg FILE: about 300 KB of text; b64msg FILE: 150 KB of random bytes
# in base64 (hardly compressible), LF line ends.
bigmsg() {
	{
		printf 'Subject: big\n\n'
		for ((i = 0; i < 5000; i++)); do
			printf 'line %05d: the quick brown fox jumps over the lazy dog\n' "$i"
		done
	} >"$1"
}

b64msg() {
	{
		printf 'Subject: random\nContent-Transfer-Encoding: base64\n\n'
		head -c 150000 /dev/urandom | base64 -w 76
	} >"$1"
}

# The size IMAP gives a file with LF line ends (CRLF counted).
crlf_size() {
	echo $(($(wc -c <"$1") + $(wc -l <"$1")))
}

@test "FETCH of bodies bigger than io's buffers, compressed: every byte arrives, far fewer on the wire" {
	bigmsg "$TESTDIR/m1"
	b64msg "$TESTDIR/m2"
	cp "$TESTDIR/m1" "$MD/cur/1700000001.M1P1Q1.host:2,S"
	cp "$TESTDIR/m2" "$MD/cur/1700000002.M1P1Q1.host:2,S"
	fix_owner
	s1=$(crlf_size "$TESTDIR/m1")
	s2=$(crlf_size "$TESTDIR/m2")
	[ "$s1" -gt 300000 ] && [ "$s2" -gt 200000 ]
	run zsession -d <<'EOF'
a COMPRESS DEFLATE
!z
!wait a
b EXAMINE INBOX
!wait b
c FETCH 1:2 BODY.PEEK[]
d FETCH 1 BODY.PEEK[]
e LOGOUT
EOF
	# The EXAMINE lines, then the rest exactly.
	# (bats's $lines leaves out the empty lines: sed on $output)
	[ "$(printf '%s\n' "$output" | sed -n 10p)" = \
	    "b OK [READ-ONLY] Examine completed." ]
	output=$(printf '%s\n' "$output" | sed 1,10d)
	expect_big "* 1 FETCH (BODY[] {$s1}
$(cat "$TESTDIR/m1")
)
* 2 FETCH (BODY[] {$s2}
$(cat "$TESTDIR/m2")
)
c OK Fetch completed.
* 1 FETCH (BODY[] {$s1}
$(cat "$TESTDIR/m1")
)
d OK Fetch completed.
* BYE Logging out
e OK Logout completed.
exit=0"
	# What went out on the wire: the text compresses to a few per cent,
	# the random base64 to three quarters or so.
	out=$(sed -n 's/.*session end: .* out=\([0-9]*\) .*/\1/p' "$TESTDIR/stderr")
	echo "wire out: $out bytes for $((2 * s1 + s2)) of messages"
	[ -n "$out" ] && [ "$out" -lt $((s2 + s1 / 5)) ]
}

@test "APPEND with a synchronizing literal after COMPRESS: stored exactly, FETCHed back" {
	bigmsg "$TESTDIR/m1"
	sed 's/$/\r/' "$TESTDIR/m1" >"$TESTDIR/m1.crlf"
	size=$(wc -c <"$TESTDIR/m1.crlf")
	run zsession <<EOF
a COMPRESS DEFLATE
!z
!wait a
b APPEND INBOX (\\Seen) {$size}
!line + Ready for literal data
!file $TESTDIR/m1.crlf

!wait b
c APPEND INBOX {10+}
!part Subject:


d SELECT INBOX
!wait d
e FETCH 1 BODY.PEEK[]
f LOGOUT
EOF
	output=$(echo "$output" | norm)
	expect_big "$(preauth_greeting)
a OK DEFLATE active
+ Ready for literal data
b OK [APPENDUID UV1 1] Append completed.
c OK [APPENDUID UV1 2] Append completed.
* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.
* 2 EXISTS
* 0 RECENT
* OK [UNSEEN 2] First unseen.
* OK [UIDVALIDITY UV1] UIDs valid
* OK [UIDNEXT 3] Predicted next UID
* OK [MAILBOXID (ID)] Ok
d OK [READ-WRITE] Select completed.
* 1 FETCH (BODY[] {$size}
$(cat "$TESTDIR/m1")
)
e OK Fetch completed.
* BYE Logging out
f OK Logout completed.
exit=0"
	# On disk with the CRLFs made LF, as delivered mail is.
	f=$(ls "$MD"/cur/*:2,S)
	cmp "$f" "$TESTDIR/m1"
}

@test "IDLE while compressed: another process's delivery is announced at once; an empty deflate block does not end the wait" {
	run zsession <<EOF
a COMPRESS DEFLATE
!z
!wait a
b SELECT INBOX
c IDLE
!line + idling
# A sync flush with nothing in it: no input for IDLE.
!raw 000000ffff
!send
!sh sleep 0.3; printf 'Subject: new\n\nhi\n' >"$MD/tmp/m"; [ "\$(id -u)" != 0 ] || chown $TEST_USER "$MD/tmp/m"; mv "$MD/tmp/m" "$MD/new/1800000000.M1P1Q1.host"
!line * 1 EXISTS
DONE
!wait c
d FETCH 1 BODY.PEEK[HEADER]
e LOGOUT
EOF
	output=$(echo "$output" | norm)
	expect "$(preauth_greeting)
a OK DEFLATE active
$SELECT_EMPTY
b OK [READ-WRITE] Select completed.
+ idling
* 1 EXISTS
* 1 RECENT
c OK Idle completed.
* 1 FETCH (BODY[HEADER] {16}
Subject: new

)
d OK Fetch completed.
* BYE Logging out
e OK Logout completed.
exit=0"
}

@test "a corrupt compressed stream ends the session: BYE, a log line, exit 1, no hang" {
	# Block type 3 does not exist: after COMPRESS's OK...
	run zsession -d <<'EOF'
a COMPRESS DEFLATE
!z
!wait a
b NOOP
!wait b
!raw ffffffff
EOF
	expect "$(preauth_greeting)
a OK DEFLATE active
b OK NOOP completed.
* BYE Invalid compressed data
exit=1"
	grep -q 'compressed input: invalid block type$' "$TESTDIR/stderr"
	grep -q 'session end: .* reason=compression error$' "$TESTDIR/stderr"

	# ...and in the same write as COMPRESS, with the client still
	# connected (no EOF to end the session otherwise).
	run zsession -d <<'EOF'
a COMPRESS DEFLATE
!z
!raw ffffffff
!line * BYE Invalid compressed data
EOF
	expect "$(preauth_greeting)
a OK DEFLATE active
* BYE Invalid compressed data
exit=1"
	grep -q 'reason=compression error$' "$TESTDIR/stderr"
}

@test "a decompression bomb: 1 MiB of zeros on a line is BAD [TOOBIG], 100 MB ends with BYE [TOOBIG]; memory stays bounded" {
	# What a short compressed session costs, to compare with.
	run zsession -r <<'EOF'
a COMPRESS DEFLATE
!z
b NOOP
EOF
	base=${lines[${#lines[@]} - 1]#maxrss_kb=}
	[ "$base" -gt 0 ]

	# Within the discard limit (64 KiB + 1 MiB): thrown away, answered,
	# the session goes on.
	run zsession -r <<'EOF'
a COMPRESS DEFLATE
!z
!part b NOOP 
!fill 1048576 0

c NOOP
EOF
	rss=${lines[${#lines[@]} - 1]#maxrss_kb=}
	unset 'lines[${#lines[@]}-1]'
	output=$(printf '%s\n' "${lines[@]}")
	expect "$(preauth_greeting)
a OK DEFLATE active
b BAD [TOOBIG] Command line too long
c OK NOOP completed.
exit=0"

	# 100 MB of zeros are some 100 KB compressed: one read inflated at
	# once would take 64 MB.
	run zsession -r <<'EOF'
a COMPRESS DEFLATE
!z
!part b NOOP 
!fill 100000000 0

c NOOP
EOF
	rss2=${lines[${#lines[@]} - 1]#maxrss_kb=}
	unset 'lines[${#lines[@]}-1]'
	output=$(printf '%s\n' "${lines[@]}")
	expect "$(preauth_greeting)
a OK DEFLATE active
* BYE [TOOBIG] Command line too long
exit=1"
	echo "max RSS: $rss KiB, $rss2 KiB; short session: $base KiB"
	[ "$rss" -lt $((base + 2048)) ] && [ "$rss2" -lt $((base + 2048)) ]
}

@test "limits apply to inflated input: a 65536-byte line is taken, 65537 is BAD [TOOBIG]; the idle limit still ends the session" {
	n=$(( (65536 - 9 - 2 + 1) / 100 ))
	atoms=$(for ((i = 0; i < n; i++)); do rep X 99; echo; done | paste -sd ' ')
	pad=$(rep Y $((65536 - 9 - 2 - ${#atoms} - 1)))
	line="b ENABLE $atoms $pad"
	[ $((${#line} + 2)) -eq 65536 ]
	run zsession <<EOF
a COMPRESS DEFLATE
!z
$line
${line}Z
c NOOP
EOF
	expect "$(preauth_greeting)
a OK DEFLATE active
* ENABLED
b OK ENABLE completed.
b BAD [TOOBIG] Command line too long
c OK NOOP completed.
exit=0"

	run zsession -o idle=2 <<'EOF'
a COMPRESS DEFLATE
!z
!wait a
!line * BYE Autologout; idle for too long
EOF
	expect "$(preauth_greeting)
a OK DEFLATE active
* BYE Autologout; idle for too long
exit=0"
}

@test "COMPRESS pipelined right behind LOGIN through the root monitor: the compressed rest the pre-login process read is re-fed and inflated" {
	[ "$(id -u)" = 0 ] || skip "needs root: the monitor forks and becomes the user"
	load login/lib
	test_config "throttle_dir = $TESTDIR/throttle"
	add_user alice 5001 secret
	run zclient "$MDIMAPD" <<'EOF2'
a LOGIN alice secret
b COMPRESS DEFLATE
!z
c NOOP
d STATUS INBOX (MESSAGES)
e LOGOUT
EOF2
	expect "$GREETING_PLAIN
a $LOGGED_IN
b OK DEFLATE active
c OK NOOP completed.
* STATUS INBOX (MESSAGES 0)
d OK Status completed.
* BYE Logging out
e OK Logout completed.
exit=0"
}
