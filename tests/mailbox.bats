#!/usr/bin/env bats
# mailbox.bats: CREATE DELETE RENAME SUBSCRIBE UNSUBSCRIBE LIST LSUB
# NAMESPACE STATUS (RFC 9051 6.3), LIST-EXTENDED, LIST-STATUS, SPECIAL-USE,
# CREATE-SPECIAL-USE, STATUS=SIZE; the Maildir++ layout on disk; hostile
# names and symbolic links; python3 imaplib as a real client.

load helpers

# session: imap_preauth without the greeting (its capability list grows
# with other features; one test below checks ours are in it).
session() {
	imap_preauth "$@" | sed 1d
}

# mkfolder NAME...: a folder made directly on disk, as another program would.
mkfolder() {
	local n
	for n in "$@"; do
		mkdir -p "$MD/.$n/cur" "$MD/.$n/new" "$MD/.$n/tmp"
		touch "$MD/.$n/maildirfolder"
	done
	[ "$(id -u)" != 0 ] || chown -R "$TEST_USER" "$MD"
}

# msg DIR NAME TEXT: a message file (CRLF line ends, so RFC822.SIZE is the
# file size) in $MD/DIR.
msg() {
	printf '%s\n' "$3" | sed 's/$/\r/' >"$MD/$1/$2"
	[ "$(id -u)" != 0 ] || chown "$TEST_USER" "$MD/$1/$2"
}

# ---------------------------------------------------------------------------
# Capabilities, NAMESPACE, the separator

@test "capabilities: the mailbox extensions are advertised after login only" {
	setup_maildir
	run imap_preauth <<'EOF'
a LOGOUT
EOF
	for c in CHILDREN LIST-EXTENDED LIST-STATUS SPECIAL-USE \
	    CREATE-SPECIAL-USE STATUS=SIZE NAMESPACE; do
		echo "${lines[0]}" | grep -q " $c[] ]"
	done
	run imap <<'EOF'
a LOGOUT
EOF
	! echo "${lines[0]}" | grep -qE 'CHILDREN|LIST-|SPECIAL-USE|NAMESPACE|STATUS='
}

@test "NAMESPACE; LIST \"\" \"\" gives the separator; LIST ref \"\" its root" {
	setup_maildir
	run session <<'EOF'
a NAMESPACE
b NAMESPACE x
c LIST "" ""
d LIST "Foo.Bar.Baz" ""
e LIST "Foo" ""
f LSUB "" ""
g LIST () "" ""
EOF
	expect '* NAMESPACE (("" ".")) NIL NIL
a OK Namespace completed.
b BAD NAMESPACE takes no arguments
* LIST (\Noselect) "." ""
c OK List completed.
* LIST (\Noselect) "." Foo.
d OK List completed.
* LIST (\Noselect) "." ""
e OK List completed.
f OK Lsub completed.
g OK List completed.'
}

@test "mailbox commands need a login; they work with a mailbox selected" {
	setup_maildir
	run imap <<'EOF'
a LIST "" *
b STATUS INBOX (MESSAGES)
EOF
	output=$(echo "$output" | sed 1d)
	expect 'a BAD LIST needs a login first
b BAD STATUS needs a login first'
	run session <<'EOF'
a SELECT INBOX
b CREATE Sub
c LIST "" *
d STATUS Sub (MESSAGES)
EOF
	echo "$output" | grep -qx 'a OK \[READ-WRITE\] .*'
	echo "$output" | sed '/^a OK/,$!d' | sed 1d >"$TESTDIR/rest"
	output=$(cat "$TESTDIR/rest")
	expect 'b OK [MAILBOXID (ID)] Create completed.
* LIST (\HasNoChildren) "." INBOX
* LIST (\HasNoChildren) "." Sub
c OK List completed.
* STATUS Sub (MESSAGES 0)
d OK Status completed.'
}

# ---------------------------------------------------------------------------
# CREATE

@test "CREATE: Maildir++ folders on disk, superiors, trailing separator" {
	setup_maildir
	run session <<'EOF'
a CREATE Work.Projects.2024
b CREATE Lists.
c CREATE inbox.Sub
d CREATE "a b"
e CREATE "q\"uote\\d"
f CREATE {3+}
lit
g LIST "" *
EOF
	expect 'a OK [MAILBOXID (ID)] Create completed.
b OK [MAILBOXID (ID)] Create completed.
c OK [MAILBOXID (ID)] Create completed.
d OK [MAILBOXID (ID)] Create completed.
e OK [MAILBOXID (ID)] Create completed.
f OK [MAILBOXID (ID)] Create completed.
* LIST (\HasChildren) "." INBOX
* LIST (\HasNoChildren) "." INBOX.Sub
* LIST (\HasNoChildren) "." Lists
* LIST (\HasChildren) "." Work
* LIST (\HasChildren) "." Work.Projects
* LIST (\HasNoChildren) "." Work.Projects.2024
* LIST (\HasNoChildren) "." "a b"
* LIST (\HasNoChildren) "." lit
* LIST (\HasNoChildren) "." "q\"uote\\d"
g OK List completed.'
	for d in .Work .Work.Projects .Work.Projects.2024 .Lists .INBOX.Sub \
	    '.a b' '.q"uote\d' .lit; do
		[ -d "$MD/$d/cur" ] && [ -d "$MD/$d/new" ] && [ -d "$MD/$d/tmp" ]
		[ -f "$MD/$d/maildirfolder" ]
	done
	# Nothing else at the root (but the UIDVALIDITY record that giving
	# the new folders their MAILBOXID made), nothing staged in tmp/.
	[ -z "$(ls -A "$MD/tmp")" ]
	run sh -c "ls -A '$MD' | sed 's/^dovecot-uidvalidity\..*/dovecot-uidvalidity.X/'"
	expect '.INBOX.Sub
.Lists
.Work
.Work.Projects
.Work.Projects.2024
.a b
.lit
.q"uote\d
cur
dovecot-uidvalidity
dovecot-uidvalidity.X
new
tmp'
}

