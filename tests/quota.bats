#!/usr/bin/env bats
# quota.bats: QUOTA (RFC 9208) on the Maildir++ maildirsize file:
# GETQUOTAROOT, GETQUOTA and SETQUOTA, limits from the settings or from the
# file's first line, OVERQUOTA on APPEND and COPY (nothing saved), usage
# lowered by EXPUNGE, CLOSE and DELETE and unchanged by MOVE, the file's
# format after each, recalculation (garbage, a cut-short line, too large,
# stale while over quota, other limits configured), its lock, concurrent
# writers, STATUS DELETED and DELETED-STORAGE, and Dovecot reading the
# same file.

load helpers
load store/lib

# usage_on_disk: "<bytes> <count>" of every cur/ and new/ (INBOX and
# folders), as Maildir++ counts them (",S=" in the name, else the size).
usage_on_disk() {
	find "$MD" -mindepth 2 -maxdepth 3 -type f \( -path "$MD/cur/*" -o \
	    -path "$MD/new/*" -o -path "$MD/.*/cur/*" -o -path "$MD/.*/new/*" \) \
	    -printf '%f %s\n' |
	    perl -ane '($s) = $F[0] =~ /,S=(\d+)[,:]?/; $b += defined $s ? $s : $F[1];
		$c++; END { printf "%d %d\n", $b, $c }'
}

# file_usage: "<bytes> <count>": the sums of maildirsize's lines after
# the first, as a Maildir++ reader adds them.
file_usage() {
	sed 1d "$MD/maildirsize" | awk '{ b += $1; c += $2 } END { printf "%d %d\n", b, c }'
}

# quota_file TEXT: maildirsize as an MDA or another server left it.
quota_file() {
	printf '%b' "$1" >"$MD/maildirsize"
	[ "$(id -u)" != 0 ] || chown "$TEST_USER" "$MD/maildirsize"
}

# strip_select: drop the SELECT responses (up to its tagged OK).
strip_select() {
	sed '1,/^[a-z] OK \[READ-/d'
}

# A Maildir with INBOX holding two messages (100 and 50 bytes, one with
# ",S=" in its name) and a folder Box with one (30 bytes, in new/).
three() {
	store_setup
	mkfolder Box
	putmsg 'cur/1700000001.M1P1Q1.host,S=100:2,S' "$(rep a 99)\n" '@1700000001'
	putmsg 'cur/1700000002.M1P1Q1.host:2,' "$(rep b 49)\n" '@1700000002'
	putmsg '.Box/new/1700000003.M1P1Q1.host' "$(rep c 29)\n" '@1700000003'
}

@test "no limits: no quota root, GETQUOTA \"\" NO [NONEXISTENT], no maildirsize kept" {
	three
	run session <<'EOF'
a GETQUOTAROOT INBOX
b GETQUOTAROOT Box
c GETQUOTA ""
d APPEND INBOX {5+}
hello
e GETQUOTAROOT "Not There"
EOF
	output=$(echo "$output" | norm)
	expect '* QUOTAROOT INBOX
a OK Getquotaroot completed.
* QUOTAROOT Box
b OK Getquotaroot completed.
c NO [NONEXISTENT] Quota root doesn'"'"'t exist
d OK [APPENDUID UV1 3] Append completed.
* QUOTAROOT "Not There"
e OK Getquotaroot completed.'
	[ ! -e "$MD/maildirsize" ]
}

