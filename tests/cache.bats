#!/usr/bin/env bats
# The message cache mdimapd-cache (src/store/cache.c): ENVELOPE,
# BODYSTRUCTURE, BODY and RFC822.SIZE are answered from it on a later
# FETCH, by this process or another; a record that does not fit the file
# as it is now, a damaged or foreign cache file, or none at all only cost
# a parse, never a wrong answer.

load helpers
load store/lib

setup() {
	common_setup
	store_setup
	putmsg 'cur/1700000100.M1P1Q1.host:2,S' \
	    'From: Ann <ann@example.org>\nSubject: one\nContent-Type: text/plain; charset=utf-8\n\nbody one\n'
	putmsg 'cur/1700000200.M1P1Q2.host,S=55:2,S' \
	    'From: bob@example.org\nSubject: two\n\nbody two, longer\n'
	fix_owner
}

ITEMS='(ENVELOPE BODYSTRUCTURE BODY RFC822.SIZE)'
ANSWER='* 1 FETCH (ENVELOPE (NIL "one" (("Ann" NIL "ann" "example.org")) (("Ann" NIL "ann" "example.org")) (("Ann" NIL "ann" "example.org")) NIL NIL NIL NIL NIL) BODYSTRUCTURE ("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 10 1 NIL NIL NIL NIL) BODY ("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 10 1) RFC822.SIZE 96)
* 2 FETCH (ENVELOPE (NIL "two" ((NIL NIL "bob" "example.org")) ((NIL NIL "bob" "example.org")) ((NIL NIL "bob" "example.org")) NIL NIL NIL NIL NIL) BODYSTRUCTURE ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 18 1 NIL NIL NIL NIL) BODY ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 18 1) RFC822.SIZE 57)
b OK Fetch completed.'

fetch_all() {
	printf 'a EXAMINE INBOX\nb FETCH 1:* %s\n' "$ITEMS" | session |
	    grep -v '^\* [A-Z]\|^\* [0-9]* EXISTS\|^\* [0-9]* RECENT\|^a OK'
}

@test "cache: the first FETCH fills mdimapd-cache, a later session answers the same from it without the files" {
	run fetch_all
	expect "$ANSWER"
	[ -s "$MD/mdimapd-cache" ]
	head -1 "$MD/mdimapd-cache" | grep -q '^mdimapd-cache 2 V[0-9]*$'
	# 2 messages x (E, B, b, W) records
	[ "$(grep -c '^[12] [EBbW] [0-9a-f]\{16\} [0-9a-f]\{8\} [0-9]*$' "$MD/mdimapd-cache")" = 8 ]
	size=$(stat -c %s "$MD/mdimapd-cache")
	run fetch_all
	expect "$ANSWER"
	# answered from the cache: nothing appended
	[ "$(stat -c %s "$MD/mdimapd-cache")" = "$size" ]
}

@test "cache: values really come from it (a forged record of the right key is answered)" {
	run fetch_all
	# Change the cached subject, keeping the record's length and sum
	# valid: the server must use it (proof that it reads the cache).
	perl -0pi -e 's/"one"/"ONE"/' "$MD/mdimapd-cache"
	python3 "$BATS_TEST_DIRNAME/cache/resum.py" "$MD/mdimapd-cache"
	run fetch_all
	echo "$output" | grep -q '^\* 1 FETCH (ENVELOPE (NIL "ONE"'
}

@test "cache: a damaged record (bad sum), garbage lines and a torn last record are ignored" {
	run fetch_all
	perl -0pi -e 's/"two"/"TWO"/' "$MD/mdimapd-cache"	# sum now wrong
	printf 'garbage line\n9 E 0000000000000000 00000000 99999\nxx' >>"$MD/mdimapd-cache"
	run fetch_all
	expect "$ANSWER"
}

@test "cache: a message file replaced under the same name with another size is parsed again" {
	run fetch_all
	f=$MD/cur/1700000100.M1P1Q1.host:2,S
	printf 'From: Carl <carl@example.org>\nSubject: replaced, longer\n\nnew body\n' >"$f"
	fix_owner
	run fetch_all
	echo "$output" | grep -q '^\* 1 FETCH (ENVELOPE (NIL "replaced, longer" (("Carl" NIL "carl"'
	echo "$output" | grep -q 'RFC822.SIZE 70)$'
}

