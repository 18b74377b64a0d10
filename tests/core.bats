#!/usr/bin/env bats
# core.bats: greeting, CAPABILITY, NOOP, LOGOUT, ID, ENABLE, states.

load helpers

# ---------------------------------------------------------------------------
# The issue's examples

@test "preauth: greeting, CAPABILITY, ID NIL, LOGOUT (the issue's example)" {
	setup_maildir
	run imap_preauth <<'EOF'
a CAPABILITY
b ID NIL
c LOGOUT
EOF
	[ "$status" -eq 0 ]
	user=$(as_user id -un)
	expected="* PREAUTH [CAPABILITY $CAPS_AUTH] Logged in as $user
* CAPABILITY $CAPS_AUTH
a OK Capability completed.
* ID (\"name\" \"mdimapd\" \"version\" \"0.1.0\")
b OK ID completed.
* BYE Logging out
c OK Logout completed."
	[ "$output" = "$expected" ]
}

@test "not authenticated, from this host: AUTH=PLAIN SASL-IR, no ENABLE" {
	run imap <<'EOF'
a CAPABILITY
b LOGOUT
EOF
	expected="* OK [CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL- AUTH=PLAIN SASL-IR ID] mdimapd ready.
* CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL- AUTH=PLAIN SASL-IR ID
a OK Capability completed.
* BYE Logging out
b OK Logout completed."
	[ "$output" = "$expected" ]
}

# ---------------------------------------------------------------------------
# NOOP, CAPABILITY, LOGOUT

@test "NOOP before and after login; NOOP with an argument is BAD" {
	run imap <<'EOF'
a NOOP
b NOOP now
EOF
	expect "$GREETING
a OK NOOP completed.
b BAD NOOP takes no arguments"

	setup_maildir
	run imap_preauth <<'EOF'
c NOOP
d NOOP x
EOF
	expect "$(preauth_greeting)
c OK NOOP completed.
d BAD NOOP takes no arguments"
}

@test "CAPABILITY in the not-authenticated and the authenticated state" {
	run imap <<'EOF'
a CAPABILITY
b CAPABILITY IMAP4rev1
EOF
	expect "$GREETING
* CAPABILITY $CAPS_NOTAUTH
a OK Capability completed.
b BAD CAPABILITY takes no arguments"

	setup_maildir
	run imap_preauth <<'EOF'
a CAPABILITY
EOF
	expect "$(preauth_greeting)
* CAPABILITY $CAPS_AUTH
a OK Capability completed."
}

@test "LOGOUT: BYE, tagged OK, exit status 0, nothing after it is answered" {
	IMAP_SHOW_EXIT=1 run imap <<'EOF'
a LOGOUT
b NOOP
EOF
	expect "$GREETING
* BYE Logging out
a OK Logout completed.
exit=0"

	setup_maildir
	IMAP_SHOW_EXIT=1 run imap_preauth <<'EOF'
a NOOP
b LOGOUT
c NOOP
EOF
	expect "$(preauth_greeting)
a OK NOOP completed.
* BYE Logging out
b OK Logout completed.
exit=0"
}

@test "LOGOUT with an argument is BAD and does not log out" {
	run imap <<'EOF'
a LOGOUT now
b NOOP
EOF
	expect "$GREETING
a BAD LOGOUT takes no arguments
b OK NOOP completed."
}

# ---------------------------------------------------------------------------
# ID (RFC 2971)

@test "ID with a list: name only before login, name and version after" {
	run imap <<'EOF'
a ID ("name" "client" "version" "1.0")
b ID NIL
c ID ()
EOF
	expect "$GREETING
* ID (\"name\" \"mdimapd\")
a OK ID completed.
* ID (\"name\" \"mdimapd\")
b OK ID completed.
* ID (\"name\" \"mdimapd\")
c OK ID completed."

	version=$("$MDIMAPD" -V | sed 's/^mdimapd //')
	setup_maildir
	run imap_preauth <<'EOF'
a ID ("name" "client" "os" NIL)
EOF
	expect "$(preauth_greeting)
* ID (\"name\" \"mdimapd\" \"version\" \"$version\")
a OK ID completed."
}

@test "ID at its limits: field of 30 octets, value of 1024, 30 pairs" {
	f30=$(rep f 30)
	v1024=$(rep v 1024)
	pairs=
	for i in $(seq 1 30); do
		pairs="$pairs${pairs:+ }\"field$i\" \"value$i\""
	done
	run imap <<EOF
a ID ("$f30" "x")
b ID ("name" "$v1024")
c ID ($pairs)
d ID ({5}
e NOOP
EOF
	expect "$GREETING
* ID (\"name\" \"mdimapd\")
a OK ID completed.
* ID (\"name\" \"mdimapd\")
b OK ID completed.
* ID (\"name\" \"mdimapd\")
c OK ID completed.
d BAD Literals are not allowed before login
e OK NOOP completed."
}

@test "ID with an odd number of items is BAD" {
	setup_maildir
	run imap_preauth <<'EOF'
a ID ("name")
b ID ("name" "x" "version")
c NOOP
EOF
	expect "$(preauth_greeting)
a BAD ID needs NIL or a list of field-value pairs
b BAD ID needs NIL or a list of field-value pairs
c OK NOOP completed."
}

@test "ID with a field or value that is not a string is BAD" {
	setup_maildir
	run imap_preauth <<'EOF'
a ID (name "x")
b ID (NIL "x")
c ID ("name" x)
d ID (("name") "x")
e ID "name"
f ID
g ID NIL NIL
EOF
	expect "$(preauth_greeting)
a BAD ID fields and values are strings
b BAD ID fields and values are strings
c BAD ID fields and values are strings
d BAD ID fields and values are strings
e BAD ID needs NIL or a list of field-value pairs
f BAD ID takes one argument
g BAD ID takes one argument"
}

@test "ID with a field of 31 octets is BAD [LIMIT]" {
	setup_maildir
	run imap_preauth <<EOF
a ID ("$(rep f 31)" "x")
b NOOP
EOF
	expect "$(preauth_greeting)
a BAD [LIMIT] ID field or value too long
b OK NOOP completed."
}

@test "ID with a value of 1025 octets is BAD [LIMIT]" {
	setup_maildir
	run imap_preauth <<EOF
a ID ("name" "$(rep v 1025)")
b NOOP
EOF
	expect "$(preauth_greeting)
a BAD [LIMIT] ID field or value too long
b OK NOOP completed."
}

@test "ID with 31 pairs is BAD [LIMIT]" {
	pairs=
	for i in $(seq 1 31); do
		pairs="$pairs${pairs:+ }\"field$i\" \"value$i\""
	done
	setup_maildir
	run imap_preauth <<EOF
a ID ($pairs)
b NOOP
EOF
	expect "$(preauth_greeting)
a BAD [LIMIT] At most 30 ID pairs
b OK NOOP completed."
}

# ---------------------------------------------------------------------------
# ENABLE (RFC 5161)

@test "ENABLE: unknown names are ignored, giving an empty ENABLED" {
	setup_maildir
	run imap_preauth <<'EOF'
a ENABLE X-UNKNOWN
b ENABLE FOO BAR
c enable utf8=nothing
EOF
	expect "$(preauth_greeting)
* ENABLED
a OK ENABLE completed.
* ENABLED
b OK ENABLE completed.
* ENABLED
c OK ENABLE completed."
}

@test "ENABLE without arguments, or with a string, is BAD" {
	setup_maildir
	run imap_preauth <<'EOF'
a ENABLE
b ENABLE "X"
c ENABLE (X)
d NOOP
EOF
	expect "$(preauth_greeting)
a BAD ENABLE needs at least one capability
b BAD ENABLE takes capability names
c BAD ENABLE takes capability names
d OK NOOP completed."
}

# ---------------------------------------------------------------------------
# States, unknown commands, names, tags

@test "ENABLE before login is BAD (authenticated state only)" {
	run imap <<'EOF'
a ENABLE X
b NOOP
EOF
	expect "$GREETING
a BAD ENABLE needs a login first
b OK NOOP completed."
}

@test "LOGIN and AUTHENTICATE after PREAUTH are BAD" {
	setup_maildir
	run imap_preauth <<'EOF'
a LOGIN user pass
b AUTHENTICATE PLAIN
c NOOP
EOF
	expect "$(preauth_greeting)
a BAD Already logged in
b BAD Already logged in
c OK NOOP completed."
}

@test "unknown commands are BAD, before and after login" {
	run imap <<'EOF'
a XYZZY
b XYZZY INBOX
c NOOP
EOF
	expect "$GREETING
a BAD Unknown command
b BAD Unknown command
c OK NOOP completed."

	setup_maildir
	run imap_preauth <<'EOF'
a XYZZY
b X-FOO bar (baz)
EOF
	expect "$(preauth_greeting)
a BAD Unknown command
b BAD Unknown command"
}

@test "command names are case-insensitive" {
	setup_maildir
	run imap_preauth <<'EOF'
a noop
b CaPaBiLiTy
c id nil
d Enable X
e lOgOuT
EOF
	version=$("$MDIMAPD" -V | sed 's/^mdimapd //')
	expect "$(preauth_greeting)
a OK NOOP completed.
* CAPABILITY $CAPS_AUTH
b OK Capability completed.
* ID (\"name\" \"mdimapd\" \"version\" \"$version\")
c OK ID completed.
* ENABLED
d OK ENABLE completed.
* BYE Logging out
e OK Logout completed."
}

@test "tags with odd but legal characters are echoed unchanged" {
	# tag = 1*<any ASTRING-CHAR except "+">: "]" and "[" are allowed.
	run imap <<'EOF'
A.b-1_~!#$&',/:;<=>?@[]^`| NOOP
0 NOOP
]] NOOP
EOF
	expect "$GREETING
A.b-1_~!#\$&',/:;<=>?@[]^\`| OK NOOP completed.
0 OK NOOP completed.
]] OK NOOP completed."
}

@test "tags with illegal characters get an untagged BAD" {
	setup_maildir
	run imap_preauth <<'EOF'
a+b NOOP
a%b NOOP
a*b NOOP
a"b NOOP
a\b NOOP
a{b NOOP
a(b NOOP
c NOOP
EOF
	expect "$(preauth_greeting)
* BAD Invalid tag
* BAD Invalid tag
* BAD Invalid tag
* BAD Invalid tag
* BAD Invalid tag
* BAD Invalid tag
* BAD Invalid tag
c OK NOOP completed."
}

# ---------------------------------------------------------------------------
# LOGIN / AUTHENTICATE without a backend (LOGINDISABLED)

@test "LOGIN with wrong credentials: NO [AUTHENTICATIONFAILED], literals allowed" {
	run imap <<'EOF'
a LOGIN nosuchuser secret
b LOGIN "nosuchuser" "sec ret"
c NOOP
EOF
	expect "$GREETING
a NO [AUTHENTICATIONFAILED] Authentication failed.
b NO [AUTHENTICATIONFAILED] Authentication failed.
c OK NOOP completed."
	run imap <<'EOF'
c LOGIN {10}
nosuchuser {6}
secret
d NOOP
EOF
	expect "$GREETING
+ Ready for literal data
+ Ready for literal data
c NO [AUTHENTICATIONFAILED] Authentication failed.
d OK NOOP completed."
}

@test "login_cleartext = never: LOGINDISABLED, no AUTH=, LOGIN refused" {
	test_config "login_cleartext = never"
	run imap <<'EOF'
a CAPABILITY
b LOGIN user secret
c AUTHENTICATE PLAIN
EOF
	expect "* OK [CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL- LOGINDISABLED ID] mdimapd ready.
* CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL- LOGINDISABLED ID
a OK Capability completed.
b NO [PRIVACYREQUIRED] Login is allowed only on a secure connection (IMAPS)
c NO [CANNOT] Unsupported authentication mechanism"
}

@test "LOGIN with the wrong arguments is BAD" {
	run imap <<'EOF'
a LOGIN user
b NOOP
c LOGIN user pass extra
d NOOP
e LOGIN us*er pass
f NOOP
g LOGIN (user) pass
EOF
	expect "$GREETING
a BAD LOGIN needs a user name and a password
b OK NOOP completed.
c BAD LOGIN needs a user name and a password
d OK NOOP completed.
e BAD LOGIN needs a user name and a password
f OK NOOP completed.
g BAD LOGIN needs a user name and a password"
}

@test "AUTHENTICATE: PLAIN with SASL-IR and with a continuation; cancel; bad input" {
	# "\0nosuchuser\0secret" in base64, and with an authzid that differs
	run imap <<'EOF'
a AUTHENTICATE PLAIN AG5vc3VjaHVzZXIAc2VjcmV0
b AUTHENTICATE plain
AG5vc3VjaHVzZXIAc2VjcmV0
c AUTHENTICATE PLAIN
*
d AUTHENTICATE PLAIN b3RoZXIAbm9zdWNodXNlcgBzZWNyZXQ=
e AUTHENTICATE PLAIN not-base64
f AUTHENTICATE CRAM-MD5
g AUTHENTICATE
h AUTHENTICATE "PLAIN"
EOF
	expect "$GREETING
a NO [AUTHENTICATIONFAILED] Authentication failed.
+ 
b NO [AUTHENTICATIONFAILED] Authentication failed.
+ 
c BAD Authentication canceled
d NO [AUTHORIZATIONFAILED] Cannot log in as another user
e BAD Invalid PLAIN response
f NO [CANNOT] Unsupported authentication mechanism
g BAD AUTHENTICATE needs a mechanism name
h BAD AUTHENTICATE needs a mechanism name"
}

# ---------------------------------------------------------------------------
# Invalid commands before and after login

@test "3 BAD commands in a row before login: BYE, and the process exits" {
	# d is never answered; exit status 1 (mdimapd(8), LIMITS)
	IMAP_SHOW_EXIT=1 run imap <<'EOF'
a XYZZY
b NOOP x
c ENABLE X
d NOOP
EOF
	expect "$GREETING
a BAD Unknown command
b BAD NOOP takes no arguments
c BAD ENABLE needs a login first
* BYE Too many invalid commands
exit=1"
}

@test "3 BADs before login counting syntax errors and untagged BADs" {
	run imap <<'EOF'
 NOOP
a ID ("x"
b+ NOOP
c NOOP
EOF
	expect "$GREETING
* BAD Missing tag
a BAD Missing ')'
* BAD Invalid tag
* BYE Too many invalid commands"
}

@test "a good command between BADs before login resets the count" {
	run imap <<'EOF'
a XYZZY
b XYZZY
c NOOP
d XYZZY
e XYZZY
f LOGIN user pass
g XYZZY
h XYZZY
i CAPABILITY
j XYZZY
k XYZZY
l LOGOUT
EOF
	expect "$GREETING
a BAD Unknown command
b BAD Unknown command
c OK NOOP completed.
d BAD Unknown command
e BAD Unknown command
f NO [AUTHENTICATIONFAILED] Authentication failed.
g BAD Unknown command
h BAD Unknown command
* CAPABILITY $CAPS_NOTAUTH
i OK Capability completed.
j BAD Unknown command
k BAD Unknown command
* BYE Logging out
l OK Logout completed."
}

@test "after login BAD commands do not disconnect" {
	setup_maildir
	run imap_preauth <<'EOF'
a XYZZY
b NOOP x
c ENABLE
 NOOP
e ID ("x"
f NOOP
EOF
	expect "$(preauth_greeting)
a BAD Unknown command
b BAD NOOP takes no arguments
c BAD ENABLE needs at least one capability
* BAD Missing tag
e BAD Missing ')'
f OK NOOP completed."
}
