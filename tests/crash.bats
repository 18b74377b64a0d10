#!/usr/bin/env bats
# crash.bats: sessions killed with SIGKILL at random points of APPEND, COPY,
# MOVE, STORE and EXPUNGE (DESIGN.md: "a process killed at any point leaves
# no message lost or duplicated and never reuses a UID"), and what a killed
# writer leaves behind: a stale dovecot-uidlist.lock, a partial last line,
# files in tmp/, messages in cur/ without a UID.

load helpers
load store/lib

teardown() {
	local p
	for p in ${BG_PIDS:-}; do
		kill -9 "$p" 2>/dev/null || :
		wait "$p" 2>/dev/null || :
	done
	common_teardown
}

# crash_commands I: the commands of iteration I, one per line with its
# literal inline as \r\n (see tests/store/crashcheck.py for what they do).
crash_commands() {
	local i=$1 m1 m2 m3
	m1="Message-ID: <$i.1.keep@test>\r\n\r\nkeep $i 1"
	m2="Message-ID: <$i.2.keep@test>\r\n\r\nkeep $i 2"
	m3="Message-ID: <$i.3.del@test>\r\n\r\ndel $i"
	printf '%s\n' \
	    "a APPEND INBOX (\\Seen) {$(printf "$m1" | wc -c)+}\r\n$m1" \
	    "b APPEND INBOX (kw$((i % 30))) {$(printf "$m2" | wc -c)+}\r\n$m2" \
	    "c APPEND INBOX {$(printf "$m3" | wc -c)+}\r\n$m3" \
	    'd SELECT INBOX' \
	    'e STORE * +FLAGS (\\Deleted)' \
	    'f STORE 1:* +FLAGS.SILENT (\\Flagged)' \
	    'g EXPUNGE' \
	    'h COPY 1:2 Copy' \
	    'i MOVE 1 Moved' \
	    'j STORE 1:* -FLAGS (\\Flagged)' \
	    'k LOGOUT'
}

# crash_run I K OUT: a session doing iteration I's commands one at a time,
# as a client does (each sent when the one before is answered); after
# sending command K+1 (1 to 11) wait 0 to 8 ms and kill it with SIGKILL.
# K=11 runs it to the end. Its output goes to OUT.
crash_run() {
	local i=$1 k=$2 out=$3 j=0 cmd pid n
	rm -f "$TESTDIR/fifo"
	mkfifo "$TESTDIR/fifo"
	$(user_prefix) "$MDIMAPD" --preauth -m "$MD" <"$TESTDIR/fifo" \
	    >"$out" 2>/dev/null &
	pid=$!
	BG_PIDS=$pid
	exec 4>"$TESTDIR/fifo"
	while IFS= read -r cmd; do
		j=$((j + 1))
		printf "$cmd\r\n" >&4
		[ "$j" -le "$k" ] || break
		# wait for its answer (5 s at most)
		for n in $(seq 1 2500); do
			[ "$(grep -ac '^[a-k] \(OK\|NO\|BAD\)' "$out")" -lt "$j" ] || break
			sleep 0.002
		done
	done < <(crash_commands "$i")
	if [ "$k" -lt 11 ]; then
		sleep "0.00$((RANDOM % 9))"
		kill -9 "$pid" 2>/dev/null || :
	fi
	exec 4>&-
	# (after LOGOUT or at EOF it ends by itself; 10 s at most)
	for n in $(seq 1 1000); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	kill -9 "$pid" 2>/dev/null || :
	wait "$pid" 2>/dev/null || :
	BG_PIDS=
}

# uidnext_of LISTING: "UIDVALIDITY UIDNEXT" of an mdcheck.py imap listing.
uidnext_of() {
	awk '/^UIDVALIDITY /{ v = $2 } /^UIDNEXT /{ n = $2 } END { print v, n }' "$1"
}

