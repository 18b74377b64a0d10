#!/usr/bin/env bats
# condstore.bats: CONDSTORE and QRESYNC (RFC 7162) with ENABLE (RFC 5161):
# modseqs in SELECT, FETCH, STORE and STATUS, UNCHANGEDSINCE, CHANGEDSINCE,
# VANISHED, resynchronisation after other processes (and other programs)
# changed and expunged messages, the bounded expunge history, and the same
# resynchronisation with Dovecot on a copy of the same Maildir.
#
# Modseqs are microsecond times here: "modnorm" writes each as M<rank>,
# its rank among the modseqs of that output (1 the lowest), so the tests
# compare their order, which is all a modseq means.

load helpers
load store/lib

teardown() {
	common_teardown
}

modnorm() {
	perl -e 'my @l = <STDIN>; my %v; for (@l) { $v{$1} = 1 while /\b(\d{13,})\b/g }
	    my $i = 0; my %r = map { $_ => "M" . ++$i } sort { $a <=> $b } keys %v;
	    for (@l) { s/\b(\d{13,})\b/$r{$1}/g; print }' | norm
}

# Five messages in cur/, no flags; the folder numbered by a first session.
fixture() {
	store_setup
	for i in 1 2 3 4 5; do
		putmsg "cur/170000000$i.M1P1Q1.host:2," "Message-ID: <m$i@test>\n\nbody $i\n" "@170000000$i"
	done
	session <<<'a SELECT INBOX' >/dev/null
	UV=$(uidvalidity_of)
}

# highest: the HIGHESTMODSEQ a new session sees.
highest() {
	session <<<'a ENABLE CONDSTORE
b STATUS INBOX (HIGHESTMODSEQ)' | sed -n 's/^\* STATUS INBOX (HIGHESTMODSEQ \([0-9]*\))/\1/p'
}

@test "ENABLE CONDSTORE QRESYNC; what needs QRESYNC enabled is BAD without it" {
	fixture
	run session <<'EOF'
a SELECT INBOX (QRESYNC (1 1))
b SELECT INBOX (CONDSTORE)
c UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)
d FETCH 1 (FLAGS) (CHANGEDSINCE 1 VANISHED)
e UID FETCH 1 (FLAGS) (VANISHED)
f UNSELECT
g ENABLE QRESYNC CONDSTORE X-UNKNOWN
h ENABLE CONDSTORE QRESYNC
i SELECT INBOX (QRESYNC (1))
j SELECT INBOX (QRESYNC (1 1 1:*))
k SELECT INBOX (FOO)
l UID FETCH 1 (FLAGS) (VANISHED)
EOF
	echo "$output" | modnorm >"$TESTDIR/o"
	output=$(cat "$TESTDIR/o")
	expect "a BAD QRESYNC not enabled
* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.
* 5 EXISTS
* 0 RECENT
* OK [UNSEEN 1] First unseen.
* OK [UIDVALIDITY UV1] UIDs valid
* OK [UIDNEXT 6] Predicted next UID
* OK [MAILBOXID (ID)] Ok
* OK [HIGHESTMODSEQ M1] Highest
b OK [READ-WRITE] Select completed.
c BAD QRESYNC not enabled
d BAD Unknown FETCH modifier
e BAD QRESYNC not enabled
f OK Unselect completed.
* ENABLED QRESYNC CONDSTORE
g OK ENABLE completed.
* ENABLED
h OK ENABLE completed.
i BAD Invalid QRESYNC parameters
j BAD Invalid QRESYNC parameters
k BAD Unknown SELECT parameter
l BAD No mailbox selected"
}