@test "CREATE: existing names, INBOX, invalid and hostile names" {
	setup_maildir
	mkfolder A
	run session <<'EOF'
a CREATE A
b CREATE a.
c CREATE A.
d CREATE INBOX
e CREATE iNbOx
f CREATE ""
g CREATE .x
h CREATE ../x
i CREATE a..b
j CREATE a/b
k CREATE "/etc/passwd"
l CREATE &Jjo
m CREATE "x&AGE-"
n CREATE "tab	x"
p CREATE x..
q CREATE
r CREATE a b c
s CREATE (x)
EOF
	expect 'a NO [ALREADYEXISTS] Mailbox already exists
b OK [MAILBOXID (ID)] Create completed.
c NO [ALREADYEXISTS] Mailbox already exists
d NO [ALREADYEXISTS] Mailbox already exists
e NO [ALREADYEXISTS] Mailbox already exists
f NO [CANNOT] Invalid mailbox name: Empty name
g NO [CANNOT] Invalid mailbox name: Begins with the hierarchy separator
h NO [CANNOT] Invalid mailbox name: Contains '"'"'/'"'"'
i NO [CANNOT] Invalid mailbox name: Has adjacent hierarchy separators
j NO [CANNOT] Invalid mailbox name: Contains '"'"'/'"'"'
k NO [CANNOT] Invalid mailbox name: Contains '"'"'/'"'"'
l NO [CANNOT] Invalid mailbox name: Not valid modified UTF-7
m NO [CANNOT] Invalid mailbox name: Not valid modified UTF-7
n NO [CANNOT] Invalid mailbox name: Contains control characters
p NO [CANNOT] Invalid mailbox name: Ends with the hierarchy separator
q BAD CREATE takes a mailbox name and optional parameters
r BAD CREATE takes a mailbox name and optional parameters
s BAD Invalid mailbox name syntax'
	run sh -c "ls -A '$MD' | sed 's/^dovecot-uidvalidity\..*/dovecot-uidvalidity.X/'"
	expect '.A
.a
cur
dovecot-uidvalidity
dovecot-uidvalidity.X
new
tmp'
}

@test "CREATE: 8-bit names are refused (IMAP4rev1 names are modified UTF-7)" {
	setup_maildir
	run imap_raw --preauth -m "$MD" < <(printf 'a CREATE "caf\xc3\xa9"\r\nb CREATE {5+}\r\ncaf\xc3\xa9\r\n')
	[ "${lines[1]}" = "a NO [CANNOT] Invalid mailbox name: Contains 8-bit characters" ]
	[ "${lines[2]}" = "b NO [CANNOT] Invalid mailbox name: Contains 8-bit characters" ]
	[ "$(ls -A "$MD")" = "$(printf 'cur\nnew\ntmp')" ]
}

@test "CREATE: a name of 254 bytes is the longest" {
	setup_maildir
	n254=$(head -c 254 /dev/zero | tr '\0' x)
	n255=$(head -c 255 /dev/zero | tr '\0' x)
	run session <<EOF
a CREATE $n254
b CREATE $n255
EOF
	expect "a OK [MAILBOXID (ID)] Create completed.
b NO [CANNOT] Invalid mailbox name: Name too long"
	[ -d "$MD/.$n254/cur" ]
}

@test "CREATE (USE (...)): special-use stored, listed; unsupported ones refused" {
	setup_maildir
	run session <<'EOF'
a CREATE Outgoing (USE (\Sent))
b CREATE Old (USE (\Archive \Junk))
c CREATE Every (USE (\All))
d CREATE Flag (USE (\Flagged))
e CREATE Other (USE (\Whatever))
f CREATE Plain (USE ())
g CREATE Bad (USE (Sent))
h CREATE Bad (FOO (x))
i CREATE Bad ()
j CREATE Sent
k CREATE trash
l LIST "" *
m LIST "" * RETURN (SPECIAL-USE)
n LIST (SPECIAL-USE) "" *
o LIST () "" *
EOF
	expect 'a OK [MAILBOXID (ID)] Create completed.
b OK [MAILBOXID (ID)] Create completed.
c NO [USEATTR] Special-use attribute not supported: \All
d NO [USEATTR] Special-use attribute not supported: \Flagged
e NO [USEATTR] Special-use attribute not supported: \Whatever
f OK [MAILBOXID (ID)] Create completed.
g BAD USE takes a list of special-use attributes
h BAD Unknown CREATE parameter
i BAD CREATE parameters must be a list
j OK [MAILBOXID (ID)] Create completed.
k OK [MAILBOXID (ID)] Create completed.
* LIST (\HasNoChildren) "." INBOX
* LIST (\HasNoChildren \Archive \Junk) "." Old
* LIST (\HasNoChildren \Sent) "." Outgoing
* LIST (\HasNoChildren) "." Plain
* LIST (\HasNoChildren \Sent) "." Sent
* LIST (\HasNoChildren \Trash) "." trash
l OK List completed.
* LIST () "." INBOX
* LIST (\Archive \Junk) "." Old
* LIST (\Sent) "." Outgoing
* LIST () "." Plain
* LIST (\Sent) "." Sent
* LIST (\Trash) "." trash
m OK List completed.
* LIST (\Archive \Junk) "." Old
* LIST (\Sent) "." Outgoing
* LIST (\Sent) "." Sent
* LIST (\Trash) "." trash
n OK List completed.
* LIST () "." INBOX
* LIST () "." Old
* LIST () "." Outgoing
* LIST () "." Plain
* LIST () "." Sent
* LIST () "." trash
o OK List completed.'
	[ ! -e "$MD/.Every" ] && [ ! -e "$MD/.Flag" ] && [ ! -e "$MD/.Other" ]
	[ "$(cat "$MD/mdimapd-specialuse")" = "$(printf 'mdimapd-specialuse 1\nOutgoing\t\\Sent\nOld\t\\Archive \\Junk')" ]
}

