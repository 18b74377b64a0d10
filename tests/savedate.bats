#!/usr/bin/env bats
# SAVEDATE (RFC 8514): APPEND, COPY and MOVE record when they saved a
# message (mdimapd-savedate); a message delivered into new/ has its
# file's time; SEARCH SAVEDBEFORE/SAVEDON/SAVEDSINCE/SAVEDATESUPPORTED.

load helpers
load store/lib

setup() {
	common_setup
	store_setup
	putmsg 'cur/1700000100.M1P1Q1.host:2,' 'Subject: delivered\n\nbody\n' '2020-05-05 10:00:00'
	fix_owner
}

@test "SAVEDATE: a delivered message's file time; APPEND's save time, not its INTERNALDATE; COPY and MOVE get a new one; stable in later sessions" {
	today=$(date -u +%e-%b-%Y | sed 's/^ //')
	run session <<'EOF'
a CREATE dst
b SELECT INBOX
c APPEND INBOX "01-Jan-2019 10:00:00 +0000" {11+}
Subject: x
d FETCH 1:2 (INTERNALDATE SAVEDATE)
e COPY 1 dst
f MOVE 2 dst
g SELECT dst
h FETCH 1:2 (INTERNALDATE SAVEDATE)
EOF
	echo "$output" | grep -qx '\* 1 FETCH (INTERNALDATE " 5-May-2020 10:00:00 +0000" SAVEDATE " 5-May-2020 10:00:00 +0000")'
	echo "$output" | grep -q "^\* 2 FETCH (INTERNALDATE \" 1-Jan-2019 10:00:00 +0000\" SAVEDATE \" *$today "
	echo "$output" | grep -q "^\* 1 FETCH (INTERNALDATE \" 5-May-2020 10:00:00 +0000\" SAVEDATE \" *$today "
	echo "$output" | grep -q "^\* 2 FETCH (INTERNALDATE \" 1-Jan-2019 10:00:00 +0000\" SAVEDATE \" *$today "
	first=$(echo "$output" | grep '^\* [12] FETCH' | tail -2)
	run session <<'EOF'
a EXAMINE dst
b FETCH 1:2 (INTERNALDATE SAVEDATE)
EOF
	[ "$(echo "$output" | grep '^\* [12] FETCH')" = "$first" ]
	head -1 "$MD/.dst/mdimapd-savedate" | grep -q '^mdimapd-savedate 1 V[0-9]*$'
}

@test "SEARCH SAVEDBEFORE, SAVEDON, SAVEDSINCE on the save date; SAVEDATESUPPORTED matches all" {
	today=$(date +%e-%b-%Y | sed 's/^ //')
	run session <<EOF
a SELECT INBOX
b APPEND INBOX "01-Jan-2019 10:00:00 +0000" {11+}
Subject: x
c SEARCH SAVEDBEFORE 1-Jan-2021
d SEARCH SAVEDON $today
e SEARCH SAVEDSINCE 1-Jan-2021
f SEARCH BEFORE 1-Jan-2020
g SEARCH SAVEDATESUPPORTED
h SEARCH SAVEDON foo
EOF
	output=$(echo "$output" | grep '^\* SEARCH\|^[c-h] ')
	expect '* SEARCH 1
c OK Search completed.
* SEARCH 2
d OK Search completed.
* SEARCH 2
e OK Search completed.
* SEARCH 2
f OK Search completed.
* SEARCH 1 2
g OK Search completed.
h BAD Invalid search date'
}
