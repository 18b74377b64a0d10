#!/usr/bin/env bats
# search.bats: SEARCH and UID SEARCH (RFC 9051 6.4.4) with every key, on
# headers decoded from RFC 2047 and bodies from quoted-printable, base64
# and their charsets; ESEARCH (RFC 4731); SEARCHRES (RFC 5182) "$" in
# FETCH, STORE, COPY, MOVE, UID EXPUNGE and SEARCH and its reset; CHARSET;
# syntax errors and limits; and the UIDs found compared with Dovecot's on
# the same Maildir. Dates are fixed with touch -d and TZ=UTC.

load helpers
load store/lib

teardown() {
	common_teardown
}

# Five messages:
#  UID 1  \Seen, 2020-05-05: From Joe, RFC 2047 Q subject "café meeting",
#         Date 1 Jul 2003 23:52 -0200 (2 Jul in UTC)
#  UID 2  \Flagged \Answered Junk, 2021-01-01: multipart, a QP latin-1
#         "naïve" part and a base64 application part holding "hidden"
#  UID 3  new (\Recent), 2022-06-15: base64 UTF-8 body "Grüße aus Köln",
#         a Greek B-encoded subject, Bcc, 3000 bytes
#  UID 4  \Draft \Deleted, 2022-06-16: a message/rfc822 attachment whose
#         own subject is "inner secret"; no Date:
#  UID 5  \Seen $Label1, 2022-06-16 23:30 UTC: a Cyrillic KOI8-R QP body
fixture() {
	store_setup
	printf '0 Junk\n1 $Label1\n' >"$MD/dovecot-keywords"
	putmsg 'cur/1600000001.M1P1Q1.host:2,S' \
'From: Joe <joe@example.com>
To: ann@example.org
Cc: cc@example.net
Subject: =?utf-8?q?caf=C3=A9?= meeting
Date: Tue, 1 Jul 2003 23:52:37 -0200
Message-ID: <one@test>

Hello body text, see you.
' '2020-05-05 12:00 UTC'
	putmsg 'cur/1600000002.M1P1Q1.host:2,FRa' \
'From: x@y.example
To: ann@example.org
Subject: parts
Date: Tue, 5 May 2020 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

preamble words
--b1
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

na=EFve soft=
break
--b1
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64

aGlkZGVu
--b1--
' '2021-01-01 00:00 UTC'
	putmsg 'new/1600000003.M1P1Q1.host' \
"From: =?iso-8859-7?b?4eLj?= <greek@example.gr>
To: someone@example.org
Bcc: secret@example.com
Subject: =?iso-8859-7?b?w+Xp4SDz7/U=?=
Date: 15 Jun 2022 08:00 +0000
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

R3LDvMOfZSBhdXMgS8O2bG4K
$(rep x 2700)
" '2022-06-15 12:00 UTC'
	putmsg 'cur/1600000004.M1P1Q1.host:2,DT' \
'From: fwd@example.com
Subject: forwarded
Content-Type: multipart/mixed; boundary=outer

--outer
Content-Type: text/plain

see attached
--outer
Content-Type: message/rfc822

From: inner@example.com
Subject: inner secret

inner body words
--outer--
' '2022-06-16 01:00 UTC'
	putmsg 'cur/1600000005.M1P1Q1.host:2,Sb' \
'From: ivan@example.ru
Subject: =?koi8-r?q?=F0=D2=C9=D7=C5=D4?=
Date: Thu, 16 Jun 2022 23:30:00 +0000
Content-Type: text/plain; charset=koi8-r
Content-Transfer-Encoding: quoted-printable

=F0=D2=C9=D7=C5=D4, =CD=C9=D2!
' '2022-06-16 23:30 UTC'
	fix_owner
}

# search_lines: the session's untagged SEARCH/ESEARCH answers and tagged
# replies, without SELECT's lines.
search_lines() {
	session | grep -v '^\* \(FLAGS\|OK\|[0-9]* EXISTS\|[0-9]* RECENT\)' |
	    grep -v '^s OK'
}