@test "SELECT (CONDSTORE), FETCH MODSEQ, STORE with and without .SILENT, FETCH CHANGEDSINCE, STATUS HIGHESTMODSEQ" {
	fixture
	run session <<'EOF'
a SELECT INBOX (CONDSTORE)
b FETCH 1:2 (MODSEQ)
c STORE 1 +FLAGS.SILENT (\Seen)
d STORE 1 +FLAGS.SILENT (\Seen)
e STORE 2 +FLAGS (\Flagged)
f UID STORE 3 FLAGS (\Answered)
g FETCH 1:* (FLAGS) (CHANGEDSINCE 1)
h FETCH 1:3 (UID MODSEQ FLAGS)
i STATUS INBOX (UIDNEXT HIGHESTMODSEQ)
EOF
	echo "$output" | modnorm >"$TESTDIR/o"
	output=$(sed -n '/HIGHESTMODSEQ/,$p' "$TESTDIR/o")
	expect "* OK [HIGHESTMODSEQ M1] Highest
a OK [READ-WRITE] Select completed.
* 1 FETCH (MODSEQ (M1))
* 2 FETCH (MODSEQ (M1))
b OK Fetch completed.
* 1 FETCH (MODSEQ (M2))
c OK Store completed.
d OK Store completed.
* 2 FETCH (MODSEQ (M3) FLAGS (\\Flagged))
e OK Store completed.
* 3 FETCH (UID 3 MODSEQ (M4) FLAGS (\\Answered))
f OK Store completed.
* 1 FETCH (FLAGS (\\Seen) MODSEQ (M2))
* 2 FETCH (FLAGS (\\Flagged) MODSEQ (M3))
* 3 FETCH (FLAGS (\\Answered) MODSEQ (M4))
* 4 FETCH (FLAGS () MODSEQ (M1))
* 5 FETCH (FLAGS () MODSEQ (M1))
g OK Fetch completed.
* 1 FETCH (UID 1 MODSEQ (M2) FLAGS (\\Seen))
* 2 FETCH (UID 2 MODSEQ (M3) FLAGS (\\Flagged))
* 3 FETCH (UID 3 MODSEQ (M4) FLAGS (\\Answered))
h OK Fetch completed.
* STATUS INBOX (UIDNEXT 6 HIGHESTMODSEQ M4)
i OK Status completed."
	# CHANGEDSINCE from a modseq: only what changed after it
	h=$(highest)
	run session <<EOF
a SELECT INBOX
b STORE 4 +FLAGS.SILENT (\\Draft)
c FETCH 1:* (FLAGS) (CHANGEDSINCE $h)
d UID FETCH 1:* (UID) (CHANGEDSINCE $h)
EOF
	output=$(echo "$output" | sed -n '/^b OK/,$p' | modnorm)
	expect "b OK Store completed.
* OK [HIGHESTMODSEQ M1] Highest
* 4 FETCH (FLAGS (\\Draft) MODSEQ (M1))
c OK Fetch completed.
* 4 FETCH (UID 4 MODSEQ (M1))
d OK Fetch completed."
}

@test "the first CONDSTORE enabling command with a mailbox selected sends HIGHESTMODSEQ; MODSEQ in STATUS and LIST-STATUS" {
	fixture
	mkfolder Sub
	run session <<'EOF'
a SELECT INBOX
b FETCH 1 (MODSEQ)
c FETCH 1 (MODSEQ)
d LIST "" Sub RETURN (STATUS (MESSAGES HIGHESTMODSEQ))
e STATUS Sub (HIGHESTMODSEQ)
EOF
	output=$(echo "$output" | sed -n '/^a OK/,$p' | modnorm)
	expect "a OK [READ-WRITE] Select completed.
* OK [HIGHESTMODSEQ M1] Highest
* 1 FETCH (MODSEQ (M1))
b OK Fetch completed.
* 1 FETCH (MODSEQ (M1))
c OK Fetch completed.
* LIST () \".\" Sub
* STATUS Sub (MESSAGES 0 HIGHESTMODSEQ M2)
d OK List completed.
* STATUS Sub (HIGHESTMODSEQ M2)
e OK Status completed."
}

@test "STORE (UNCHANGEDSINCE): MODIFIED with numbers or UIDs, the MODSEQ even with .SILENT, 0 always fails" {
	fixture
	h=$(highest)
	run session <<EOF
a SELECT INBOX
b STORE 2 +FLAGS.SILENT (\\Seen)
c STORE 1:3 (UNCHANGEDSINCE $h) +FLAGS.SILENT (\\Flagged)
d UID STORE 1:5 (UNCHANGEDSINCE $h) +FLAGS (\\Answered)
e STORE 5 (UNCHANGEDSINCE 0) +FLAGS.SILENT (\\Draft)
f FETCH 1:5 (FLAGS)
g STORE 1 (UNCHANGEDSINCE x) FLAGS ()
h STORE 1 (UNCHANGEDSINCE 1 2) FLAGS ()
EOF
	output=$(echo "$output" | sed -n '/^b OK/,$p' | modnorm)
	expect "b OK Store completed.
* OK [HIGHESTMODSEQ M1] Highest
* 1 FETCH (MODSEQ (M2))
* 3 FETCH (MODSEQ (M2))
c OK [MODIFIED 2] Conditional store failed.
* 4 FETCH (UID 4 MODSEQ (M3) FLAGS (\\Answered))
* 5 FETCH (UID 5 MODSEQ (M3) FLAGS (\\Answered))
d OK [MODIFIED 1:3] Conditional store failed.
e OK [MODIFIED 5] Conditional store failed.
* 1 FETCH (FLAGS (\\Flagged))
* 2 FETCH (FLAGS (\\Seen))
* 3 FETCH (FLAGS (\\Flagged))
* 4 FETCH (FLAGS (\\Answered))
* 5 FETCH (FLAGS (\\Answered))
f OK Fetch completed.
g BAD Invalid STORE modifiers
h BAD Invalid STORE modifiers"
}