# ---------------------------------------------------------------------------
# DELETE

@test "DELETE: messages go, children stay, INBOX and parents-only refused" {
	setup_maildir
	mkfolder A A.B A.B.C Sent
	msg .A/cur 1.M1P1.host:2,S 'Subject: x

body'
	msg .A/new 2.M2P2.host 'Subject: y'
	run session <<'EOF'
a DELETE A
b LIST "" *
c DELETE A
d DELETE A.B
e LIST "" *
f DELETE A.B.C
g LIST "" *
h DELETE INBOX
i DELETE inbox
j DELETE nothere
k DELETE ../x
l DELETE
m DELETE Sent
n DELETE Sent
EOF
	expect 'a OK Delete completed.
* LIST (\HasNoChildren) "." INBOX
* LIST (\Noselect \HasChildren) "." A
* LIST (\HasChildren) "." A.B
* LIST (\HasNoChildren) "." A.B.C
* LIST (\HasNoChildren \Sent) "." Sent
b OK List completed.
c NO [NONEXISTENT] Mailbox doesn'"'"'t exist: A
d OK Delete completed.
* LIST (\HasNoChildren) "." INBOX
* LIST (\Noselect \HasChildren) "." A
* LIST (\Noselect \HasChildren) "." A.B
* LIST (\HasNoChildren) "." A.B.C
* LIST (\HasNoChildren \Sent) "." Sent
e OK List completed.
f OK Delete completed.
* LIST (\HasNoChildren) "." INBOX
* LIST (\HasNoChildren \Sent) "." Sent
g OK List completed.
h NO [CANNOT] INBOX can'"'"'t be deleted
i NO [CANNOT] INBOX can'"'"'t be deleted
j NO [NONEXISTENT] Mailbox doesn'"'"'t exist: nothere
k NO [CANNOT] Invalid mailbox name: Contains '"'"'/'"'"'
l BAD DELETE takes one mailbox name
m OK Delete completed.
n NO [NONEXISTENT] Mailbox doesn'"'"'t exist: Sent'
	run ls -A "$MD"
	expect 'cur
new
tmp'
	[ -z "$(ls -A "$MD/tmp")" ]
}

@test "DELETE keeps the subscription (RFC 9051 6.3.7); a new folder gets a new UIDVALIDITY" {
	setup_maildir
	run session <<'EOF'
a CREATE Gone
b SUBSCRIBE Gone
c STATUS Gone (UIDVALIDITY)
d DELETE Gone
e LSUB "" *
f LIST (SUBSCRIBED) "" *
g CREATE Gone
h STATUS Gone (UIDVALIDITY)
EOF
	uv1=$(echo "$output" | sed -n 's/^\* STATUS Gone (UIDVALIDITY \([0-9]*\))$/\1/p' | head -1)
	uv2=$(echo "$output" | sed -n 's/^\* STATUS Gone (UIDVALIDITY \([0-9]*\))$/\1/p' | tail -1)
	[ -n "$uv1" ] && [ -n "$uv2" ] && [ "$uv1" != "$uv2" ]
	output=$(echo "$output" | sed 's/UIDVALIDITY [0-9]*/UIDVALIDITY N/')
	expect 'a OK [MAILBOXID (ID)] Create completed.
b OK Subscribe completed.
* STATUS Gone (UIDVALIDITY N)
c OK Status completed.
d OK Delete completed.
* LSUB () "." Gone
e OK Lsub completed.
* LIST (\Subscribed \NonExistent) "." Gone
f OK List completed.
g OK [MAILBOXID (ID)] Create completed.
* STATUS Gone (UIDVALIDITY N)
h OK Status completed.'
}

# ---------------------------------------------------------------------------
# RENAME

@test "RENAME: children move along, superiors are created, checks" {
	setup_maildir
	mkfolder A A.B A.B.C X
	msg .A.B/cur 1.M1P1.host:2,S 'Subject: x'
	run session <<'EOF'
a RENAME A Z.New
b LIST "" *
c STATUS Z.New.B (MESSAGES)
d RENAME Z.New Z.New.Deeper
e RENAME Z.New Z.New
f RENAME Z.New X
g RENAME nothere Y
h RENAME Z Y
i RENAME X INBOX
j RENAME X inbox
k RENAME X a..b
l RENAME a..b X
m RENAME X
n RENAME X Y Z
o RENAME x Y
EOF
	expect 'a OK Rename completed.
* LIST (\HasNoChildren) "." INBOX
* LIST (\HasNoChildren) "." X
* LIST (\HasChildren) "." Z
* LIST (\HasChildren) "." Z.New
* LIST (\HasChildren) "." Z.New.B
* LIST (\HasNoChildren) "." Z.New.B.C
b OK List completed.
* STATUS Z.New.B (MESSAGES 1)
c OK Status completed.
d NO [CANNOT] Can'"'"'t rename a mailbox into its own hierarchy
e NO [ALREADYEXISTS] Mailbox already exists
f NO [ALREADYEXISTS] Mailbox already exists
g NO [NONEXISTENT] Mailbox doesn'"'"'t exist: nothere
h OK Rename completed.
i NO [ALREADYEXISTS] Mailbox already exists
j NO [ALREADYEXISTS] Mailbox already exists
k NO [CANNOT] Invalid mailbox name: Has adjacent hierarchy separators
l NO [CANNOT] Invalid mailbox name: Has adjacent hierarchy separators
m BAD RENAME takes two mailbox names
n BAD RENAME takes two mailbox names
o NO [NONEXISTENT] Mailbox doesn'"'"'t exist: x'
	[ -f "$MD/.Y.New.B/cur/1.M1P1.host:2,S" ]
	[ ! -e "$MD/.A" ] && [ ! -e "$MD/.Z" ]
}

