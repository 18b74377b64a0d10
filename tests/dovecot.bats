#!/usr/bin/env bats
# dovecot.bats: mdimapd and Dovecot on the same Maildir (DESIGN.md: "a site
# can switch from Dovecot to mdimapd, or run both on the same Maildirs, and
# no client re-downloads anything"). After either writes (UIDs, flags,
# keywords, copies, appends, expunges), both report the same UIDVALIDITY,
# UIDNEXT, UIDs, flags and keywords. Dovecot's imap runs preauthenticated
# (see tests/store/lib.bash); the file is skipped without it.

load helpers
load store/lib

setup() {
	common_setup
	have_dovecot || skip "Dovecot's imap is not installed ($DOVECOT_IMAP)"
}

teardown() {
	local p
	for p in ${BG_PIDS:-}; do
		kill "$p" 2>/dev/null || :
		wait "$p" 2>/dev/null || :
	done
	common_teardown
}

# both_agree FOLDER...: listed by mdimapd, by Dovecot, then by mdimapd
# again (Dovecot may have rewritten the files): all the same, sizes and
# INTERNALDATEs too. $TESTDIR/d.FOLDER keeps Dovecot's, without those.
both_agree() {
	local f
	for f in "$@"; do
		listing "$f" -x >"$TESTDIR/m1.$f"
		dovecot_listing "$f" -x >"$TESTDIR/d.$f"
		listing "$f" -x >"$TESTDIR/m2.$f"
		diff -u "$TESTDIR/m1.$f" "$TESTDIR/d.$f"
		diff -u "$TESTDIR/m1.$f" "$TESTDIR/m2.$f"
		# without size and date, for the tests' own comparisons
		sed -i 's/ [0-9?]* "[^"]*"$//' "$TESTDIR/d.$f"
	done
}

# A Maildir with INBOX (two messages in new/, two in cur/ with flags and a
# keyword) and a folder Dest.
fixture() {
	store_setup
	dovecot_setup
	mkfolder Dest
	printf '0 Junk\n' >"$MD/dovecot-keywords"
	putmsg 'new/1700000001.M1P1Q1.host' 'Message-ID: <m1@test>\n\none\n' '@1700000001'
	putmsg 'cur/1700000002.M1P1Q1.host:2,S' 'Message-ID: <m2@test>\n\ntwo\n' '@1700000002'
	putmsg 'cur/1700000003.M1P1Q1.host:2,FRa' 'Message-ID: <m3@test>\n\nthree\n' '@1700000003'
	putmsg 'new/1700000004.M1P1Q1.host' 'Message-ID: <m4@test>\n\nfour\n' '@1700000004'
	fix_owner
}

@test "mdimapd writes (UIDs, flags, keywords, COPY, MOVE, APPEND, EXPUNGE), Dovecot reads the same" {
	fixture
	run drive A <<'EOF'
A a SELECT INBOX
A b STORE 1 +FLAGS.SILENT (\Seen kw1 $Forwarded)
A c STORE 2 FLAGS.SILENT (\Answered Junk)
A d STORE 4 +FLAGS.SILENT (\Deleted)
A e COPY 1:3 Dest
A f MOVE 3 Dest
A g EXPUNGE
A h APPEND INBOX (\Flagged kw2) {{Message-ID: <m5@test>\r\n\r\nfive}}
A i APPEND Dest (\Draft Junk) "01-Jan-2024 00:00:00 +0000" {{Message-ID: <m6@test>\r\n\r\nsix}}
EOF
	[ "$status" = 0 ]
	[ -z "$(echo "$output" | grep '^A: [a-z] \(NO\|BAD\)')" ]
	both_agree INBOX Dest
	run cat "$TESTDIR/d.INBOX"
	uv=$(uidvalidity_of)
	expect "UIDVALIDITY $uv
UIDNEXT 6
EXISTS 3
1 (\$Forwarded \\Seen kw1) <m1@test>
2 (Junk \\Answered) <m2@test>
5 (\\Flagged kw2) <m5@test>"
	run cat "$TESTDIR/d.Dest"
	expect "UIDVALIDITY $(uidvalidity_of "$MD/.Dest")
UIDNEXT 6
EXISTS 5
1 (\$Forwarded \\Seen kw1) <m1@test>
2 (Junk \\Answered) <m2@test>
3 (Junk \\Answered \\Flagged) <m3@test>
4 (Junk \\Answered \\Flagged) <m3@test>
5 (Junk \\Draft) <m6@test>"
}

