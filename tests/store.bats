#!/usr/bin/env bats
# store.bats: the selected state on a Maildir (RFC 9051 6.3.2, 6.4):
# SELECT, EXAMINE, FETCH, STORE, COPY, MOVE (RFC 6851), APPEND (RFC 4315
# UIDPLUS, RFC 7888 LITERAL-, RFC 7889 APPENDLIMIT), EXPUNGE, CLOSE,
# UNSELECT, sequence sets, and what is found on disk: file names, flags as
# info letters, dovecot-keywords, hostile entries in cur/ and new/.
# UIDVALIDITY values are shown as UV1, UV2... (norm); dates are fixed with
# touch -d and TZ=UTC.

load helpers
load store/lib

# A small INBOX: UID 1 seen, UID 2 flagged with keyword Junk (",S=,W="
# in its name), UID 3 still in new/.
inbox3() {
	store_setup
	printf '0 Junk\n1 $Label1\n' >"$MD/dovecot-keywords"
	putmsg 'cur/1700000100.M1P100Q1.host:2,S' \
	    'Message-ID: <one@test>\nSubject: one\n\nbody one\n' '@1700000100'
	putmsg 'cur/1700000200.M1P100Q1.host,S=46,W=50:2,Fa' \
	    'Message-ID: <two@test>\nSubject: two\n\nbody two\n' '@1700000200'
	putmsg 'new/1700000300.M1P100Q1.host' \
	    'Message-ID: <three@test>\nSubject: three\n\nbody three\n' '@1700000300'
	fix_owner
}

SELECT_INBOX3='* FLAGS (\Answered \Flagged \Deleted \Seen \Draft Junk $Label1)
* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft Junk $Label1 \*)] Flags permitted.
* 3 EXISTS
* 1 RECENT
* OK [UNSEEN 2] First unseen.
* OK [UIDVALIDITY UV1] UIDs valid
* OK [UIDNEXT 4] Predicted next UID
* OK [MAILBOXID (ID)] Ok'

# Four one-line messages appended to INBOX, UIDs 1 to 4.
append4() {
	store_setup
	session >/dev/null <<'EOF'
a APPEND INBOX {2+}
m1
b APPEND INBOX {2+}
m2
c APPEND INBOX {2+}
m3
d APPEND INBOX {2+}
m4
EOF
	[ "$(sed 1d "$MD/dovecot-uidlist" | cut -d' ' -f1 | tr '\n' ' ')" = '1 2 3 4 ' ]
}

# disk_state: every entry under $MD with type, size and mtime, except what
# EXAMINE may create: the uidlist, the uidvalidity files, and mdimapd's own
# cache of modseqs (mdimapd-state, like Dovecot's dovecot.index*), and the
# root directory's time (those creations change it).
disk_state() {
	find "$MD" -mindepth 1 ! -name 'dovecot-uidlist' \
	    ! -name 'dovecot-uidvalidity*' ! -name 'mdimapd-state' \
	    -printf '%P %y %s %T@\n' | sort
}

# strip_select: drop the SELECT/EXAMINE responses (up to its tagged OK).
strip_select() {
	sed '1,/^[a-z] OK \[READ-/d'
}

# ---------------------------------------------------------------------------
# SELECT and EXAMINE

@test "SELECT: FLAGS, PERMANENTFLAGS, EXISTS, RECENT, UNSEEN, UIDVALIDITY, UIDNEXT, READ-WRITE" {
	inbox3
	run session <<'EOF'
a SELECT INBOX
b FETCH 1:* (UID FLAGS)
EOF
	output=$(echo "$output" | norm)
	expect "$SELECT_INBOX3
a OK [READ-WRITE] Select completed.
* 1 FETCH (UID 1 FLAGS (\Seen))
* 2 FETCH (UID 2 FLAGS (\Flagged Junk))
* 3 FETCH (UID 3 FLAGS (\Recent))
b OK Fetch completed."
	# UIDs in delivery order, written as Dovecot writes them
	run sed 1d "$MD/dovecot-uidlist"
	expect '1 :1700000100.M1P100Q1.host
2 :1700000200.M1P100Q1.host,S=46,W=50
3 :1700000300.M1P100Q1.host'
	uv=$(uidvalidity_of)
	[ -n "$uv" ]
	head -1 "$MD/dovecot-uidlist" | grep -Eqx "3 V$uv N[0-9]+ G[0-9a-f]{32}"
	[ "$(cat "$MD/dovecot-keywords")" = "$(printf '0 Junk\n1 $Label1')" ]
}

@test "SELECT: an empty folder, a missing folder, a second SELECT closes the first" {
	store_setup
	mkfolder Empty
	run session <<'EOF'
a SELECT Empty
b SELECT Nope
c FETCH 1 FLAGS
d SELECT INBOX
e EXAMINE Empty
EOF
	output=$(echo "$output" | norm)
	expect "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.
* 0 EXISTS
* 0 RECENT
* OK [UIDVALIDITY UV1] UIDs valid
* OK [UIDNEXT 1] Predicted next UID
* OK [MAILBOXID (ID)] Ok
a OK [READ-WRITE] Select completed.
* OK [CLOSED] Previous mailbox closed.
b NO [NONEXISTENT] Mailbox doesn't exist: Nope
c BAD No mailbox selected
* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.
* 0 EXISTS
* 0 RECENT
* OK [UIDVALIDITY UV2] UIDs valid
* OK [UIDNEXT 1] Predicted next UID
* OK [MAILBOXID (ID)] Ok
d OK [READ-WRITE] Select completed.
* OK [CLOSED] Previous mailbox closed.
* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
* OK [PERMANENTFLAGS ()] Read-only mailbox.
* 0 EXISTS
* 0 RECENT
* OK [UIDVALIDITY UV1] UIDs valid
* OK [UIDNEXT 1] Predicted next UID
* OK [MAILBOXID (ID)] Ok
e OK [READ-ONLY] Examine completed."
}

@test "EXAMINE: PERMANENTFLAGS (), READ-ONLY; writes refused; nothing on disk changes" {
	inbox3
	disk_state >"$TESTDIR/before"
	run session <<'EOF'
a EXAMINE INBOX
b FETCH 1:* (UID FLAGS)
c FETCH 2 BODY[]
d STORE 1 +FLAGS (\Deleted)
e UID STORE 1 -FLAGS (\Seen)
f EXPUNGE
g UID EXPUNGE 1
h MOVE 1 INBOX
i FETCH 1:* FLAGS
j CLOSE
EOF
	output=$(echo "$output" | norm)
	expect '* FLAGS (\Answered \Flagged \Deleted \Seen \Draft Junk $Label1)
* OK [PERMANENTFLAGS ()] Read-only mailbox.
* 3 EXISTS
* 1 RECENT
* OK [UNSEEN 2] First unseen.
* OK [UIDVALIDITY UV1] UIDs valid
* OK [UIDNEXT 4] Predicted next UID
* OK [MAILBOXID (ID)] Ok
a OK [READ-ONLY] Examine completed.
* 1 FETCH (UID 1 FLAGS (\Seen))
* 2 FETCH (UID 2 FLAGS (\Flagged Junk))
* 3 FETCH (UID 3 FLAGS (\Recent))
b OK Fetch completed.
* 2 FETCH (BODY[] {50}
Message-ID: <two@test>
Subject: two

body two
)
c OK Fetch completed.
d NO [READ-ONLY] Mailbox is read-only
e NO [READ-ONLY] Mailbox is read-only
f NO [READ-ONLY] Mailbox is read-only
g NO [READ-ONLY] Mailbox is read-only
h NO [READ-ONLY] Mailbox is read-only
* 1 FETCH (FLAGS (\Seen))
* 2 FETCH (FLAGS (\Flagged Junk))
* 3 FETCH (FLAGS (\Recent))
i OK Fetch completed.
j OK Close completed.'
	disk_state >"$TESTDIR/after"
	diff -u "$TESTDIR/before" "$TESTDIR/after"
	[ -e "$MD/new/1700000300.M1P100Q1.host" ]
	[ -e "$MD/dovecot-uidlist" ]
	[ ! -e "$MD/dovecot-uidlist.lock" ]
}