@test "RENAME: a child whose new name is taken stops the whole rename" {
	setup_maildir
	mkfolder S S.x T.x
	run session <<'EOF'
a RENAME S T
b LIST "" *
EOF
	expect 'a NO [ALREADYEXISTS] Mailbox already exists
* LIST (\HasNoChildren) "." INBOX
* LIST (\HasChildren) "." S
* LIST (\HasNoChildren) "." S.x
* LIST (\Noselect \HasChildren) "." T
* LIST (\HasNoChildren) "." T.x
b OK List completed.'
}

@test "RENAME INBOX: its messages move to the new folder, INBOX stays, empty" {
	setup_maildir
	mkfolder INBOX.Child
	msg cur 1000.M1P1.host:2,S 'Subject: a

hello'
	msg cur 1001.M1P1.host:2, 'Subject: b

hello there'
	msg new 1002.M1P1.host 'Subject: c

x'
	printf '0 kw1\n' >"$MD/dovecot-keywords"
	run session <<'EOF'
a STATUS INBOX (MESSAGES UNSEEN SIZE)
b RENAME INBOX Archive.Old
c LIST "" *
d STATUS INBOX (MESSAGES UNSEEN SIZE)
e STATUS Archive.Old (MESSAGES UNSEEN SIZE)
f RENAME INBOX Archive.Old
EOF
	expect '* STATUS INBOX (MESSAGES 3 UNSEEN 2 SIZE 65)
a OK Status completed.
b OK Rename completed.
* LIST (\HasChildren) "." INBOX
* LIST (\HasNoChildren) "." INBOX.Child
* LIST (\HasChildren \Archive) "." Archive
* LIST (\HasNoChildren) "." Archive.Old
c OK List completed.
* STATUS INBOX (MESSAGES 0 UNSEEN 0 SIZE 0)
d OK Status completed.
* STATUS Archive.Old (MESSAGES 3 UNSEEN 2 SIZE 65)
e OK Status completed.
f NO [ALREADYEXISTS] Mailbox already exists'
	[ -f "$MD/.Archive.Old/cur/1000.M1P1.host:2,S" ]
	[ -f "$MD/.Archive.Old/new/1002.M1P1.host" ]
	[ "$(cat "$MD/.Archive.Old/dovecot-keywords")" = "0 kw1" ]
	[ -z "$(ls -A "$MD/cur")" ] && [ -z "$(ls -A "$MD/new")" ]
}

# ---------------------------------------------------------------------------
# SUBSCRIBE, UNSUBSCRIBE, LSUB

@test "SUBSCRIBE/UNSUBSCRIBE/LSUB; Dovecot 2.3's subscriptions file" {
	setup_maildir
	mkfolder Lists Lists.foo Lists.bar Moo
	run session <<'EOF'
a SUBSCRIBE Lists.foo
b SUBSCRIBE inbox
c SUBSCRIBE Moo
d SUBSCRIBE Moo
e SUBSCRIBE nothere
f SUBSCRIBE a..b
g LSUB "" *
h LSUB "" %
i LSUB "Lists." %
j LSUB "" inbox
k UNSUBSCRIBE Moo
l UNSUBSCRIBE Moo
m UNSUBSCRIBE nothere
n UNSUBSCRIBE
o LSUB "" *
p LSUB () "" *
EOF
	expect 'a OK Subscribe completed.
b OK Subscribe completed.
c OK Subscribe completed.
d OK Subscribe completed.
e NO [NONEXISTENT] Mailbox doesn'"'"'t exist: nothere
f NO [CANNOT] Invalid mailbox name: Has adjacent hierarchy separators
* LSUB () "." INBOX
* LSUB () "." Lists.foo
* LSUB () "." Moo
g OK Lsub completed.
* LSUB () "." INBOX
* LSUB (\Noselect) "." Lists
* LSUB () "." Moo
h OK Lsub completed.
* LSUB () "." Lists.foo
i OK Lsub completed.
* LSUB () "." INBOX
j OK Lsub completed.
k OK Unsubscribe completed.
l OK Unsubscribe completed.
m OK Unsubscribe completed.
n BAD UNSUBSCRIBE takes one mailbox name
* LSUB () "." INBOX
* LSUB () "." Lists.foo
o OK Lsub completed.
p BAD LSUB needs a reference and a mailbox pattern'
	[ "$(cat "$MD/subscriptions")" = "$(printf 'V\t2\n\nLists\tfoo\nINBOX')" ]
}

