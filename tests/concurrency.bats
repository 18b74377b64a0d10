#!/usr/bin/env bats
# concurrency.bats: several processes on one folder (RFC 2180, RFC 9051
# 7.5.1): what a session is told of other sessions' APPEND, STORE and
# EXPUNGE, and when; an MDA delivering into new/ while sessions run;
# parallel APPENDs; UIDs never given twice. Two-session scripts are run
# step by step by tests/store/imapdrive.py; everything is under timeout.

load helpers
load store/lib

teardown() {
	# background helpers of a failed test
	local p
	for p in ${BG_PIDS:-}; do
		kill "$p" 2>/dev/null || :
		wait "$p" 2>/dev/null || :
	done
	common_teardown
}

# Three messages in cur/, keyword Junk defined.
inbox3() {
	store_setup
	printf '0 Junk\n' >"$MD/dovecot-keywords"
	local i
	for i in 1 2 3; do
		putmsg "cur/170000000$i.M1P1Q1.host:2," \
		    "Message-ID: <m$i@test>\nSubject: $i\n\nbody $i\n" "@170000000$i"
	done
	fix_owner
}

# ---------------------------------------------------------------------------
# Untagged updates between two sessions

@test "two sessions: B sees A's APPEND as EXISTS (and RECENT) at its next NOOP" {
	inbox3
	run drive A,B <<'EOF'
A a SELECT INBOX
B b SELECT INBOX
A c APPEND INBOX (\Seen) {{Message-ID: <m4@test>\n\nfour\n}}
B d NOOP
B e FETCH 4 (UID FLAGS)
! printf 'Subject: 5\n\n5\n' >"$MD/tmp/five" && mv "$MD/tmp/five" "$MD/new/1700000005.M1P1Q1.host"
A f NOOP
B g NOOP
A h FETCH 5 (UID FLAGS)
B i FETCH 5 (UID FLAGS)
EOF
	[ "$status" = 0 ]
	output=$(echo "$output" | norm | sed '1,/^B: b OK/d')
	expect 'A: * 4 EXISTS
A: c OK [APPENDUID UV1 4] Append completed.
B: * 4 EXISTS
B: d OK NOOP completed.
B: * 4 FETCH (UID 4 FLAGS (\Seen))
B: e OK Fetch completed.
A: * 5 EXISTS
A: * 1 RECENT
A: f OK NOOP completed.
B: * 5 EXISTS
B: g OK NOOP completed.
A: * 5 FETCH (UID 5 FLAGS (\Recent))
A: h OK Fetch completed.
B: * 5 FETCH (UID 5 FLAGS ())
B: i OK Fetch completed.'
}

@test "two sessions: B sees A's flag and keyword changes as FETCH (FLAGS) at its next NOOP" {
	inbox3
	run drive A,B <<'EOF'
A a SELECT INBOX
B b SELECT INBOX
A c STORE 1 +FLAGS.SILENT (\Flagged Junk)
A d STORE 3 FLAGS.SILENT (\Seen \Answered)
B e NOOP
B f NOOP
A g STORE 1 -FLAGS.SILENT (Junk)
B h UID FETCH 2 UID
B i FETCH 1 FLAGS
EOF
	[ "$status" = 0 ]
	output=$(echo "$output" | sed '1,/^B: b OK/d')
	expect 'A: c OK Store completed.
A: d OK Store completed.
B: * 1 FETCH (FLAGS (\Flagged Junk))
B: * 3 FETCH (FLAGS (\Answered \Seen))
B: e OK NOOP completed.
B: f OK NOOP completed.
A: g OK Store completed.
B: * 2 FETCH (UID 2)
B: * 1 FETCH (UID 1 FLAGS (\Flagged))
B: h OK Fetch completed.
B: * 1 FETCH (FLAGS (\Flagged))
B: i OK Fetch completed.'
}