@test "SELECT moves new/ to cur/ keeping the mtime; \\Recent only in the first session" {
	inbox3
	run session <<'EOF'
a SELECT INBOX
b FETCH 3 (UID FLAGS)
c LOGOUT
EOF
	echo "$output" | grep -qx '\* 1 RECENT'
	echo "$output" | grep -qx '\* 3 FETCH (UID 3 FLAGS (\\Recent))'
	run ls "$MD/new" "$MD/cur"
	expect "$MD/cur:
1700000100.M1P100Q1.host:2,S
1700000200.M1P100Q1.host,S=46,W=50:2,Fa
1700000300.M1P100Q1.host:2,

$MD/new:"
	[ "$(stat -c %Y "$MD/cur/1700000300.M1P100Q1.host:2,")" = 1700000300 ]
	run session <<'EOF'
a SELECT INBOX
b FETCH 3 (UID FLAGS)
EOF
	output=$(echo "$output" | norm)
	expect '* FLAGS (\Answered \Flagged \Deleted \Seen \Draft Junk $Label1)
* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft Junk $Label1 \*)] Flags permitted.
* 3 EXISTS
* 0 RECENT
* OK [UNSEEN 2] First unseen.
* OK [UIDVALIDITY UV1] UIDs valid
* OK [UIDNEXT 4] Predicted next UID
* OK [MAILBOXID (ID)] Ok
a OK [READ-WRITE] Select completed.
* 3 FETCH (UID 3 FLAGS ())
b OK Fetch completed.'
}

# ---------------------------------------------------------------------------
# FETCH

@test "FETCH UID FLAGS INTERNALDATE RFC822.SIZE: with ,S=/,W= in the name and without" {
	inbox3
	# a CRLF file: its RFC822.SIZE is its size
	printf 'Message-ID: <four@test>\r\n\r\nfour\r\n' \
	    >"$MD/cur/1700000400.M1P100Q1.host:2,"
	touch -d '2024-02-29 23:59:59 UTC' "$MD/cur/1700000400.M1P100Q1.host:2,"
	fix_owner
	run session <<'EOF'
a EXAMINE INBOX
b FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE)
c UID FETCH 2 (RFC822.SIZE)
d FETCH 4 FAST
EOF
	output=$(echo "$output" | strip_select)
	expect '* 1 FETCH (UID 1 FLAGS (\Seen) INTERNALDATE "14-Nov-2023 22:15:00 +0000" RFC822.SIZE 50)
* 2 FETCH (UID 2 FLAGS (\Flagged Junk) INTERNALDATE "14-Nov-2023 22:16:40 +0000" RFC822.SIZE 50)
* 3 FETCH (UID 3 FLAGS (\Recent) INTERNALDATE "14-Nov-2023 22:18:20 +0000" RFC822.SIZE 56)
* 4 FETCH (UID 4 FLAGS () INTERNALDATE "29-Feb-2024 23:59:59 +0000" RFC822.SIZE 33)
b OK Fetch completed.
* 2 FETCH (UID 2 RFC822.SIZE 50)
c OK Fetch completed.
* 4 FETCH (FLAGS () INTERNALDATE "29-Feb-2024 23:59:59 +0000" RFC822.SIZE 33)
d OK Fetch completed.'
}

@test "RFC822.SIZE and STATUS SIZE come from ,W= in the name, without reading the file" {
	store_setup
	putmsg 'cur/1700000001.M1P1Q1.host,S=14,W=17:2,S' 'Subject: 1\n\n1\n' '@1700000001'
	putmsg 'cur/1700000002.M1P1Q1.host,S=14,W=17:2,S' 'Subject: 2\n\n2\n' '@1700000002'
	# a file the server cannot read: its size can only come from its name
	chmod 000 "$MD/cur/1700000002.M1P1Q1.host,S=14,W=17:2,S"
	run session <<'EOF'
b EXAMINE INBOX
c FETCH 1:2 (UID RFC822.SIZE)
EOF
	output=$(echo "$output" | strip_select)
	expect '* 1 FETCH (UID 1 RFC822.SIZE 17)
* 2 FETCH (UID 2 RFC822.SIZE 17)
c OK Fetch completed.'
	run session <<'EOF'
a STATUS INBOX (MESSAGES SIZE)
EOF
	expect '* STATUS INBOX (MESSAGES 2 SIZE 34)
a OK Status completed.'
}

@test "a message file the server cannot read: FETCH BODY[] answers NO, but not [EXPUNGEISSUED]" {
	store_setup
	putmsg 'cur/1700000001.M1P1Q1.host:2,S' 'Subject: 1\n\n1\n' '@1700000001'
	chmod 000 "$MD/cur/1700000001.M1P1Q1.host:2,S"
	run session <<'EOF'
a EXAMINE INBOX
b FETCH 1 BODY.PEEK[]
c NOOP
EOF
	output=$(echo "$output" | strip_select)
	echo "$output" | grep -q '^b NO '
	[ -z "$(echo "$output" | grep 'EXPUNGE')" ]
	echo "$output" | grep -qx 'c OK NOOP completed.'
}

@test "FETCH BODY[], BODY.PEEK[], RFC822: an LF file sent as CRLF, byte-exact" {
	store_setup
	# LF lines, a CRLF line, a lone CR, no newline at the end
	putmsg 'cur/1700000100.M1P100Q1.host:2,S' \
	    'Message-ID: <one@test>\nSubject: one\n\nline 1\nline 2\r\nlone\rcr\nlast' \
	    '@1700000100'
	printf 'a EXAMINE INBOX\r\nb FETCH 1 (RFC822.SIZE BODY.PEEK[])\r\nc FETCH 1 BODY[]\r\nd FETCH 1 RFC822\r\ne LOGOUT\r\n' |
	    session_raw "$TESTDIR/raw"
	printf 'Message-ID: <one@test>\r\nSubject: one\r\n\r\nline 1\r\nline 2\r\nlone\rcr\r\nlast' >"$TESTDIR/want"
	size=$(stat -c %s "$TESTDIR/want")
	[ "$size" = 69 ]
	grep -aqx "\* 1 FETCH (RFC822.SIZE $size BODY\[\] {$size}"$'\r' "$TESTDIR/raw"
	grep -aqx "\* 1 FETCH (BODY\[\] {$size}"$'\r' "$TESTDIR/raw"
	grep -aqx "\* 1 FETCH (RFC822 {$size}"$'\r' "$TESTDIR/raw"
	for n in 1 2 3; do
		"$PYTHON3" "$STORE_DIR/mdcheck.py" literal "$n" <"$TESTDIR/raw" >"$TESTDIR/got$n"
		cmp "$TESTDIR/want" "$TESTDIR/got$n"
	done
	# each response ends right after its literal
	[ "$(grep -ac '^last)'$'\r''$' "$TESTDIR/raw")" = 3 ]
	grep -aqx 'e OK Logout completed.'$'\r' "$TESTDIR/raw"
}

