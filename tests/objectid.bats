#!/usr/bin/env bats
# OBJECTID (RFC 8474): MAILBOXID in CREATE, SELECT and STATUS, kept by
# RENAME; EMAILID kept by COPY (hard link), MOVE (rename) and flag changes,
# stable across sessions; THREADID NIL; SEARCH EMAILID and THREADID.

load helpers
load store/lib

# The answers with the MAILBOXIDs as sent (session() writes them as ID).
raw_session() {
	timeout 60 $(user_prefix) "$MDIMAPD" --preauth -m "$MD" \
	    2>"$TESTDIR/stderr" | tr -d '\r'
}

setup() {
	common_setup
	store_setup
	putmsg 'cur/1700000100.M1P1Q1.host:2,' 'Subject: one\n\nbody\n'
	putmsg 'cur/1700000200.M1P1Q2.host:2,' 'Subject: two\n\nbody\n'
	fix_owner
}

@test "OBJECTID: MAILBOXID in CREATE, SELECT, STATUS and LIST-STATUS, the same after RENAME; a new folder of the same name gets a new one" {
	run raw_session <<'EOF'
a CREATE foo
b STATUS foo (MAILBOXID)
c RENAME foo bar
d STATUS bar (MAILBOXID MESSAGES)
e SELECT bar
f LIST "" bar RETURN (STATUS (MAILBOXID))
g DELETE bar
h CREATE bar
EOF
	id=$(echo "$output" | sed -n 's/^a OK \[MAILBOXID (\(F[0-9a-f]\{32\}\))\] Create completed\.$/\1/p')
	[ -n "$id" ]
	echo "$output" | grep -qx "\* STATUS foo (MAILBOXID ($id))"
	echo "$output" | grep -qx "\* STATUS bar (MESSAGES 0 MAILBOXID ($id))"
	echo "$output" | grep -qx "\* OK \[MAILBOXID ($id)\] Ok"
	echo "$output" | grep -qx "\* STATUS bar (MAILBOXID ($id))"
	new=$(echo "$output" | sed -n 's/^h OK \[MAILBOXID (\(F[0-9a-f]*\))\].*/\1/p')
	[ -n "$new" ] && [ "$new" != "$id" ]
	# the GUID of dovecot-uidlist's header: what Dovecot calls the mailbox GUID
	grep -q " G${new#F}" "$MD/.bar/dovecot-uidlist"
}

@test "OBJECTID: EMAILID kept by a flag change, COPY and MOVE, and in a later session; THREADID NIL; SEARCH EMAILID, THREADID" {
	run session <<'EOF'
a CREATE dst
b SELECT INBOX
c FETCH 1:2 (EMAILID THREADID)
d STORE 1 +FLAGS (\Seen)
e FETCH 1 (EMAILID)
f COPY 1 dst
g MOVE 2 dst
h SELECT dst
i UID FETCH 1:* (EMAILID)
EOF
	e1=$(echo "$output" | sed -n 's/^\* 1 FETCH (EMAILID (\(M[0-9a-f]*\)) THREADID NIL)$/\1/p')
	e2=$(echo "$output" | sed -n 's/^\* 2 FETCH (EMAILID (\(M[0-9a-f]*\)) THREADID NIL)$/\1/p')
	[ -n "$e1" ] && [ -n "$e2" ] && [ "$e1" != "$e2" ]
	echo "$output" | grep -qx "\* 1 FETCH (EMAILID ($e1))"
	echo "$output" | grep -qx "\* 1 FETCH (UID 1 EMAILID ($e1))"
	echo "$output" | grep -qx "\* 2 FETCH (UID 2 EMAILID ($e2))"
	run session <<EOF
a SELECT INBOX
b SEARCH EMAILID $e1
c SEARCH THREADID T1
d SEARCH EMAILID bad!id
e FETCH 1 (EMAILID)
EOF
	output=$(echo "$output" | grep '^\* SEARCH\|^[b-e] \|EMAILID')
	expect "* SEARCH 1
b OK Search completed.
* SEARCH
c OK Search completed.
d BAD Invalid object ID
* 1 FETCH (EMAILID ($e1))
e OK Fetch completed."
}
