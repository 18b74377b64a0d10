#!/usr/bin/env bats
# core.bats: greeting, CAPABILITY, NOOP, LOGOUT, ID, ENABLE, states.

load helpers

@test "preauth: greeting, CAPABILITY, ID NIL, LOGOUT (the issue's example)" {
	setup_maildir
	run imap_preauth <<'EOF'
a CAPABILITY
b ID NIL
c LOGOUT
EOF
	[ "$status" -eq 0 ]
	user=$(as_user id -un)
	expected="* PREAUTH [CAPABILITY IMAP4rev1 LITERAL- ID ENABLE] Logged in as $user
* CAPABILITY IMAP4rev1 LITERAL- ID ENABLE
a OK Capability completed.
* ID (\"name\" \"mdimapd\" \"version\" \"0.1.0\")
b OK ID completed.
* BYE Logging out
c OK Logout completed."
	[ "$output" = "$expected" ]
}

@test "not authenticated: greeting advertises LOGINDISABLED, no ENABLE" {
	run imap <<'EOF'
a CAPABILITY
b LOGOUT
EOF
	expected="* OK [CAPABILITY IMAP4rev1 LITERAL- LOGINDISABLED ID] mdimapd ready.
* CAPABILITY IMAP4rev1 LITERAL- LOGINDISABLED ID
a OK Capability completed.
* BYE Logging out
b OK Logout completed."
	[ "$output" = "$expected" ]
}