@test "FETCH BODY[] and ENVELOPE: a name whose ,S= is wrong (short, long, 0) or that is a FIFO; the file is what counts" {
	store_setup
	body='Message-ID: <s@test>\nSubject: sizes\n\nline 1\nline 2\n'
	putmsg 'cur/1700000100.M1P100Q1.host,S=10:2,S' "$body" '@1700000100'
	putmsg 'cur/1700000200.M1P100Q1.host,S=9000:2,S' "$body" '@1700000200'
	putmsg 'cur/1700000300.M1P100Q1.host,S=0:2,S' "$body" '@1700000300'
	putmsg 'cur/1700000400.M1P100Q1.host,S=51:2,S' "$body" '@1700000400'
	putmsg 'cur/1700000500.M1P100Q1.host,S=51:2,S' "$body" '@1700000500'
	printf 'Message-ID: <s@test>\r\nSubject: sizes\r\n\r\nline 1\r\nline 2\r\n' >"$TESTDIR/want"
	[ "$(printf "$body" | wc -c)" = 51 ]	# the last two names are right
	size=$(stat -c %s "$TESTDIR/want")
	printf 'a EXAMINE INBOX\r\nb FETCH 1:5 (RFC822.SIZE BODY.PEEK[])\r\nc FETCH 1:5 ENVELOPE\r\nd LOGOUT\r\n' |
	    session_raw "$TESTDIR/raw"
	for n in 1 2 3 4 5; do
		grep -aqx "\* $n FETCH (RFC822.SIZE $size BODY\[\] {$size}"$'\r' "$TESTDIR/raw"
		"$PYTHON3" "$STORE_DIR/mdcheck.py" literal "$n" <"$TESTDIR/raw" >"$TESTDIR/got$n"
		cmp "$TESTDIR/want" "$TESTDIR/got$n"
		grep -aqx "\* $n FETCH (ENVELOPE (NIL \"sizes\" NIL NIL NIL NIL NIL NIL NIL \"<s@test>\"))"$'\r' "$TESTDIR/raw"
	done
	grep -aqx 'b OK Fetch completed.'$'\r' "$TESTDIR/raw"
	grep -aqx 'c OK Fetch completed.'$'\r' "$TESTDIR/raw"
	# a name that tells the size, made a FIFO after SELECT: never waited
	# on, never sent, as if expunged
	mkdir -p "$TESTDIR/bin"
	cat >"$TESTDIR/bin/swap" <<EOF
#!/bin/sh
rm -f "$MD/cur/1700000500.M1P100Q1.host,S=51:2,S"
mkfifo "$MD/cur/1700000500.M1P100Q1.host,S=51:2,S"
EOF
	chmod 755 "$TESTDIR/bin/swap"
	run drive A <<EOF
A a SELECT INBOX
! $TESTDIR/bin/swap
A b FETCH 4:5 (UID BODY.PEEK[])
EOF
	[ "$status" = 0 ]
	echo "$output" | grep -qx 'A: \* 4 FETCH (UID 4 BODY\[\] {'"$size"'}'
	[ -z "$(echo "$output" | grep '\* 5 FETCH')" ]
	echo "$output" | grep -qx 'A: b NO \[EXPUNGEISSUED\] Some messages were expunged by another session'
}

@test "FETCH a 300 KiB message: APPENDed with CRLF, stored with LF, fetched back byte-exact" {
	store_setup
	"$PYTHON3" -c '
import sys
lines = [b"Message-ID: <big@test>", b"Subject: big", b""]
lines += [b"line %06d " % i + b"x" * (i % 97) for i in range(6000)]
sys.stdout.buffer.write(b"\r\n".join(lines) + b"\r\n")' >"$TESTDIR/want"
	size=$(stat -c %s "$TESTDIR/want")
	{
		printf 'a APPEND INBOX (\\Seen) {%d}\r\n' "$size"
		cat "$TESTDIR/want"
		printf '\r\nb SELECT INBOX\r\nc FETCH 1 (RFC822.SIZE BODY[])\r\n'
		printf 'd FETCH 1 BODY.PEEK[]<65530.20>\r\ne LOGOUT\r\n'
	} | session_raw "$TESTDIR/raw"
	grep -aqx "\* 1 FETCH (RFC822.SIZE $size BODY\[\] {$size}"$'\r' "$TESTDIR/raw"
	"$PYTHON3" "$STORE_DIR/mdcheck.py" literal 1 <"$TESTDIR/raw" >"$TESTDIR/got"
	cmp "$TESTDIR/want" "$TESTDIR/got"
	"$PYTHON3" "$STORE_DIR/mdcheck.py" literal 2 <"$TESTDIR/raw" >"$TESTDIR/part"
	tail -c +65531 "$TESTDIR/want" | head -c 20 >"$TESTDIR/wantpart"
	cmp "$TESTDIR/wantpart" "$TESTDIR/part"
	# on disk: LF line ends, S= the file's size, W= the CRLF size
	f=$(ls "$MD/cur")
	tr -d '\r' <"$TESTDIR/want" | cmp - "$MD/cur/$f"
	disk=$(stat -c %s "$MD/cur/$f")
	[[ $f == *",S=$disk,W=$size:2,S" ]]
}

@test "FETCH BODY[]<partial>: offsets count CRLF octets; ranges past the end are empty" {
	store_setup
	# as CRLF: "Subject: p\r\n\r\nab\r\ncd\r\n", 22 octets
	putmsg 'cur/1700000100.M1P100Q1.host:2,S' 'Subject: p\n\nab\ncd\n' '@1700000100'
	run session <<'EOF'
a EXAMINE INBOX
b FETCH 1 BODY.PEEK[]<0.10>
c FETCH 1 BODY.PEEK[]<10.6>
d FETCH 1 BODY.PEEK[]<18.1>
e FETCH 1 BODY.PEEK[]<18.100>
f FETCH 1 BODY.PEEK[]<22.3>
g FETCH 1 BODY.PEEK[]<500.3>
h FETCH 1 BODY.PEEK[]<0.0>
i FETCH 1 BODY.PEEK[]<5>
EOF
	output=$(echo "$output" | strip_select)
	expect '* 1 FETCH (BODY[]<0> {10}
Subject: p)
b OK Fetch completed.
* 1 FETCH (BODY[]<10> {6}


ab)
c OK Fetch completed.
* 1 FETCH (BODY[]<18> {1}
c)
d OK Fetch completed.
* 1 FETCH (BODY[]<18> {4}
cd
)
e OK Fetch completed.
* 1 FETCH (BODY[]<22> {0}
)
f OK Fetch completed.
* 1 FETCH (BODY[]<500> {0}
)
g OK Fetch completed.
h BAD Invalid FETCH section
i BAD Invalid FETCH section'
}

@test "FETCH BODY[] and RFC822 set \\Seen and send FLAGS with the data; BODY.PEEK[] and EXAMINE do not" {
	store_setup
	putmsg 'cur/1700000100.M1P100Q1.host:2,' 'Subject: 1\n\n1\n' '@1700000100'
	putmsg 'cur/1700000200.M1P100Q1.host:2,F' 'Subject: 2\n\n2\n' '@1700000200'
	putmsg 'cur/1700000300.M1P100Q1.host:2,' 'Subject: 3\n\n3\n' '@1700000300'
	run session <<'EOF'
a EXAMINE INBOX
b FETCH 1 BODY[]
c FETCH 1 RFC822
d FETCH 1 FLAGS
e SELECT INBOX
f FETCH 1 BODY.PEEK[]
g FETCH 1 FLAGS
h FETCH 1 (FLAGS BODY[])
i UID FETCH 2 RFC822
j FETCH 3 BODY[]<0.3>
k FETCH 1:3 BODY[]<0.1>
EOF
	output=$(echo "$output" | grep -v '^\* \(FLAGS\|OK\|[0-9]* EXISTS\|[0-9]* RECENT\)')
	expect 'a OK [READ-ONLY] Examine completed.
* 1 FETCH (BODY[] {17}
Subject: 1

1
)
b OK Fetch completed.
* 1 FETCH (RFC822 {17}
Subject: 1

1
)
c OK Fetch completed.
* 1 FETCH (FLAGS ())
d OK Fetch completed.
e OK [READ-WRITE] Select completed.
* 1 FETCH (BODY[] {17}
Subject: 1

1
)
f OK Fetch completed.
* 1 FETCH (FLAGS ())
g OK Fetch completed.
* 1 FETCH (FLAGS (\Seen) BODY[] {17}
Subject: 1

1
)
h OK Fetch completed.
* 2 FETCH (UID 2 RFC822 {17}
Subject: 2

2
 FLAGS (\Flagged \Seen))
i OK Fetch completed.
* 3 FETCH (BODY[]<0> {3}
Sub FLAGS (\Seen))
j OK Fetch completed.
* 1 FETCH (BODY[]<0> {1}
S)
* 2 FETCH (BODY[]<0> {1}
S)
* 3 FETCH (BODY[]<0> {1}
S)
k OK Fetch completed.'
	run ls "$MD/cur"
	expect '1700000100.M1P100Q1.host:2,S
1700000200.M1P100Q1.host:2,FS
1700000300.M1P100Q1.host:2,S'
}