@test "kill -9 torture: APPEND/COPY/MOVE/STORE/EXPUNGE killed at random points lose, duplicate and renumber nothing" {
	store_setup
	mkfolder Moved Copy
	have_dovecot && dovecot_setup
	for i in 1 2 3; do
		putmsg "cur/170000000$i.M1P1Q1.host:2," \
		    "Message-ID: <init$i@test>\n\ninit $i\n" "@170000000$i"
		echo "<init$i@test>"
	done >"$TESTDIR/init.ids"
	C=$TESTDIR/crash
	mkdir -p "$C"
	mv "$TESTDIR/init.ids" "$C/"
	declare -A last_m last_d
	trap '' PIPE
	start=$SECONDS
	stale=0
	partial=0
	for i in $(seq 1 50); do
		[ $((SECONDS - start)) -lt 150 ] || break
		k=$((RANDOM % 11))
		crash_run "$i" "$k" "$C/s$i.out"
		# killed between its first and its last answer?
		tags=$(grep -ac '^[a-k] \(OK\|NO\|BAD\)' "$C/s$i.out" || :)
		[ "$tags" -eq 0 ] || [ "$tags" -ge 11 ] || partial=$((partial + 1))
		echo "$tags" >>"$TESTDIR/tags"
		# A lock a dead writer left: two minutes pass (it is stale then)
		for f in "$MD" "$MD/.Moved" "$MD/.Copy"; do
			if [ -e "$f/dovecot-uidlist.lock" ]; then
				touch -d '-3 min' "$f/dovecot-uidlist.lock"
				stale=$((stale + 1))
			fi
		done
		# Invariants after every kill: each folder's uidlist is sound,
		# UIDVALIDITY stays, UIDNEXT never goes back (as mdimapd and,
		# every fifth time, as Dovecot report it).
		for f in INBOX Moved Copy; do
			d=$MD
			[ $f = INBOX ] || d=$MD/.$f
			listing $f >"$TESTDIR/l"
			if ! disk_check "$d" >"$TESTDIR/dc"; then
				echo "iteration $i, $f:"
				cat "$TESTDIR/dc" "$C/s$i.out"
				false
			fi
			read -r v n <<<"$(uidnext_of "$TESTDIR/l")"
			[ -n "$n" ]
			[ "$n" != '?' ]
			if [ -n "${last_m[$f]:-}" ]; then
				read -r v0 n0 <<<"${last_m[$f]}"
				[ "$v" = "$v0" ] || { echo "$f: UIDVALIDITY $v0 -> $v"; false; }
				[ "$n" -ge "$n0" ] || { echo "$f: UIDNEXT $n0 -> $n (iteration $i)"; false; }
			fi
			last_m[$f]="$v $n"
			if have_dovecot && [ $((i % 5)) = 0 ]; then
				dovecot_listing $f -x >"$TESTDIR/ld" || {
					echo "iteration $i, $f: Dovecot's listing:"
					cat "$TESTDIR/ld" "$TESTDIR/dovecot.log"
					false; }
				read -r v n <<<"$(uidnext_of "$TESTDIR/ld")"
				[ "$v" = "${last_m[$f]% *}" ] || { echo "$f: Dovecot UIDVALIDITY $v"; false; }
				if [ -n "${last_d[$f]:-}" ]; then
					[ "$n" -ge "${last_d[$f]}" ] || { echo "$f: Dovecot UIDNEXT ${last_d[$f]} -> $n"; false; }
				fi
				last_d[$f]=$n
				# and Dovecot sees the messages mdimapd sees, same UIDs
				listing $f -x >"$TESTDIR/l2"
				diff -u "$TESTDIR/l2" "$TESTDIR/ld"
			fi
		done
	done
	echo "# iterations: $i, killed mid-way: $partial, stale locks: $stale" >&3
	# enough kills landed in the middle of a session to mean something
	echo "# sessions by answers seen (count answers):" \
	    $(sort -n "$TESTDIR/tags" | uniq -c | tr -s ' \n' ' ') >&3
	[ "$partial" -ge 10 ]
	# settle, then compare what the sessions were told with what is there
	for f in INBOX Moved Copy; do
		listing $f >"$C/$f.list"
	done
	run "$PYTHON3" "$STORE_DIR/crashcheck.py" "$C"
	echo "$output"
	[ "$status" = 0 ]
	for f in "$MD" "$MD/.Moved" "$MD/.Copy"; do
		run disk_check "$f"
		echo "$output" | grep -q ' unnumbered=0$'
		[ ! -e "$f/dovecot-uidlist.lock" ]
	done
}