# The changes of the resynchronisation tests, made while the QRESYNC client
# is away: by another session of server $1 ("m" mdimapd, "d" Dovecot) and
# by other programs (a rename that changes flags, a deletion).
away_changes() {
	local dir=$2 cmd
	if [ "$1" = m ]; then
		cmd=(session)
	else
		cmd=(dsession)
	fi
	"${cmd[@]}" <<'EOF' >/dev/null
a SELECT INBOX
b STORE 2 +FLAGS (\Seen $Label1)
c STORE 3,5 +FLAGS (\Deleted)
d EXPUNGE
EOF
	user_sh "mv '$dir/cur/1700000004.M1P1Q1.host:2,' '$dir/cur/1700000004.M1P1Q1.host:2,F'"
	user_sh "rm '$dir/cur/1700000001.M1P1Q1.host:2,'"
}

# dsession: like session, with Dovecot (one command at a time: Dovecot
# runs pipelined commands in its own order).
dsession() {
	sed 's/^/D /' | dovecot_drive D | sed 's/^D: //'
}

@test "QRESYNC after another session and other programs changed flags and expunged: VANISHED (EARLIER), FETCH; Dovecot answers the same" {
	fixture
	# Dovecot gets a copy of the folder, UIDs and all
	cp -a "$MD" "$TESTDIR/D"
	h=$(highest)
	away_changes m "$MD"
	run session <<EOF
a ENABLE QRESYNC
b SELECT INBOX (QRESYNC ($UV $h))
c SELECT INBOX (QRESYNC ($UV $h 3:5))
d SELECT INBOX (QRESYNC ($UV 1 1:5))
e SELECT INBOX (QRESYNC (1 $h))
f UID FETCH 1:5 (FLAGS) (CHANGEDSINCE $h VANISHED)
g UID FETCH 1:3 (FLAGS) (CHANGEDSINCE $h VANISHED)
EOF
	echo "$output" | grep -v '^\* \(FLAGS\|OK \[PERMANENTFLAGS\|OK \[UNSEEN\|[0-9]* RECENT\|OK \[UIDNEXT\|OK \[MAILBOXID\)' |
	    modnorm >"$TESTDIR/m"
	output=$(cat "$TESTDIR/m")
	expect "* ENABLED QRESYNC
a OK ENABLE completed.
* 2 EXISTS
* OK [UIDVALIDITY UV1] UIDs valid
* OK [HIGHESTMODSEQ M2] Highest
* VANISHED (EARLIER) 1,3,5
* 1 FETCH (UID 2 FLAGS (\\Seen \$Label1) MODSEQ (M1))
* 2 FETCH (UID 4 FLAGS (\\Flagged) MODSEQ (M2))
b OK [READ-WRITE] Select completed.
* OK [CLOSED] Previous mailbox closed.
* 2 EXISTS
* OK [UIDVALIDITY UV1] UIDs valid
* OK [HIGHESTMODSEQ M2] Highest
* VANISHED (EARLIER) 3,5
* 2 FETCH (UID 4 FLAGS (\\Flagged) MODSEQ (M2))
c OK [READ-WRITE] Select completed.
* OK [CLOSED] Previous mailbox closed.
* 2 EXISTS
* OK [UIDVALIDITY UV1] UIDs valid
* OK [HIGHESTMODSEQ M2] Highest
* VANISHED (EARLIER) 1,3,5
* 1 FETCH (UID 2 FLAGS (\\Seen \$Label1) MODSEQ (M1))
* 2 FETCH (UID 4 FLAGS (\\Flagged) MODSEQ (M2))
d OK [READ-WRITE] Select completed.
* OK [CLOSED] Previous mailbox closed.
* 2 EXISTS
* OK [UIDVALIDITY UV1] UIDs valid
* OK [HIGHESTMODSEQ M2] Highest
e OK [READ-WRITE] Select completed.
* VANISHED (EARLIER) 1,3,5
* 1 FETCH (UID 2 FLAGS (\\Seen \$Label1) MODSEQ (M1))
* 2 FETCH (UID 4 FLAGS (\\Flagged) MODSEQ (M2))
f OK Fetch completed.
* VANISHED (EARLIER) 1,3
* 1 FETCH (UID 2 FLAGS (\\Seen \$Label1) MODSEQ (M1))
g OK Fetch completed."

	# Dovecot, same story on its copy: the same answers, but for the
	# modseq numbers
	have_dovecot || skip "Dovecot's imap is not installed"
	MD=$TESTDIR/D
	dovecot_setup
	dh=$(dsession <<'EOF' | sed -n 's/^\* OK \[HIGHESTMODSEQ \([0-9]*\)\].*/\1/p'
a ENABLE QRESYNC
b SELECT INBOX
EOF
)
	away_changes d "$MD"
	run dsession <<EOF
a ENABLE QRESYNC
b SELECT INBOX (QRESYNC ($UV $dh))
c SELECT INBOX (QRESYNC ($UV $dh 3:5))
f UID FETCH 1:5 (FLAGS) (CHANGEDSINCE $dh VANISHED)
EOF
	strip='/^\* \(VANISHED\|[0-9]* FETCH\|[0-9]* EXISTS\)/!d; s/ MODSEQ ([^)]*)//'
	diff -u <(echo "$output" | sed "$strip") \
	    <(sed '/^c OK/,/^e OK/{/^c OK/!d}; /^f OK/,$d' "$TESTDIR/m" | sed "$strip")
}