@test "FETCH: unknown items and invalid sections answer BAD, with nothing sent before" {
	inbox3
	run session <<'EOF'
a EXAMINE INBOX
b FETCH 1 (FLAGS FOO)
c FETCH 1 (UID BODY[]<x.1>)
d FETCH 1 (FLAGS
e FETCH 1 (FLAGS BODY[MIME])
f FETCH 1 (FLAGS BODY[0])
g FETCH 1 (FLAGS BODY[1.])
h FETCH 1 (FLAGS BODY[1.2.TEXT.MIME])
i FETCH 1 (FLAGS BODY[1.01])
j FETCH 1 (FLAGS BODY.PEEK)
l FETCH 1 FLAGS
EOF
	output=$(echo "$output" | strip_select)
	for t in b c d e f g h i j; do
		echo "$output" | grep -q "^$t BAD "
	done
	# only the last command answered with data
	[ "$(echo "$output" | grep -c '^\* ')" = 1 ]
	echo "$output" | grep -qx '\* 1 FETCH (FLAGS (\\Seen))'
	echo "$output" | grep -qx 'l OK Fetch completed.'
}

@test "FETCH with an empty item list is BAD (fetch-att needs one item)" {
	inbox3
	run session <<'EOF'
a EXAMINE INBOX
b FETCH 1 ()
c UID FETCH 1 ()
EOF
	output=$(echo "$output" | strip_select)
	[ "$(echo "$output" | cut -c1-5)" = "$(printf 'b BAD\nc BAD')" ]
}

# ---------------------------------------------------------------------------
# STORE

@test "STORE FLAGS, +FLAGS, -FLAGS, .SILENT: responses and renamed files" {
	inbox3
	run session <<'EOF'
a SELECT INBOX
b STORE 1 +FLAGS (\Answered \Draft)
c STORE 1 -FLAGS (\Seen)
d STORE 1 FLAGS (\Deleted \Flagged)
e STORE 1:2 +FLAGS.SILENT (\Seen)
f STORE 2 -FLAGS.SILENT (\Flagged Junk)
g UID STORE 3 FLAGS (\Seen)
h STORE 3 FLAGS ()
i STORE 1 +FLAGS \Draft
j FETCH 1:3 FLAGS
EOF
	output=$(echo "$output" | strip_select)
	expect '* 1 FETCH (FLAGS (\Answered \Seen \Draft))
b OK Store completed.
* 1 FETCH (FLAGS (\Answered \Draft))
c OK Store completed.
* 1 FETCH (FLAGS (\Flagged \Deleted))
d OK Store completed.
e OK Store completed.
f OK Store completed.
* 3 FETCH (UID 3 FLAGS (\Seen \Recent))
g OK Store completed.
* 3 FETCH (FLAGS (\Recent))
h OK Store completed.
* 1 FETCH (FLAGS (\Flagged \Deleted \Seen \Draft))
i OK Store completed.
* 1 FETCH (FLAGS (\Flagged \Deleted \Seen \Draft))
* 2 FETCH (FLAGS (\Seen))
* 3 FETCH (FLAGS (\Recent))
j OK Fetch completed.'
	run ls "$MD/cur"
	expect '1700000100.M1P100Q1.host:2,DFST
1700000200.M1P100Q1.host,S=46,W=50:2,S
1700000300.M1P100Q1.host:2,'
}

@test "STORE keywords: dovecot-keywords, letters in the name (:2,Sa), FLAGS and PERMANENTFLAGS updated" {
	store_setup
	putmsg 'cur/1700000100.M1P100Q1.host:2,' 'Subject: 1\n\n1\n' '@1700000100'
	putmsg 'cur/1700000200.M1P100Q1.host:2,' 'Subject: 2\n\n2\n' '@1700000200'
	run session <<'EOF'
a SELECT INBOX
b STORE 1 +FLAGS (kw1 \Seen)
c STORE 2 +FLAGS ($Label1 KW1)
d STORE 1 -FLAGS (Kw1)
e STORE 2 FLAGS (\Flagged $label1 other)
f STORE 1 -FLAGS (never-defined)
g FETCH 1:2 FLAGS
EOF
	output=$(echo "$output" | strip_select)
	expect '* FLAGS (\Answered \Flagged \Deleted \Seen \Draft kw1)
* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft kw1 \*)] Flags permitted.
* 1 FETCH (FLAGS (\Seen kw1))
b OK Store completed.
* FLAGS (\Answered \Flagged \Deleted \Seen \Draft kw1 $Label1)
* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft kw1 $Label1 \*)] Flags permitted.
* 2 FETCH (FLAGS (kw1 $Label1))
c OK Store completed.
* 1 FETCH (FLAGS (\Seen))
d OK Store completed.
* FLAGS (\Answered \Flagged \Deleted \Seen \Draft kw1 $Label1 other)
* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft kw1 $Label1 other \*)] Flags permitted.
* 2 FETCH (FLAGS (\Flagged $Label1 other))
e OK Store completed.
* 1 FETCH (FLAGS (\Seen))
f OK Store completed.
* 1 FETCH (FLAGS (\Seen))
* 2 FETCH (FLAGS (\Flagged $Label1 other))
g OK Fetch completed.'
	run cat "$MD/dovecot-keywords"
	expect '0 kw1
1 $Label1
2 other'
	run ls "$MD/cur"
	expect '1700000100.M1P100Q1.host:2,S
1700000200.M1P100Q1.host:2,Fbc'
}

@test "STORE: '+FLAGS (kw1 \\Seen)' gives 0 kw1 and :2,Sa, as Dovecot writes them" {
	store_setup
	putmsg 'new/1700000000.M1P1Q1.host' 'Subject: x\n\nx\n' '@1700000000'
	run session <<'EOF'
a SELECT INBOX
b STORE 1 +FLAGS (kw1 \Seen)
EOF
	[ "$(cat "$MD/dovecot-keywords")" = '0 kw1' ]
	[ "$(ls "$MD/cur")" = '1700000000.M1P1Q1.host:2,Sa' ]
	[ -z "$(ls "$MD/new")" ]
}