@test "subscriptions: a file in the old format (one name a line) is read" {
	setup_maildir
	mkfolder Lists Lists.foo
	printf 'INBOX\nLists.foo\n\nbad..name\nGone\n' >"$MD/subscriptions"
	run session <<'EOF'
a LSUB "" *
b SUBSCRIBE Lists
c LIST (SUBSCRIBED) "" *
EOF
	expect '* LSUB () "." INBOX
* LSUB () "." Gone
* LSUB () "." Lists.foo
a OK Lsub completed.
b OK Subscribe completed.
* LIST (\Subscribed) "." INBOX
* LIST (\Subscribed \NonExistent) "." Gone
* LIST (\Subscribed) "." Lists
* LIST (\Subscribed) "." Lists.foo
c OK List completed.'
	[ "$(cat "$MD/subscriptions")" = "$(printf 'V\t2\n\nINBOX\nLists\tfoo\nbad\t\tname\nGone\nLists')" ]
}

# ---------------------------------------------------------------------------
# LIST

@test "LIST: * and %, \\HasChildren, parents that exist only through children" {
	setup_maildir
	mkfolder Foo.Bar Foo.Baz Moo INBOX.Sub "&Jjo-" "&Jjo-.x"
	run session <<'EOF'
a LIST "" *
b LIST "" %
c LIST "" Foo.%
d LIST "Foo." %
e LIST "" Fo%
f LIST "" *o*
g LIST "" inbox
h LIST "" InBoX.*
i LIST "" "*.B%"
j LIST "" nothing
k LIST "" ".*"
l LIST "" &Jjo-.*
EOF
	expect '* LIST (\HasChildren) "." INBOX
* LIST (\HasNoChildren) "." INBOX.Sub
* LIST (\HasChildren) "." &Jjo-
* LIST (\HasNoChildren) "." &Jjo-.x
* LIST (\Noselect \HasChildren) "." Foo
* LIST (\HasNoChildren) "." Foo.Bar
* LIST (\HasNoChildren) "." Foo.Baz
* LIST (\HasNoChildren) "." Moo
a OK List completed.
* LIST (\HasChildren) "." INBOX
* LIST (\HasChildren) "." &Jjo-
* LIST (\Noselect \HasChildren) "." Foo
* LIST (\HasNoChildren) "." Moo
b OK List completed.
* LIST (\HasNoChildren) "." Foo.Bar
* LIST (\HasNoChildren) "." Foo.Baz
c OK List completed.
* LIST (\HasNoChildren) "." Foo.Bar
* LIST (\HasNoChildren) "." Foo.Baz
d OK List completed.
* LIST (\Noselect \HasChildren) "." Foo
e OK List completed.
* LIST (\HasChildren) "." INBOX
* LIST (\HasNoChildren) "." INBOX.Sub
* LIST (\HasChildren) "." &Jjo-
* LIST (\HasNoChildren) "." &Jjo-.x
* LIST (\Noselect \HasChildren) "." Foo
* LIST (\HasNoChildren) "." Foo.Bar
* LIST (\HasNoChildren) "." Foo.Baz
* LIST (\HasNoChildren) "." Moo
f OK List completed.
* LIST (\HasChildren) "." INBOX
g OK List completed.
* LIST (\HasNoChildren) "." INBOX.Sub
h OK List completed.
* LIST (\HasNoChildren) "." Foo.Bar
* LIST (\HasNoChildren) "." Foo.Baz
i OK List completed.
j OK List completed.
k OK List completed.
* LIST (\HasNoChildren) "." &Jjo-.x
l OK List completed.'
}

@test "LIST-EXTENDED: SUBSCRIBED, RECURSIVEMATCH, CHILDREN, REMOTE, patterns" {
	setup_maildir
	mkfolder Foo.Bar Foo.Baz Moo Vegetable Vegetable.Broccoli Vegetable.Corn
	run session <<'EOF'
a SUBSCRIBE Foo.Baz
b SUBSCRIBE Moo
c SUBSCRIBE Vegetable
d SUBSCRIBE Vegetable.Broccoli
e SUBSCRIBE Vegetable.Corn
f DELETE Vegetable.Corn
g LIST (SUBSCRIBED) "" *
h LIST (SUBSCRIBED) "" %
i LIST (SUBSCRIBED RECURSIVEMATCH) "" %
j LIST (SUBSCRIBED RECURSIVEMATCH) "" * RETURN (CHILDREN)
k LIST (SUBSCRIBED RECURSIVEMATCH REMOTE) "" % RETURN (CHILDREN)
l LIST (REMOTE) "" % RETURN (SUBSCRIBED)
m LIST () "" % RETURN (CHILDREN)
n LIST "" (Moo Foo.* Moo "")
o LIST (SUBSCRIBED SUBSCRIBED) "" Vegetable.%
p LIST "" %
EOF
	expect 'a OK Subscribe completed.
b OK Subscribe completed.
c OK Subscribe completed.
d OK Subscribe completed.
e OK Subscribe completed.
f OK Delete completed.
* LIST (\Subscribed) "." Foo.Baz
* LIST (\Subscribed) "." Moo
* LIST (\Subscribed) "." Vegetable
* LIST (\Subscribed) "." Vegetable.Broccoli
* LIST (\Subscribed \NonExistent) "." Vegetable.Corn
g OK List completed.
* LIST (\Subscribed) "." Moo
* LIST (\Subscribed) "." Vegetable
h OK List completed.
* LIST (\NonExistent) "." Foo (CHILDINFO ("SUBSCRIBED"))
* LIST (\Subscribed) "." Moo
* LIST (\Subscribed) "." Vegetable (CHILDINFO ("SUBSCRIBED"))
i OK List completed.
* LIST (\Subscribed \HasNoChildren) "." Foo.Baz
* LIST (\Subscribed \HasNoChildren) "." Moo
* LIST (\Subscribed \HasChildren) "." Vegetable
* LIST (\Subscribed \HasNoChildren) "." Vegetable.Broccoli
* LIST (\Subscribed \NonExistent \HasNoChildren) "." Vegetable.Corn
j OK List completed.
* LIST (\NonExistent \HasChildren) "." Foo (CHILDINFO ("SUBSCRIBED"))
* LIST (\Subscribed \HasNoChildren) "." Moo
* LIST (\Subscribed \HasChildren) "." Vegetable (CHILDINFO ("SUBSCRIBED"))
k OK List completed.
* LIST () "." INBOX
* LIST (\NonExistent) "." Foo
* LIST (\Subscribed) "." Moo
* LIST (\Subscribed) "." Vegetable
l OK List completed.
* LIST (\HasNoChildren) "." INBOX
* LIST (\NonExistent \HasChildren) "." Foo
* LIST (\HasNoChildren) "." Moo
* LIST (\HasChildren) "." Vegetable
m OK List completed.
* LIST () "." Foo.Bar
* LIST () "." Foo.Baz
* LIST () "." Moo
n OK List completed.
* LIST (\Subscribed) "." Vegetable.Broccoli
* LIST (\Subscribed \NonExistent) "." Vegetable.Corn
o OK List completed.
* LIST (\HasNoChildren) "." INBOX
* LIST (\Noselect \HasChildren) "." Foo
* LIST (\HasNoChildren) "." Moo
* LIST (\HasChildren) "." Vegetable
p OK List completed.'
}

