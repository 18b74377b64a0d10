#!/usr/bin/env python3
"""imaplib_parts.py MDIMAPD MAILDIR: python3's imaplib, a real client, over
a --preauth pipe. For every message: FETCH BODYSTRUCTURE, parse it, walk
it, and for each part FETCH BODY.PEEK[n] and BODY.PEEK[n.MIME] and two
partials of it; the size BODYSTRUCTURE gave a leaf must be the size of
the bytes of BODY[n], and the partials must be the matching slices of
them. The tree itself must cover what the server answers: a part number
one past the last child of a multipart is empty. Exits non-zero with a
message on the first mismatch; prints "imaplib_parts: ok" at the end."""
import imaplib
import re
import sys

mdimapd, maildir = sys.argv[1], sys.argv[2]


def check(cond, what):
    if not cond:
        sys.exit("imaplib_parts: " + what)


def ok(res, what):
    typ, data = res
    check(typ == "OK", "%s: %s %r" % (what, typ, data))
    return data


def tokens(s):
    """IMAP response text into a nested list; strings are bytes."""
    pos = 0

    def value():
        nonlocal pos
        while s[pos:pos + 1] == b" ":
            pos += 1
        c = s[pos:pos + 1]
        if c == b"(":
            pos += 1
            out = []
            while True:
                while s[pos:pos + 1] == b" ":
                    pos += 1
                if s[pos:pos + 1] == b")":
                    pos += 1
                    return out
                out.append(value())
        if c == b'"':
            pos += 1
            out = b""
            while s[pos:pos + 1] != b'"':
                if s[pos:pos + 1] == b"\\":
                    pos += 1
                out += s[pos:pos + 1]
                pos += 1
            pos += 1
            return out
        if c == b"{":
            m = re.compile(rb"\{(\d+)\}\r\n").match(s, pos)
            n = int(m.group(1))
            pos = m.end() + n
            return s[m.end():pos]
        m = re.compile(rb"[^ ()]+").match(s, pos)
        pos = m.end()
        return None if m.group(0) == b"NIL" else m.group(0)
    return value()


def flat(data):
    """imaplib's answer (tuples for literals) back into one byte string."""
    out = b""
    for d in data:
        if isinstance(d, tuple):
            out += d[0] + b"\r\n" + d[1] if not d[0].endswith(b"\r\n") \
                else d[0] + d[1]
        else:
            out += d
    return out


def fetch_section(m, num, sec):
    data = ok(m.fetch(str(num), "(BODY.PEEK[%s])" % sec), "FETCH " + sec)
    for d in data:
        if isinstance(d, tuple):
            check(("BODY[%s]" % sec.split("<")[0]).encode() in d[0],
                  "label of %s: %r" % (sec, d[0]))
            size = int(re.search(rb"\{(\d+)\}$", d[0]).group(1))
            check(len(d[1]) == size, "%s: {%d} but %d bytes" %
                  (sec, size, len(d[1])))
            return d[1]
    # a quoted string: "" for a part that is not there
    m2 = re.search(rb'BODY\[[^\]]*\](<\d+>)? "(.*)"\)$', flat(data))
    check(m2 is not None, "no data for %s: %r" % (sec, data))
    return m2.group(2)


def walk(m, num, body, prefix, msgname):
    """Check every part of body (a parsed BODYSTRUCTURE) numbered prefix."""
    nparts = 0
    if isinstance(body[0], list):           # multipart
        children = []
        for b in body:                      # then the subtype, a string
            if not isinstance(b, list):
                break
            children.append(b)
        for i, child in enumerate(children):
            sub = "%s%d" % (prefix, i + 1)
            nparts += 1 + walk(m, num, child, sub + ".", msgname)
        # a number past the last child names nothing
        past = "%s%d" % (prefix, len(children) + 1)
        check(fetch_section(m, num, past) == b"",
              "%s: BODY[%s] not empty" % (msgname, past))
        return nparts
    part = prefix.rstrip(".")
    if part == "":
        part = "1"                          # a single-part message
    data = fetch_section(m, num, part)
    size = int(body[6])
    check(len(data) == size, "%s: BODY[%s] is %d bytes, BODYSTRUCTURE "
          "says %d" % (msgname, part, len(data), size))
    if body[0].lower() == b"text":
        lines = int(body[7])
        check(data.count(b"\n") == lines, "%s: BODY[%s] has %d lines, "
              "BODYSTRUCTURE says %d" % (msgname, part, data.count(b"\n"),
                                        lines))
    mime = fetch_section(m, num, part + ".MIME")
    check(b"\n" not in mime.replace(b"\r\n", b""),
          "%s: bare LF in [%s.MIME]" % (msgname, part))
    for off, n in ((0, 1), (size // 2, 7), (max(size - 3, 0), 10)):
        data2 = ok(m.fetch(str(num), "(BODY.PEEK[%s]<%d.%d>)" %
                           (part, off, n)), "partial")
        raw = flat(data2)
        lit = re.search(rb"\{(\d+)\}\r\n", raw)
        if lit is not None:
            got = raw[lit.end():lit.end() + int(lit.group(1))]
        else:
            got = re.search(rb'"(.*)"\)$', raw).group(1)
        check(got == data[off:off + n], "%s: BODY[%s]<%d.%d> is %r, not "
              "%r" % (msgname, part, off, n, got, data[off:off + n]))
    if body[0].lower() == b"message" and len(body) > 9 and \
            isinstance(body[8], list):
        # message/rfc822: its body's parts are numbered under it
        sub = part + "." if isinstance(body[8][0], list) else part + ".1."
        return 1 + walk(m, num, body[8], sub, msgname)
    return 1


m = imaplib.IMAP4_stream("%s --preauth -m %s" % (mdimapd, maildir))
n = int(ok(m.select("INBOX", readonly=True), "SELECT")[0])
check(n >= 40, "only %d messages" % n)
total = 0
for num in range(1, n + 1):
    data = ok(m.fetch(str(num), "(BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS "
                      "(SUBJECT)])"), "FETCH BODYSTRUCTURE")
    raw = flat(data)
    name = re.search(rb"Subject: ([^\r]*)", raw)
    name = "%d (%s)" % (num, name.group(1).decode("latin-1")[:30]
                        if name else "")
    i = raw.index(b"BODYSTRUCTURE ") + len(b"BODYSTRUCTURE ")
    body = tokens(raw[i:])
    total += walk(m, num, body, "", name)
    # the whole message: RFC822.SIZE is the size of BODY[]
    size = int(re.search(rb"RFC822.SIZE (\d+)", flat(ok(
        m.fetch(str(num), "(RFC822.SIZE)"), "SIZE"))).group(1))
    whole = fetch_section(m, num, "")
    check(len(whole) == size, "%s: BODY[] %d bytes, RFC822.SIZE %d" %
          (name, len(whole), size))
m.logout()
check(total > 100, "only %d parts walked" % total)
print("imaplib_parts: %d parts of %d messages" % (total, n))
print("imaplib_parts: ok")
