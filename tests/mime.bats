#!/usr/bin/env bats
# mime.bats: FETCH ENVELOPE, BODY, BODYSTRUCTURE and part sections on the
# golden corpus tests/mime/corpus (answers in tests/mime/expected, produced
# by tests/mime/fetchall.py), Dovecot's answers on the same corpus (they
# must agree except where tests/mime/DIFFERENCES.md says why not: those
# answers of Dovecot's are in tests/mime/dovecot), \Seen set by BODY[n],
# partial windows across the LF -> CRLF conversion, the MIME limits, a
# huge header, the FETCH macros ALL and FULL, and imaplib walking parts.

load helpers
load store/lib

MIME_DIR=$BATS_TEST_DIRNAME/mime

# corpus_maildir: $MD holding the corpus, message k = the k-th .eml.
corpus_maildir() {
	local f k=0 dst
	store_setup
	for f in "$MIME_DIR"/corpus/*.eml; do
		k=$((k + 1))
		dst=$MD/cur/$((1700000000 + k)).M${k}P1.host:2,
		cp "$f" "$dst"
		touch -d '2024-01-01 10:00 UTC' "$dst"
	done
	fix_owner
}

# fetch_corpus OUTDIR [--norm]: fetchall.py through mdimapd.
fetch_corpus() {
	timeout 120 "$PYTHON3" "$MIME_DIR/fetchall.py" ${2:-} \
	    "$MIME_DIR/corpus" "$1" -- \
	    $(user_prefix) "$MDIMAPD" --preauth -m "$MD"
}

# golden FIRST LAST: messages FIRST..LAST (their number prefixes) answer
# exactly as expected/ says; a diff for each that does not.
golden() {
	local f n fail=0
	corpus_maildir
	fetch_corpus "$TESTDIR/got"
	for f in "$MIME_DIR"/expected/*.txt; do
		n=$(basename "$f")
		n=${n%%-*}
		[ "$((10#$n))" -ge "$1" ] && [ "$((10#$n))" -le "$2" ] ||
		    continue
		diff -u "$f" "$TESTDIR/got/$(basename "$f")" || fail=1
	done
	[ "$fail" = 0 ]
}

@test "golden corpus 01-19: shapes, line ends, boundaries" {
	golden 1 19
}

@test "golden corpus 20-22, 30-32, 35, 41: parameters, RFC 2231, comments, fields" {
	golden 20 22
	golden 30 32
	golden 35 35
	golden 41 41
}

@test "golden corpus 23-29, 34, 42: addresses, 8-bit and encoded words, odd headers" {
	golden 23 29
	golden 34 34
	golden 42 42
}

@test "golden corpus 33, 36-40, 43: enclosed messages, case, no MIME-Version" {
	golden 33 33
	golden 36 40
	golden 43 43
}

@test "every corpus message has an expected answer, and no answer is missing" {
	local f n
	for f in "$MIME_DIR"/corpus/*.eml; do
		n=$(basename "$f" .eml)
		[ -f "$MIME_DIR/expected/$n.txt" ]
		! grep -qx 'MISSING' "$MIME_DIR/expected/$n.txt"
	done
	[ "$(ls "$MIME_DIR"/corpus/*.eml | wc -l)" -ge 40 ]
}

@test "Dovecot agrees on the corpus except for the recorded differences" {
	have_dovecot || skip "Dovecot's imap is not installed ($DOVECOT_IMAP)"
	local f n fail=0
	corpus_maildir
	fetch_corpus "$TESTDIR/ours" --norm
	rm -rf "$TESTDIR/dc"
	cp -a "$MD" "$TESTDIR/dc"
	MD=$TESTDIR/dc dovecot_setup
	timeout 120 "$PYTHON3" "$MIME_DIR/fetchall.py" --norm \
	    "$MIME_DIR/corpus" "$TESTDIR/theirs" -- $(dovecot_argv)
	for f in "$TESTDIR"/ours/*.txt; do
		n=$(basename "$f")
		if [ -f "$MIME_DIR/dovecot/$n" ]; then
			# a recorded difference: Dovecot still answers so,
			# and we still differ
			diff -u "$MIME_DIR/dovecot/$n" "$TESTDIR/theirs/$n" ||
			    fail=1
			! cmp -s "$f" "$TESTDIR/theirs/$n" || {
				echo "$n: now the same as Dovecot:" \
				    "remove tests/mime/dovecot/$n"
				fail=1
			}
		else
			diff -u "$TESTDIR/theirs/$n" "$f" || fail=1
		fi
	done
	[ "$fail" = 0 ]
}

# A multipart with one text part of "ab\ncd\nef" (LF line ends).
two_part_lf() {
	store_setup
	putmsg 'cur/1700000001.M1P1Q1.host:2,' 'From: a@b.c\nSubject: parts\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nab\ncd\nef\n--b\nContent-Type: text/html\n\n<p>x</p>\n--b--\n' '2024-01-01 10:00 UTC'
}

@test "BODY[1] without PEEK sets \\Seen and reports FLAGS once; BODY.PEEK and EXAMINE do not" {
	two_part_lf
	printf '%s\r\n' 'a EXAMINE INBOX' 'b FETCH 1 (BODY[1])' \
	    'a SELECT INBOX' 'd FETCH 1 (BODY.PEEK[1.MIME])' \
	    'e FETCH 1 (BODY[2])' 'f FETCH 1 (BODY[1]<0.2>)' \
	    'g FETCH 1 (FLAGS)' 'z LOGOUT' | session_raw "$TESTDIR/out"
	run show_raw "$TESTDIR/out"
	expect "* 1 FETCH (BODY[1] {10}b'ab\\r\\ncd\\r\\nef')
b OK Fetch completed.
* 1 FETCH (BODY[1.MIME] {28}b'Content-Type: text/plain\\r\\n\\r\\n')
d OK Fetch completed.
* 1 FETCH (BODY[2] {8}b'<p>x</p>' FLAGS (\\Seen))
e OK Fetch completed.
* 1 FETCH (BODY[1]<0> {2}b'ab')
f OK Fetch completed.
* 1 FETCH (FLAGS (\\Seen))
g OK Fetch completed."
	[ -f "$MD/cur/1700000001.M1P1Q1.host:2,S" ]
}

@test "BODY[n]<partial>: windows that start or end at a CR inserted before LF" {
	two_part_lf
	# part 1 as sent: "ab\r\ncd\r\nef" (10 bytes); the CRs are at 2 and 6
	printf '%s\r\n' 'a EXAMINE INBOX' \
	    'b FETCH 1 (BODY.PEEK[1]<2.1> BODY.PEEK[1]<3.1> BODY.PEEK[1]<1.2> BODY.PEEK[1]<2.2> BODY.PEEK[1]<3.4>)' \
	    'c FETCH 1 (BODY.PEEK[1]<6.4> BODY.PEEK[1]<9.5> BODY.PEEK[1]<10.1> BODY.PEEK[1]<99.1> BODY.PEEK[1]<0.4294967295>)' \
	    'd FETCH 1 (BODY.PEEK[1.MIME]<24.1> BODY.PEEK[1.MIME]<25.1> BODY.PEEK[1.MIME]<23.2>)' \
	    'e FETCH 1 (BODY.PEEK[]<11.2> BODY.PEEK[]<12.3> BODY.PEEK[TEXT]<0.2> BODY.PEEK[TEXT]<1.2> BODY.PEEK[HEADER]<12.1>)' \
	    'z LOGOUT' | session_raw "$TESTDIR/out"
	run show_raw "$TESTDIR/out"
	expect "* 1 FETCH (BODY[1]<2> {1}b'\\r' BODY[1]<3> {1}b'\\n' BODY[1]<1> {2}b'b\\r' BODY[1]<2> {2}b'\\r\\n' BODY[1]<3> {4}b'\\ncd\\r')
b OK Fetch completed.
* 1 FETCH (BODY[1]<6> {4}b'\\r\\nef' BODY[1]<9> {1}b'f' BODY[1]<10> {0}b'' BODY[1]<99> {0}b'' BODY[1]<0> {10}b'ab\\r\\ncd\\r\\nef')
c OK Fetch completed.
* 1 FETCH (BODY[1.MIME]<24> {1}b'\\r' BODY[1.MIME]<25> {1}b'\\n' BODY[1.MIME]<23> {2}b'n\\r')
d OK Fetch completed.
* 1 FETCH (BODY[]<11> {2}b'\\r\\n' BODY[]<12> {3}b'\\nSu' BODY[TEXT]<0> {2}b'--' BODY[TEXT]<1> {2}b'-b' BODY[HEADER]<12> {1}b'\\n')
e OK Fetch completed."
}

# show_raw FILE: a raw session (greeting and SELECT answers removed) with
# each literal's bytes written as a Python bytes repr, CRLF line ends as
# line ends, any other CR or LF flagged.
show_raw() {
	"$PYTHON3" -c '
import re, sys
d = open(sys.argv[1], "rb").read()
out, i = b"", 0
for m in re.finditer(rb"\{(\d+)\}\r\n", d):
    if m.start() < i:
        continue
    n = int(m.group(1))
    out += d[i:m.start()] + b"{%d}" % n + repr(d[m.end():m.end() + n]).encode()
    i = m.end() + n
out += d[i:]
for line in out.split(b"\r\n")[:-1]:
    if re.match(rb"\* (OK|PREAUTH|FLAGS|\d+ EXISTS|\d+ RECENT)|[a] OK|\* BYE|z OK", line):
        continue
    sys.stdout.write(line.decode("latin-1").replace("\r", "<CR>").replace("\n", "<LF>") + "\n")' "$1"
}

# strip_select: the answers to SELECT/EXAMINE removed.
strip_select() {
	grep -v '^\* \(OK\|FLAGS\|[0-9]* EXISTS\|[0-9]* RECENT\)\|^a OK'
}

# count_parts FILE: how many leaf parts a BODYSTRUCTURE answer holds
# ("text" "plain" ...), and its deepest nesting.
structure_stats() {
	"$PYTHON3" -c '
import sys
s = open(sys.argv[1], "rb").read().decode("latin-1")
i = s.index("BODYSTRUCTURE (")
d = m = 0
for c in s[i:]:
    if c == "(":
        d += 1; m = max(m, d)
    elif c == ")":
        d -= 1
        if d == 0:
            break
print(s.count("(\"text\" \"plain\""), m)' "$1"
}

@test "LIMIT_MIME_PARTS: a message of 10,001 parts is answered with 9,999 children, bounded" {
	store_setup
	"$PYTHON3" -c '
import sys
s = "From: a@b.c\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=p\n\n"
s += "".join("--p\nContent-Type: text/plain\n\n%d\n" % (i + 1) for i in range(10001))
sys.stdout.write(s + "--p--\n")' >"$MD/cur/1700000001.M1P1Q1.host:2,"
	fix_owner
	printf 'a EXAMINE INBOX\r\nb FETCH 1 (BODYSTRUCTURE BODY.PEEK[9999] BODY.PEEK[10000] BODY.PEEK[10001])\r\nc NOOP\r\nd LOGOUT\r\n' |
	    session_raw "$TESTDIR/out" || :
	# root + 9,999 children = LIMIT_MIME_PARTS (10,000) parts
	[ "$(structure_stats "$TESTDIR/out")" = "9999 3" ]
	grep -q 'BODY\[9999\] {4}' "$TESTDIR/out"
	grep -q 'BODY\[10000\] {0}' "$TESTDIR/out"
	grep -q 'BODY\[10001\] {0}' "$TESTDIR/out"
	grep -q '^b OK' "$TESTDIR/out"
	grep -q '^c OK' "$TESTDIR/out"
	[ "$(stat -c %s "$TESTDIR/out")" -lt 1000000 ]
}

@test "LIMIT_MIME_DEPTH: multiparts and messages nested 101 deep are cut at the limit, answered" {
	store_setup
	"$PYTHON3" -c '
s = "From: a@b.c\nMIME-Version: 1.0\n"
for i in range(101):
    s += "Content-Type: multipart/mixed; boundary=d%d\n\n--d%d\n" % (i, i)
s += "Content-Type: text/plain\n\ninnermost\n"
s += "".join("--d%d--\n" % i for i in reversed(range(101)))
open("'"$MD"'/cur/1700000001.M1P1Q1.host:2,", "w").write(s)
s = "From: a@b.c\n"
for i in range(101):
    s += "Content-Type: message/rfc822\n\nSubject: level %d\n" % i
open("'"$MD"'/cur/1700000002.M1P1Q1.host:2,", "w").write(s + "\ninnermost\n")'
	fix_owner
	printf 'a EXAMINE INBOX\r\nb FETCH 1 (BODYSTRUCTURE)\r\nc NOOP\r\nd LOGOUT\r\n' |
	    session_raw "$TESTDIR/out1" || :
	printf 'a EXAMINE INBOX\r\nb FETCH 2 (BODYSTRUCTURE)\r\nc NOOP\r\nd LOGOUT\r\n' |
	    session_raw "$TESTDIR/out2" || :
	# 100 multiparts, the last one's child an empty text/plain; the
	# parts beyond the limit fall into the enclosing bodies
	run structure_stats "$TESTDIR/out1"
	[ "${output#* }" -le 104 ] && [ "${output% *}" -ge 1 ]
	grep -q '"mixed" ("boundary" "d99")' "$TESTDIR/out1"
	! grep -q '"boundary" "d100"' "$TESTDIR/out1"
	grep -q '^c OK' "$TESTDIR/out1"
	# 100 enclosed messages, then opaque data
	[ "$(grep -o '"message" "rfc822"' "$TESTDIR/out2" | wc -l)" = 100 ]
	grep -q '"application" "octet-stream"' "$TESTDIR/out2"
	grep -q '^c OK' "$TESTDIR/out2"
}

@test "LIMIT_HEADER_VALUE: a 5 MB To: field gives a bounded ENVELOPE, the session goes on" {
	store_setup
	"$PYTHON3" -c '
import sys
sys.stdout.write("From: a@b.c\nTo: " + ",\n ".join("u%d@example.com" % i for i in range(300000)) + "\nSubject: big\n\nbody\n")' >"$MD/cur/1700000001.M1P1Q1.host:2,"
	[ "$(stat -c %s "$MD/cur/1700000001.M1P1Q1.host:2,")" -gt 5000000 ]
	fix_owner
	printf 'a EXAMINE INBOX\r\nb FETCH 1 (ENVELOPE BODYSTRUCTURE)\r\nc NOOP\r\nd LOGOUT\r\n' |
	    session_raw "$TESTDIR/out" || :
	grep -q '^b OK' "$TESTDIR/out"
	grep -q '^c OK' "$TESTDIR/out"
	grep -q '(NIL NIL "u0" "example.com")' "$TESTDIR/out"
	! grep -q '"u299999"' "$TESTDIR/out"
	# 64 KiB of addresses: well under a megabyte of answer
	[ "$(stat -c %s "$TESTDIR/out")" -lt 1000000 ]
	# the cut is at a limit, not at the first address
	[ "$(grep -o '"example.com"' "$TESTDIR/out" | wc -l)" -gt 1000 ]
}

@test "FETCH ALL and FULL are their RFC 9051 6.4.5 expansions" {
	two_part_lf
	run session <<'EOF'
a EXAMINE INBOX
b FETCH 1 ALL
c FETCH 1 FULL
d FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY)
e UID FETCH 1 FULL
EOF
	output=$(echo "$output" | strip_select)
	env='ENVELOPE (NIL "parts" ((NIL NIL "a" "b.c")) ((NIL NIL "a" "b.c")) ((NIL NIL "a" "b.c")) NIL NIL NIL NIL NIL)'
	body='BODY (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 10 2)("text" "html" ("charset" "us-ascii") NIL NIL "7bit" 8 0) "mixed")'
	fast='FLAGS () INTERNALDATE " 1-Jan-2024 10:00:00 +0000" RFC822.SIZE 187'
	expect "* 1 FETCH ($fast $env)
b OK Fetch completed.
* 1 FETCH ($fast $env $body)
c OK Fetch completed.
* 1 FETCH ($fast $env $body)
d OK Fetch completed.
* 1 FETCH (UID 1 $fast $env $body)
e OK Fetch completed."
}

@test "imaplib walks BODYSTRUCTURE: every part, MIME header and partial has the size announced" {
	corpus_maildir
	run as_user "$PYTHON3" "$MIME_DIR/imaplib_parts.py" "$MDIMAPD" "$MD"
	echo "$output"
	[ "$status" = 0 ]
	[ "${lines[${#lines[@]} - 1]}" = "imaplib_parts: ok" ]
}

@test "imaplib: bodies over 256 KiB streamed from the file, and windows across every 64 KiB piece, are the CRLF text's exact slices" {
	store_setup
	fix_owner
	run as_user "$PYTHON3" "$MIME_DIR/imaplib_stream.py" "$MDIMAPD" "$MD"
	echo "$output"
	[ "$status" = 0 ]
	[ "${lines[${#lines[@]} - 1]}" = "imaplib_stream: ok" ]
}
