#!/usr/bin/env bats
# uidlist.bats: dovecot-uidlist as others leave it: Courier's version 1
# (converted before anything is appended, UIDs and UIDVALIDITY kept), and
# a list full of lines for long-gone messages (compacted).

load helpers

@test "a version 1 (Courier) uidlist keeps its UIDs and becomes version 3" {
	setup_maildir
	printf 'a\n' >"$MD/cur/1700000001.x:2,S"
	printf 'b\n' >"$MD/cur/1700000002.y:2,"
	printf 'c\n' >"$MD/new/1700000003.z"
	printf '1 1000 5\n3 1700000001.x:2,S\n4 1700000002.y\n' >"$MD/dovecot-uidlist"
	[ "$(id -u)" = 0 ] && chown -R "$TEST_USER" "$MD"
	run imap_preauth <<'EOF'
a SELECT INBOX
b UID FETCH 1:* (FLAGS)
EOF
	echo "$output" | grep -qx '\* OK \[UIDVALIDITY 1000\] UIDs valid'
	echo "$output" | grep -qx '\* 1 FETCH (UID 3 FLAGS (\\Seen))'
	echo "$output" | grep -qx '\* 2 FETCH (UID 4 FLAGS ())'
	echo "$output" | grep -qx '\* 3 FETCH (UID 5 FLAGS (\\Recent))'
	run cat "$MD/dovecot-uidlist"
	[ "${lines[0]%% G*}" = "3 V1000 N5" ]
	[ "${lines[1]}" = "3 :1700000001.x" ]
	[ "${lines[2]}" = "4 :1700000002.y" ]
	[ "${lines[3]}" = "5 :1700000003.z" ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "a uidlist mostly made of expunged messages is compacted, UIDs kept" {
	setup_maildir
	{
		printf '3 V1234 N3000 G0123456789abcdef0123456789abcdef\n'
		for i in $(seq 1 2500); do printf '%s :gone%s\n' "$i" "$i"; done
		printf '2501 :1700000001.keep\n'
	} >"$MD/dovecot-uidlist"
	printf 'x\n' >"$MD/cur/1700000001.keep:2,S"
	[ "$(id -u)" = 0 ] && chown -R "$TEST_USER" "$MD"
	run imap_preauth <<'EOF'
a SELECT INBOX
b UID FETCH 1:* (UID)
EOF
	echo "$output" | grep -qx '\* 1 FETCH (UID 2501)'
	echo "$output" | grep -qx '\* OK \[UIDNEXT 3000\] Predicted next UID'
	run cat "$MD/dovecot-uidlist"
	[ "${lines[0]}" = "3 V1234 N3000 G0123456789abcdef0123456789abcdef" ]
	[ "${lines[1]}" = "2501 :1700000001.keep" ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "first open of 1,500 files (radix sort path): UIDs in delivery order, equal seconds by name" {
	setup_maildir
	# 15 different seconds, 100 names each, created in a scrambled order
	for i in $(seq 1 1500 | shuf --random-source=<(yes)); do
		t=$((1700000000 + (i * 7919) % 15 * 1000))
		printf 'Subject: %s\n\nx\n' "$i" >"$MD/cur/$t.M${i}P1Q1.host:2,"
	done
	[ "$(id -u)" != 0 ] || chown -R "$TEST_USER" "$MD"
	imap_preauth -m "$MD" <<<'a SELECT INBOX' >/dev/null
	# the records in UID order are the names in (seconds, name) order
	tail -n +2 "$MD/dovecot-uidlist" | sed 's/.* :\{0,1\}//; s/^://' >"$TESTDIR/by_uid"
	[ "$(wc -l <"$TESTDIR/by_uid")" = 1500 ]
	python3 - "$TESTDIR/by_uid" <<'PY'
import sys
names = [l.strip() for l in open(sys.argv[1])]
keys = [(int(n.split('.')[0]), n.encode()) for n in names]
assert keys == sorted(keys), "UIDs not in (seconds, name) order"
PY
}