@test "LIST-EXTENDED: syntax errors are BAD" {
	setup_maildir
	run session <<'EOF'
a LIST (RECURSIVEMATCH) "" %
b LIST (REMOTE RECURSIVEMATCH) "" %
c LIST (RECURSIVEMATCH SPECIAL-USE) "" %
d LIST (FOO) "" %
e LIST "" % RETURN (FOO)
f LIST "" % RETURN
g LIST "" % RETURN (STATUS)
h LIST "" % RETURN (STATUS ())
i LIST "" % RETURN (STATUS (FOO))
j LIST "" % RETURN (STATUS (MESSAGE))
k LIST "" % MORE
l LIST ""
m LIST
n LIST ((x)) "" %
o LIST "" (x (y))
p LIST "" x\y
q LIST * %
EOF
	expect 'a BAD RECURSIVEMATCH needs SUBSCRIBED
b BAD RECURSIVEMATCH needs SUBSCRIBED
c BAD RECURSIVEMATCH needs SUBSCRIBED
d BAD Unknown LIST selection option
e BAD Unknown LIST return option
f BAD Unexpected LIST arguments
g BAD Status items must be a non-empty list
h BAD Status items must be a non-empty list
i BAD Unknown status item: FOO
j BAD Unknown status item: MESSAGE
k BAD Unexpected LIST arguments
l BAD LIST needs a reference and a mailbox pattern
m BAD LIST needs a reference and a mailbox pattern
n BAD Unknown LIST selection option
o BAD Invalid mailbox pattern
p BAD Invalid mailbox pattern
q BAD LIST needs a reference and a mailbox pattern'
}

@test "LIST-STATUS: STATUS after each selectable mailbox, none for parents" {
	setup_maildir
	mkfolder Sub Foo.Bar
	msg .Sub/cur 1.M1P1.host:2,S 'Subject: a

hello'
	msg .Sub/new 2.M2P2.host 'Subject: b'
	run session <<'EOF'
a LIST "" % RETURN (STATUS (MESSAGES UNSEEN SIZE UIDNEXT))
b LIST (SUBSCRIBED RECURSIVEMATCH) "" % RETURN (STATUS (MESSAGES))
c SUBSCRIBE Foo.Bar
d LIST (SUBSCRIBED RECURSIVEMATCH) "" % RETURN (STATUS (MESSAGES))
e LIST "" Sub RETURN (STATUS (UIDVALIDITY RECENT))
EOF
	output=$(echo "$output" | sed 's/UIDVALIDITY [0-9]*/UIDVALIDITY N/; s/RECENT [0-9]*/RECENT R/')
	expect '* LIST () "." INBOX
* STATUS INBOX (MESSAGES 0 UIDNEXT 1 UNSEEN 0 SIZE 0)
* LIST (\NonExistent) "." Foo
* LIST () "." Sub
* STATUS Sub (MESSAGES 2 UIDNEXT 3 UNSEEN 1 SIZE 33)
a OK List completed.
b OK List completed.
c OK Subscribe completed.
* LIST (\NonExistent) "." Foo (CHILDINFO ("SUBSCRIBED"))
d OK List completed.
* LIST () "." Sub
* STATUS Sub (RECENT R UIDVALIDITY N)
e OK List completed.'
}

@test "LIST: names that need quoting; atoms, quoted strings, literals as patterns" {
	setup_maildir
	mkfolder 'a b' 'q"x' 'back\slash' 'br]ack' 'NIL' 'nil.x'
	run session <<'EOF'
a LIST "" *
b LIST "" "a b"
c LIST "" {3+}
q"x
d LIST "" br]ack
e LIST "" nil
EOF
	expect '* LIST (\HasNoChildren) "." INBOX
