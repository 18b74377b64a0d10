#!/usr/bin/env bats
# SORT, UID SORT, THREAD, UID THREAD (RFC 5256; SORT=DISPLAY, RFC 5957):
# exact answers on a small folder, errors, and the same answers as
# Dovecot's imap on generated folders.

load helpers
load store/lib

setup() {
	common_setup
	store_setup
}

small() {
	putmsg 'cur/1700000100.M1P1Q1.host:2,S' \
	    'From: Zed <zed@x.org>\nTo: b@x\nSubject: Re: apple\nDate: Tue, 2 Jan 2024 10:00:00 +0000\nMessage-ID: <b@x>\nReferences: <a@x>\n\nbody body\n' \
	    '@1700000300'
	putmsg 'cur/1700000200.M1P1Q2.host:2,' \
	    'From: alice@x.org\nTo: "Tina" <a@x>\nSubject: apple\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nMessage-ID: <a@x>\n\nb\n' \
	    '@1700000100'
	putmsg 'cur/1700000300.M1P1Q3.host:2,' \
	    'From: =?utf-8?q?=C3=89mile?= <emile@x>\nTo: c@x\nSubject: [list] banana\nMessage-ID: <c@x>\n\nlonger body here\n' \
	    '@1700000200'
	putmsg 'cur/1700000400.M1P1Q4.host:2,' \
	    'From: Bob <bob@x>\nSubject: Fwd: banana (fwd)\nDate: Wed, 3 Jan 2024 10:00:00 +0000\nMessage-ID: <d@x>\nIn-Reply-To: <c@x>\n\nx\n' \
	    '@1700000400'
	fix_owner
}

answers() {
	echo "$output" | grep '^\* SORT\|^\* THREAD\|^[b-z][0-9]* '
}

@test "SORT: each criterion, REVERSE, several criteria, UID SORT, a search program" {
	small
	run session <<'EOF'
a EXAMINE INBOX
b SORT (ARRIVAL) UTF-8 ALL
c SORT (DATE) UTF-8 ALL
d SORT (REVERSE SUBJECT) US-ASCII ALL
e SORT (FROM) UTF-8 ALL
f SORT (DISPLAYFROM) UTF-8 ALL
g SORT (TO) UTF-8 ALL
h SORT (DISPLAYTO) UTF-8 ALL
i SORT (SIZE) UTF-8 ALL
j SORT (SUBJECT REVERSE DATE) UTF-8 ALL
k UID SORT (REVERSE ARRIVAL) UTF-8 NOT FROM bob
l SORT (CC) UTF-8 SEEN
EOF
	output=$(answers)
	expect '* SORT 2 3 1 4
b OK Sort completed.
* SORT 3 2 1 4
c OK Sort completed.
* SORT 3 4 1 2
d OK Sort completed.
* SORT 2 4 3 1
e OK Sort completed.
* SORT 2 4 3 1
f OK Sort completed.
* SORT 4 2 1 3
g OK Sort completed.
* SORT 4 1 3 2
h OK Sort completed.
* SORT 3 2 4 1
i OK Sort completed.
* SORT 1 2 4 3
j OK Sort completed.
* SORT 1 3 2
k OK Sort completed.
* SORT 1
l OK Sort completed.'
}

@test "THREAD: REFERENCES and ORDEREDSUBJECT, UID THREAD, an empty result" {
	small
	run session <<'EOF'
a SELECT INBOX
b THREAD REFERENCES UTF-8 ALL
c THREAD ORDEREDSUBJECT UTF-8 ALL
c2 STORE 2 +FLAGS.SILENT (\Deleted)
c3 EXPUNGE
d UID THREAD REFERENCES US-ASCII ALL
d2 THREAD REFERENCES US-ASCII ALL
e THREAD REFERENCES UTF-8 SUBJECT nothing-like-this
EOF
	output=$(answers | grep -v '^c[23] ')
	# message 3 has no Date: its INTERNALDATE (2023) puts its thread
	# first; without message 2, message 1 is a thread of its own
	expect '* THREAD (3 4)(2 1)
b OK Thread completed.
* THREAD (3 4)(2 1)
c OK Thread completed.
* THREAD (3 4)(1)
d OK Thread completed.
* THREAD (2 3)(1)
d2 OK Thread completed.
* THREAD
e OK Thread completed.'
}

@test "SORT and THREAD: bad criteria, charsets, algorithms and programs" {
	small
	run session <<'EOF'
a EXAMINE INBOX
b SORT () UTF-8 ALL
c SORT (FOO) UTF-8 ALL
d SORT (REVERSE) UTF-8 ALL
e SORT (DATE) KOI8-R ALL
f SORT (DATE) UTF-8
g SORT DATE UTF-8 ALL
h THREAD FOO UTF-8 ALL
i THREAD REFERENCES ISO-8859-1 ALL
j THREAD REFERENCES UTF-8 (
k SORT (DATE) UTF-8 RETURN (ALL) ALL
l UID FOO
EOF
	output=$(answers)
	expect 'b BAD SORT needs a list of sort criteria
c BAD Invalid sort criteria
d BAD Invalid sort criteria
e NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset
f BAD SORT needs a charset and search keys
g BAD SORT needs a list of sort criteria
h BAD Unknown threading algorithm
i NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset
j BAD Missing '\'')'\''
k BAD Invalid search program
l BAD UID needs FETCH, STORE, COPY, MOVE, SEARCH, SORT, THREAD or EXPUNGE'
}

@test "SORT and THREAD: the same answers as Dovecot's imap on generated folders" {
	have_dovecot || skip "no Dovecot imap"
	for seed in 1 2 3; do
		rm -rf "$MD"
		setup_maildir
		as_user "$PYTHON3" "$BATS_TEST_DIRNAME/sort/mkmsgs.py" "$MD" 80 "$seed"
		rm -rf "$TESTDIR/dc"
		mkdir "$TESTDIR/dc" && cp -a "$MD" "$TESTDIR/dc/Maildir"
		cmds='a EXAMINE INBOX
b SORT (ARRIVAL) UTF-8 ALL
c SORT (DATE) UTF-8 ALL
d SORT (SUBJECT) UTF-8 ALL
e SORT (REVERSE FROM SIZE) UTF-8 ALL
f SORT (TO CC) UTF-8 ALL
g SORT (DISPLAYFROM REVERSE DISPLAYTO) UTF-8 ALL
h UID SORT (REVERSE DATE SUBJECT) UTF-8 LARGER 600
i THREAD REFERENCES UTF-8 ALL
j THREAD ORDEREDSUBJECT UTF-8 ALL
k UID THREAD REFERENCES UTF-8 NOT SUBJECT hello'
		ours=$(session <<<"$cmds" | grep '^\* SORT\|^\* THREAD')
		MD=$TESTDIR/dc/Maildir dovecot_setup
		theirs=$(printf '%s\n' "$cmds" | sed 's/$/\r/' |
		    timeout 60 $(dovecot_argv) 2>/dev/null | tr -d '\r' |
		    grep '^\* SORT\|^\* THREAD')
		[ "$(echo "$ours" | wc -l)" = 10 ]
		[ "$ours" = "$theirs" ] || {
			diff <(echo "$ours") <(echo "$theirs"); false; }
	done
}
