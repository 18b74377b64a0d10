#!/usr/bin/env python3
"""imaplib_store.py MDIMAPD MAILDIR: python3's imaplib, a real client, over
a --preauth pipe: APPEND, SELECT, FETCH, STORE, COPY, MOVE, EXPUNGE and
UIDs, checked end to end. Exits non-zero with a message on any mismatch."""
import imaplib
import sys

mdimapd, maildir = sys.argv[1], sys.argv[2]


def check(cond, what):
    if not cond:
        sys.exit("imaplib_store: " + what)


def ok(res, what):
    typ, data = res
    check(typ == "OK", "%s: %s %r" % (what, typ, data))
    return data


m = imaplib.IMAP4_stream("%s --preauth -m %s" % (mdimapd, maildir))
ok(m.create("Archive"), "CREATE")
for i in range(1, 6):
    msg = ("From: a@example.org\r\nSubject: message %d\r\n"
           "Message-ID: <%d@example.org>\r\n\r\nbody %d\r\n" % (i, i, i))
    data = ok(m.append("INBOX", "(\\Flagged)" if i == 1 else None,
                       imaplib.Time2Internaldate(1700000000 + i),
                       msg.encode()), "APPEND")
    check(b"APPENDUID" in data[0], "APPENDUID missing: %r" % data)

data = ok(m.select("INBOX"), "SELECT")
check(data == [b"5"], "EXISTS %r" % data)
data = ok(m.uid("FETCH", "1:*", "(FLAGS RFC822.SIZE)"), "UID FETCH")
check(len([d for d in data if d]) == 5, "five FETCH lines %r" % data)
check(b"\\Flagged" in data[0], "flag kept by APPEND %r" % data[0])

data = ok(m.fetch("2", "(BODY.PEEK[])"), "FETCH BODY.PEEK[]")
body = data[0][1]
check(body.startswith(b"From: a@example.org\r\n") and
      body.endswith(b"body 2\r\n"), "body 2 %r" % body)

ok(m.store("2:3", "+FLAGS", "(\\Seen $Important)"), "STORE")
data = ok(m.fetch("1:3", "(FLAGS)"), "FETCH FLAGS")
check(b"$Important" in data[1] and b"\\Seen" in data[2], "flags %r" % data)

data = ok(m.uid("COPY", "1:2", "Archive"), "UID COPY")
data = ok(m.uid("MOVE", "3", "Archive"), "UID MOVE")
data = ok(m.select("INBOX"), "SELECT again")
check(data == [b"4"], "after MOVE %r" % data)

ok(m.store("1", "+FLAGS", "(\\Deleted)"), "STORE \\Deleted")
ok(m.expunge(), "EXPUNGE")
data = ok(m.uid("FETCH", "1:*", "(UID)"), "UIDs after EXPUNGE")
uids = sorted(int(d.split()[2].rstrip(b")")) for d in data if d)
check(uids == [2, 4, 5], "UIDs %r" % uids)

data = ok(m.select("Archive", readonly=True), "EXAMINE Archive")
check(data == [b"3"], "Archive EXISTS %r" % data)
data = ok(m.fetch("1:*", "(FLAGS BODY.PEEK[])"), "FETCH Archive")
bodies = [d[1] for d in data if isinstance(d, tuple)]
check(len(bodies) == 3 and b"message 3" in bodies[2], "Archive %r" % bodies)
check(b"$Important" in data[2][0], "keyword copied by name %r" % data[2][0])
m.logout()
