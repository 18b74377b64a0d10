#!/usr/bin/env bats
# syntax.bats: the command parser seen from the wire (RFC 9051 4, 9):
# quoted strings, NUL bytes, line ends, tags, parentheses, literals and
# literal8, and resynchronisation after an error (RFC 7888 4).

load helpers

# raw_preauth FORMAT...: the bytes printf FORMAT gives, into a preauth
# session (setup_maildir first).
raw_preauth() {
	# shellcheck disable=SC2059
	printf "$@" >"$TESTDIR/in"
	imap_raw --preauth -m "$MD" <"$TESTDIR/in"
}

# raw FORMAT...: the same, not authenticated.
raw() {
	# shellcheck disable=SC2059
	printf "$@" >"$TESTDIR/in"
	imap_raw <"$TESTDIR/in"
}

# ---------------------------------------------------------------------------
# Quoted strings

@test "quoted strings: \\\" and \\\\ are unescaped (a 30-octet ID field)" {
	setup_maildir
	# 10 x (\" \\ x) on the wire is 50 bytes, 30 octets once unescaped;
	# one more x makes 31 and is refused, so escapes were decoded.
	f30=$(for i in $(seq 1 10); do printf '\\"\\\\x'; done)
	run raw_preauth 'a ID ("%s" "v\\"a\\\\l")\r\nb ID ("%sy" "v")\r\n' "$f30" "$f30"
	version=$("$MDIMAPD" -V | sed 's/^mdimapd //')
	expect "$(preauth_greeting)
* ID (\"name\" \"mdimapd\" \"version\" \"$version\")
a OK ID completed.
b BAD [LIMIT] ID field or value too long"
}

@test "quoted strings: escapes in LOGIN's user name and password" {
	run raw 'a LOGIN "us\\"er" "pa\\\\ss"\r\nb LOGIN "" ""\r\n'
	expect "$GREETING
a $LOGIN_NO
b $LOGIN_NO"
}

@test "quoted strings: a backslash before anything but \" and \\ is BAD" {
	setup_maildir
	run raw_preauth 'a ID ("name" "\\q")\r\nb ID ("name" "x\\ny")\r\nc ID ("name" "\\ ")\r\nd ID ("\\0" "x")\r\ne NOOP\r\n'
	expect "$(preauth_greeting)
a BAD Invalid escape in quoted string
b BAD Invalid escape in quoted string
c BAD Invalid escape in quoted string
d BAD Invalid escape in quoted string
e OK NOOP completed."
}

@test "quoted strings: unterminated, or holding CR or LF, is BAD" {
	setup_maildir
	run raw_preauth 'a ID ("name" "x)\r\nb ID ("name" "x\\")\r\nc ID ("name" "x\ry")\r\nd NOOP\r\n'
	expect "$(preauth_greeting)
a BAD Unterminated quoted string
b BAD Unterminated quoted string
c BAD Unterminated quoted string
d OK NOOP completed."
}

# ---------------------------------------------------------------------------
# NUL bytes: always BAD, never a truncated string

@test "NUL in a tag is an untagged BAD" {
	setup_maildir
	run raw_preauth 'a\0b NOOP\r\n\0 NOOP\r\nc NOOP\r\n'
	expect "$(preauth_greeting)
* BAD NUL in command
* BAD NUL in command
c OK NOOP completed."
}

@test "NUL in a command name or an atom is BAD" {
	setup_maildir
	run raw_preauth 'a NO\0OP\r\nb NOOP\0\r\nc ENABLE X\0Y\r\nd ENABLE X\0\r\ne NOOP\r\n'
	expect "$(preauth_greeting)
a BAD NUL in command
b BAD NUL in command
c BAD NUL in command
d BAD NUL in command
e OK NOOP completed."
}

@test "NUL in a quoted string is BAD: a ID (\"name\" \"x<NUL>y\")" {
	setup_maildir
	run raw_preauth 'a ID ("name" "x\0y")\r\nb ID ("na\0" "x")\r\nc NOOP\r\n'
	expect "$(preauth_greeting)
a BAD NUL in command
b BAD NUL in command
c OK NOOP completed."
}

@test "NUL in LOGIN's quoted password before login is BAD, not truncated" {
	run raw 'a LOGIN user "pass\0word"\r\nb NOOP\r\nc LOGIN user pass\0\r\nd NOOP\r\n'
	expect "$GREETING
a BAD NUL in command
b OK NOOP completed.
c BAD NUL in command
d OK NOOP completed."
}

@test "NUL in a literal is BAD, synchronizing or not, and the line is skipped" {
	setup_maildir
	run raw_preauth 'a ID ("name" {3}\r\nx\0y)\r\nb ID ("name" {3+}\r\n\0yz "more" "x")\r\nc NOOP\r\n'
	expect "$(preauth_greeting)
+ Ready for literal data
a BAD NUL in literal
b BAD NUL in literal
c OK NOOP completed."
}

@test "NUL in LOGIN's literal before login is BAD" {
	run raw 'a LOGIN {4}\r\nus\0r pass\r\nb NOOP\r\n'
	expect "$GREETING
+ Ready for literal data
a BAD NUL in literal
b OK NOOP completed."
}

# ---------------------------------------------------------------------------
# Line ends

@test "a bare LF ends a line, mixed with CRLF" {
	setup_maildir
	run raw_preauth 'a NOOP\nb ID ("name" "x")\nc NOOP\r\nd LOGOUT\n'
	version=$("$MDIMAPD" -V | sed 's/^mdimapd //')
	expect "$(preauth_greeting)
a OK NOOP completed.
* ID (\"name\" \"mdimapd\" \"version\" \"$version\")
b OK ID completed.
c OK NOOP completed.
* BYE Logging out
d OK Logout completed."
}

@test "a bare LF after a literal announcement, before login" {
	run raw 'a LOGIN {4}\nuser {4}\npass\nb NOOP\n'
	expect "$GREETING
+ Ready for literal data
+ Ready for literal data
a $LOGIN_NO
b OK NOOP completed."
}

@test "a CR not followed by LF is BAD, the rest of that line is skipped" {
	setup_maildir
	run raw_preauth 'a NOOP\rb LOGOUT\r\nc NO\rOP\r\nd NOOP\r\r\ne NOOP\r\n'
	expect "$(preauth_greeting)
a BAD CR without LF
c BAD CR without LF
d BAD CR without LF
e OK NOOP completed."
}

@test "empty lines are ignored and do not count as BAD before login" {
	run raw '\r\n\n\r\n\r\n\na NOOP\r\n\r\n\n\n\r\nb NOOP\r\n\n'
	expect "$GREETING
a OK NOOP completed.
b OK NOOP completed."
}

# ---------------------------------------------------------------------------
# Tag and command name

@test "missing tag: an untagged BAD" {
	setup_maildir
	run raw_preauth ' NOOP\r\n \r\nb NOOP\r\n'
	expect "$(preauth_greeting)
* BAD Missing tag
* BAD Missing tag
b OK NOOP completed."
}

@test "missing command after a tag and a space: tagged BAD" {
	setup_maildir
	run raw_preauth 'a \r\nb  NOOP\r\nc NOOP\r\n'
	expect "$(preauth_greeting)
a BAD Missing command
b BAD Missing command
c OK NOOP completed."
}

@test "missing command: a line holding only a tag gets a tagged BAD" {
	setup_maildir
	run raw_preauth 'a\r\nb NOOP\r\n'
	expect "$(preauth_greeting)
a BAD Missing command
b OK NOOP completed."
}

@test "a command name with list wildcards or brackets is BAD" {
	setup_maildir
	run raw_preauth 'a NO*OP\r\nb NOOP]\r\nc N(OOP\r\nd NOOP\r\n'
	expect "$(preauth_greeting)
a BAD Invalid command name
b BAD Invalid command name
c BAD Invalid command name
d OK NOOP completed."
}

# ---------------------------------------------------------------------------
# Parentheses

@test "unbalanced parentheses are BAD" {
	setup_maildir
	run raw_preauth 'a ID ("name" "x"\r\nb ID ("name" "x"))\r\nc ID )\r\nd ID ((("name" "x"))\r\ne ID ("name" "x")(\r\nf ID ("name" {1+}\r\nx\r\ng NOOP\r\n'
	expect "$(preauth_greeting)
a BAD Missing ')'
b BAD Unexpected ')'
c BAD Unexpected ')'
d BAD Missing ')'
e BAD Missing space between arguments
f BAD Missing ')'
g OK NOOP completed."
}

# ---------------------------------------------------------------------------
# Literals

@test "literal syntax: {0}, {0+}, and bad announcements" {
	run raw 'a LOGIN {0}\r\n {0+}\r\n\r\nb LOGIN {3} x\r\nc NOOP\r\nd LOGIN {}\r\ne NOOP\r\nf LOGIN {x}\r\ng NOOP\r\nh LOGIN {3\r\ni NOOP\r\n'
	expect "$GREETING
+ Ready for literal data
a $LOGIN_NO
b BAD Literal must end the line
c OK NOOP completed.
d BAD Invalid literal
e OK NOOP completed.
f BAD Invalid literal
g OK NOOP completed.
h BAD Invalid literal
i OK NOOP completed."
}

@test "literal followed by an argument without a space is BAD" {
	run raw 'a LOGIN {4}\r\nuser{4}\r\nb NOOP\r\n'
	# The refused line ends in a synchronizing literal: the client waits
	# for "+", gets the BAD and sends nothing more for it.
	expect "$GREETING
+ Ready for literal data
a BAD Missing space between arguments
b OK NOOP completed."
}

@test "literal8 ~{n}: parsed, but not a string (no BINARY)" {
	setup_maildir
	run raw_preauth 'a ENABLE ~{3}\r\nabc\r\nb ID ("name" ~{3}\r\nx\0y)\r\nc ID ("name" ~{3+}\r\nxyz)\r\nd ENABLE ~X ~\r\ne ENABLE ~{3\r\nf NOOP\r\n'
	# NUL is allowed in literal8 data: the answer is not "NUL in literal".
	expect "$(preauth_greeting)
+ Ready for literal data
a BAD ENABLE takes capability names
+ Ready for literal data
b BAD ID fields and values are strings
c BAD ID fields and values are strings
* ENABLED
d OK ENABLE completed.
e BAD Invalid literal
f OK NOOP completed."
}

@test "literal8 for LOGIN before login is BAD (a user name is a string)" {
	run raw 'a LOGIN ~{4}\r\nuser pass\r\nb NOOP\r\n'
	expect "$GREETING
+ Ready for literal data
a BAD LOGIN needs a user name and a password
b OK NOOP completed."
}

# ---------------------------------------------------------------------------
# Resynchronisation: a refused non-synchronizing literal's data is skipped,
# never run as commands (RFC 7888 4). "x LOGOUT" is smuggled in the data.

@test "smuggling: a bad line ending in {n+}: the data is skipped" {
	setup_maildir
	run raw_preauth 'a ID ("x\\q" {10+}\r\nx LOGOUT\r\n)\r\nb NOOP\r\n'
	expect "$(preauth_greeting)
a BAD Invalid escape in quoted string
b OK NOOP completed."
}

@test "smuggling: several {n+} on one bad line are all skipped" {
	setup_maildir
	run raw_preauth 'a ID ("x\\q" {10+}\r\nx LOGOUT\r\n {10+}\r\ny LOGOUT\r\n\nb NOOP\n'
	expect "$(preauth_greeting)
a BAD Invalid escape in quoted string
b OK NOOP completed."
}

@test "smuggling: a bad line ending in {n+} with a bare LF" {
	setup_maildir
	run raw_preauth 'a ENABLE X\0 {10+}\nx LOGOUT\r\n\nb NOOP\n'
	expect "$(preauth_greeting)
a BAD NUL in command
b OK NOOP completed."
}

@test "smuggling: a literal refused before login (not LOGIN) is skipped" {
	run raw 'a NOOP {10+}\r\nx LOGOUT\r\n\r\nb ID ("name" {10+}\r\nx LOGOUT\r\n)\r\nc NOOP\r\n'
	expect "$GREETING
a BAD Literals are not allowed before login
b BAD Literals are not allowed before login
c OK NOOP completed."
}

@test "smuggling: an over-long line ending in {n+}: the data is skipped" {
	setup_maildir
	# -o line_max=1024: 1100 bytes of atom, then the literal.
	printf 'a ENABLE %s {10+}\r\nx LOGOUT\r\n\r\nb NOOP\r\n' "$(rep X 1100)" \
	    >"$TESTDIR/in"
	run imap_raw --preauth -m "$MD" -o line_max=1024 <"$TESTDIR/in"
	expect "$(preauth_greeting)
a BAD [TOOBIG] Command line too long
b OK NOOP completed."
}

@test "smuggling: the line limit reached inside the {n+} announcement" {
	setup_maildir
	# line_max=1024 is reached at each byte of " {8+}CRLF" in turn.
	for k in 0 1 2 3 4 5; do
		printf 'a ENABLE %s {8+}\r\nx LOGOUT\r\nb NOOP\r\n' \
		    "$(rep X $((1024 - 10 - k)))" >"$TESTDIR/in"
		run imap_raw --preauth -m "$MD" -o line_max=1024 <"$TESTDIR/in"
		echo "k=$k"
		expect "$(preauth_greeting)
a BAD [TOOBIG] Command line too long
b OK NOOP completed."
	done
}

@test "smuggling: a refused {n+} after a refused {n+} on the same line" {
	setup_maildir
	# 4097 is refused (LITERAL-), then the line goes on to a second
	# literal announcement, whose data must be skipped too.
	{
		printf 'a ID ("name" {4097+}\r\n'
		rep v 4097
		printf ' {10+}\r\nx LOGOUT\r\n)\r\nb NOOP\r\n'
	} >"$TESTDIR/in"
	run imap_raw --preauth -m "$MD" <"$TESTDIR/in"
	expect "$(preauth_greeting)
a BAD [TOOBIG] Non-synchronizing literal too big (LITERAL-: 4096)
b OK NOOP completed."
}