@test "Dovecot writes (UIDs, keywords, APPEND in place in the uidlist, COPY, EXPUNGE), mdimapd reads the same" {
	fixture
	run dovecot_drive D <<'EOF'
D a SELECT INBOX
D b STORE 1 +FLAGS (\Seen kw1)
D c STORE 2 +FLAGS (\Deleted)
D d EXPUNGE
D e COPY 1:2 Dest
EOF
	echo "$output" | grep -qx 'D: \* 2 EXPUNGE'
	echo "$output" | grep -qx 'D: e OK \[COPYUID [0-9]* 1,3 1:2\] Copy completed.'
	# Dovecot appends new records to the file in place, header untouched
	# (every other time here: it rewrites it in between)
	inplace=0
	for n in 1 2 3 4; do
		ino=$(stat -c %i "$MD/dovecot-uidlist")
		head1=$(head -1 "$MD/dovecot-uidlist")
		size=$(stat -c %s "$MD/dovecot-uidlist")
		run dovecot_drive D <<EOF
D a APPEND INBOX (\\Flagged kw2) {{Message-ID: <d$n@test>\r\n\r\nd$n\r\n}}
EOF
		echo "$output" | grep -q '^D: a OK \[APPENDUID [0-9]* [0-9]*\]'
		if [ "$(stat -c %i "$MD/dovecot-uidlist")" = "$ino" ] &&
		    [ "$(head -1 "$MD/dovecot-uidlist")" = "$head1" ] &&
		    [ "$(stat -c %s "$MD/dovecot-uidlist")" -gt "$size" ]; then
			inplace=$n
			break
		fi
	done
	[ "$inplace" != 0 ]
	both_agree INBOX Dest
	# and back: mdimapd appends after Dovecot's lines, changes flags
	session <<'EOF' >/dev/null
a APPEND INBOX (\Answered kw1) {7+}
mdimapd
b SELECT INBOX
c STORE 1 -FLAGS (kw1)
EOF
	both_agree INBOX Dest
	[ "$(tail -1 "$TESTDIR/d.INBOX" | cut -d' ' -f2-)" = '(\Answered kw1) -' ]
	sed -n 4p "$TESTDIR/d.INBOX" | grep -qx '1 (\\Seen) <m1@test>'
	disk_check
}

@test "Dovecot's 'N1' uidlist (records appended after the header): both give the next UID after the last record" {
	store_setup
	dovecot_setup
	uv=1700000000
	printf '3 V%d N1 G0123456789abcdef0123456789abcdef\n1 :1700000001.M1P1Q1.host\n2 :1700000002.M1P1Q1.host\n' "$uv" >"$MD/dovecot-uidlist"
	fix_owner
	putmsg 'cur/1700000001.M1P1Q1.host:2,S' 'Message-ID: <m1@test>\n\none\n' '@1700000001'
	putmsg 'cur/1700000002.M1P1Q1.host:2,' 'Message-ID: <m2@test>\n\ntwo\n' '@1700000002'
	both_agree INBOX
	run cat "$TESTDIR/d.INBOX"
	expect "UIDVALIDITY $uv
UIDNEXT 3
EXISTS 2
1 (\\Seen) <m1@test>
2 () <m2@test>"
	run session <<'EOF'
a APPEND INBOX {3+}
new
EOF
	expect "a OK [APPENDUID $uv 3] Append completed."
	both_agree INBOX
}