@test "two sessions: A's EXPUNGE is not reported during B's FETCH, STORE or COPY, then at NOOP (RFC 9051 7.5.1)" {
	inbox3
	run drive A,B <<'EOF'
A a SELECT INBOX
B b SELECT INBOX
A c STORE 2 +FLAGS.SILENT (\Deleted)
A d EXPUNGE
B e FETCH 1:3 (UID FLAGS)
B f STORE 3 +FLAGS (\Seen)
B g FETCH 2 BODY.PEEK[]
B h COPY 2 INBOX
B i FETCH 2 UID
B j NOOP
B k FETCH 1:* UID
B l NOOP
EOF
	[ "$status" = 0 ]
	output=$(echo "$output" | sed '1,/^B: b OK/d')
	expect 'A: c OK Store completed.
A: * 2 EXPUNGE
A: d OK Expunge completed.
B: * 1 FETCH (UID 1 FLAGS ())
B: * 2 FETCH (UID 2 FLAGS ())
B: * 3 FETCH (UID 3 FLAGS ())
B: e OK Fetch completed.
B: * 3 FETCH (FLAGS (\Seen))
B: f OK Store completed.
B: g NO [EXPUNGEISSUED] Some messages were expunged by another session
B: h NO [EXPUNGEISSUED] Some messages were expunged by another session
B: * 2 FETCH (UID 2)
B: i OK Fetch completed.
B: * 2 EXPUNGE
B: j OK NOOP completed.
B: * 1 FETCH (UID 1)
B: * 2 FETCH (UID 3)
B: k OK Fetch completed.
B: l OK NOOP completed.'
}

@test "two sessions: B's +FLAGS and FETCH BODY[] keep the flags A set meanwhile" {
	inbox3
	run drive A,B <<'EOF'
A a SELECT INBOX
B b SELECT INBOX
A c STORE 1 +FLAGS.SILENT (\Flagged)
B d STORE 1 +FLAGS (\Seen)
A e STORE 2 +FLAGS.SILENT (\Answered Junk)
B f FETCH 2 (BODY[]<0.1>)
A g STORE 3 +FLAGS.SILENT (\Draft)
B h STORE 3 -FLAGS (\Seen)
B i FETCH 1:3 FLAGS
EOF
	[ "$status" = 0 ]
	output=$(echo "$output" | sed '1,/^B: b OK/d')
	expect 'A: c OK Store completed.
B: * 1 FETCH (FLAGS (\Flagged \Seen))
B: d OK Store completed.
A: * 1 FETCH (FLAGS (\Flagged \Seen))
A: e OK Store completed.
B: * 2 FETCH (BODY[]<0> {1}
B: M FLAGS (\Answered \Seen Junk))
B: f OK Fetch completed.
A: * 2 FETCH (FLAGS (\Answered \Seen Junk))
A: g OK Store completed.
B: * 3 FETCH (FLAGS (\Draft))
B: h OK Store completed.
B: * 1 FETCH (FLAGS (\Flagged \Seen))
B: * 2 FETCH (FLAGS (\Answered \Seen Junk))
B: * 3 FETCH (FLAGS (\Draft))
B: i OK Fetch completed.'
	[ -e "$MD/cur/1700000001.M1P1Q1.host:2,FS" ]
	[ -e "$MD/cur/1700000002.M1P1Q1.host:2,RSa" ]
	[ -e "$MD/cur/1700000003.M1P1Q1.host:2,D" ]
}

@test "two sessions: a keyword that fills the 26 letters is announced with PERMANENTFLAGS without \\*" {
	store_setup
	for i in $(seq 0 24); do printf '%d k%02d\n' "$i" $((i + 1)); done >"$MD/dovecot-keywords"
	putmsg 'cur/1700000001.M1P1Q1.host:2,' 'Subject: 1\n\n1\n' '@1700000001'
	fix_owner
	run drive A,B <<'EOF'
A a SELECT INBOX
B b SELECT INBOX
A c APPEND INBOX (k26) {{Subject: 2\n\n2\n}}
B d NOOP
A e NOOP
EOF
	[ "$status" = 0 ]
	all='\\Answered \\Flagged \\Deleted \\Seen \\Draft k01 k02 k03 k04 k05 k06 k07 k08 k09 k10 k11 k12 k13 k14 k15 k16 k17 k18 k19 k20 k21 k22 k23 k24 k25 k26'
	# each session is told, before its tagged OK, that no keyword can be added
	echo "$output" | sed -n '/^B: b OK/,/^B: d OK/p' |
	    grep -qx "B: \* OK \[PERMANENTFLAGS ($all)\] Flags permitted\."
	echo "$output" | sed -n '/^B: b OK/,/^A: c OK/p' |
	    grep -qx "A: \* OK \[PERMANENTFLAGS ($all)\] Flags permitted\."
}