* LIST (\HasNoChildren) "." "NIL"
* LIST (\HasNoChildren) "." "a b"
* LIST (\HasNoChildren) "." "back\\slash"
* LIST (\HasNoChildren) "." "br]ack"
* LIST (\Noselect \HasChildren) "." "nil"
* LIST (\HasNoChildren) "." nil.x
* LIST (\HasNoChildren) "." "q\"x"
a OK List completed.
* LIST (\HasNoChildren) "." "a b"
b OK List completed.
* LIST (\HasNoChildren) "." "q\"x"
c OK List completed.
* LIST (\HasNoChildren) "." "br]ack"
d OK List completed.
* LIST (\Noselect \HasChildren) "." "nil"
e OK List completed.'
}

@test "LIST: what is not a folder is not listed (files, invalid names, leftovers)" {
	setup_maildir
	mkfolder Real
	mkdir "$MD/..mdimapd-deleted.1.2" "$MD/.a..b" "$MD/.x." "$MD/.Inbox.y" \
	    "$MD/.INBOX" "$MD/.&Jjo" "$MD/..." "$MD/Plain"
	touch "$MD/.file" "$MD/dovecot-uidlist" "$MD/.Real2"
	[ "$(id -u)" != 0 ] || chown -R "$TEST_USER" "$MD"
	run session <<'EOF'
a LIST "" *
b CREATE Inbox.y
c DELETE x
EOF
	expect '* LIST (\HasNoChildren) "." INBOX
* LIST (\HasNoChildren) "." Real
a OK List completed.
b OK [MAILBOXID (ID)] Create completed.
c NO [NONEXISTENT] Mailbox doesn'"'"'t exist: x'
	[ -d "$MD/.INBOX.y/cur" ] && [ -d "$MD/.Inbox.y" ]
}

@test "a symbolic link .evil -> /etc is never listed or followed" {
	setup_maildir
	mkfolder Real
	ln -s /etc "$MD/.evil"
	ln -s /etc "$MD/.Real/cur/escape"
	ln -s /nonexistent "$MD/.dangling"
	[ "$(id -u)" != 0 ] || chown -h "$TEST_USER" "$MD/.evil" "$MD/.dangling"
	run session <<'EOF'
a LIST "" *
b STATUS evil (MESSAGES)
c DELETE evil
d RENAME evil stolen
e SUBSCRIBE evil
f CREATE evil
g CREATE evil.sub
h RENAME Real dangling
i LIST "" *
j DELETE Real
k LIST "evil." *
l STATUS evil.sub (MESSAGES)
EOF
	expect '* LIST (\HasNoChildren) "." INBOX
* LIST (\HasNoChildren) "." Real
a OK List completed.
b NO [NONEXISTENT] Mailbox doesn'"'"'t exist: evil
c NO [NONEXISTENT] Mailbox doesn'"'"'t exist: evil
d NO [NONEXISTENT] Mailbox doesn'"'"'t exist: evil
e NO [NONEXISTENT] Mailbox doesn'"'"'t exist: evil
f NO [ALREADYEXISTS] Mailbox already exists
g OK [MAILBOXID (ID)] Create completed.
h NO [ALREADYEXISTS] Mailbox already exists
* LIST (\HasNoChildren) "." INBOX
* LIST (\HasNoChildren) "." Real
* LIST (\Noselect \HasChildren) "." evil
* LIST (\HasNoChildren) "." evil.sub
i OK List completed.
j OK Delete completed.
* LIST (\HasNoChildren) "." evil.sub
k OK List completed.
* STATUS evil.sub (MESSAGES 0)
l OK Status completed.'
	# Still links, still pointing where they pointed; /etc untouched.
	[ -L "$MD/.evil" ] && [ "$(readlink "$MD/.evil")" = /etc ]
	[ -L "$MD/.dangling" ] && [ -f /etc/passwd ] && [ -d /etc ]
	[ -d "$MD/.evil.sub/cur" ]
}

@test "LIST: 1000 folders, all listed, in order, with correct attributes" {
	setup_maildir
	for i in $(seq -w 0 999); do
		echo "Big.F$i"
	done | sed 's|^|'"$MD"'/.|' | while read -r d; do
		mkdir -p "$d/cur" "$d/new" "$d/tmp"
	done
	mkfolder Big.F500.child
	[ "$(id -u)" != 0 ] || chown -R "$TEST_USER" "$MD"
	run session <<'EOF'
a LIST "" *
b LIST "" Big.%
c LIST "" Big.F5%7
EOF
	[ "${#lines[@]}" -eq $((1004 + 1001 + 11)) ]
	{
		echo '* LIST (\HasNoChildren) "." INBOX'
		echo '* LIST (\Noselect \HasChildren) "." Big'
		for i in $(seq -w 0 999); do
			if [ "$i" = 500 ]; then
				echo '* LIST (\HasChildren) "." Big.F500'
				echo '* LIST (\HasNoChildren) "." Big.F500.child'
			else
				echo "* LIST (\\HasNoChildren) \".\" Big.F$i"
			fi
		done
		echo 'a OK List completed.'
	} >"$TESTDIR/want"
	printf '%s\n' "${lines[@]}" | head -1004 | diff -u "$TESTDIR/want" -
	[ "${lines[1004]}" = '* LIST (\HasNoChildren) "." Big.F000' ]
	[ "${lines[1504]}" = '* LIST (\HasChildren) "." Big.F500' ]
	[ "${lines[2003]}" = '* LIST (\HasNoChildren) "." Big.F999' ]
	[ "${lines[2004]}" = 'b OK List completed.' ]
	[ "${lines[2005]}" = '* LIST (\HasNoChildren) "." Big.F507' ]
	[ "${lines[2014]}" = '* LIST (\HasNoChildren) "." Big.F597' ]
	[ "${lines[2015]}" = 'c OK List completed.' ]
}

# ---------------------------------------------------------------------------
# STATUS