@test "STORE: 26 keywords fit; the 27th is NO [LIMIT] and PERMANENTFLAGS loses \\*" {
	store_setup
	putmsg 'cur/1700000100.M1P100Q1.host:2,' 'Subject: 1\n\n1\n' '@1700000100'
	kws=$(printf 'k%02d ' $(seq 1 25))
	run session <<EOF
a SELECT INBOX
b STORE 1 +FLAGS.SILENT ($kws)
c STORE 1 +FLAGS.SILENT (k26)
d STORE 1 +FLAGS (k27)
e STORE 1 +FLAGS (k01 k27)
f STORE 1 -FLAGS (k27)
g FETCH 1 FLAGS
h APPEND INBOX (k27) {3+}
abc
i APPEND INBOX (k05) {3+}
abc
EOF
	output=$(echo "$output" | strip_select |
	    sed 's/APPENDUID [0-9]* /APPENDUID UV /')
	all25=$(printf ' k%02d' $(seq 1 25))
	expect "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft$all25)
* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft$all25 \\*)] Flags permitted.
b OK Store completed.
* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft$all25 k26)
* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft$all25 k26)] Flags permitted.
c OK Store completed.
d NO [LIMIT] At most 26 keywords in one mailbox
e NO [LIMIT] At most 26 keywords in one mailbox
* 1 FETCH (FLAGS (${all25# } k26))
f OK Store completed.
* 1 FETCH (FLAGS (${all25# } k26))
g OK Fetch completed.
h NO [LIMIT] At most 26 keywords in one mailbox
* 2 EXISTS
i OK [APPENDUID UV 2] Append completed."
	[ "$(wc -l <"$MD/dovecot-keywords")" = 26 ]
	[ "$(tail -1 "$MD/dovecot-keywords")" = '25 k26' ]
	[ -e "$MD/cur/1700000100.M1P100Q1.host:2,abcdefghijklmnopqrstuvwxyz" ]
	# the refused APPEND left nothing; the other took its letter e
	[ "$(ls "$MD/cur" | wc -l)" -eq 2 ]
	[ "$(ls "$MD/tmp" | wc -l)" -eq 0 ]
	ls "$MD/cur" | grep -q ',W=3:2,e$'
}

@test "STORE: \\Recent and unknown system flags refused; STORE needs a known item" {
	inbox3
	run session <<'EOF'
a SELECT INBOX
b STORE 1 +FLAGS (\Recent)
c STORE 1 FLAGS (\Seen \Recent)
d STORE 1 +FLAGS (\Unknown)
e STORE 1 +FLAGS (a]b)
f STORE 1 +FOO (\Seen)
g STORE 1 +FLAGS
h FETCH 1 FLAGS
EOF
	output=$(echo "$output" | strip_select)
	expect 'b BAD \Recent cannot be stored
c BAD \Recent cannot be stored
d BAD Unknown system flag
e BAD Invalid keyword
f BAD Unknown STORE item
g BAD STORE needs a message set, an item and flags
* 1 FETCH (FLAGS (\Seen))
h OK Fetch completed.'
	[ -e "$MD/cur/1700000100.M1P100Q1.host:2,S" ]
}

# ---------------------------------------------------------------------------
# COPY and MOVE

@test "COPY: COPYUID, flags kept, keywords remapped by name in the destination" {
	store_setup
	mkfolder Dest
	printf '0 alpha\n1 beta\n' >"$MD/dovecot-keywords"
	printf '0 beta\n1 other\n' >"$MD/.Dest/dovecot-keywords"
	putmsg 'cur/1700000100.M1P100Q1.host:2,Sab' 'Subject: 1\n\n1\n' '@1700000100'
	putmsg 'cur/1700000200.M1P100Q1.host:2,F' 'Subject: 2\n\n2\n' '@1700000200'
	putmsg 'cur/1700000300.M1P100Q1.host:2,Rb' 'Subject: 3\n\n3\n' '@1700000300'
	putmsg '.Dest/cur/1600000000.M1P1Q1.host:2,Sb' 'Subject: d\n\nd\n' '@1600000000'
	fix_owner
	run session <<'EOF'
a SELECT INBOX
b COPY 1:3 Dest
c UID COPY 3 Dest
d COPY 2 INBOX
e SELECT Dest
f FETCH 1:* (UID FLAGS INTERNALDATE)
EOF
	output=$(echo "$output" | norm)
	expect '* FLAGS (\Answered \Flagged \Deleted \Seen \Draft alpha beta)
* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft alpha beta \*)] Flags permitted.
* 3 EXISTS
* 0 RECENT
* OK [UNSEEN 2] First unseen.
* OK [UIDVALIDITY UV1] UIDs valid
* OK [UIDNEXT 4] Predicted next UID
* OK [MAILBOXID (ID)] Ok
a OK [READ-WRITE] Select completed.
b OK [COPYUID UV2 1:3 2:4] Copy completed.
c OK [COPYUID UV2 3 5] Copy completed.
* 4 EXISTS
d OK [COPYUID UV1 2 4] Copy completed.
* OK [CLOSED] Previous mailbox closed.
* FLAGS (\Answered \Flagged \Deleted \Seen \Draft beta other alpha)
* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft beta other alpha \*)] Flags permitted.
* 5 EXISTS
* 0 RECENT
* OK [UNSEEN 3] First unseen.
* OK [UIDVALIDITY UV2] UIDs valid
* OK [UIDNEXT 6] Predicted next UID
* OK [MAILBOXID (ID)] Ok
e OK [READ-WRITE] Select completed.
* 1 FETCH (UID 1 FLAGS (\Seen other) INTERNALDATE "13-Sep-2020 12:26:40 +0000")
* 2 FETCH (UID 2 FLAGS (\Seen beta alpha) INTERNALDATE "14-Nov-2023 22:15:00 +0000")
* 3 FETCH (UID 3 FLAGS (\Flagged) INTERNALDATE "14-Nov-2023 22:16:40 +0000")
* 4 FETCH (UID 4 FLAGS (\Answered beta) INTERNALDATE "14-Nov-2023 22:18:20 +0000")
* 5 FETCH (UID 5 FLAGS (\Answered beta) INTERNALDATE "14-Nov-2023 22:18:20 +0000")
f OK Fetch completed.'
	run cat "$MD/.Dest/dovecot-keywords"
	expect '0 beta
1 other
2 alpha'
	# the letters follow the destination's dovecot-keywords
	run sh -c "ls '$MD/.Dest/cur' | sed 's/^[0-9]*\.M[0-9]*P[0-9]*Q[0-9]*\.[^,:]*,/NEW,/'"
	expect '1600000000.M1P1Q1.host:2,Sb
NEW,S=14,W=17:2,Sac
NEW,S=14,W=17:2,F
NEW,S=14,W=17:2,Ra
NEW,S=14,W=17:2,Ra'
	# the source is unchanged
	[ -e "$MD/cur/1700000100.M1P100Q1.host:2,Sab" ]
	disk_check "$MD/.Dest"
}

@test "MOVE: COPYUID in an untagged OK, then EXPUNGE; files renamed, not copied" {
	store_setup
	mkfolder Dest
	putmsg 'cur/1700000100.M1P100Q1.host:2,S' 'Subject: 1\n\n1\n' '@1700000100'
	putmsg 'cur/1700000200.M1P100Q1.host:2,F' 'Subject: 2\n\n2\n' '@1700000200'
	putmsg 'new/1700000300.M1P100Q1.host' 'Subject: 3\n\n3\n' '@1700000300'
	putmsg 'cur/1700000400.M1P100Q1.host:2,' 'Subject: 4\n\n4\n' '@1700000400'
	ino=$(stat -c %i "$MD/cur/1700000200.M1P100Q1.host:2,F")
	run session <<'EOF'
a SELECT INBOX
b MOVE 2:3 Dest
c UID MOVE 4 Dest
d FETCH 1:* (UID FLAGS)
e MOVE 1 Nope
f SELECT Dest
g FETCH 1:* (UID FLAGS)
EOF
	output=$(echo "$output" | norm | grep -v '^\* \(FLAGS\|OK \[PERMANENTFLAGS\)')
	expect '* 4 EXISTS
* 1 RECENT
* OK [UNSEEN 2] First unseen.
* OK [UIDVALIDITY UV1] UIDs valid
* OK [UIDNEXT 5] Predicted next UID
* OK [MAILBOXID (ID)] Ok
a OK [READ-WRITE] Select completed.
* OK [COPYUID UV2 2:3 1:2] Moved UIDs.
* 3 EXPUNGE
* 2 EXPUNGE
* 0 RECENT
b OK Move completed.
* OK [COPYUID UV2 4 3] Moved UIDs.
* 2 EXPUNGE
c OK Move completed.
* 1 FETCH (UID 1 FLAGS (\Seen))
d OK Fetch completed.
e NO [TRYCREATE] Mailbox doesn'"'"'t exist: Nope
* OK [CLOSED] Previous mailbox closed.
* 3 EXISTS
* 0 RECENT
* OK [UNSEEN 1] First unseen.
* OK [UIDVALIDITY UV2] UIDs valid
* OK [UIDNEXT 4] Predicted next UID
* OK [MAILBOXID (ID)] Ok
f OK [READ-WRITE] Select completed.
* 1 FETCH (UID 1 FLAGS (\Flagged))
* 2 FETCH (UID 2 FLAGS ())
* 3 FETCH (UID 3 FLAGS ())
g OK Fetch completed.'
	[ "$(ls "$MD/cur")" = '1700000100.M1P100Q1.host:2,S' ]
	[ -z "$(ls "$MD/new")" ]
	[ "$(ls "$MD/.Dest/cur" | wc -l)" = 3 ]
	# the same file (inode), one link: renamed
	f=$(ls "$MD/.Dest/cur" | grep ':2,F$')
	[ "$(stat -c '%i %h' "$MD/.Dest/cur/$f")" = "$ino 1" ]
	disk_check "$MD/.Dest"
	disk_check
}