@test "cache: a cache of another UIDVALIDITY, or not a cache at all, is replaced" {
	printf 'mdimapd-cache 1 V1\n1 E 0000000000000001 00000000 3\nabc\n' >"$MD/mdimapd-cache"
	fix_owner
	run fetch_all
	expect "$ANSWER"
	head -1 "$MD/mdimapd-cache" | grep -vq ' V1$'
	printf 'not a cache\n' >"$MD/mdimapd-cache"
	fix_owner
	run fetch_all
	expect "$ANSWER"
	head -1 "$MD/mdimapd-cache" | grep -q '^mdimapd-cache 2 V'
	# a version 1 file (sums a byte at a time) of this UIDVALIDITY
	v=$(head -1 "$MD/mdimapd-cache" | sed 's/.* V//')
	printf 'mdimapd-cache 1 V%s\n1 E 0000000000000001 00000000 3\nabc\n' "$v" >"$MD/mdimapd-cache"
	fix_owner
	run fetch_all
	expect "$ANSWER"
	head -1 "$MD/mdimapd-cache" | grep -q '^mdimapd-cache 2 V'
	[ "$(grep -c '^1 E ' "$MD/mdimapd-cache")" = 1 ]
}

@test "cache: a symlink or FIFO named mdimapd-cache is never followed or read" {
	sum=$(cksum </etc/passwd)
	ln -s /etc/passwd "$MD/mdimapd-cache"
	run fetch_all
	expect "$ANSWER"
	# replaced by a cache of its own (rename), never written through
	[ "$(cksum </etc/passwd)" = "$sum" ]
	rm -f "$MD/mdimapd-cache"
	mkfifo "$MD/mdimapd-cache"
	fix_owner
	run fetch_all
	expect "$ANSWER"
}

@test "cache: sessions filling it at once leave a cache that answers right" {
	for i in $(seq 3 40); do
		putmsg "cur/17000003$i.M1P1Q$i.host:2,S" \
		    "From: n$i@example.org\nSubject: s$i\n\nbody $i\n"
	done
	fix_owner
	for i in 1 2 3 4; do
		printf 'a EXAMINE INBOX\nb FETCH 1:* (ENVELOPE BODYSTRUCTURE)\n' |
		    session >"$TESTDIR/par$i" &
	done
	wait
	for i in 2 3 4; do cmp "$TESTDIR/par1" "$TESTDIR/par$i"; done
	printf 'a EXAMINE INBOX\nb FETCH 1:* (ENVELOPE BODYSTRUCTURE)\n' |
	    session >"$TESTDIR/after"
	cmp "$TESTDIR/par1" "$TESTDIR/after"
	grep -q '^\* 40 FETCH (ENVELOPE (NIL "s40"' "$TESTDIR/after"
}

@test "cache: expunged messages' records are dropped when dead records outweigh live ones" {
	for i in $(seq 3 1300); do
		printf 'Subject: s%s\n\nb\n' "$i" >"$MD/cur/1700001$i.M1P1Q$i.host:2,T"
	done
	fix_owner
	printf 'a SELECT INBOX\nb FETCH 1:* (ENVELOPE)\n' | session >/dev/null
	lines=$(wc -l <"$MD/mdimapd-cache")
	[ "$lines" -gt 2500 ]
	printf 'a SELECT INBOX\nb EXPUNGE\nc FETCH 1:* (ENVELOPE)\n' | session >/dev/null
	# the fetch after the expunge rewrote it (or the next one will)
	printf 'a SELECT INBOX\nb FETCH 1:* (BODY)\n' | session >/dev/null
	[ "$(wc -l <"$MD/mdimapd-cache")" -lt 100 ]
	run fetch_all
	expect "$ANSWER"
}

@test "cache: HEADER.FIELDS of kept fields, SEARCH, SORT and THREAD read the kept header fields on a later session" {
	hf='b FETCH 1:* (BODY.PEEK[HEADER.FIELDS (From SUBJECT)])'
	printf 'a EXAMINE INBOX\n%s\n' "$hf" | session >"$TESTDIR/first"
	grep -c '^[12] H ' "$MD/mdimapd-cache" | grep -qx 2
	# Forge the kept subject of message 2 (the sum made right): a
	# later FETCH and SORT must answer from the cache.
	perl -0pi -e 's/Subject: two/Subject: aaa/' "$MD/mdimapd-cache"
	python3 "$BATS_TEST_DIRNAME/cache/resum.py" "$MD/mdimapd-cache"
	run session <<EOF
a EXAMINE INBOX
$hf
c SORT (SUBJECT) UTF-8 ALL
d FETCH 2 (BODY.PEEK[HEADER.FIELDS (SUBJECT X-NOT-KEPT)])
e SEARCH SUBJECT aaa
f SEARCH SUBJECT aaa BODY two
EOF
	echo "$output" | grep -qx 'Subject: aaa'
	echo "$output" | grep -qx '\* SORT 2 1'
	# a field the cache does not keep: read from the file
	echo "$output" | grep -qx 'Subject: two'
	# a search of kept fields only answers from the cache; with BODY it
	# reads the file (where the subject is "two")
	echo "$output" | grep -qx '\* SEARCH 2'
	echo "$output" | grep -qx '\* SEARCH'
}