@test "after ENABLE QRESYNC: VANISHED for EXPUNGE, UID EXPUNGE, MOVE and another session's expunges; held back during FETCH with a lower HIGHESTMODSEQ; others' flag changes with UID and MODSEQ" {
	fixture
	mkfolder Dest
	run drive A,B <<'EOF'
A a ENABLE QRESYNC
A b SELECT INBOX
B a SELECT INBOX
A c STORE 1 +FLAGS.SILENT (\Deleted)
A d EXPUNGE
A e UID STORE 5 +FLAGS.SILENT (\Deleted)
A f UID EXPUNGE 4:5
A g MOVE 1 Dest
B b NOOP
B c STORE 1 +FLAGS (\Flagged)
! mv "$MD/cur/1700000004.M1P1Q1.host:2," "$MD/cur/1700000004.M1P1Q1.host:2,S"
B d STORE 2 +FLAGS.SILENT (\Deleted)
B e EXPUNGE
A h FETCH 1 (FLAGS)
A i NOOP
A j STATUS INBOX (HIGHESTMODSEQ)
A k CLOSE
EOF
	output=$(echo "$output" | grep '^A: ' | sed '1,/^A: b OK/d')
	# the modseq a client may resume from while 4's expunge is held back:
	# not below the flag change it was told of, below the expunge
	m3=$(echo "$output" | sed -n 's/^A: \* 1 FETCH (UID 3 MODSEQ (\([0-9]*\)).*/\1/p')
	held=$(echo "$output" | sed -n 's/^A: \* OK \[HIGHESTMODSEQ \([0-9]*\)\] Highest/\1/p')
	after=$(echo "$output" | sed -n 's/^A: \* STATUS INBOX (HIGHESTMODSEQ \([0-9]*\))/\1/p')
	[ "$held" -ge "$m3" ]
	[ "$held" -lt "$after" ]
	output=$(echo "$output" | sed 's/^\(A: \* OK \[HIGHESTMODSEQ\) [0-9]*/\1 H/' | modnorm)
	expect "A: * 1 FETCH (UID 1 MODSEQ (M1))
A: c OK Store completed.
A: * VANISHED 1
A: d OK [HIGHESTMODSEQ M2] Expunge completed.
A: * 4 FETCH (UID 5 MODSEQ (M3))
A: e OK Store completed.
A: * VANISHED 5
A: f OK [HIGHESTMODSEQ M4] Expunge completed.
A: * OK [COPYUID UV1 2 1] Moved UIDs.
A: * VANISHED 2
A: g OK Move completed.
A: * 1 FETCH (FLAGS ())
A: * 1 FETCH (UID 3 MODSEQ (M5) FLAGS (\\Flagged))
A: * OK [HIGHESTMODSEQ H] Highest
A: h OK Fetch completed.
A: * VANISHED 4
A: i OK NOOP completed.
A: * STATUS INBOX (HIGHESTMODSEQ M6)
A: j OK Status completed.
A: k OK Close completed."
}

