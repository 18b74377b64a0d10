#!/usr/bin/env bats
# mbsync.bats: mbsync (isync) as a real client, through the --preauth
# tunnel: a first two-way sync of a few hundred messages, a second that
# changes nothing, then changes on each side carried to the other.

load helpers

setup() {
	common_setup
	command -v mbsync >/dev/null || skip "mbsync not installed (apt-get install isync)"
	setup_maildir
	mkdir -p "$MD/.Sent/cur" "$MD/.Sent/new" "$MD/.Sent/tmp"
	: >"$MD/.Sent/maildirfolder"
	for i in $(seq 1 300); do
		f="$MD/cur/$((1700000000 + i)).M${i}P1Q1.host:2,"
		[ $((i % 3)) = 0 ] && f="${f}S"
		printf 'From: a%s@example.org\nSubject: msg %s\nMessage-ID: <%s@example.org>\n\nbody %s\n' \
		    "$i" "$i" "$i" "$i" >"$f"
	done
	mkdir -p "$TESTDIR/local"
	cat >"$TESTDIR/mbsyncrc" <<EOF
IMAPAccount srv
Tunnel "$MDIMAPD --preauth -m $MD"
AuthMechs *

IMAPStore remote
Account srv

MaildirStore local
Path $TESTDIR/local/
Inbox $TESTDIR/local/INBOX
SubFolders Verbatim

Channel ch
Far :remote:
Near :local:
Patterns *
Create Both
Expunge Both
SyncState *
EOF
	if [ "$(id -u)" = 0 ]; then
		chown -R "$TEST_USER" "$TESTDIR"
	fi
}

sync() {
	as_user env HOME="$TESTDIR" timeout 120 mbsync -c "$TESTDIR/mbsyncrc" -a
}

count() {
	find "$1/cur" "$1/new" -type f | wc -l
}

@test "mbsync: 300 messages and a folder pulled, flags kept" {
	run sync
	[ "$status" -eq 0 ]
	[ "$(count "$TESTDIR/local/INBOX")" -eq 300 ]
	[ -d "$TESTDIR/local/Sent" ]
	# \Seen on the server is S locally, for the same 100 messages.
	[ "$(find "$TESTDIR/local/INBOX" -type f -name '*,*S*' | wc -l)" -eq 100 ]
	# Every body arrived exactly once.
	[ "$(cat "$TESTDIR"/local/INBOX/*/* | grep -c '^Message-ID:')" -eq 300 ]
	[ "$(cat "$TESTDIR"/local/INBOX/*/* | grep '^Message-ID:' | sort -u | wc -l)" -eq 300 ]
}

@test "mbsync: a second sync changes nothing on the server" {
	sync
	before=$(cd "$MD" && find . -path ./tmp -prune -o -type f -print | grep -v mdimapd-state | sort | xargs md5sum)
	run sync
	[ "$status" -eq 0 ]
	after=$(cd "$MD" && find . -path ./tmp -prune -o -type f -print | grep -v mdimapd-state | sort | xargs md5sum)
	[ "$before" = "$after" ]
	[ "$(count "$TESTDIR/local/INBOX")" -eq 300 ]
}

@test "mbsync: local flags and deletions reach the server, server mail reaches the client" {
	sync
	# Flag one message locally (F), delete another (T then expunge).
	f=$(find "$TESTDIR/local/INBOX/cur" -type f -name '*,S' | head -1)
	mv "$f" "${f}F"
	g=$(grep -l '^Subject: msg 7$' "$TESTDIR"/local/INBOX/*/*)
	rm "$g"
	# A new message on the server, delivered by an MDA.
	printf 'Subject: new one\nMessage-ID: <new@example.org>\n\nhi\n' \
	    >"$MD/new/1800000000.M1P2Q1.host"
	[ "$(id -u)" = 0 ] && chown "$TEST_USER" "$MD/new/1800000000.M1P2Q1.host"
	run sync
	[ "$status" -eq 0 ]
	# The flag is in the server's file name (F sorts before S).
	[ "$(find "$MD/cur" -name '*:2,FS' | wc -l)" -eq 1 ]
	# The deleted message is gone from the server, the others are there.
	! grep -q '^Subject: msg 7$' "$MD"/cur/* "$MD"/new/* 2>/dev/null
	[ "$(count "$MD")" -eq 300 ]
	# The new message was pulled.
	grep -q '^Subject: new one$' "$TESTDIR"/local/INBOX/*/*
	[ "$(count "$TESTDIR/local/INBOX")" -eq 300 ]
}
