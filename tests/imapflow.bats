#!/usr/bin/env bats
# imapflow.bats: a real modern client, the imapflow package for Node.js
# (pinned in tests/imapflow/package-lock.json), against mdimapd --listen
# on a loopback port, logged in with a passwd-file user: fetching
# envelopes, body structures and parts; IDLE notifications of another
# connection's APPEND, STORE and EXPUNGE; CHANGEDSINCE (RFC 7162 3.1.4);
# QRESYNC (RFC 7162 3.2.5) with VANISHED (EARLIER) and unsolicited
# VANISHED; the same with COMPRESS=DEFLATE (RFC 4978).
#
# The scripts in tests/imapflow/ print what imapflow reports; the tests
# compare it exactly. imapflow is installed once with npm ci into
# /tmp/mdimapd-imapflow-<hash of the lock file> and reused by later runs.
# Without npm, or without the registry, the tests are skipped.
# IMAPFLOW_DEBUG=1 adds imapflow's log of the protocol to the transcripts
# (so the tests fail, showing it).

load helpers
load login/lib

FLOW_DIR=$BATS_TEST_DIRNAME/imapflow

setup_file() {
	local key cache tmp
	export FLOW_SKIP="" FLOW_MODULES=""
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		FLOW_SKIP="node or npm not installed"
		return 0
	fi
	key=$(sha256sum "$FLOW_DIR/package-lock.json" | cut -c1-16)
	cache=/tmp/mdimapd-imapflow-$key
	FLOW_MODULES=$cache/node_modules
	[ -f "$cache/done" ] && return 0
	# Installed beside the cache and renamed into place: a run that
	# stops half-way, or a second run at the same time, leaves no half
	# install behind the name.
	tmp=$(mktemp -d "$cache.XXXXXX")
	cp "$FLOW_DIR/package.json" "$FLOW_DIR/package-lock.json" "$tmp/"
	if ! (cd "$tmp" && timeout 600 npm ci --ignore-scripts --no-audit \
	    --no-fund --loglevel=error) >"$tmp/npm.log" 2>&1; then
		if ! timeout 60 npm ping >/dev/null 2>&1; then
			FLOW_SKIP="the npm registry cannot be reached"
			rm -rf "$tmp"
			return 0
		fi
		cat "$tmp/npm.log" >&3
		rm -rf "$tmp"
		echo "npm ci of tests/imapflow failed" >&3
		return 1
	fi
	touch "$tmp/done"
	mv -T "$tmp" "$cache" 2>/dev/null || rm -rf "$tmp"
	[ -f "$cache/done" ]
}

setup() {
	common_setup
	[ -z "$FLOW_SKIP" ] || skip "$FLOW_SKIP"
	if [ "$(id -u)" = 0 ]; then
		USER_UID=5001
	else
		USER_UID=$(id -u)
	fi
	test_config "throttle_dir = $TESTDIR/throttle"
	add_user alice "$USER_UID" secret
	# INBOX: tests/imapflow/mail/[123].eml (CRLF line ends) with the
	# flags \Seen, none and \Flagged, in the order of their names and
	# times; and an empty Sent.
	MD=$TESTDIR/home/alice/Maildir
	mkdir -p "$MD/cur" "$MD/new" "$MD/tmp" \
	    "$MD/.Sent/cur" "$MD/.Sent/new" "$MD/.Sent/tmp"
	: >"$MD/.Sent/maildirfolder"
	local i fl f
	for i in 1 2 3; do
		case $i in 1) fl=S ;; 2) fl= ;; 3) fl=F ;; esac
		f="$MD/cur/170000000$i.M${i}P1Q1.host:2,$fl"
		sed 's/$/\r/' "$FLOW_DIR/mail/$i.eml" >"$f"
		touch -d "@170000000$i" "$f"
	done
	if [ "$(id -u)" = 0 ]; then
		chown -R "$USER_UID:$USER_UID" "$MD"
	fi
	PORT=$(free_port)
	start_daemon listen "$MDIMAPD" --listen "127.0.0.1:$PORT"
	wait_port "$PORT"
}

teardown() {
	stop_daemons
	common_teardown
}