@test "another program renames a file (flags): its MODSEQ grows, CONDSTORE sessions are told with MODSEQ" {
	fixture
	run drive A <<'EOF'
A a SELECT INBOX (CONDSTORE)
! mv "$MD/cur/1700000003.M1P1Q1.host:2," "$MD/cur/1700000003.M1P1Q1.host:2,RS"
A b NOOP
A c UID FETCH 3 (MODSEQ)
! mv "$MD/cur/1700000003.M1P1Q1.host:2,RS" "$MD/cur/1700000003.M1P1Q1.host:2,R"
A d UID FETCH 3 (FLAGS)
A e FETCH 1:5 (FLAGS) (CHANGEDSINCE 1)
EOF
	output=$(echo "$output" | sed -n '/HIGHESTMODSEQ/,$p' | modnorm)
	expect "A: * OK [HIGHESTMODSEQ M1] Highest
A: a OK [READ-WRITE] Select completed.
A: * 3 FETCH (MODSEQ (M2) FLAGS (\\Answered \\Seen))
A: b OK NOOP completed.
A: * 3 FETCH (UID 3 MODSEQ (M2))
A: c OK Fetch completed.
A: * 3 FETCH (UID 3 FLAGS (\\Answered \\Seen))
A: * 3 FETCH (UID 3 MODSEQ (M3) FLAGS (\\Answered))
A: d OK Fetch completed.
A: * 1 FETCH (FLAGS () MODSEQ (M1))
A: * 2 FETCH (FLAGS () MODSEQ (M1))
A: * 3 FETCH (FLAGS (\\Answered) MODSEQ (M3))
A: * 4 FETCH (FLAGS () MODSEQ (M1))
A: * 5 FETCH (FLAGS () MODSEQ (M1))
A: e OK Fetch completed."
}

# history N: a folder with UIDs 1, 100, 200, UIDNEXT 30000, and N expunge
# records X 5, 7, 9... at modseqs 1000001, 1000002...; then a session reads
# it (and summarises what is past LIMIT_EXPUNGE_HISTORY).
history() {
	store_setup
	for i in 1 2 3; do
		putmsg "cur/170000000$i.M1P1Q1.host:2," "Message-ID: <m$i@test>\n\n$i\n"
	done
	printf '3 V1234 N30000 G0123456789abcdef0123456789abcdef\n1 :1700000001.M1P1Q1.host\n100 :1700000002.M1P1Q1.host\n200 :1700000003.M1P1Q1.host\n' >"$MD/dovecot-uidlist"
	{
		echo 'mdimapd-state 1 V1234 H1 E1000000'
		printf '%s 999999 -\n' 1 100 200
		awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "X %d %d\n", 5 + 2 * i, 1000001 + i }'
	} >"$MD/mdimapd-state"
	fix_owner
}

