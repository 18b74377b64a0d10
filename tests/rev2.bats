#!/usr/bin/env bats
# IMAP4rev2 (RFC 9051) beside IMAP4rev1, and UTF8=ACCEPT (RFC 6855):
# without ENABLE a session keeps rev1's answers; after ENABLE IMAP4rev2 no
# \Recent and no RECENT, no UNSEEN code, a LIST response in SELECT,
# ESEARCH for SEARCH, UIDs in unsolicited FETCH, and UTF-8 mailbox names;
# after ENABLE UTF8=ACCEPT, UTF-8 names and APPEND's "UTF8 (~{n})".

load helpers
load store/lib

setup() {
	common_setup
	store_setup
	putmsg 'new/1700000100.M1P1Q1.host' 'Subject: one\n\nbody\n'
	putmsg 'cur/1700000200.M1P1Q2.host:2,S' 'Subject: two\n\nbody\n'
	fix_owner
}

@test "IMAP4rev1 session (no ENABLE): RECENT, UNSEEN, \\Recent, SEARCH as before" {
	run session <<'EOF'
a SELECT INBOX
b FETCH 1:* (FLAGS)
c SEARCH ALL
EOF
	output=$(echo "$output" | grep -v 'UIDVALIDITY\|UIDNEXT\|MAILBOXID (ID)] Ok\|FLAGS (\\Answered\|PERMANENTFLAGS')
	expect '* 2 EXISTS
* 1 RECENT
* OK [UNSEEN 1] First unseen.
a OK [READ-WRITE] Select completed.
* 1 FETCH (FLAGS (\Recent))
* 2 FETCH (FLAGS (\Seen))
b OK Fetch completed.
* SEARCH 1 2
c OK Search completed.'
}

@test "ENABLE IMAP4rev2: SELECT with LIST and without RECENT/UNSEEN, no \\Recent, ESEARCH, UID in unsolicited FETCH" {
	run session <<'EOF'
a ENABLE IMAP4rev2
b SELECT INBOX
c FETCH 1:* (FLAGS)
d SEARCH ALL
e SEARCH RETURN (COUNT) SEEN
f STATUS INBOX (MESSAGES DELETED SIZE)
EOF
	output=$(echo "$output" | grep -v 'UIDVALIDITY\|UIDNEXT\|MAILBOXID (ID)] Ok\|FLAGS (\\Answered\|PERMANENTFLAGS')
	expect '* ENABLED IMAP4rev2
a OK ENABLE completed.
* 2 EXISTS
* LIST (\HasNoChildren) "." INBOX
b OK [READ-WRITE] Select completed.
* 1 FETCH (FLAGS ())
* 2 FETCH (FLAGS (\Seen))
c OK Fetch completed.
* ESEARCH (TAG "d") ALL 1:2
d OK Search completed.
* ESEARCH (TAG "e") COUNT 1
e OK Search completed.
* STATUS INBOX (MESSAGES 2 SIZE 44 DELETED 0)
f OK Status completed.'
}

@test "IMAP4rev2: a flag change by another process is reported with its UID" {
	run drive A <<'EOF'
A a ENABLE IMAP4rev2
A b SELECT INBOX
! mv "$MD/cur/1700000200.M1P1Q2.host:2,S" "$MD/cur/1700000200.M1P1Q2.host:2,FS"
A c NOOP
EOF
	echo "$output" | grep -q '^A: \* 2 FETCH (UID 2 FLAGS (\\Flagged \\Seen))$'
	! echo "$output" | grep -q 'RECENT'
}

@test "UTF-8 mailbox names after ENABLE UTF8=ACCEPT or IMAP4rev2, modified UTF-7 on disk; 8-bit names refused before" {
	run session <<'EOF'
a CREATE "café"
b ENABLE UTF8=ACCEPT
c CREATE "café.ünter"
d LIST "" "*"
e STATUS "café.ünter" (MESSAGES)
f SELECT INBOX
g COPY 1 "café.ünter"
h SELECT "café.ünter"
EOF
	output=$(echo "$output" | grep -v 'UIDVALIDITY\|UIDNEXT\|MAILBOXID (ID)] Ok\|FLAGS (\\Answered\|PERMANENTFLAGS\|EXISTS\|RECENT\|UNSEEN\|OK \[READ\|CLOSED\|COPYUID')
	expect 'a NO [CANNOT] Invalid mailbox name: Contains 8-bit characters
* ENABLED UTF8=ACCEPT
b OK ENABLE completed.
c OK [MAILBOXID (ID)] Create completed.
* LIST (\HasNoChildren) "." INBOX
* LIST (\HasChildren) "." "café"
* LIST (\HasNoChildren) "." "café.ünter"
d OK List completed.
* STATUS "café.ünter" (MESSAGES 0)
e OK Status completed.'
	[ -d "$MD/.caf&AOk-.&APw-nter/cur" ]
	ls "$MD/.caf&AOk-.&APw-nter/cur" | grep -q .
	run session <<'EOF'
a ENABLE IMAP4rev2
b LIST "" "caf*"
EOF
	echo "$output" | grep -qx '\* LIST (\\HasNoChildren) "." "café.ünter"'
}

@test "UTF8=ACCEPT: APPEND with UTF8 (~{n}) saves the message; without UTF8=ACCEPT it is BAD" {
	printf 'a ENABLE UTF8=ACCEPT\r\nb APPEND INBOX UTF8 (~{23}\r\nSubject: caf\303\251\r\n\r\nhi!\r\n)\r\nc SELECT INBOX\r\nd FETCH 3 (ENVELOPE BODY.PEEK[])\r\n' |
	    as_user "$MDIMAPD" --preauth -m "$MD" >"$TESTDIR/out" 2>&1
	grep -q '^b OK \[APPENDUID [0-9]* 3\] Append completed' "$TESTDIR/out"
	grep -q '^\* 3 FETCH (ENVELOPE (NIL "café" ' "$TESTDIR/out"
	printf 'b APPEND INBOX UTF8 (~{5}\r\nx\r\n\r\n)\r\n' |
	    as_user "$MDIMAPD" --preauth -m "$MD" >"$TESTDIR/out" 2>&1
	grep -q '^b BAD ' "$TESTDIR/out"
	# the two of setup() and the one appended
	[ "$(ls "$MD/cur" "$MD/new" | grep -c "^1")" = 3 ]
}
