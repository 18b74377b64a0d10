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
* SEARCH 4
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