@test "every search key, by sequence number and by UID" {
	fixture
	run search_lines <<'EOF'
s SELECT INBOX
a SEARCH ALL
b SEARCH ANSWERED
c SEARCH UNANSWERED
d SEARCH DELETED
e SEARCH UNDELETED
f SEARCH DRAFT
g SEARCH UNDRAFT
h SEARCH FLAGGED
i SEARCH UNFLAGGED
j SEARCH SEEN
k SEARCH UNSEEN
l SEARCH RECENT
m SEARCH OLD
n SEARCH NEW
o SEARCH KEYWORD Junk
p SEARCH KEYWORD $label1
q SEARCH UNKEYWORD Junk
r SEARCH KEYWORD NoSuchKeyword
s1 SEARCH UNKEYWORD NoSuchKeyword
t SEARCH LARGER 1000
u SEARCH SMALLER 300
v SEARCH 2:4
w SEARCH 4:*
x UID SEARCH UID 2,4:* NOT 5
y SEARCH UID 3:1
z SEARCH BEFORE 1-Jan-2021
a1 SEARCH ON 1-Jan-2021
a2 SEARCH SINCE 16-Jun-2022
a3 SEARCH SENTBEFORE 2-Jul-2003
a4 SEARCH SENTON 1-Jul-2003
a5 SEARCH SENTSINCE 15-Jun-2022
a6 SEARCH SENTON 16-Jun-2022
a7 SEARCH FROM joe
a8 SEARCH TO ANN@EXAMPLE.ORG
a9 SEARCH CC cc@
b1 SEARCH BCC secret
b2 SEARCH SUBJECT "CAFÉ"
b3 SEARCH SUBJECT "caf"
b4 SEARCH HEADER Message-ID <one@test>
b5 SEARCH HEADER content-transfer-encoding ""
b6 SEARCH HEADER X-Nothing ""
b7 SEARCH OR SEEN FLAGGED
b8 SEARCH NOT (SEEN OR DRAFT FLAGGED)
b9 UID SEARCH OR (SEEN KEYWORD $Label1) (1:2 SMALLER 10000)
EOF
	expect "* SEARCH 1 2 3 4 5
a OK Search completed.
* SEARCH 2
b OK Search completed.
* SEARCH 1 3 4 5
c OK Search completed.
* SEARCH 4
d OK Search completed.
* SEARCH 1 2 3 5
e OK Search completed.
* SEARCH 4
f OK Search completed.
* SEARCH 1 2 3 5
g OK Search completed.
* SEARCH 2
h OK Search completed.
* SEARCH 1 3 4 5
i OK Search completed.
* SEARCH 1 5
j OK Search completed.
* SEARCH 2 3 4
k OK Search completed.
* SEARCH 3
l OK Search completed.
* SEARCH 1 2 4 5
m OK Search completed.
* SEARCH 3
n OK Search completed.
* SEARCH 2
o OK Search completed.
* SEARCH 5
p OK Search completed.
* SEARCH 1 3 4 5
q OK Search completed.
* SEARCH
r OK Search completed.
* SEARCH 1 2 3 4 5
s1 OK Search completed.
* SEARCH 3
t OK Search completed.
* SEARCH 1 4 5
u OK Search completed.
* SEARCH 2 3 4
v OK Search completed.
* SEARCH 4 5
w OK Search completed.
* SEARCH 2 4
x OK Search completed.
* SEARCH 1 2 3
y OK Search completed.
* SEARCH 1
z OK Search completed.
* SEARCH 2
a1 OK Search completed.
* SEARCH 4 5
a2 OK Search completed.
* SEARCH 1 4
a3 OK Search completed.
* SEARCH 1
a4 OK Search completed.
* SEARCH 3 5
a5 OK Search completed.
* SEARCH 5
a6 OK Search completed.
* SEARCH 1
a7 OK Search completed.
* SEARCH 1 2
a8 OK Search completed.
* SEARCH 1
a9 OK Search completed.
* SEARCH 3
b1 OK Search completed.
* SEARCH 1
b2 OK Search completed.
* SEARCH 1
b3 OK Search completed.
* SEARCH 1
b4 OK Search completed.
* SEARCH 3 5
b5 OK Search completed.
* SEARCH
b6 OK Search completed.
* SEARCH 1 2 5
b7 OK Search completed.
* SEARCH 1 2 3 4 5
b8 OK Search completed.
* SEARCH 1 2 5
b9 OK Search completed."
}