@test "expunge history: kept whole up to LIMIT_EXPUNGE_HISTORY (10000) ranges, the older half summarised past it" {
	history 10000
	run session <<'EOF'
a ENABLE QRESYNC
b SELECT INBOX (QRESYNC (1234 1009997))
c UID FETCH 1:* (UID) (CHANGEDSINCE 1000000 VANISHED)
d UID FETCH 1:* (UID) (CHANGEDSINCE 999999 VANISHED)
EOF
	echo "$output" | grep -q '^\* VANISHED (EARLIER) 19999,20001,20003$'
	# all 10,000, each by itself
	[ "$(echo "$output" | sed -n '/^b OK/,/^c OK/p' | grep '^\* VANISHED' | tr ',' '\n' | wc -l)" = 10000 ]
	# below the floor E: every UID that is not there
	echo "$output" | sed -n '/^c OK/,$p' | grep -qx '\* VANISHED (EARLIER) 2:99,101:199,201:29999'

	history 10001
	run session <<'EOF'
a ENABLE QRESYNC
b SELECT INBOX (QRESYNC (1234 1005000))
c SELECT INBOX (QRESYNC (1234 1004999 1:29999 (1:3 1,100,200)))
d SELECT INBOX (QRESYNC (1234 1004999 1:29999 (1:3 1,100,201)))
e SELECT INBOX (QRESYNC (1234 1004999 1:29999))
EOF
	# after the floor: exact
	[ "$(echo "$output" | sed -n '/^a OK/,/^b OK/p' | grep '^\* VANISHED' | tr ',' '\n' | wc -l)" = 5001 ]
	echo "$output" | sed -n '/^a OK/,/^b OK/p' | grep -q '^\* VANISHED (EARLIER) 10005,'
	# before it: what is not there, from the last UID the client's
	# sequence numbers match (RFC 7162 3.2.5.2)
	echo "$output" | sed -n '/^b OK/,/^c OK/p' | grep -qx '\* VANISHED (EARLIER) 201:29999'
	echo "$output" | sed -n '/^c OK/,/^d OK/p' | grep -qx '\* VANISHED (EARLIER) 101:199,201:29999'
	echo "$output" | sed -n '/^d OK/,/^e OK/p' | grep -qx '\* VANISHED (EARLIER) 2:99,101:199,201:29999'
	# the file was rewritten with the floor and the newer half
	head -1 "$MD/mdimapd-state" | grep -qx 'mdimapd-state 1 V1234 H[0-9]* E1005000'
	[ "$(grep -c '^X ' "$MD/mdimapd-state")" = 5001 ]
}

@test "a folder whose state cannot be written: NOMODSEQ, MODSEQ things BAD, STATUS HIGHESTMODSEQ 0" {
	fixture
	rm "$MD/mdimapd-state"
	chmod 555 "$MD"
	run session <<'EOF'
a ENABLE QRESYNC
b SELECT INBOX
c FETCH 1 (MODSEQ)
d FETCH 1 (FLAGS) (CHANGEDSINCE 1)
e STORE 1 (UNCHANGEDSINCE 1) +FLAGS (\Seen)
f STATUS INBOX (HIGHESTMODSEQ)
EOF
	chmod 755 "$MD"
	output=$(echo "$output" | sed -n '/UIDNEXT/,$p')
	expect "* OK [UIDNEXT 6] Predicted next UID
* OK [MAILBOXID (ID)] Ok
* OK [NOMODSEQ] No permanent modsequences
b OK [READ-WRITE] Select completed.
c BAD Mailbox doesn't support mod-sequences
d BAD Mailbox doesn't support mod-sequences
e BAD Mailbox doesn't support mod-sequences
* STATUS INBOX (HIGHESTMODSEQ 0)
f OK Status completed."
}

@test "SEARCH MODSEQ (RFC 7162 3.1.5): modseq >= value, the highest found with the answer, ESEARCH MODSEQ, entry names, errors" {
	fixture
	run session <<'EOF'
a SELECT INBOX
b STORE 2,4 +FLAGS.SILENT (\Flagged)
c FETCH 1:* (MODSEQ)
EOF
	m2=$(echo "$output" | sed -n 's/^\* 2 FETCH (MODSEQ (\([0-9]*\)))$/\1/p')
	m1=$(echo "$output" | sed -n 's/^\* 1 FETCH (MODSEQ (\([0-9]*\)))$/\1/p')
	[ -n "$m2" ] && [ "$m2" -gt "$m1" ]
	run session <<EOF
a SELECT INBOX
b SEARCH MODSEQ $m2
c SEARCH MODSEQ "/flags/\\\\Flagged" all $m2
d UID SEARCH RETURN (MIN COUNT) MODSEQ $((m2 + 1))
e SEARCH RETURN (ALL) OR MODSEQ $m2 UID 5
f SEARCH MODSEQ "/flags/\\\\Flagged" nope 1
g SEARCH MODSEQ x
h SEARCH MODSEQ 1 NOT MODSEQ 1
EOF
	output=$(echo "$output" | grep '^\* SEARCH\|^\* ESEARCH\|^[b-h] ')
	expect "* SEARCH 2 4 (MODSEQ $m2)
b OK Search completed.
* SEARCH 2 4 (MODSEQ $m2)
c OK Search completed.
* ESEARCH (TAG \"d\") UID COUNT 0
d OK Search completed.
* ESEARCH (TAG \"e\") ALL 2,4:5 MODSEQ $m2
e OK Search completed.
f BAD Invalid MODSEQ entry
g BAD Invalid MODSEQ value
* SEARCH
h OK Search completed."
}