@test "dovecot-uidlist replaced with another UIDVALIDITY: the session ends with BYE" {
	inbox3
	run drive A <<'EOF'
A a SELECT INBOX
! f="$MD/dovecot-uidlist"; sed '1s/ V[0-9]* / V12345 /' "$f" >"$f.new" && mv "$f.new" "$f"
A b NOOP
A c NOOP
EOF
	output=$(echo "$output" | sed '1,/^A: a OK/d')
	expect 'A: * BYE Mailbox UIDVALIDITY changed
A: EOF
A: EOF'
}

# ---------------------------------------------------------------------------
# Deliveries and parallel writers

@test "an MDA delivers 200 messages into new/ while a session loops on NOOP and FETCH: each once, UIDs distinct and increasing" {
	store_setup
	(as_user timeout 120 "$STORE_DIR/mda.sh" "$MD" 1 200) &
	mda=$!
	BG_PIDS=$mda
	{
		echo 'a SELECT INBOX'
		while kill -0 "$mda" 2>/dev/null; do
			echo 'b NOOP'
			echo 'c UID FETCH 1:* (UID FLAGS)'
			sleep 0.01
		done
		echo 'd NOOP'
		echo 'e UID FETCH 1:* (UID FLAGS)'
	} | session >"$TESTDIR/out"
	wait "$mda"
	# the session went on to the end, and grew as the MDA delivered
	grep -qx 'e OK Fetch completed.' "$TESTDIR/out"
	[ "$(grep -c '^b OK NOOP completed.$' "$TESTDIR/out")" -gt 1 ]
	[ "$(grep -c '^\* [0-9]* EXISTS$' "$TESTDIR/out")" -gt 2 ]
	[ -z "$(grep -E '^[a-z] (NO|BAD) ' "$TESTDIR/out")" ]
	# the session's last view: UIDs 1..200, each \Recent (it moved them)
	sed -n '/^d OK/,$p' "$TESTDIR/out" | grep '^\* [0-9]* FETCH' >"$TESTDIR/last"
	[ "$(wc -l <"$TESTDIR/last")" = 200 ]
	[ "$(grep -c 'FLAGS (\\Recent)' "$TESTDIR/last")" = 200 ]
	awk '{ sub(/^\* /, ""); if ($1 != NR || $4 != NR) exit 1 }' "$TESTDIR/last"
	# and everyone else's
	listing >"$TESTDIR/list"
	[ "$(sed -n 2p "$TESTDIR/list")" = 'UIDNEXT 201' ]
	[ "$(sed -n 3p "$TESTDIR/list")" = 'EXISTS 200' ]
	sed 1,3d "$TESTDIR/list" | awk '{ print $3 }' | sort | uniq -c |
	    awk '$1 != 1 { exit 1 }'
	[ "$(sed 1,3d "$TESTDIR/list" | awk '{ print $3 }' | sort -u | wc -l)" = 200 ]
	run disk_check
	expect "uidvalidity=$(uidvalidity_of) nextuid=201 records=200 files=200 unnumbered=0"
	[ -z "$(find "$MD/new" "$MD/tmp" -type f)" ]
}