@test "cache: INTERNALDATE and RFC822.SIZE read once are kept: a later SEARCH, SORT or FETCH does not look at the file again" {
	f=$(ls "$MD/cur" | grep Q1)
	touch -d '2023-11-14 22:13:20 UTC' "$MD/cur/$f"
	fix_owner
	TZ=UTC run session <<EOF
a EXAMINE INBOX
b FETCH 1 (INTERNALDATE RFC822.SIZE)
EOF
	echo "$output" | grep -qx '\* 1 FETCH (INTERNALDATE "14-Nov-2023 22:13:20 +0000" RFC822.SIZE 96)'
	grep -aq '^1 I [0-9a-f]* [0-9a-f]* 10$' "$MD/mdimapd-cache"
	grep -aq '^1 W [0-9a-f]* [0-9a-f]* 2$' "$MD/mdimapd-cache"
	# Another mtime (not a change of the message: same name, same
	# size): the kept date stands, as in Dovecot's index.
	touch -d '2024-01-02 03:04:05 UTC' "$MD/cur/$f"
	TZ=UTC run session <<EOF
a EXAMINE INBOX
b SEARCH BEFORE 1-Jan-2024
c SORT (ARRIVAL) US-ASCII ALL
d FETCH 1 (INTERNALDATE)
e SEARCH LARGER 90
EOF
	[ "$(echo "$output" | grep -cx '\* SEARCH 1')" = 2 ]
	echo "$output" | grep -qx '\* SORT 1 2'
	echo "$output" | grep -qx '\* 1 FETCH (INTERNALDATE "14-Nov-2023 22:13:20 +0000")'
	# Without the cache the file is asked again.
	rm "$MD/mdimapd-cache"
	TZ=UTC run session <<EOF
a EXAMINE INBOX
d FETCH 1 (INTERNALDATE)
EOF
	echo "$output" | grep -qx '\* 1 FETCH (INTERNALDATE " 2-Jan-2024 03:04:05 +0000")'
}

@test "cache: runs of records written out of UID order (fields and messages, in one session and several) are all found" {
	for i in 3 4 5 6 7 8; do
		putmsg "cur/17000003$i.M1P1Q$i.host:2," \
		    "From: m$i@example.org\nSubject: s$i\n\nbody $i\n"
	done
	fix_owner
	all='a EXAMINE INBOX
b FETCH 1:* (ENVELOPE RFC822.SIZE INTERNALDATE)'
	run session <<<"$all"
	want=$output
	rm "$MD/mdimapd-cache"
	# W and I first, then E for the last messages, then for the first:
	# each command's records are appended and read back (merged) by the
	# same process; the last FETCH finds them all.
	run session <<EOF
a EXAMINE INBOX
b FETCH 1:* (RFC822.SIZE INTERNALDATE)
c FETCH 5:* (ENVELOPE)
d FETCH 1:4 (ENVELOPE)
e FETCH 1:* (ENVELOPE)
EOF
	[ "$(grep -ac '^[0-9]* E ' "$MD/mdimapd-cache")" = 8 ]
	size=$(stat -c %s "$MD/mdimapd-cache")
	run session <<<"$all"
	expect "$want"
	# every value came from the cache: nothing appended
	[ "$(stat -c %s "$MD/mdimapd-cache")" = "$size" ]
}

@test "cache: SORT (DATE) keeps each message's Date: time (or its absence) and a later SORT reads only that" {
	putmsg 'cur/1700000300.M1P1Q3.host:2,S' \
	    'From: c@example.org\nDate: Tue, 14 Nov 2023 22:13:20 +0100\nSubject: three\n\nbody three\n'
	fix_owner
	run session <<EOF
a EXAMINE INBOX
b SORT (DATE) US-ASCII ALL
EOF
	want=$(echo "$output" | grep '^\* SORT')
	grep -aq '^3 D [0-9a-f]* [0-9a-f]* 10$' "$MD/mdimapd-cache"
	[ "$(grep -a -A1 '^3 D ' "$MD/mdimapd-cache" | tail -1)" = 1699996400 ]
	# no Date: field: "-", and INTERNALDATE sorts it
	[ "$(grep -a -A1 '^1 D ' "$MD/mdimapd-cache" | tail -1)" = - ]
	size=$(stat -c %s "$MD/mdimapd-cache")
	# the headers' records are no longer needed for it
	perl -0pi -e 's/Date: Tue/Date: Wed/' "$MD/mdimapd-cache"
	run session <<EOF
a EXAMINE INBOX
b SORT (DATE) US-ASCII ALL
c SORT (REVERSE DATE) US-ASCII ALL
EOF
	echo "$output" | grep -qxF "$want"
	[ "$(stat -c %s "$MD/mdimapd-cache")" = "$size" ]
}