@test "a stale dovecot-uidlist.lock (a writer killed 3 minutes ago) is broken; a fresh one is waited for" {
	store_setup
	putmsg 'cur/1700000001.M1P1Q1.host:2,S' 'Subject: 1\n\n1\n' '@1700000001'
	session <<<'a SELECT INBOX' >/dev/null
	user_sh "cd '$MD' && echo junk >dovecot-uidlist.lock && touch -d '-3 min' dovecot-uidlist.lock"
	run session <<'EOF'
a APPEND INBOX {3+}
two
b STATUS INBOX (MESSAGES UIDNEXT)
EOF
	output=$(echo "$output" | norm)
	expect 'a OK [APPENDUID UV1 2] Append completed.
* STATUS INBOX (MESSAGES 2 UIDNEXT 3)
b OK Status completed.'
	[ ! -e "$MD/dovecot-uidlist.lock" ]
	# a live writer's lock (fresh) is waited for, not broken
	user_sh "cd '$MD' && touch dovecot-uidlist.lock"
	(sleep 2; user_sh "rm -f '$MD/dovecot-uidlist.lock'") &
	BG_PIDS=$!
	t0=$SECONDS
	run session <<'EOF'
a APPEND INBOX {5+}
three
EOF
	output=$(echo "$output" | norm)
	expect 'a OK [APPENDUID UV1 3] Append completed.'
	[ $((SECONDS - t0)) -ge 1 ]
	wait
	BG_PIDS=
	run disk_check
	expect "uidvalidity=$(uidvalidity_of) nextuid=4 records=3 files=3 unnumbered=0"
}

@test "a partial last line in dovecot-uidlist (a writer killed mid-line): its UID is never given again" {
	store_setup
	putmsg 'cur/1700000001.M1P1Q1.host:2,S' 'Subject: 1\n\n1\n' '@1700000001'
	session <<<'a SELECT INBOX' >/dev/null
	uv=$(uidvalidity_of)
	# the killed writer had started "7 :<name>" without its newline
	printf '7 :1700000007.M1P1Q1.hos' >>"$MD/dovecot-uidlist"
	run session <<'EOF'
a SELECT INBOX
b APPEND INBOX {3+}
two
c FETCH 1:* UID
EOF
	output=$(echo "$output" | norm | grep -v '^\* \(FLAGS\|OK \[PERM\)')
	expect '* 1 EXISTS
* 0 RECENT
* OK [UIDVALIDITY UV1] UIDs valid
* OK [UIDNEXT 8] Predicted next UID
* OK [MAILBOXID (ID)] Ok
a OK [READ-WRITE] Select completed.
* 2 EXISTS
b OK [APPENDUID UV1 8] Append completed.
* 1 FETCH (UID 1)
* 2 FETCH (UID 8)
c OK Fetch completed.'
	# the partial line was ended, so the file parses again
	run disk_check
	expect "uidvalidity=$uv nextuid=9 records=3 files=2 unnumbered=0"
	[ "$(tail -1 "$MD/dovecot-uidlist" | cut -d' ' -f1)" = 8 ]
	[ "$(uidvalidity_of)" = "$uv" ]
}

@test "leftovers of a killed APPEND: a file in tmp/ is not a message; a file in cur/ without a UID gets one" {
	store_setup
	putmsg 'cur/1700000001.M1P1Q1.host:2,S' 'Message-ID: <one@test>\n\n1\n' '@1700000001'
	session <<<'a SELECT INBOX' >/dev/null
	# killed after writing tmp/: never a message
	putmsg 'tmp/1700000002.M1P1Q1.host' 'Message-ID: <half@test>\n\nhal'
	# killed after the link into cur/, before the UID: a message
	putmsg 'cur/1700000003.M1P1Q1.host,S=27,W=29:2,S' 'Message-ID: <three@test>\n\n3\n' '@1700000003'
	run listing
	output=$(echo "$output" | sed 1d)
	expect 'UIDNEXT 3
EXISTS 2
1 (\Seen) <one@test>
2 (\Seen) <three@test>'
	[ -e "$MD/tmp/1700000002.M1P1Q1.host" ]
}