@test "two sessions SELECT a folder with 100 messages in new/ at once: each message \\Recent in exactly one" {
	store_setup
	as_user "$STORE_DIR/mda.sh" "$MD" 1 100
	printf 'a SELECT INBOX\r\nb UID FETCH 1:* (UID FLAGS)\r\nc LOGOUT\r\n' >"$TESTDIR/in"
	for s in 1 2 3; do
		timeout 60 $(user_prefix) "$MDIMAPD" --preauth -m "$MD" \
		    <"$TESTDIR/in" >"$TESTDIR/out$s" 2>/dev/null &
		BG_PIDS="$BG_PIDS $!"
	done
	wait
	BG_PIDS=
	total=0
	for s in 1 2 3; do
		grep -aqx 'c OK Logout completed.'$'\r' "$TESTDIR/out$s"
		r=$(sed -n 's/^\* \([0-9]*\) RECENT\r$/\1/p' "$TESTDIR/out$s")
		[ "$(grep -ac 'FLAGS (\\Recent)' "$TESTDIR/out$s")" = "$r" ]
		# the same UIDs everywhere
		[ "$(grep -ac '^\* [0-9]* FETCH' "$TESTDIR/out$s")" = 100 ]
		total=$((total + r))
	done
	[ "$total" = 100 ]
	run disk_check
	expect "uidvalidity=$(uidvalidity_of) nextuid=101 records=100 files=100 unnumbered=0"
	[ -z "$(ls "$MD/new")" ]
}

@test "4 processes x 50 APPENDs at once: 200 messages, 200 distinct UIDs, the APPENDUIDs, a valid uidlist" {
	store_setup
	for p in 1 2 3 4; do
		for i in $(seq 1 50); do
			m="Message-ID: <p$p-$i@test>"
			printf 'a%d APPEND INBOX {%d+}\r\n%s\r\n' "$i" "${#m}" "$m"
		done >"$TESTDIR/in$p"
	done
	for p in 1 2 3 4; do
		timeout 60 $(user_prefix) "$MDIMAPD" --preauth -m "$MD" \
		    <"$TESTDIR/in$p" >"$TESTDIR/out$p" 2>/dev/null &
		BG_PIDS="$BG_PIDS $!"
	done
	wait
	BG_PIDS=
	uv=$(uidvalidity_of)
	for p in 1 2 3 4; do
		[ "$(grep -ac "^a[0-9]* OK \[APPENDUID $uv [0-9]*\] Append completed."$'\r'"\$" "$TESTDIR/out$p")" = 50 ]
	done
	# each process's UIDs increase; together they are 1..200
	for p in 1 2 3 4; do
		sed -n 's/^a[0-9]* OK \[APPENDUID [0-9]* \([0-9]*\)\].*/\1/p' "$TESTDIR/out$p" |
		    sort -c -n
	done
	cat "$TESTDIR"/out? | sed -n 's/^a[0-9]* OK \[APPENDUID [0-9]* \([0-9]*\)\].*/\1/p' |
	    sort -n >"$TESTDIR/uids"
	[ "$(cat "$TESTDIR/uids")" = "$(seq 1 200)" ]
	# the UID each was told is the UID it has
	for p in 1 2 3 4; do
		sed -n 's/^a\([0-9]*\) OK \[APPENDUID [0-9]* \([0-9]*\)\].*/\2 <p'"$p"'-\1@test>/p' "$TESTDIR/out$p"
	done | sort -n >"$TESTDIR/told"
	listing >"$TESTDIR/list"
	[ "$(sed -n 3p "$TESTDIR/list")" = 'EXISTS 200' ]
	sed 1,3d "$TESTDIR/list" | awk '{ print $1, $3 }' >"$TESTDIR/have"
	diff -u "$TESTDIR/told" "$TESTDIR/have"
	run disk_check
	expect "uidvalidity=$uv nextuid=201 records=200 files=200 unnumbered=0"
	[ -z "$(ls "$MD/tmp")" ]
	[ ! -e "$MD/dovecot-uidlist.lock" ]
}