@test "BODY and TEXT: transfer encodings, charsets, MIME parts, enclosed messages, case and accents" {
	fixture
	run search_lines <<'EOF'
s SELECT INBOX
a SEARCH BODY "hello BODY"
b SEARCH BODY "NAÏVE"
c SEARCH BODY "softbreak"
d SEARCH BODY hidden
e SEARCH BODY preamble
f SEARCH BODY "grüsse"
g SEARCH BODY "GRÜßE aus köln"
h SEARCH BODY "inner secret"
i SEARCH BODY "inner body"
j SEARCH BODY "see attached"
k SEARCH BODY "привет, мир"
l SEARCH BODY joe@example.com
m SEARCH TEXT joe@example.com
n SEARCH TEXT "subject: café"
o SEARCH TEXT "ΓΕΙΑ ΣΟΥ"
p SEARCH SUBJECT "γεια σου"
q SEARCH FROM "αβγ"
r SEARCH SUBJECT "ПРИВЕТ"
s2 SEARCH TEXT "nowhere at all"
t SEARCH BODY ""
u SEARCH CHARSET UTF-8 BODY {6+}
naïve
v SEARCH CHARSET us-ascii TEXT "WORDS"
w SEARCH SEEN BODY "привет" NOT TEXT "zzz"
x SEARCH OR BODY hello BODY "köln"
EOF
	expect "* SEARCH 1
a OK Search completed.
* SEARCH 2
b OK Search completed.
* SEARCH 2
c OK Search completed.
* SEARCH
d OK Search completed.
* SEARCH
e OK Search completed.
* SEARCH
f OK Search completed.
* SEARCH 3
g OK Search completed.
* SEARCH
h OK Search completed.
* SEARCH 4
i OK Search completed.
* SEARCH 4
j OK Search completed.
* SEARCH 5
k OK Search completed.
* SEARCH
l OK Search completed.
* SEARCH 1
m OK Search completed.
* SEARCH 1
n OK Search completed.
* SEARCH 3
o OK Search completed.
* SEARCH 3
p OK Search completed.
* SEARCH 3
q OK Search completed.
* SEARCH 5
r OK Search completed.
* SEARCH
s2 OK Search completed.
* SEARCH 1 2 3 4 5
t OK Search completed.
* SEARCH 2
u OK Search completed.
* SEARCH 4
v OK Search completed.
* SEARCH 5
w OK Search completed.
* SEARCH 1 3
x OK Search completed."
}

# bigmsg NAME SIZE WORD: cur/NAME, a message of exactly SIZE bytes whose
# body is lines of "f" ending with WORD; "straddle" sits across byte
# 16384, where search_text.c's first read ends, when the body gets there.
bigmsg() {
	"$PYTHON3" - "$MD/cur/$1" "$2" "$3" <<'PY'
import sys
path, size, word = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
b = bytearray(b"From: big@example.com\nSubject: big " + word + b"\n\n")
tail = word + b"\n"
while len(b) + len(tail) < size:
    k = min(64, size - len(b) - len(tail))
    b += b"f" * (k - 1) + b"\n"
b += tail
if size > 16400:
    b[16380:16388] = b"straddle"
assert len(b) == size
open(path, "wb").write(b)
PY
}

@test "BODY, TEXT and HEADER in large files: at and past 16 KiB (read in two steps) and 256 KiB (mapped), a header longer than the first read" {
	store_setup
	local s
	for s in 1000 16384 16385 262144 262145 300000; do
		bigmsg "$((1700000000 + s)).M1P1Q1.host:2,S" $s "w$s"
	done
	# a header field past the first read, then a short body
	putmsg 'cur/1800000001.M1P1Q1.host:2,S' "From: long@example.com
X-Long: $(for i in $(seq 300); do printf 'v%068d\n\t' "$i"; done)last-of-long
X-After: needle after the first read

short tailword
"
	fix_owner
	run search_lines <<'EOF'
s SELECT INBOX
a SEARCH BODY w1000
b SEARCH BODY w16384
c SEARCH BODY w16385
d SEARCH BODY w262144
e SEARCH BODY w262145
f SEARCH BODY w300000
g SEARCH BODY straddle
h SEARCH TEXT "needle after the"
i SEARCH HEADER X-After needle
j SEARCH BODY tailword
k SEARCH TEXT "last-of-long"
l SEARCH FROM big@ NOT BODY fff
EOF
	expect "* SEARCH 1
a OK Search completed.
* SEARCH 2
b OK Search completed.
* SEARCH 3
c OK Search completed.
* SEARCH 4
d OK Search completed.
* SEARCH 5
e OK Search completed.
* SEARCH 6
f OK Search completed.
* SEARCH 4 5 6
g OK Search completed.
* SEARCH 7
h OK Search completed.
* SEARCH 7
i OK Search completed.
* SEARCH 7
j OK Search completed.
* SEARCH 7
k OK Search completed.
* SEARCH
l OK Search completed."
}