@test "COPY and MOVE to a missing folder: NO [TRYCREATE], nothing changes" {
	inbox3
	run session <<'EOF'
a SELECT INBOX
b COPY 1:3 Nope
c UID MOVE 1:3 Nope
d MOVE 1 Nope.Sub
e COPY 1 ../etc
f FETCH 1:* UID
EOF
	output=$(echo "$output" | strip_select)
	expect "b NO [TRYCREATE] Mailbox doesn't exist: Nope
c NO [TRYCREATE] Mailbox doesn't exist: Nope
d NO [TRYCREATE] Mailbox doesn't exist: Nope.Sub
e NO [CANNOT] Invalid mailbox name
* 1 FETCH (UID 1)
* 2 FETCH (UID 2)
* 3 FETCH (UID 3)
f OK Fetch completed."
	[ "$(ls "$MD/cur" | wc -l)" = 3 ]
	[ ! -e "$MD/.Nope" ]
}

@test "COPY keeps INTERNALDATE when the file cannot be hard-linked (another owner)" {
	[ "$(id -u)" = 0 ] || skip "needs root: a message file owned by another user"
	[ "$(cat /proc/sys/fs/protected_hardlinks 2>/dev/null)" = 1 ] ||
	    skip "needs fs.protected_hardlinks=1 to make link() fail"
	store_setup
	mkfolder Dest
	putmsg 'cur/1700000100.M1P100Q1.host:2,S' 'Subject: 1\n\n1\n' '@1700000100'
	chown root "$MD/cur/1700000100.M1P100Q1.host:2,S"
	run session <<'EOF'
a SELECT INBOX
b COPY 1 Dest
c SELECT Dest
d FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE)
EOF
	output=$(echo "$output" | strip_select | strip_select | norm)
	expect '* 1 FETCH (FLAGS (\Seen) INTERNALDATE "14-Nov-2023 22:15:00 +0000" RFC822.SIZE 17)
d OK Fetch completed.'
}

# ---------------------------------------------------------------------------
# APPEND

@test "APPEND: flags, keywords, date-time (the file's mtime), APPENDUID, file name" {
	store_setup
	run session <<'EOF'
a APPEND INBOX (\Seen \Flagged kw1 \Draft) "14-Nov-2023 22:13:20 +0100" {12+}
Subject: a

b APPEND INBOX () {12+}
Subject: b

c APPEND INBOX " 1-Jan-2000 00:00:00 -0130" {12+}
Subject: c

d SELECT INBOX
e FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE)
EOF
	# (UID 2 has the time of its APPEND)
	output=$(echo "$output" | norm |
	    sed 's/^\(\* 2 FETCH .*INTERNALDATE\) "[^"]*"/\1 NOW/')
	expect 'a OK [APPENDUID UV1 1] Append completed.
b OK [APPENDUID UV1 2] Append completed.
c OK [APPENDUID UV1 3] Append completed.
* FLAGS (\Answered \Flagged \Deleted \Seen \Draft kw1)
* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft kw1 \*)] Flags permitted.
* 3 EXISTS
* 0 RECENT
* OK [UNSEEN 2] First unseen.
* OK [UIDVALIDITY UV1] UIDs valid
* OK [UIDNEXT 4] Predicted next UID
* OK [MAILBOXID (ID)] Ok
d OK [READ-WRITE] Select completed.
* 1 FETCH (UID 1 FLAGS (\Flagged \Seen \Draft kw1) INTERNALDATE "14-Nov-2023 21:13:20 +0000" RFC822.SIZE 12)
* 2 FETCH (UID 2 FLAGS () INTERNALDATE NOW RFC822.SIZE 12)
* 3 FETCH (UID 3 FLAGS () INTERNALDATE " 1-Jan-2000 01:30:00 +0000" RFC822.SIZE 12)
e OK Fetch completed.'
	[ "$(cat "$MD/dovecot-keywords")" = '0 kw1' ]
	# names in the order of the APPENDs; UID 2's mtime is the APPEND's
	run sh -c "cd '$MD/cur' && for f in *; do echo \"\$f \$(stat -c '%s %Y' \"\$f\")\"; done | sed 's/^[0-9]*\.M[0-9]*P[0-9]*Q[0-9]*\.[^,:]*,/NEW,/'"
	now=$(date +%s)
	t=${lines[1]##* }
	[ "$t" -le "$now" ]
	[ "$t" -ge $((now - 100)) ]
	output=$(echo "$output" | sed "2s/ $t\$/ NOW/")
	expect "NEW,S=11,W=12:2,DFSa 11 1699996400
NEW,S=11,W=12:2, 11 NOW
NEW,S=11,W=12:2, 11 946690200"
	disk_check
}

@test "APPEND literals: {n} waits for +, {n+} up to 4096 octets, {4097+} BAD [TOOBIG] and the session goes on" {
	store_setup
	{
		printf 'a APPEND INBOX {5}\r\n'
		sleep 0.5
		printf 'hello\r\n'
		printf 'b APPEND INBOX {4096+}\r\n'
		head -c 4096 /dev/zero | tr '\0' x
		printf '\r\nc APPEND INBOX {4097+}\r\n'
		head -c 4097 /dev/zero | tr '\0' y
		printf '\r\nd NOOP\r\n'
	} | session_raw "$TESTDIR/raw"
	output=$(sed 1d "$TESTDIR/raw" | tr -d '\r' | norm)
	expect '+ Ready for literal data
a OK [APPENDUID UV1 1] Append completed.
b OK [APPENDUID UV1 2] Append completed.
c BAD [TOOBIG] Non-synchronizing literal too big (LITERAL-: 4096)
d OK NOOP completed.'
	[ "$(ls "$MD/cur" | wc -l)" = 2 ]
	[ "$(cat "$MD"/cur/*,S=4096,W=4096:2,)" = "$(head -c 4096 /dev/zero | tr '\0' x)" ]
	[ -z "$(ls "$MD/tmp")" ]
}

@test "APPEND: missing folder NO [TRYCREATE], empty message refused, APPENDLIMIT advertised and enforced before +" {
	store_setup
	run imap_preauth <<'EOF'
a APPEND Nope {3+}
abc
b APPEND INBOX {0+}

c APPEND INBOX {0}
d APPEND INBOX {67108865}
e APPEND INBOX (\Recent) {3+}
abc
f APPEND INBOX "31-Feb-2024 00:00:00 +0000" {3+}
abc
g NOOP
EOF
	echo "${lines[0]}" | grep -q '^\* PREAUTH \[CAPABILITY .* APPENDLIMIT=67108864[] ]'
	output=$(echo "$output" | sed 1d)
	expect "a NO [TRYCREATE] Mailbox doesn't exist: Nope
b NO Cannot save an empty message
c NO Cannot save an empty message
d NO [TOOBIG] Message too big (APPENDLIMIT=67108864)
e BAD Invalid flags
f BAD Invalid date-time
g OK NOOP completed."
	[ -z "$(find "$MD/cur" "$MD/new" "$MD/tmp" -type f)" ]
	[ ! -e "$MD/.Nope" ]
}