@test "cache: THREAD uses and keeps the same sent dates as SORT (DATE)" {
	putmsg 'cur/1700000300.M1P1Q3.host:2,S' \
	    'From: c@example.org\nDate: Tue, 14 Nov 2023 22:13:20 +0100\nSubject: three\nMessage-ID: <3@x>\n\nbody three\n'
	fix_owner
	run session <<EOF
a EXAMINE INBOX
b THREAD REFERENCES US-ASCII ALL
EOF
	want=$(echo "$output" | grep '^\* THREAD')
	[ "$(grep -a -A1 '^3 D ' "$MD/mdimapd-cache" | tail -1)" = 1699996400 ]
	[ "$(grep -a -A1 '^1 D ' "$MD/mdimapd-cache" | tail -1)" = - ]
	size=$(stat -c %s "$MD/mdimapd-cache")
	run session <<EOF
a EXAMINE INBOX
b SORT (DATE) US-ASCII ALL
c THREAD REFERENCES US-ASCII ALL
EOF
	echo "$output" | grep -qxF "$want"
	[ "$(stat -c %s "$MD/mdimapd-cache")" = "$size" ]
}

# 600 messages more: 1,200 records of E and B, enough for a session that read
# them from mdimapd-cache to keep their index in mdimapd-cache.idx.
many_messages() {
	for i in $(seq 1000 1599); do
		printf 'From: m%s@example.org\nSubject: s%s\nDate: Mon, 1 Jan 2024 10:%02d:00 +0000\n\nbody %s\n' \
		    "$i" "$i" "$((i % 60))" "$i" >"$MD/cur/1700$i.M1P1Q$i.host:2,"
	done
	fix_owner
}

@test "cache index: a session that read many records keeps their places in mdimapd-cache.idx; later sessions answer the same with it" {
	many_messages
	all='a EXAMINE INBOX
b FETCH 1:* (ENVELOPE BODYSTRUCTURE)
c SORT (SUBJECT) US-ASCII ALL'
	run session <<<"$all"
	want=$output
	# The session that wrote the records read them back: index kept.
	[ -s "$MD/mdimapd-cache.idx" ]
	head -c 15 "$MD/mdimapd-cache.idx" | grep -q '^mdimapd-cidx 1$'
	size=$(stat -c %s "$MD/mdimapd-cache")
	run session <<<"$all"
	expect "$want"
	[ "$(stat -c %s "$MD/mdimapd-cache")" = "$size" ]
	# Proof that it is used: spoil the cache file's first line in place
	# (same inode). Read alone, the file is no longer ours and is
	# started anew; with the index, its records are still found (each
	# checked by its own line, which is intact).
	printf 'XXXXXXX' | dd of="$MD/mdimapd-cache" bs=1 seek=0 conv=notrunc 2>/dev/null
	run session <<<"$all"
	expect "$want"
	[ "$(stat -c %s "$MD/mdimapd-cache")" = "$size" ]
	[ "$(head -c 7 "$MD/mdimapd-cache")" = XXXXXXX ]
	rm "$MD/mdimapd-cache.idx"
	run session <<<"$all"
	expect "$want"
	head -1 "$MD/mdimapd-cache" | grep -q '^mdimapd-cache 2 V'
}

