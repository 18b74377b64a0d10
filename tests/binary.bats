#!/usr/bin/env bats
# BINARY (RFC 3516): BINARY[part], BINARY.PEEK, BINARY.SIZE, partials,
# literal8, UNKNOWN-CTE; answers checked against Dovecot's for the same
# messages.

load helpers
load store/lib

setup() {
	common_setup
	store_setup
	putmsg 'cur/1700000100.M1P1Q1.host:2,' \
	    'Subject: b64\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=X\n\n--X\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\nline=20one=\nsoft\nsecond =C3=A9\n--X\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nAAECAwRoZWxsbw==\n--X\nContent-Type: text/plain\nContent-Transfer-Encoding: x-uuencode\n\nbegin\n--X--\n'
	putmsg 'cur/1700000200.M1P1Q2.host:2,' \
	    'Subject: single\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\naGVsbG8gd29ybGQ=\n'
	fix_owner
}

@test "BINARY: decoded parts (QP with CRLF, base64 with NUL as literal8), sizes, partials; PEEK keeps \\Seen off" {
	# cat -v before the shell sees it: the NUL bytes must show
	output=$(printf 'a SELECT INBOX\nb FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[1] BINARY.PEEK[2] BINARY.SIZE[2] BINARY.PEEK[1]<2.5>)\nc FETCH 1 (FLAGS)\n' |
	    session | cat -v | sed -n '/^\* 1 FETCH (B/,$p')
	expect '* 1 FETCH (BINARY[1] ~{23}
line onesoft
second M-CM-) BINARY.SIZE[1] 23 BINARY[2] ~{10}
^@^A^B^C^Dhello BINARY.SIZE[2] 10 BINARY[1]<2> ~{5}
ne on)
b OK Fetch completed.
* 1 FETCH (FLAGS ())
c OK Fetch completed.'
}

@test "BINARY without PEEK sets \\Seen; an unknown encoding gets NO [UNKNOWN-CTE] and nothing for that message" {
	run session <<'EOF'
a SELECT INBOX
b FETCH 1:2 (BINARY[3])
c FETCH 2 (BINARY[1])
EOF
	output=$(echo "$output" | sed -n '/^b /,$p;/^\* [12] FETCH/,$p' | grep -v '^a OK' | uniq)
	expect '* 2 FETCH (BINARY[3] {0}
 FLAGS (\Seen))
b NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding in some messages: not decoded
* 2 FETCH (BINARY[1] ~{11}
hello world)
c OK Fetch completed.'
}

@test "BINARY[] of a single encoded part: the header says binary, the body is decoded; BINARY.SIZE[] agrees" {
	run session <<'EOF'
a EXAMINE INBOX
b FETCH 2 (BINARY.PEEK[] BINARY.SIZE[])
EOF
	output=$(echo "$output" | sed -n '/^\* 2 FETCH/,$p')
	expect '* 2 FETCH (BINARY[] ~{91}
Subject: single
Content-Type: text/plain
Content-Transfer-Encoding: binary

hello world BINARY.SIZE[] 91)
b OK Fetch completed.'
}

@test "BINARY: invalid sections are BAD (MIME, HEADER, TEXT, partial on SIZE, part 0)" {
	run session <<'EOF'
a EXAMINE INBOX
b FETCH 1 (BINARY[1.MIME])
c FETCH 1 (BINARY[HEADER])
d FETCH 1 (BINARY.SIZE[1]<0.5>)
e FETCH 1 (BINARY[0])
f FETCH 1 (BINARY.PEEK[1.])
EOF
	for t in b c d e f; do
		echo "$output" | grep -q "^$t BAD Invalid BINARY section"
	done
}

@test "BINARY: the same answers as Dovecot's imap for parts, sizes and partials" {
	have_dovecot || skip "no Dovecot imap"
	# Dovecot refuses BINARY on a whole message once any part has an
	# encoding it does not know: leave the x-uuencode part out.
	perl -0pi -e 's/--X\nContent-Type: text\/plain\nContent-Transfer-Encoding: x-uuencode\n\nbegin\n//' \
	    "$MD/cur/1700000100.M1P1Q1.host:2,"
	cmds='a EXAMINE INBOX
b FETCH 1:2 (BINARY.PEEK[1] BINARY.SIZE[1] BINARY.PEEK[2] BINARY.SIZE[2] BINARY.PEEK[1]<3.7>)
c FETCH 2 (BINARY.PEEK[] BINARY.SIZE[])'
	run session <<<"$cmds"
	ours=$(echo "$output" | grep -v '^\* OK\|^\* FLAGS\|EXISTS\|RECENT\|OK \[READ\|^[abc] OK')
	dovecot_setup
	run sh -c "sed 's/\$/\r/' | timeout 60 $(dovecot_argv) 2>/dev/null | tr -d '\r'" <<<"$cmds"
	theirs=$(echo "$output" | grep -v '^\* OK\|^\* FLAGS\|EXISTS\|RECENT\|OK \[READ\|^[abc] OK\|^\* PREAUTH\|^\* BYE')
	[ "$ours" = "$theirs" ] || { diff <(echo "$ours") <(echo "$theirs"); false; }
}