@test "ESEARCH: RETURN (MIN MAX COUNT ALL), RETURN (), UID, no match" {
	fixture
	run search_lines <<'EOF'
s SELECT INBOX
a SEARCH RETURN (MIN MAX COUNT ALL) NOT DRAFT
b UID SEARCH RETURN (COUNT) ALL
c SEARCH RETURN () 1,3:5
d SEARCH RETURN (MIN MAX ALL) KEYWORD nothing
e SEARCH RETURN (COUNT MIN) KEYWORD nothing
f UID SEARCH RETURN (MAX) SEEN
EOF
	expect '* ESEARCH (TAG "a") MIN 1 MAX 5 ALL 1:3,5 COUNT 4
a OK Search completed.
* ESEARCH (TAG "b") UID COUNT 5
b OK Search completed.
* ESEARCH (TAG "c") ALL 1,3:5
c OK Search completed.
* ESEARCH (TAG "d")
d OK Search completed.
* ESEARCH (TAG "e") COUNT 0
e OK Search completed.
* ESEARCH (TAG "f") UID MAX 5
f OK Search completed.'
}

@test "SEARCHRES: SAVE, \$ in FETCH, STORE, COPY, SEARCH, UID commands; MIN/MAX saves; reset by SELECT, failed SAVE" {
	fixture
	mkfolder Dest
	run search_lines <<'EOF'
s SELECT INBOX
a SEARCH RETURN (SAVE) OR FLAGGED DRAFT
b FETCH $ (UID FLAGS)
c UID FETCH $ UID
d STORE $ +FLAGS.SILENT (\Seen)
e SEARCH SEEN
f COPY $ Dest
g UID SEARCH RETURN (SAVE MIN) SEEN
h SEARCH $
i UID SEARCH RETURN (ALL SAVE MIN) SEEN
j SEARCH RETURN (COUNT) UID $
k SEARCH RETURN (SAVE) CHARSET x-unknown ALL
l FETCH $ UID
m SEARCH RETURN (SAVE MIN MAX) ALL
n SEARCH OR $ 2
o SEARCH RETURN (SAVE) BADKEY
p SEARCH $
p1 STORE $ +FLAGS.SILENT (\Deleted)
q UID EXPUNGE $
r SELECT INBOX
t FETCH $ UID
EOF
	run norm <<<"$output"
	expect 'a OK Search completed, result saved.
* 2 FETCH (UID 2 FLAGS (\Answered \Flagged Junk))
* 4 FETCH (UID 4 FLAGS (\Deleted \Draft))
b OK Fetch completed.
* 2 FETCH (UID 2)
* 4 FETCH (UID 4)
c OK Fetch completed.
d OK Store completed.
* SEARCH 1 2 4 5
e OK Search completed.
f OK [COPYUID UV1 2,4 1:2] Copy completed.
* ESEARCH (TAG "g") UID MIN 1
g OK Search completed, result saved.
* SEARCH 1
h OK Search completed.
* ESEARCH (TAG "i") UID MIN 1 ALL 1:2,4:5
i OK Search completed, result saved.
* ESEARCH (TAG "j") COUNT 4
j OK Search completed.
k NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset
l OK Fetch completed.
* ESEARCH (TAG "m") MIN 1 MAX 5
m OK Search completed, result saved.
* SEARCH 1 2 5
n OK Search completed.
o BAD Unknown search key
* SEARCH 1 5
p OK Search completed.
p1 OK Store completed.
* 5 EXPUNGE
* 1 EXPUNGE
q OK Expunge completed.
r OK [READ-WRITE] Select completed.
t OK Fetch completed.'
}

@test "SEARCHRES: \$ in MOVE and UID MOVE; UNSELECT and CLOSE empty it; EXPUNGE takes messages out of it" {
	fixture
	mkfolder Dest
	run search_lines <<'EOF'
s SELECT INBOX
a SEARCH RETURN (SAVE) SEEN
b UNSELECT
s SELECT INBOX
c FETCH $ UID
d SEARCH RETURN (SAVE) DELETED
e CLOSE
s SELECT INBOX
f SEARCH RETURN (SAVE) ALL
g STORE 1 +FLAGS.SILENT (\Deleted)
h EXPUNGE
i UID FETCH $ UID
j UID MOVE $ Dest
k SEARCH ALL
EOF
	run norm <<<"$output"
	expect 'a OK Search completed, result saved.
b OK Unselect completed.
c OK Fetch completed.
d OK Search completed, result saved.
e OK Close completed.
f OK Search completed, result saved.
g OK Store completed.
* 1 EXPUNGE
h OK Expunge completed.
* 1 FETCH (UID 2)
* 2 FETCH (UID 3)
* 3 FETCH (UID 5)
i OK Fetch completed.
* 3 EXPUNGE
* 2 EXPUNGE
* 1 EXPUNGE
j OK Move completed.
* SEARCH
k OK Search completed.'
}