@test "cache index: a damaged, truncated, foreign or stale mdimapd-cache.idx is ignored, never trusted" {
	many_messages
	all='a EXAMINE INBOX
b FETCH 1:* (ENVELOPE BODYSTRUCTURE)'
	run session <<<"$all"
	want=$output
	[ -s "$MD/mdimapd-cache.idx" ]
	cp "$MD/mdimapd-cache.idx" "$TESTDIR/idx"
	# One byte changed in the middle of the records: the sum fails.
	cp "$TESTDIR/idx" "$MD/mdimapd-cache.idx"
	printf '\377' | dd of="$MD/mdimapd-cache.idx" bs=1 seek=5000 conv=notrunc 2>/dev/null
	run session <<<"$all"
	expect "$want"
	# Cut short.
	head -c 3000 "$TESTDIR/idx" >"$MD/mdimapd-cache.idx"
	run session <<<"$all"
	expect "$want"
	# Garbage, and empty.
	head -c 20000 /dev/urandom >"$MD/mdimapd-cache.idx"
	run session <<<"$all"
	expect "$want"
	: >"$MD/mdimapd-cache.idx"
	run session <<<"$all"
	expect "$want"
	# The index of another file: the cache copied to a new inode
	# with its first line spoiled. The old index does not match the new
	# inode, so the file is read alone and started anew.
	cp "$TESTDIR/idx" "$MD/mdimapd-cache.idx"
	cp "$MD/mdimapd-cache" "$TESTDIR/cache"
	printf 'XXXXXXX' | dd of="$TESTDIR/cache" bs=1 seek=0 conv=notrunc 2>/dev/null
	mv "$TESTDIR/cache" "$MD/mdimapd-cache"
	fix_owner
	run session <<<"$all"
	expect "$want"
	head -1 "$MD/mdimapd-cache" | grep -q '^mdimapd-cache 2 V'
	# A symlink named mdimapd-cache.idx is not followed.
	rm -f "$MD/mdimapd-cache.idx"
	ln -s "$TESTDIR/idx" "$MD/mdimapd-cache.idx"
	run session <<<"$all"
	expect "$want"
}

@test "cache index: records written after the index are read from the file; the index follows when enough are" {
	many_messages
	run session <<'EOF'
a EXAMINE INBOX
b FETCH 1:* (ENVELOPE RFC822.SIZE)
EOF
	[ -s "$MD/mdimapd-cache.idx" ]
	idx1=$(md5sum <"$MD/mdimapd-cache.idx")
	# A few records more (under the index's threshold): the index stays.
	run session <<'EOF'
a EXAMINE INBOX
b FETCH 1:10 (BODYSTRUCTURE)
EOF
	[ "$(md5sum <"$MD/mdimapd-cache.idx")" = "$idx1" ]
	all='a EXAMINE INBOX
b FETCH 1:* (ENVELOPE RFC822.SIZE BODYSTRUCTURE BODY)'
	run session <<<"$all"
	want=$output
	# the other 592 BODYSTRUCTUREs and 602 BODYs were added (and read
	# back: the index was written again), the E, W and first ten B
	# records found (the index, then the file after it)
	[ "$(grep -ac '^[0-9]* B ' "$MD/mdimapd-cache")" = 602 ]
	# the sizes counted again by the parse are not written twice
	[ "$(grep -ac '^[0-9]* W ' "$MD/mdimapd-cache")" = 602 ]
	[ "$(md5sum <"$MD/mdimapd-cache.idx")" != "$idx1" ]
	size=$(stat -c %s "$MD/mdimapd-cache")
	run session <<<"$all"
	expect "$want"
	[ "$(stat -c %s "$MD/mdimapd-cache")" = "$size" ]
	# Each message once, with its own values (setup's two after these).
	[ "$(echo "$output" | grep -c '^\* [0-9]* FETCH (ENVELOPE ')" = 602 ]
	echo "$output" | grep -q '^\* 600 FETCH (ENVELOPE ("Mon, 1 Jan 2024 10:39:00 +0000" "s1599" ((NIL NIL "m1599"'
}

@test "cache index: numeric values are used from it as they are; out of UID order, they never give a wrong answer" {
	many_messages
	all='a EXAMINE INBOX
b FETCH 1:* (RFC822.SIZE INTERNALDATE)
c SORT (DATE) US-ASCII ALL'
	run session <<<"$all"
	want=$output
	[ -s "$MD/mdimapd-cache.idx" ]
	cp "$MD/mdimapd-cache.idx" "$TESTDIR/idx"
	# Values changed, sums made right: the index's values are what is
	# answered (proof that they are read from it, not from the file).
	python3 "$BATS_TEST_DIRNAME/cache/idxedit.py" "$MD/mdimapd-cache.idx" W value
	run session <<<"$all"
	echo "$output" | grep -q '^\* 1 FETCH (RFC822.SIZE [0-9]\{4,\} '
	[ "$output" != "$want" ]
	# Two values out of UID order, sums right: the index is not used,
	# the file is read (and the index written again).
	cp "$TESTDIR/idx" "$MD/mdimapd-cache.idx"
	python3 "$BATS_TEST_DIRNAME/cache/idxedit.py" "$MD/mdimapd-cache.idx" D swap
	run session <<<"$all"
	expect "$want"
	run session <<<"$all"
	expect "$want"
}