@test "STATUS: every item, SIZE in RFC822.SIZE octets, name echoed as sent" {
	setup_maildir
	mkfolder Sub
	msg .Sub/cur 1000.M1P1.host:2,S 'Subject: a

hello'
	msg .Sub/cur 1001.M1P1.host:2, 'Subject: b

hello there'
	msg .Sub/new 1002.M1P1.host 'Subject: c

x'
	run session <<'EOF'
a STATUS Sub (MESSAGES UIDNEXT UNSEEN SIZE)
b STATUS Sub (SIZE UNSEEN UIDNEXT MESSAGES MESSAGES)
c STATUS inbox (MESSAGES)
d STATUS "Sub" (UIDVALIDITY RECENT)
e STATUS Sub (UIDVALIDITY)
EOF
	output=$(echo "$output" | sed 's/UIDVALIDITY [1-9][0-9]*/UIDVALIDITY N/; s/RECENT [0-9][0-9]*/RECENT R/')
	expect '* STATUS Sub (MESSAGES 3 UIDNEXT 4 UNSEEN 2 SIZE 65)
a OK Status completed.
* STATUS Sub (MESSAGES 3 UIDNEXT 4 UNSEEN 2 SIZE 65)
b OK Status completed.
* STATUS inbox (MESSAGES 0)
c OK Status completed.
* STATUS Sub (RECENT R UIDVALIDITY N)
d OK Status completed.
* STATUS Sub (UIDVALIDITY N)
e OK Status completed.'
}

@test "STATUS: failures; unknown items are BAD" {
	setup_maildir
	mkfolder Foo.Bar
	run session <<'EOF'
a STATUS nothere (MESSAGES)
b STATUS Foo (MESSAGES)
c STATUS a..b (MESSAGES)
d STATUS INBOX (FOO)
e STATUS INBOX (MESSAGE)
f STATUS INBOX (FOO)
g STATUS INBOX ()
h STATUS INBOX MESSAGES
i STATUS INBOX
j STATUS INBOX (MESSAGES) x
k STATUS (x) (MESSAGES)
l STATUS INBOX ((MESSAGES))
EOF
	expect 'a NO [NONEXISTENT] Mailbox doesn'"'"'t exist: nothere
b NO [NONEXISTENT] Mailbox doesn'"'"'t exist: Foo
c NO [CANNOT] Invalid mailbox name: Has adjacent hierarchy separators
d BAD Unknown status item: FOO
e BAD Unknown status item: MESSAGE
f BAD Unknown status item: FOO
g BAD Status items must be a non-empty list
h BAD Status items must be a non-empty list
i BAD STATUS takes a mailbox name and a list of status items
j BAD STATUS takes a mailbox name and a list of status items
k BAD Invalid mailbox name syntax
l BAD Invalid status item'
}

# ---------------------------------------------------------------------------
# Other programs on the same Maildir

@test "Dovecot reads what mdimapd wrote, and the other way round" {
	[ -x /usr/lib/dovecot/imap ] || skip "Dovecot is not installed"
	setup_maildir
	run session <<'EOF'
a CREATE "&Jjo-.x"
b SUBSCRIBE "&Jjo-.x"
c CREATE Lists.foo
d SUBSCRIBE Lists.foo
e SUBSCRIBE INBOX
EOF
	printf 'mail_location = maildir:%s\nlog_path = %s/dovecot.log\nssl = no\n' \
	    "$MD" "$TESTDIR" >"$TESTDIR/dovecot.conf"
	touch "$TESTDIR/dovecot.log"
	[ "$(id -u)" != 0 ] || chown "$TEST_USER" "$TESTDIR/dovecot.log"
	printf 'a LIST "" *\r\nb LSUB "" *\r\nc SUBSCRIBE Lists\r\nd UNSUBSCRIBE INBOX\r\ne LOGOUT\r\n' |
	    as_user env USER="$(as_user id -un)" HOME="$TESTDIR" \
	    /usr/lib/dovecot/imap -c "$TESTDIR/dovecot.conf" | tr -d '\r' |
	    grep -v '^\* PREAUTH' | sed 's/ (.* secs)\.$//' | sort >"$TESTDIR/dv"
	sort >"$TESTDIR/want" <<'EOF'
* LIST (\HasChildren) "." &Jjo-
* LIST (\HasNoChildren) "." &Jjo-.x
* LIST (\HasChildren) "." Lists
* LIST (\HasNoChildren) "." Lists.foo
* LIST (\HasNoChildren) "." INBOX
a OK List completed
* LSUB () "." &Jjo-.x
* LSUB () "." Lists.foo
* LSUB () "." INBOX
b OK Lsub completed
c OK Subscribe completed
d OK Unsubscribe completed
* BYE Logging out
e OK Logout completed
EOF
	diff -u "$TESTDIR/want" "$TESTDIR/dv"
	run session <<'EOF'
a LSUB "" *
EOF
	expect '* LSUB () "." &Jjo-.x
* LSUB () "." Lists
* LSUB () "." Lists.foo
a OK Lsub completed.'
}

@test "python3 imaplib: non-ASCII folders created, listed, renamed, deleted" {
	local py=
	for p in python3 /usr/bin/python3; do
		if as_user "$p" -c 'import imaplib' 2>/dev/null; then
			py=$p
			break
		fi
	done
	[ -n "$py" ] || skip "no python3 the test user can run"
	setup_maildir
	run as_user "$py" "$BATS_TEST_DIRNAME/imaplib_mailbox.py" "$MDIMAPD" "$MD"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[${#lines[@]} - 1]}" = "imaplib_mailbox: ok" ]
}