@test "configured limits: maildirsize made by a scan of all folders; STORAGE in KiB rounded up, MESSAGE exact" {
	three
	test_config 'quota_storage = 10000'
	test_config 'quota_messages = 10'
	run session <<'EOF'
a GETQUOTAROOT INBOX
b GETQUOTA ""
c GETQUOTA "User quota"
d GETQUOTAROOT Box
e GETQUOTAROOT ..bad
EOF
	expect '* QUOTAROOT INBOX ""
* QUOTA "" (STORAGE 1 10 MESSAGE 3 10)
a OK Getquotaroot completed.
* QUOTA "" (STORAGE 1 10 MESSAGE 3 10)
b OK Getquota completed.
c NO [NONEXISTENT] Quota root doesn'"'"'t exist
* QUOTAROOT Box ""
* QUOTA "" (STORAGE 1 10 MESSAGE 3 10)
d OK Getquotaroot completed.
e NO [CANNOT] Invalid mailbox name'
	[ "$(cat "$MD/maildirsize")" = "10000S,10C
180 3" ]
	[ ! -e "$MD/maildirsize.lock" ]
}

@test "only one resource limited: only it is listed" {
	three
	test_config 'quota_messages = 4'
	run session <<'EOF'
a GETQUOTA ""
EOF
	expect '* QUOTA "" (MESSAGE 3 4)
a OK Getquota completed.'
	[ "$(cat "$MD/maildirsize")" = "4C
180 3" ]
}

@test "limits from maildirsize's first line (as an MDA wrote it), usage from its lines" {
	three
	quota_file '20480S,7C\n100 2\n   -40    -1\n'
	run session <<'EOF'
a GETQUOTAROOT INBOX
EOF
	expect '* QUOTAROOT INBOX ""
* QUOTA "" (STORAGE 1 20 MESSAGE 1 7)
a OK Getquotaroot completed.'
	# sound: not rewritten
	[ "$(cat "$MD/maildirsize")" = "20480S,7C
100 2
   -40    -1" ]
}

@test "a configured limit other than the file's: the file is rewritten with it and recounted" {
	three
	quota_file '20480S,7C\n100 2\n'
	test_config 'quota_storage = 4096'
	run session <<'EOF'
a GETQUOTA ""
EOF
	expect '* QUOTA "" (STORAGE 1 4)
a OK Getquota completed.'
	[ "$(cat "$MD/maildirsize")" = "4096S
180 3" ]
}

@test "APPEND up to the storage limit; one octet more: NO [OVERQUOTA] before the literal, nothing saved" {
	store_setup
	test_config 'quota_storage = 10'
	{
		printf 'a APPEND INBOX {5+}\r\nhello\r\n'
		printf 'b APPEND INBOX {6}\r\n'
		printf 'c NOOP\r\n'
		printf 'd APPEND INBOX {6+}\r\nabcd\r\n\r\n'
		printf 'e APPEND INBOX {5+}\r\nworld\r\n'
		printf 'f APPEND INBOX {1+}\r\n!\r\n'
		printf 'g GETQUOTA ""\r\n'
	} | session_raw "$TESTDIR/raw"
	output=$(sed 1d "$TESTDIR/raw" | tr -d '\r' | norm)
	# d: 6 octets with CRLF, 5 stored (would fit), but refused as Dovecot does: the
	# literal's size is what is known before it is read. b: no "+".
	expect 'a OK [APPENDUID UV1 1] Append completed.
b NO [OVERQUOTA] Saving the message: quota exceeded
c OK NOOP completed.
d NO [OVERQUOTA] Saving the message: quota exceeded
e OK [APPENDUID UV1 2] Append completed.
f NO [OVERQUOTA] Saving the message: quota exceeded
* QUOTA "" (STORAGE 1 1)
g OK Getquota completed.'
	[ "$(ls "$MD/cur" | wc -l)" = 2 ]
	[ -z "$(ls "$MD/tmp")" ]
	[ "$(cat "$MD/maildirsize")" = "10S
0 0
5 1
5 1" ]
}

@test "APPEND up to the message limit, then NO [OVERQUOTA]; to a folder too (one root for all)" {
	store_setup
	mkfolder Box
	test_config 'quota_messages = 2'
	run session <<'EOF'
a APPEND INBOX {2+}
m1
b APPEND Box {2+}
m2
c APPEND Box {2+}
m3
d GETQUOTAROOT Box
EOF
	output=$(echo "$output" | norm)
	expect 'a OK [APPENDUID UV1 1] Append completed.
b OK [APPENDUID UV2 1] Append completed.
c NO [OVERQUOTA] Saving the message: quota exceeded
* QUOTAROOT Box ""
* QUOTA "" (MESSAGE 2 2)
d OK Getquotaroot completed.'
	[ "$(usage_on_disk)" = "4 2" ]
	[ "$(file_usage)" = "4 2" ]
	[ -z "$(find "$MD/tmp" "$MD/.Box/tmp" -type f)" ]
}

@test "COPY and UID COPY over quota: NO [OVERQUOTA], nothing copied; MOVE at the limit works and changes no usage" {
	three
	test_config 'quota_storage = 300'
	run session <<'EOF'
a SELECT INBOX
b COPY 1:2 Box
c UID COPY 1:2 Box
d COPY 2 Box
e GETQUOTA ""
f MOVE 1 Box
g GETQUOTA ""
h STATUS Box (MESSAGES)
EOF
	output=$(echo "$output" | strip_select | norm)
	expect 'b NO [OVERQUOTA] Copy: quota exceeded
c NO [OVERQUOTA] Copy: quota exceeded
d OK [COPYUID UV1 2 2] Copy completed.
* QUOTA "" (STORAGE 1 1)
e OK Getquota completed.
* OK [COPYUID UV1 1 3] Moved UIDs.
* 1 EXPUNGE
f OK Move completed.
* QUOTA "" (STORAGE 1 1)
g OK Getquota completed.
* STATUS Box (MESSAGES 3)
h OK Status completed.'
	[ "$(usage_on_disk)" = "230 4" ]
	[ "$(file_usage)" = "230 4" ]
	[ "$(cat "$MD/maildirsize")" = "300S
180 3
50 1" ]
}

@test "EXPUNGE, UID EXPUNGE, CLOSE and DELETE lower the usage; lines are appended" {
	three
	mkfolder Other
	putmsg '.Other/cur/1700000004.M1P1Q1.host,S=7:2,' 'seven\n\n'
	test_config 'quota_messages = 100'
	run session <<'EOF'
a GETQUOTA ""
b SELECT INBOX
c STORE 1:2 +FLAGS.SILENT (\Deleted)
d UID EXPUNGE 2
e EXPUNGE
f SELECT Box
g STORE 1 +FLAGS.SILENT (\Deleted)
h CLOSE
i DELETE Other
j GETQUOTA ""
EOF
	output=$(echo "$output" | grep -v '^\*.*\(FLAGS\|EXISTS\|RECENT\|UNSEEN\|UID\|CLOSED\|MAILBOXID\)' | norm)
	expect '* QUOTA "" (MESSAGE 4 100)
a OK Getquota completed.
b OK [READ-WRITE] Select completed.
c OK Store completed.
* 2 EXPUNGE
d OK Expunge completed.
* 1 EXPUNGE
e OK Expunge completed.
f OK [READ-WRITE] Select completed.
g OK Store completed.
h OK Close completed.
i OK Delete completed.
* QUOTA "" (MESSAGE 0 100)
j OK Getquota completed.'
	[ "$(cat "$MD/maildirsize")" = "100C
187 4
-50 -1
-100 -1
-30 -1
-7 -1" ]
	[ "$(usage_on_disk)" = "0 0" ]
}

@test "the file after APPEND and COPY reads right by the Maildir++ rules" {
	three
	test_config 'quota_storage = 100000'
	run session <<'EOF'
a APPEND Box {8+}
ab
cd

b SELECT INBOX
c COPY 1:2 Box
d MOVE 2 Box
EOF
	[ "$(usage_on_disk)" = "336 6" ]
	[ "$(file_usage)" = "336 6" ]
	[ "$(head -1 "$MD/maildirsize")" = "100000S" ]
	# "ab\ncd\n": 6 octets stored with LF line ends
	[ "$(sed -n 3p "$MD/maildirsize")" = "6 1" ]
	[ "$(sed -n 4p "$MD/maildirsize")" = "150 2" ]
	[ "$(wc -l <"$MD/maildirsize")" = 4 ]
}

@test "garbage in maildirsize: recalculated from the folders, the limits kept" {
	three
	quota_file '5000S,9C\n100 1\nthis is not a line\n12 1\n'
	run session <<'EOF'
a GETQUOTA ""
EOF
	expect '* QUOTA "" (STORAGE 1 5 MESSAGE 3 9)
a OK Getquota completed.'
	[ "$(cat "$MD/maildirsize")" = "5000S,9C
180 3" ]
}

@test "a last line cut short, or a negative sum: recalculated" {
	three
	quota_file '5000S\n100 1\n99'
	run session <<<'a GETQUOTA ""'
	expect '* QUOTA "" (STORAGE 1 5)
a OK Getquota completed.'
	[ "$(cat "$MD/maildirsize")" = "5000S
180 3" ]
	quota_file '5000S\n100 1\n-500 -2\n'
	run session <<<'a GETQUOTA ""'
	[ "$(cat "$MD/maildirsize")" = "5000S
180 3" ]
}


# maildirsize_of_size N: limits "1000000S,100C", usage "180 3", then
# "0 0" lines (the last padded with blanks, as Courier pads) to N octets.
maildirsize_of_size() {
	perl -e '$n = shift; $s = "1000000S,100C\n180 3\n";
		$s .= "0 0\n" while $n - length($s) > 7;
		print $s . " " x ($n - length($s) - 4) . "0 0\n"' "$1" >"$MD/maildirsize"
	fix_owner
	[ "$(stat -c %s "$MD/maildirsize")" = "$1" ]
}

@test "an MDA delivered into new/ without telling maildirsize: a file of 5120 octets is trusted, one of 5121 recalculated" {
	three
	sh "$STORE_DIR/mda.sh" "$MD" 1 2
	fix_owner
	maildirsize_of_size 5120
	run session <<<'a GETQUOTA ""'
	expect '* QUOTA "" (STORAGE 1 977 MESSAGE 3 100)
a OK Getquota completed.'
	[ "$(stat -c %s "$MD/maildirsize")" = 5120 ]
	maildirsize_of_size 5121
	run session <<<'a GETQUOTA ""'
	expect '* QUOTA "" (STORAGE 1 977 MESSAGE 5 100)
a OK Getquota completed.'
	[ "$(wc -l <"$MD/maildirsize")" = 2 ]
	[ "$(file_usage)" = "$(usage_on_disk)" ]
	[ "$(head -1 "$MD/maildirsize")" = "1000000S,100C" ]
}

@test "over quota by a file older than 15 minutes: recalculated; younger: trusted" {
	three
	# another program removed two messages without telling the file
	rm "$MD"/cur/1700000001.* "$MD"/.Box/new/*
	quota_file '2C\n180 3\n'
	touch -d '14 minutes ago' "$MD/maildirsize"
	run session <<<'a GETQUOTA ""'
	expect '* QUOTA "" (MESSAGE 3 2)
a OK Getquota completed.'
	touch -d '16 minutes ago' "$MD/maildirsize"
	run session <<<'a GETQUOTA ""'
	expect '* QUOTA "" (MESSAGE 1 2)
a OK Getquota completed.'
	[ "$(cat "$MD/maildirsize")" = "2C
50 1" ]
}

@test "an APPEND a stale file would refuse is checked again after a recalculation" {
	three
	rm "$MD"/cur/1700000001.*
	quota_file '3C\n180 3\n'
	touch -d '14 minutes ago' "$MD/maildirsize"
	run session <<'EOF'
a APPEND INBOX {2+}
m1
EOF
	expect 'a NO [OVERQUOTA] Saving the message: quota exceeded'
	touch -d '16 minutes ago' "$MD/maildirsize"
	run session <<'EOF'
a APPEND INBOX {2+}
m1
EOF
	output=$(echo "$output" | norm)
	expect 'a OK [APPENDUID UV1 2] Append completed.'
	[ "$(cat "$MD/maildirsize")" = "3C
80 2
2 1" ]
}

@test "maildirsize.lock held by another process: the numbers are scanned but not written; a stale one (over 30 s) is removed" {
	three
	quota_file '5000S\ngarbage\n'
	printf 'x' >"$MD/maildirsize.lock"
	fix_owner
	touch -d '20 seconds ago' "$MD/maildirsize.lock"
	run session <<<'a GETQUOTA ""'
	expect '* QUOTA "" (STORAGE 1 5)
a OK Getquota completed.'
	[ "$(cat "$MD/maildirsize")" = "5000S
garbage" ]
	[ -e "$MD/maildirsize.lock" ]
	touch -d '40 seconds ago' "$MD/maildirsize.lock"
	run session <<<'a GETQUOTA ""'
	expect '* QUOTA "" (STORAGE 1 5)
a OK Getquota completed.'
	[ "$(cat "$MD/maildirsize")" = "5000S
180 3" ]
	[ ! -e "$MD/maildirsize.lock" ]
}

@test "concurrent APPENDs and COPYs from several processes: the file's sum is what is on disk" {
	store_setup
	mkfolder Box
	test_config 'quota_messages = 100000'
	session <<<'a GETQUOTA ""' >/dev/null
	for p in 1 2 3 4; do
		{
			for i in $(seq 1 20); do
				printf 'a%d APPEND INBOX {%d+}\nmessage %d %d\n' \
				    "$i" $((10 + ${#i})) "$p" "$i"
			done
			printf 'c SELECT INBOX\nd COPY 1:5 Box\n'
		} | session >"$TESTDIR/out.$p" &
	done
	wait
	for p in 1 2 3 4; do
		[ "$(grep -c '^a[0-9]* OK' "$TESTDIR/out.$p")" = 20 ]
		grep -q '^d OK \[COPYUID' "$TESTDIR/out.$p"
	done
	[ "$(usage_on_disk | cut -d' ' -f2)" = 100 ]
	[ "$(file_usage)" = "$(usage_on_disk)" ]
	[ "$(wc -l <"$MD/maildirsize")" = 86 ]
}

@test "SETQUOTA: NO [NOPERM] (limits are the administrator's), BAD for bad syntax; QUOTASET not advertised" {
	store_setup
	test_config 'quota_storage = 1024'
	run session <<'EOF'
a SETQUOTA "" (STORAGE 100)
b SETQUOTA "" ()
c SETQUOTA ""
d SETQUOTA "" (STORAGE)
e SETQUOTA "" (STORAGE x)
f CAPABILITY
g GETQUOTA ""
EOF
	expect "a NO [NOPERM] Quota can be changed only by the administrator
b NO [NOPERM] Quota can be changed only by the administrator
c BAD SETQUOTA needs a quota root and a list of resource limits
d BAD SETQUOTA needs a quota root and a list of resource limits
e BAD SETQUOTA needs a quota root and a list of resource limits
* CAPABILITY $CAPS_AUTH
f OK Capability completed.
* QUOTA \"\" (STORAGE 0 1)
g OK Getquota completed."
	! echo "$CAPS_AUTH" | grep -q QUOTASET
}

@test "GETQUOTA and GETQUOTAROOT need their argument; none is known before login" {
	store_setup
	run session <<'EOF'
a GETQUOTA
b GETQUOTAROOT
c GETQUOTAROOT INBOX Box
EOF
	expect 'a BAD GETQUOTA needs a quota root
b BAD GETQUOTAROOT needs a mailbox name
c BAD GETQUOTAROOT needs a mailbox name'
	run imap <<'EOF'
a GETQUOTAROOT INBOX
b GETQUOTA ""
EOF
	expect "$GREETING
a BAD GETQUOTAROOT needs a login first
b BAD GETQUOTA needs a login first"
}

@test "STATUS DELETED and DELETED-STORAGE (RFC 9208 4.1.4): \\Deleted messages and the octets EXPUNGE gives back" {
	store_setup
	mkfolder Box
	putmsg 'cur/1700000001.M1P1Q1.host,S=100:2,ST' "$(rep a 99)\n"
	putmsg 'cur/1700000002.M1P1Q1.host:2,T' "$(rep b 49)\n"
	putmsg 'cur/1700000003.M1P1Q1.host:2,S' "$(rep c 29)\n"
	run session <<'EOF'
a STATUS INBOX (MESSAGES DELETED DELETED-STORAGE)
b STATUS Box (DELETED DELETED-STORAGE)
c LIST "" INBOX RETURN (STATUS (DELETED))
EOF
	expect '* STATUS INBOX (MESSAGES 3 DELETED 2 DELETED-STORAGE 150)
a OK Status completed.
* STATUS Box (DELETED 0 DELETED-STORAGE 0)
b OK Status completed.
* LIST () "." INBOX
* STATUS INBOX (DELETED 2)
c OK List completed.'
}

@test "quota_storage and quota_messages: numbers from 0; others refused at start" {
	store_setup
	run "$MDIMAPD" -o quota_storage=-1 -n
	[ "$status" != 0 ]
	run "$MDIMAPD" -o quota_messages=x -n
	[ "$status" != 0 ]
	run "$MDIMAPD" -o quota_storage=1000000 -o quota_messages=0 -n
	[ "$status" = 0 ]
	echo "$output" | grep -qx 'quota_storage = 1000000'
	echo "$output" | grep -qx 'quota_messages = 0'
}

# dovecot_quota SCRIPT: Dovecot's imap with its quota plugin, limits read
# from maildirsize (no quota_rule), the IMAP lines of SCRIPT sent at once;
# the responses without timings, greeting and BYE.
dovecot_quota() {
	cat >>"$TESTDIR/dovecot.conf" <<DCEOF
mail_plugins = quota
protocol imap {
  mail_plugins = quota imap_quota
}
plugin {
  quota = maildir:User quota
}
DCEOF
	printf '%s\r\n' "$@" 'z LOGOUT' |
	    timeout 60 $(dovecot_argv) 2>>"$TESTDIR/dovecot.err" | tr -d '\r' |
	    sed 's/ ([0-9.]*\( + [0-9.]*\)* secs)\././; 1d; /^\* BYE/d; /^z OK/d'
}

@test "Dovecot (quota plugin, maildir backend) reads the maildirsize mdimapd keeps, and mdimapd reads Dovecot's changes" {
	have_dovecot || skip "Dovecot's imap is not installed ($DOVECOT_IMAP)"
	[ -e /usr/lib/dovecot/modules/lib11_imap_quota_plugin.so ] ||
	    skip "Dovecot's quota plugin is not installed"
	three
	dovecot_setup
	quota_file '20480S,7C\n180 3\n'
	run session <<'EOF'
a APPEND INBOX {5+}
hello
b GETQUOTA ""
EOF
	output=$(echo "$output" | norm)
	expect 'a OK [APPENDUID UV1 3] Append completed.
* QUOTA "" (STORAGE 1 20 MESSAGE 4 7)
b OK Getquota completed.'
	[ "$(cat "$MD/maildirsize")" = "20480S,7C
180 3
5 1" ]
	run dovecot_quota 'a GETQUOTAROOT INBOX' \
	    'b APPEND INBOX {2000+}' "$(rep d 1998)" '' 'c GETQUOTA "User quota"'
	output=$(echo "$output" | norm)
	expect '* QUOTAROOT INBOX "User quota"
* QUOTA "User quota" (STORAGE 1 20 MESSAGE 4 7)
a OK Getquotaroot completed.
b OK [APPENDUID UV1 4] Append completed.
* QUOTA "User quota" (STORAGE 3 20 MESSAGE 5 7)
c OK Getquota completed.'
	# Dovecot appended its own line; mdimapd sums it
	[ "$(file_usage)" = "$(usage_on_disk)" ]
	run session <<<'a GETQUOTA ""'
	expect '* QUOTA "" (STORAGE 3 20 MESSAGE 5 7)
a OK Getquota completed.'
}