@test "mdimapd selected while Dovecot appends, stores and expunges: untagged updates with Dovecot's UIDs" {
	fixture
	session <<<'a SELECT INBOX' >/dev/null
	export DOVECOT_ARGV="$(dovecot_argv_user)"
	printf '%s\n' 'D a SELECT INBOX' 'D b STORE 2 +FLAGS (\Flagged Junk)' \
	    'D c STORE 3 +FLAGS (\Deleted)' 'D d EXPUNGE' \
	    'D e APPEND INBOX (\Seen kw9) {{hello\r\n}}' >"$TESTDIR/dscript"
	run drive A <<'EOF'
A a SELECT INBOX
! "$PYTHON3" "$STORE_DIR/imapdrive.py" D -- $DOVECOT_ARGV <"$TESTDIR/dscript" 2>/dev/null | grep -a '^D: [a-f] ' | sed 's/ (.* secs)//; s/\[APPENDUID [0-9]* /[APPENDUID V /'
A b NOOP
A c UID FETCH 1:* (UID FLAGS)
EOF
	[ "$status" = 0 ]
	output=$(echo "$output" | tr -d '\r' | sed '1,/^A: a OK/d')
	expect 'D: a OK [READ-WRITE] Select completed.
D: b OK Store completed.
D: c OK Store completed.
D: d OK Expunge completed.
D: e OK [APPENDUID V 5] Append completed.
A: * 3 EXPUNGE
A: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft Junk kw9)
A: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft Junk kw9 \*)] Flags permitted.
A: * 2 FETCH (FLAGS (\Flagged \Seen Junk))
A: * 4 EXISTS
A: b OK NOOP completed.
A: * 1 FETCH (UID 1 FLAGS ())
A: * 2 FETCH (UID 2 FLAGS (\Flagged \Seen Junk))
A: * 3 FETCH (UID 4 FLAGS ())
A: * 4 FETCH (UID 5 FLAGS (\Seen kw9))
A: c OK Fetch completed.'
	both_agree INBOX
}

@test "Dovecot selected while mdimapd appends and stores: Dovecot reports mdimapd's UIDs and flags" {
	fixture
	session <<<'a SELECT INBOX' >/dev/null
	run dovecot_drive D <<'EOF'
D a SELECT INBOX
! printf 'a SELECT INBOX\r\nb STORE 1 +FLAGS (\\Answered Junk)\r\nc APPEND INBOX (\\Seen) {5+}\r\nhello\r\nd APPEND INBOX {5+}\r\nworld\r\n' | "$MDIMAPD" --preauth -m "$MD" | grep -a '^[a-d] ' | sed 's/\[APPENDUID [0-9]* /[APPENDUID V /'
D b NOOP
D c UID FETCH 1:* (UID FLAGS)
EOF
	[ "$status" = 0 ]
	output=$(echo "$output" | tr -d '\r' | sed '1,/^D: a OK/d')
	expect 'a OK [READ-WRITE] Select completed.
b OK Store completed.
c OK [APPENDUID V 5] Append completed.
d OK [APPENDUID V 6] Append completed.
D: * 1 FETCH (FLAGS (\Answered Junk))
D: * 6 EXISTS
D: b OK NOOP completed.
D: * 1 FETCH (UID 1 FLAGS (\Answered Junk))
D: * 2 FETCH (UID 2 FLAGS (\Seen))
D: * 3 FETCH (UID 3 FLAGS (\Answered \Flagged Junk))
D: * 4 FETCH (UID 4 FLAGS ())
D: * 5 FETCH (UID 5 FLAGS (\Seen))
D: * 6 FETCH (UID 6 FLAGS ())
D: c OK Fetch completed.'
	both_agree INBOX
}