# flow SCRIPT: run tests/imapflow/SCRIPT.js under a timeout; its
# transcript in $output. IMAPFLOW_COMPRESS=1 lets it use COMPRESS.
flow() {
	run env NODE_PATH="$FLOW_MODULES" IMAP_PORT="$PORT" IMAP_USER=alice \
	    IMAP_PASS=secret timeout 60 node "$FLOW_DIR/$1.js"
	if [ "$status" -ne 0 ]; then
		echo "$1.js: exit $status"
		echo "$output"
		cat "$TESTDIR/listen.log"
		return 1
	fi
}

# The fetch.js transcript; the first line is "compress off" or "compress on".
fetch_expected() {
	printf 'compress %s\n' "$1"
	cat <<'EOF'
list INBOX delimiter=. flags=\HasNoChildren specialUse=\Inbox
list Sent delimiter=. flags=\HasNoChildren \Sent specialUse=\Sent
open INBOX exists=3 uidNext=4 readOnly=false uidValidity=bigint highestModseq=bigint
flags \Answered \Deleted \Draft \Flagged \Seen
permanentFlags \* \Answered \Deleted \Draft \Flagged \Seen
message 1 uid=1 flags=\Seen size=186 internalDate=2023-11-14T22:13:21.000Z
envelope {"date":"2023-11-14T22:13:21.000Z","subject":"first","from":[{"name":"Alice Example","address":"alice@example.org"}],"sender":[{"name":"Alice Example","address":"alice@example.org"}],"replyTo":[{"name":"Alice Example","address":"alice@example.org"}],"to":[{"name":"Bob","address":"bob@example.net"}],"cc":[{"name":"","address":"carol@example.com"}],"messageId":"<m1@example.org>"}
bodyStructure {"type":"text/plain","parameters":{"charset":"us-ascii"},"encoding":"7bit","size":8,"lineCount":1}
message 2 uid=2 flags=- size=571 internalDate=2023-11-14T22:13:22.000Z
envelope {"date":"2023-11-14T22:00:00.000Z","subject":"with attachment","from":[{"name":"Bob","address":"bob@example.net"}],"sender":[{"name":"Bob","address":"bob@example.net"}],"replyTo":[{"name":"Bob","address":"bob@example.net"}],"to":[{"name":"Alice Example","address":"alice@example.org"}],"inReplyTo":"<m1@example.org>","messageId":"<m2@example.net>"}
bodyStructure {"childNodes":[{"part":"1","type":"text/plain","parameters":{"charset":"utf-8"},"encoding":"quoted-printable","size":22,"lineCount":0},{"part":"2","type":"application/octet-stream","parameters":{"name":"a.bin"},"encoding":"base64","size":24,"disposition":"attachment","dispositionParameters":{"filename":"a.bin"}}],"type":"multipart/mixed","parameters":{"boundary":"b1"}}
message 3 uid=3 flags=\Flagged size=310 internalDate=2023-11-14T22:13:23.000Z
envelope {"date":"2023-11-15T13:30:00.000Z","subject":"Grüße","from":[{"name":"Jörg","address":"joerg@example.de"}],"sender":[{"name":"Jörg","address":"joerg@example.de"}],"replyTo":[{"name":"Jörg","address":"joerg@example.de"}],"to":[{"name":"","address":"alice@example.org"}],"messageId":"<m3@example.de>"}
bodyStructure {"type":"text/plain","parameters":{"charset":"iso-8859-1"},"encoding":"quoted-printable","size":22,"lineCount":1}
download 2.1 {"expectedSize":571,"contentType":"text/plain","charset":"utf-8","encoding":"quoted-printable"}
content "Grüße, Alice"
download 2.2 {"expectedSize":571,"contentType":"application/octet-stream","encoding":"base64","disposition":"attachment","filename":"a.bin"}
content "hello attachment\n"
download 3.1 {"expectedSize":310,"contentType":"text/plain","charset":"utf-8","encoding":"quoted-printable"}
content "Grüße von Jörg\r\n"
download 1 {"expectedSize":186,"contentType":"message/rfc822"}
content "Date: Tue, 14 Nov 2023 22:13:21 +0000\r\nFrom: Alice Example <alice@example.org>\r\nTo: Bob <bob@example.net>\r\nCc: carol@example.com\r\nSubject: first\r\nMessage-ID: <m1@example.org>\r\n\r\nbody 1\r\n"
logout
EOF
}