@test "APPEND to the selected folder after another process renamed it: TRYCREATE, then into the new folder of that name; nothing into the old one" {
	store_setup
	mkfolder Work
	# APPEND writes through the folder it holds open: the selected one
	# only while it is still the directory of that name.
	run drive A <<'EOF'
A a SELECT Work
A b APPEND Work {{Message-ID: <one@test>\n\none\n}}
! cd "$MD" && mv .Work .Old
A c APPEND Work {{Message-ID: <two@test>\n\ntwo\n}}
! cd "$MD" && mkdir -p .Work/cur .Work/new .Work/tmp
A d APPEND Work {{Message-ID: <three@test>\n\nthree\n}}
A e APPEND Work {{Message-ID: <four@test>\n\nfour\n}}
EOF
	[ "$status" = 0 ]
	output=$(echo "$output" | norm | sed '1,/^A: a OK/d')
	expect 'A: * 1 EXISTS
A: b OK [APPENDUID UV1 1] Append completed.
A: c NO [TRYCREATE] Mailbox doesn'"'"'t exist: Work
A: d OK [APPENDUID UV2 1] Append completed.
A: e OK [APPENDUID UV2 2] Append completed.'
	# each folder: its own messages, each with its UID in its own list
	run disk_check "$MD/.Old"
	expect "uidvalidity=$(uidvalidity_of "$MD/.Old") nextuid=2 records=1 files=1 unnumbered=0"
	run disk_check "$MD/.Work"
	expect "uidvalidity=$(uidvalidity_of "$MD/.Work") nextuid=3 records=2 files=2 unnumbered=0"
	[ -z "$(find "$MD/.Old/tmp" "$MD/.Work/tmp" -type f)" ]
	grep -q three "$MD"/.Work/cur/*
	! grep -q three "$MD"/.Old/cur/*
}

@test "a UID another process gives a file while we wait for the lock is kept: one file, one UID" {
	store_setup
	putmsg 'cur/1700000000.M1P1Q1.host:2,S' 'Message-ID: <a@test>\n\na\n' '@1700000000'
	# Another writer holds the lock; a message arrives; the session waits
	# for the lock to number it. Meanwhile the other writer numbers a second
	# delivery (UID 2, as Dovecot does in place) and lets go.
	run drive A <<'EOF'
A a SELECT INBOX
! cd "$MD" && touch dovecot-uidlist.lock && printf 'Message-ID: <x@test>\n\nx\n' >tmp/x && mv tmp/x new/1700000010.M1P1Q1.x
A> b NOOP
! sleep 1; cd "$MD" && printf 'Message-ID: <y@test>\n\ny\n' >tmp/y && mv tmp/y new/1700000011.M1P1Q1.y && echo '2 :1700000011.M1P1Q1.y' >>dovecot-uidlist && rm dovecot-uidlist.lock
A< b
A c NOOP
A d UID FETCH 1:* (UID FLAGS)
EOF
	[ "$status" = 0 ]
	# whatever b and c reported, the view ends with each message once, y
	# with the UID its writer gave it
	output=$(echo "$output" | sed -n '/^A: c OK/,$p' | sed 1d)
	expect 'A: * 1 FETCH (UID 1 FLAGS (\Seen))
A: * 2 FETCH (UID 2 FLAGS (\Recent))
A: * 3 FETCH (UID 3 FLAGS (\Recent))
A: d OK Fetch completed.'
	run disk_check
	expect "uidvalidity=$(uidvalidity_of) nextuid=4 records=3 files=3 unnumbered=0"
	listing >"$TESTDIR/list"
	[ "$(sed 1,3d "$TESTDIR/list")" = '1 (\Seen) <a@test>
2 () <y@test>
3 () <x@test>' ]
}

@test "an MDA delivering while three sessions run NOOP: no message gets two UIDs, all sessions agree" {
	store_setup
	session <<<'a SELECT INBOX' >/dev/null
	(as_user timeout 120 "$STORE_DIR/mda.sh" "$MD" 1 300) &
	mda=$!
	BG_PIDS=$mda
	for s in 1 2 3; do
		{
			echo 'a SELECT INBOX'
			while kill -0 "$mda" 2>/dev/null; do
				echo 'b NOOP'
				sleep 0.003
			done
			echo 'c NOOP'
			echo 'd UID FETCH 1:* (UID RFC822.SIZE)'
		} | session >"$TESTDIR/out$s" &
		BG_PIDS="$BG_PIDS $!"
	done
	wait
	BG_PIDS=
	run disk_check
	expect "uidvalidity=$(uidvalidity_of) nextuid=301 records=300 files=300 unnumbered=0"
	for s in 1 2 3; do
		grep -qx 'd OK Fetch completed.' "$TESTDIR/out$s"
		sed -n '/^c OK/,$p' "$TESTDIR/out$s" | grep -c '^\* [0-9]* FETCH' >"$TESTDIR/n$s"
		[ "$(cat "$TESTDIR/n$s")" = 300 ]
	done
}