@test "a keyword mdimapd adds while Dovecot has the folder open: Dovecot sees its name, dovecot-keywords keeps it" {
	# (Dovecot rereads dovecot-keywords only when its mtime, in seconds,
	# changed, and names a letter it cannot resolve unknown-N, into the
	# file: every writer must make the mtime grow, as Dovecot's does)
	store_setup
	dovecot_setup
	putmsg 'cur/1700000001.M1P1Q1.host:2,S' 'Message-ID: <m1@test>\n\none\n' '@1700000001'
	putmsg 'cur/1700000002.M1P1Q1.host:2,S' 'Message-ID: <m2@test>\n\ntwo\n' '@1700000002'
	session <<<'a SELECT INBOX' >/dev/null
	# all of it within one second (the resolution of Dovecot's check)
	run dovecot_drive D <<'EOF'
! n=$(date +%N); sleep "0.$(printf %09d $((1000000000 - 10#$n)))"
! printf 'a SELECT INBOX\r\nb STORE 1 +FLAGS (kw1)\r\n' | "$MDIMAPD" --preauth -m "$MD" >/dev/null
D a SELECT INBOX
! printf 'a SELECT INBOX\r\nb STORE 2 +FLAGS (kw2)\r\n' | "$MDIMAPD" --preauth -m "$MD" >/dev/null
D b NOOP
D c FETCH 1:* FLAGS
EOF
	[ "$status" = 0 ]
	output=$(echo "$output" | sed '1,/^D: a OK/d' | grep -v '^D: \* \(FLAGS\|OK \[PERMANENTFLAGS\)')
	expect 'D: * 2 FETCH (FLAGS (\Seen kw2))
D: b OK NOOP completed.
D: * 1 FETCH (FLAGS (\Seen kw1))
D: * 2 FETCH (FLAGS (\Seen kw2))
D: c OK Fetch completed.'
	[ "$(cat "$MD/dovecot-keywords")" = "$(printf '0 kw1\n1 kw2')" ]
}

@test "Dovecot and mdimapd append at once (2 x 50 each): 200 messages, 200 distinct UIDs, both agree" {
	store_setup
	dovecot_setup
	session <<<'a SELECT INBOX' >/dev/null
	for p in d1 d2 m1 m2; do
		for i in $(seq 1 50); do
			m="Message-ID: <$p-$i@test>"
			printf 'a%d APPEND INBOX {%d+}\r\n%s\r\n' "$i" "${#m}" "$m"
		done >"$TESTDIR/in.$p"
	done
	for p in d1 d2; do
		cat "$TESTDIR/in.$p" | timeout 60 $(dovecot_argv) >"$TESTDIR/out.$p" 2>"$TESTDIR/err.$p" &
		BG_PIDS="$BG_PIDS $!"
	done
	for p in m1 m2; do
		timeout 60 $(user_prefix) "$MDIMAPD" --preauth -m "$MD" \
		    <"$TESTDIR/in.$p" >"$TESTDIR/out.$p" 2>/dev/null &
		BG_PIDS="$BG_PIDS $!"
	done
	wait
	BG_PIDS=
	for p in d1 d2 m1 m2; do
		[ "$(grep -ac '^a[0-9]* OK \[APPENDUID ' "$TESTDIR/out.$p")" = 50 ]
	done
	cat "$TESTDIR"/out.* | sed -n 's/^a[0-9]* OK \[APPENDUID [0-9]* \([0-9]*\)\].*/\1/p' |
	    sort -n >"$TESTDIR/uids"
	[ "$(cat "$TESTDIR/uids")" = "$(seq 1 200)" ]
	both_agree INBOX
	[ "$(sed -n 3p "$TESTDIR/d.INBOX")" = 'EXISTS 200' ]
	[ "$(sed 1,3d "$TESTDIR/d.INBOX" | awk '{ print $3 }' | sort -u | wc -l)" = 200 ]
	disk_check
}