# The idle.js transcript, for "compress off" or "compress on". Without
# QRESYNC the unsolicited FETCH responses carry no UID (RFC 3501 7.4.2).
idle_expected() {
	printf 'A compress %s exists 3\n' "$1"
	echo 'A idling'
	printf 'B compress %s\n' "$1"
	cat <<'EOF'
B append destination=INBOX uid=4
exists path=INBOX count=4 prevCount=3
B store 1 +\Flagged
flags path=INBOX seq=1 uid=- flags=\Flagged \Seen modseq=higher
B store uid 2 +\Answered $Forwarded
flags path=INBOX seq=2 uid=- flags=$Forwarded \Answered modseq=higher
B store 2 +\Deleted
flags path=INBOX seq=2 uid=- flags=$Forwarded \Answered \Deleted modseq=higher
B expunge 2
expunge path=INBOX seq=2 uid=- vanished=false
A message 1 uid=1 flags=\Flagged \Seen
A message 2 uid=3 flags=\Flagged
A message 3 uid=4 flags=\Seen
A idle ended
A exists 3
EOF
}

@test "imapflow: login, list, open INBOX, fetch envelopes, body structures and flags, download parts" {
	flow fetch
	expect "$(fetch_expected off)"
}

@test "imapflow: IDLE reports another connection's APPEND, STORE and EXPUNGE" {
	flow idle
	expect "$(idle_expected off)"
}

@test "imapflow: fetch with changedSince gets exactly the messages another connection changed" {
	flow changedsince
	expect "$(cat <<'EOF'
A noted highestModseq bigint
A before 1 uid=1 modseq=not above noted
A before 2 uid=2 modseq=not above noted
A before 3 uid=3 modseq=not above noted
B stored 1 -\Seen, 3 +$Label1
A flags 1 flags=- modseq=above noted
A flags 3 flags=$Label1 \Flagged modseq=above noted
A changedSince noted, FETCH: 2 messages
A changed 1 uid=1 flags=- modseq=above noted
A changed 3 uid=3 flags=$Label1 \Flagged modseq=above noted
A changedSince noted, UID FETCH: 2 messages
A changed 1 uid=1 flags=- modseq=above noted
A changed 3 uid=3 flags=$Label1 \Flagged modseq=above noted
C changedSince noted, UID FETCH: 2 messages
C changed 1 uid=1 flags=- modseq=above noted
C changed 3 uid=3 flags=$Label1 \Flagged modseq=above noted
A modseq of 3 above modseq of 1: true
A status highestModseq is modseq of 3: true
A changedSince highest: 0 messages
EOF
)"
}

@test "imapflow: QRESYNC reconnect gets VANISHED (EARLIER) and changed flags; VANISHED while idling" {
	flow qresync
	expect "$(cat <<'EOF'
A1 compress off enabled CONDSTORE QRESYNC UTF8=ACCEPT
A1 open exists 3 qresync false
A1 message 1 uid=1 flags=\Seen
A1 message 2 uid=2 flags=-
A1 message 3 uid=3 flags=\Flagged
B stored uid 3 +\Answered, deleted uid 2, appended uid 4
A2 sent SELECT INBOX (QRESYNC (N N))
A2 open exists 3 qresync true same uidValidity true highestModseq above noted
A2 select: expunge path=INBOX seq=- uid=2 vanished=true earlier=true
A2 select: flags path=INBOX seq=2 uid=3 flags=\Answered \Flagged modseq=above noted
A2 select: flags path=INBOX seq=3 uid=4 flags=$Important modseq=above noted
A2 idling
B stored uid 1 +\Deleted
B expunged uid 1
B stored uid 3 +$Done
A2 idle: flags path=INBOX seq=1 uid=1 flags=\Deleted \Seen modseq=above noted
A2 idle: expunge path=INBOX seq=- uid=1 vanished=true earlier=false
A2 idle: flags path=INBOX seq=1 uid=3 flags=$Done \Answered \Flagged modseq=above noted
A2 message 1 uid=3 flags=$Done \Answered \Flagged
A2 message 2 uid=4 flags=$Important
EOF
)"
}

@test "imapflow: with COMPRESS=DEFLATE, fetching and IDLE work the same" {
	IMAPFLOW_COMPRESS=1 flow fetch
	expect "$(fetch_expected on)"
	IMAPFLOW_COMPRESS=1 flow idle
	expect "$(idle_expected on)"
}