@test "APPEND: RFC822.SIZE (,W=) is counted as the message is written, right where a CR ends one write and its LF begins the next" {
	store_setup
	# Stored with LF, "\r\r\n" keeps one CR: "\r\n" on disk, its LF not
	# bare. Put that CR last in the server's first 65535-octet write, and
	# a bare LF first in the second write of a second message.
	"$PYTHON3" -c '
import sys
def stored(b):
    # CRLF -> LF as APPEND stores it
    return b.replace(b"\r\n", b"\n")
for i, tail in enumerate([b"\r\r\nend\r\n", b"\r\n\r\nend\r\n"]):
    head = b"Message-ID: <b%d@test>\r\nSubject: boundary\r\n\r\n" % i
    body = b""
    while len(stored(head + body)) < 65534 - 80:
        body += b"y" * 70 + b"\r\n"
    body += b"z" * (65534 + i - len(stored(head + body)))
    msg = head + body + tail
    on_disk = stored(head + body) + (b"\r\nend\n" if i == 0 else b"\n\nend\n")
    assert on_disk[65534:65536] == (b"\r\n" if i == 0 else b"z\n")
    open(sys.argv[1] + "/want%d" % i, "wb").write(msg)
    open(sys.argv[1] + "/disk%d" % i, "wb").write(on_disk)
' "$TESTDIR"
	{
		for i in 0 1; do
			printf 'a%d APPEND INBOX {%d}\r\n' "$i" "$(stat -c %s "$TESTDIR/want$i")"
			cat "$TESTDIR/want$i"
			printf '\r\n'
		done
		printf 'b SELECT INBOX\r\nc FETCH 1:2 (RFC822.SIZE BODY[])\r\n'
		printf 'e LOGOUT\r\n'
	} | session_raw "$TESTDIR/raw"
	for i in 0 1; do
		f=$(grep -l "<b$i@test>" "$MD"/cur/*)
		cmp "$TESTDIR/disk$i" "$f"
		# the size of the file served with CRLF line ends, counted
		# here on the file: the LFs without a CR before them, added
		crlf=$(( $(stat -c %s "$f") + $(perl -0777 -ne 'print scalar(() = /(?<!\r)\n/g)' "$f") ))
		[[ $f == *",S=$(stat -c %s "$f"),W=$crlf:2,"* ]]
		n=$((i + 1))
		grep -aqx "\* $n FETCH (RFC822.SIZE $crlf BODY\[\] {$crlf}"$'\r' "$TESTDIR/raw"
	done
}

@test "APPEND to the selected mailbox: EXISTS before the tagged OK; to another: nothing" {
	store_setup
	mkfolder Other
	run session <<'EOF'
a SELECT INBOX
b APPEND INBOX (\Seen) {3+}
one
c APPEND Other {3+}
two
d APPEND INBOX {5+}
three
e FETCH 1:* (UID FLAGS)
EOF
	output=$(echo "$output" | strip_select | norm)
	expect '* 1 EXISTS
b OK [APPENDUID UV1 1] Append completed.
c OK [APPENDUID UV2 1] Append completed.
* 2 EXISTS
d OK [APPENDUID UV1 2] Append completed.
* 1 FETCH (UID 1 FLAGS (\Seen))
* 2 FETCH (UID 2 FLAGS ())
e OK Fetch completed.'
}

# ---------------------------------------------------------------------------
# EXPUNGE, CLOSE, UNSELECT, UIDs

@test "EXPUNGE: \\Deleted messages go, EXPUNGE responses from the top down, files unlinked" {
	append4
	run session <<'EOF'
a SELECT INBOX
b STORE 1,3:4 +FLAGS.SILENT (\Deleted)
c EXPUNGE
d FETCH 1:* (UID FLAGS)
e EXPUNGE
f EXPUNGE 1
EOF
	output=$(echo "$output" | strip_select)
	expect 'b OK Store completed.
* 4 EXPUNGE
* 3 EXPUNGE
* 1 EXPUNGE
c OK Expunge completed.
* 1 FETCH (UID 2 FLAGS ())
d OK Fetch completed.
e OK Expunge completed.
f BAD EXPUNGE takes no arguments'
	[ "$(ls "$MD/cur" | wc -l)" = 1 ]
	[ "$(cat "$MD"/cur/*)" = m2 ]
}

@test "UID EXPUNGE expunges only the named UIDs that are \\Deleted" {
	append4
	run session <<'EOF'
a SELECT INBOX
b STORE 1:4 +FLAGS.SILENT (\Deleted)
c UID EXPUNGE 2,4:9
d FETCH 1:* (UID FLAGS)
e UID EXPUNGE 7
f UID EXPUNGE
g UID EXPUNGE 1:*
EOF
	output=$(echo "$output" | strip_select)
	expect 'b OK Store completed.
* 4 EXPUNGE
* 2 EXPUNGE
c OK Expunge completed.
* 1 FETCH (UID 1 FLAGS (\Deleted))
* 2 FETCH (UID 3 FLAGS (\Deleted))
d OK Fetch completed.
e OK Expunge completed.
f BAD UID EXPUNGE needs a UID set
* 2 EXPUNGE
* 1 EXPUNGE
g OK Expunge completed.'
	[ -z "$(ls "$MD/cur")" ]
}

@test "CLOSE expunges silently; UNSELECT and CLOSE after EXAMINE do not" {
	append4
	run session <<'EOF'
a SELECT INBOX
b STORE 1 +FLAGS.SILENT (\Deleted)
c UNSELECT
d EXAMINE INBOX
e CLOSE
f SELECT INBOX
g STORE 2 +FLAGS.SILENT (\Deleted)
h CLOSE
i NOOP
j FETCH 1 FLAGS
k SELECT INBOX
l FETCH 1:* UID
EOF
	output=$(echo "$output" | norm | grep -v '^\* \(FLAGS\|OK \[\(PERMANENTFLAGS\|UNSEEN\|UIDVALIDITY\)\|[0-9]* RECENT\)')
	expect '* 4 EXISTS
* OK [UIDNEXT 5] Predicted next UID
* OK [MAILBOXID (ID)] Ok
a OK [READ-WRITE] Select completed.
b OK Store completed.
c OK Unselect completed.
* 4 EXISTS
* OK [UIDNEXT 5] Predicted next UID
* OK [MAILBOXID (ID)] Ok
d OK [READ-ONLY] Examine completed.
e OK Close completed.
* 4 EXISTS
* OK [UIDNEXT 5] Predicted next UID
* OK [MAILBOXID (ID)] Ok
f OK [READ-WRITE] Select completed.
g OK Store completed.
h OK Close completed.
i OK NOOP completed.
j BAD No mailbox selected
* 2 EXISTS
* OK [UIDNEXT 5] Predicted next UID
* OK [MAILBOXID (ID)] Ok
k OK [READ-WRITE] Select completed.
* 1 FETCH (UID 3)
* 2 FETCH (UID 4)
l OK Fetch completed.'
}

@test "UIDs are never reused: expunge the highest UIDs, append, new session" {
	append4
	run session <<'EOF'
a SELECT INBOX
b STORE 3:4 +FLAGS.SILENT (\Deleted)
c EXPUNGE
d APPEND INBOX {2+}
m5
e FETCH 1:* UID
EOF
	output=$(echo "$output" | strip_select | norm)
	expect 'b OK Store completed.
* 4 EXPUNGE
* 3 EXPUNGE
c OK Expunge completed.
* 3 EXISTS
d OK [APPENDUID UV1 5] Append completed.
* 1 FETCH (UID 1)
* 2 FETCH (UID 2)
* 3 FETCH (UID 5)
e OK Fetch completed.'
	run session <<'EOF'
a SELECT INBOX
b STORE 3 +FLAGS.SILENT (\Deleted)
c CLOSE
d APPEND INBOX {2+}
m6
e SELECT INBOX
f UID FETCH 1:* UID
EOF
	output=$(echo "$output" | norm | grep -v '^\* \(FLAGS\|OK \[\(PERMANENTFLAGS\|UNSEEN\|UIDVALIDITY\)\|[0-9]* RECENT\)')
	expect '* 3 EXISTS
* OK [UIDNEXT 6] Predicted next UID
* OK [MAILBOXID (ID)] Ok
a OK [READ-WRITE] Select completed.
b OK Store completed.
c OK Close completed.
d OK [APPENDUID UV1 6] Append completed.
* 3 EXISTS
* OK [UIDNEXT 7] Predicted next UID
* OK [MAILBOXID (ID)] Ok
e OK [READ-WRITE] Select completed.
* 1 FETCH (UID 1)
* 2 FETCH (UID 2)
* 3 FETCH (UID 6)
f OK Fetch completed.'
	disk_check
}

# ---------------------------------------------------------------------------
# Sequence sets

@test "sequence sets: beyond EXISTS, * and 1:4294967295 are BAD for sequence numbers, ignored for UIDs" {
	append4
	run session <<'EOF'
a SELECT INBOX
b FETCH 5 UID
c FETCH 1:4294967295 UID
d FETCH 3:* UID
e FETCH *:3 UID
f FETCH * UID
g UID FETCH 1:4294967295 UID
h UID FETCH 3:2 UID
i UID FETCH 9 UID
j UID FETCH 9:* UID
k UID FETCH * UID
l STORE 5 +FLAGS (\Seen)
m UID STORE 5:9 +FLAGS (\Seen)
n COPY 2:5 INBOX
o UID COPY 5:9 INBOX
p FETCH 0 UID
q FETCH 4294967296 UID
EOF
	output=$(echo "$output" | strip_select)
	expect 'b BAD Invalid message sequence number
c BAD Invalid message sequence number
* 3 FETCH (UID 3)
* 4 FETCH (UID 4)
d OK Fetch completed.
* 3 FETCH (UID 3)
* 4 FETCH (UID 4)
e OK Fetch completed.
* 4 FETCH (UID 4)
f OK Fetch completed.
* 1 FETCH (UID 1)
* 2 FETCH (UID 2)
* 3 FETCH (UID 3)
* 4 FETCH (UID 4)
g OK Fetch completed.
* 2 FETCH (UID 2)
* 3 FETCH (UID 3)
h OK Fetch completed.
i OK Fetch completed.
* 4 FETCH (UID 4)
j OK Fetch completed.
* 4 FETCH (UID 4)
k OK Fetch completed.
l BAD Invalid message sequence number
m OK Store completed.
n BAD Invalid message sequence number
o OK No messages found.
p BAD Invalid message set
q BAD Invalid message set'
	[ "$(ls "$MD/cur" | wc -l)" = 4 ]
}

# ---------------------------------------------------------------------------
# Hostile contents of cur/ and new/

@test "hostile cur/ and new/: FIFO, symlink to /etc/passwd, directory, device: skipped, never followed, no hang" {
	store_setup
	putmsg 'cur/1700000100.M1P100Q1.host:2,S' 'Subject: real\n\nreal\n' '@1700000100'
	mkfifo "$MD/cur/1700000101.fifo:2,"
	mkfifo "$MD/new/1700000102.fifo"
	ln -s /etc/passwd "$MD/cur/1700000103.link:2,"
	ln -s /etc/passwd "$MD/new/1700000104.link"
	ln -s "$MD/cur/1700000100.M1P100Q1.host:2,S" "$MD/cur/1700000105.selflink:2,"
	mkdir "$MD/cur/1700000106.dir:2," "$MD/new/1700000107.dir"
	if [ "$(id -u)" = 0 ]; then
		mknod "$MD/cur/1700000108.dev:2," c 1 3
		mknod "$MD/new/1700000109.dev" c 1 5
	fi
	fix_owner
	find "$MD/cur" "$MD/new" -mindepth 1 ! -name '1700000100.*' \
	    -printf '%p %y %l %T@\n' | sort >"$TESTDIR/before"
	run session <<'EOF'
a SELECT INBOX
b FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[])
c STORE 1:* +FLAGS.SILENT (\Flagged)
d UID FETCH 1:* FLAGS
e NOOP
f STATUS INBOX (MESSAGES UIDNEXT)
g LOGOUT
EOF
	output=$(echo "$output" | norm)
	expect '* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
* OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] Flags permitted.
* 1 EXISTS
* 0 RECENT
* OK [UIDVALIDITY UV1] UIDs valid
* OK [UIDNEXT 2] Predicted next UID
* OK [MAILBOXID (ID)] Ok
a OK [READ-WRITE] Select completed.
* 1 FETCH (UID 1 FLAGS (\Seen) RFC822.SIZE 23 BODY[] {23}
Subject: real

real
)
b OK Fetch completed.
c OK Store completed.
* 1 FETCH (UID 1 FLAGS (\Flagged \Seen))
d OK Fetch completed.
e OK NOOP completed.
* STATUS INBOX (MESSAGES 1 UIDNEXT 2)
f OK Status completed.
* BYE Logging out
g OK Logout completed.'
	# nothing but the real message was renamed, moved or numbered
	find "$MD/cur" "$MD/new" -mindepth 1 ! -name '1700000100.*' \
	    -printf '%p %y %l %T@\n' | sort >"$TESTDIR/after"
	diff -u "$TESTDIR/before" "$TESTDIR/after"
	[ -f "$MD/cur/1700000100.M1P100Q1.host:2,FS" ]
	[ "$(sed 1d "$MD/dovecot-uidlist")" = '1 :1700000100.M1P100Q1.host' ]
}

@test "hostile: a message file replaced by a symlink or a FIFO after SELECT is not followed" {
	store_setup
	putmsg 'cur/1700000100.M1P100Q1.host:2,S' 'Subject: one\n\none\n' '@1700000100'
	putmsg 'cur/1700000200.M1P100Q1.host:2,S' 'Subject: two\n\ntwo\n' '@1700000200'
	mkdir -p "$TESTDIR/bin"
	cat >"$TESTDIR/bin/swap" <<EOF
#!/bin/sh
rm -f "$MD/cur/1700000100.M1P100Q1.host:2,S" "$MD/cur/1700000200.M1P100Q1.host:2,S"
ln -s /etc/passwd "$MD/cur/1700000100.M1P100Q1.host:2,S"
mkfifo "$MD/cur/1700000200.M1P100Q1.host:2,S"
EOF
	chmod 755 "$TESTDIR/bin/swap"
	run drive A <<EOF
A a SELECT INBOX
! $TESTDIR/bin/swap
A b FETCH 1:2 (UID BODY.PEEK[])
A c NOOP
A d UID FETCH 1:* (UID FLAGS)
EOF
	[ "$status" = 0 ]
	[ -z "$(echo "$output" | grep 'root:')" ]
	output=$(echo "$output" | sed '1,/^A: a OK/d')
	expect 'A: b NO [EXPUNGEISSUED] Some messages were expunged by another session
A: * 2 EXPUNGE
A: * 1 EXPUNGE
A: c OK NOOP completed.
A: d OK Fetch completed.'
}

@test "hostile: a file name with a newline gets one UID (or none), never a new one each time, and cannot break dovecot-uidlist" {
	store_setup
	putmsg 'cur/1700000100.M1P100Q1.host:2,S' 'Subject: one\n\none\n' '@1700000100'
	putmsg "cur/1700000200.evil"$'\n'"4000000000 x:2,S" 'Subject: two\n\ntwo\n' '@1700000200'
	for i in 1 2 3; do
		listing >"$TESTDIR/list$i"
	done
	diff "$TESTDIR/list1" "$TESTDIR/list2"
	diff "$TESTDIR/list1" "$TESTDIR/list3"
	disk_check
	# nothing but records after the header
	[ -z "$(sed 1d "$MD/dovecot-uidlist" | grep -v '^[0-9][0-9]* :')" ]
}

@test "a file listed twice (in new/ and in cur/, as when a mail reader moves it during a listing) gets one UID, with a list or without" {
	store_setup
	putmsg 'new/1700000300.M1P300Q1.host' 'Subject: x\n\nx\n' '@1700000300'
	putmsg 'cur/1700000300.M1P300Q1.host:2,S' 'Subject: x\n\nx\n' '@1700000300'
	printf 'a SELECT INBOX\nz LOGOUT\n' | session | grep -a EXISTS >"$TESTDIR/out"
	[ "$(cat "$TESTDIR/out")" = '* 1 EXISTS' ]
	[ "$(sed 1d "$MD/dovecot-uidlist")" = '1 :1700000300.M1P300Q1.host' ]
	# again, appended to a list that exists
	putmsg 'new/1700000400.M1P400Q1.host' 'Subject: y\n\ny\n' '@1700000400'
	putmsg 'cur/1700000400.M1P400Q1.host:2,' 'Subject: y\n\ny\n' '@1700000400'
	printf 'a SELECT INBOX\nz LOGOUT\n' | session | grep -a EXISTS >"$TESTDIR/out"
	[ "$(sed 1d "$MD/dovecot-uidlist" | grep -c 1700000400)" = 1 ]
	[ "$(sed 1d "$MD/dovecot-uidlist" | wc -l)" = 2 ]
}

@test "python3 imaplib: APPEND, FETCH, STORE, COPY, MOVE, EXPUNGE, UIDs" {
	local py=
	for p in python3 /usr/bin/python3; do
		if as_user "$p" -c 'import imaplib' 2>/dev/null; then
			py=$p
			break
		fi
	done
	[ -n "$py" ] || skip "no python3 the test user can run"
	setup_maildir
	run as_user "$py" "$BATS_TEST_DIRNAME/imaplib_store.py" "$MDIMAPD" "$MD"
	echo "$output"
	[ "$status" -eq 0 ]
}
