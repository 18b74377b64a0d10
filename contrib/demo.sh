#!/bin/sh
# contrib/demo.sh (make demo): build a small demo Maildir under $B/demo and
# show a scripted IMAP session against it, the way an administrator pipes
# one for debugging. Run as root, the session runs as nobody (mdimapd
# refuses to serve root).
set -eu
B=${B:-build}
top=$(pwd)
demo=$top/$B/demo
md=$demo/Maildir
rm -rf "$demo"
mkdir -p "$md/cur" "$md/new" "$md/tmp"
chmod 755 "$demo"

now=$(date +%s)
i=1
for subj in "Welcome to mdimapd" "Meeting notes" "Re: Meeting notes" \
    "Your order has shipped" "Lunch?"; do
	t=$((now - (6 - i) * 3600))
	f="$t.M${i}P$$Q$i.demo:2,"
	[ $i -le 2 ] && f="${f}S"
	{
		printf 'Return-Path: <alice@example.org>\n'
		printf 'From: Alice Example <alice@example.org>\n'
		printf 'To: Demo User <demo@example.org>\n'
		printf 'Subject: %s\n' "$subj"
		printf 'Date: %s\n' "$(date -R -d "@$t")"
		printf 'Message-ID: <%s.%s@example.org>\n' "$t" "$i"
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: text/plain; charset=utf-8\n\n'
		printf 'Hello,\n\nThis is demo message %s.\n\n-- \nAlice\n' "$i"
	} >"$md/cur/$f"
	i=$((i + 1))
done

run=""
if [ "$(id -u)" = 0 ]; then
	chown -R nobody "$md"
	run="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups --"
fi

script='a CAPABILITY
b LIST "" "*"
c SELECT INBOX
d FETCH 1:* (FLAGS UID BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])
e STORE 3 +FLAGS (\Flagged)
f FETCH 1 (ENVELOPE BODYSTRUCTURE)
g SEARCH FLAGGED
h SORT (REVERSE DATE) UTF-8 ALL
i LOGOUT
'
echo "Demo Maildir: $md ($(ls "$md/cur" | wc -l) messages)"
echo "Session: printf '...' | $B/mdimapd --preauth -m $md"
echo
printf '%s' "$script" | sed 's/^/C: /'
echo
printf '%s' "$script" | sed 's/$/\r/' | \
    $run "$top/$B/mdimapd" -f /dev/null --preauth -m "$md" | tr -d '\r' |
    sed 's/^/S: /'
echo
echo "A real client: $B/mdimapd --listen 127.0.0.1:1143 (LOGIN as yourself"
echo "from this host; see mdimapd(8))."