@test "SEARCH errors: syntax (BAD), BADCHARSET (NO), limits of keys, nesting and string length (BAD [LIMIT]), not selected" {
	fixture
	deep=$(rep N 63 | sed 's/N/NOT /g')
	deeper=$(rep N 64 | sed 's/N/NOT /g')
	many=$(rep A 1000 | sed 's/A/ALL /g')
	long=$(rep x 16384)
	run search_lines <<EOF
a SEARCH ALL
s SELECT INBOX
b SEARCH
c SEARCH FOO
d SEARCH SUBJECT
e SEARCH BEFORE 30-Feb-2020
f SEARCH LARGER big
g SEARCH (SEEN
h SEARCH CHARSET ISO-8859-1 ALL
i SEARCH RETURN (BOGUS) ALL
j SEARCH ${deep}SEEN
k SEARCH ${deeper}SEEN
l SEARCH ${many}
m SEARCH ${many}ALL
n SEARCH BODY "$long"
o SEARCH BODY "${long}x"
p SEARCH 1:x
q SEARCH UID
r UID SEARCH KEYWORD \\Seen
EOF
	expect "a BAD No mailbox selected
b BAD Missing search keys
c BAD Unknown search key
d BAD Missing search argument
e BAD Invalid search date
f BAD Invalid search size
g BAD Missing ')'
h NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset
i BAD Unknown RETURN option
* SEARCH 2 3 4
j OK Search completed.
k BAD [LIMIT] Search keys nested too deep
* SEARCH 1 2 3 4 5
l OK Search completed.
m BAD [LIMIT] Too many search keys
* SEARCH
n OK Search completed.
o BAD [LIMIT] Search string too long
p BAD Invalid search sequence set
q BAD Missing UID set
r BAD Invalid search keyword"
}

@test "the UIDs mdimapd finds are the UIDs Dovecot finds, on the same Maildir" {
	have_dovecot || skip "Dovecot's imap is not installed ($DOVECOT_IMAP)"
	fixture
	dovecot_setup
	# Dovecot first: it gives the UIDs (and moves new/ to cur/)
	searches='ALL
SEEN
UNSEEN
FLAGGED ANSWERED
DELETED
DRAFT
KEYWORD Junk
UNKEYWORD $Label1
LARGER 1000
SMALLER 300
BEFORE 1-Jan-2021
ON 1-Jan-2021
SINCE 16-Jun-2022
SENTBEFORE 2-Jul-2003
SENTON 1-Jul-2003
SENTSINCE 15-Jun-2022
FROM joe
TO ann@example.org
CC cc@
BCC secret
SUBJECT "café"
SUBJECT "γεια σου"
SUBJECT "привет"
HEADER Message-ID <one@test>
HEADER content-transfer-encoding ""
BODY "hello body"
BODY "naïve"
BODY softbreak
BODY hidden
BODY "grüße aus köln"
BODY "inner secret"
TEXT "inner secret"
BODY "see attached"
BODY "привет, мир"
TEXT joe@example.com
TEXT "inner body"
TEXT "ΓΕΙΑ"
OR SEEN FLAGGED
NOT (SEEN OR DRAFT FLAGGED)
UID 2:4 NOT BODY hidden
2:4
OR (SEEN KEYWORD $Label1) (1:2 SMALLER 10000)'
	script() {
		echo "$1 s SELECT INBOX"
		n=0
		while IFS= read -r q; do
			n=$((n + 1))
			echo "$1 q$n UID SEARCH CHARSET UTF-8 $q"
		done <<<"$searches"
	}
	script D | dovecot_drive D | sed -n 's/^D: \(\* SEARCH.*\|q[0-9]* [A-Z]*\).*/\1/p' >"$TESTDIR/d.out"
	script A | drive A | sed -n 's/^A: \(\* SEARCH.*\|q[0-9]* [A-Z]*\).*/\1/p' >"$TESTDIR/m.out"
	[ "$(grep -c '^q[0-9]* OK' "$TESTDIR/d.out")" = 42 ]
	run diff -u "$TESTDIR/d.out" "$TESTDIR/m.out"
	expect ''
}
