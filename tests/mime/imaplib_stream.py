#!/usr/bin/env python3
"""imaplib_stream.py MDIMAPD MAILDIR: the bodies the server turns to CRLF
piece by piece (from the file for a message over 256 KiB, from memory
below), through python3's imaplib over a --preauth pipe. Writes two
messages into MAILDIR/cur with mixed line ends (LF, CRLF, a bare CR, a CR
ending a 64 KiB piece of the file and its LF beginning the next), then
checks that RFC822.SIZE, BODY[], BODY[TEXT], BODY[HEADER] and windows of
BODY[]<o.n> around every 64 KiB boundary are the exact slices of the
CRLF text computed here. Prints "imaplib_stream: ok" at the end."""
import imaplib
import os
import random
import re
import sys

mdimapd, maildir = sys.argv[1], sys.argv[2]


def check(cond, what):
    if not cond:
        sys.exit("imaplib_stream: " + what)


def crlf(data):
    """A bare LF becomes CRLF; CRLF and a bare CR stay."""
    return re.sub(rb"(?<!\r)\n", b"\r\n", data)


def message(size, seed):
    rnd = random.Random(seed)
    head = (b"From: a@example.com\nTo: b@example.com\n"
            b"Subject: streamed\r\nMessage-ID: <%d@example.com>\n\n" % seed)
    body = bytearray()
    while len(head) + len(body) < size:
        line = bytes(rnd.choice(b"abcdefgh ") for _ in range(rnd.randrange(
            0, 200)))
        body += line + rnd.choice([b"\n", b"\n", b"\n", b"\r\n", b"\r"])
    data = bytearray(head + body)
    # a CR that ends the file's first 64 KiB piece, its LF the next's
    data[65535:65537] = b"\r\n"
    data[131071:131073] = b"x\n"        # an LF first in a piece, bare
    return bytes(data)


def main():
    msgs = [message(700000, 1), message(200000, 2)]
    for i, m in enumerate(msgs):
        with open(os.path.join(maildir, "cur",
                               "17000000%02d.M%dP1.host:2," % (i, i)),
                  "wb") as f:
            f.write(m)
    imap = imaplib.IMAP4_stream("%s --preauth -m %s" % (mdimapd, maildir))
    typ, _ = imap.select("INBOX", readonly=True)
    check(typ == "OK", "SELECT: %s" % typ)
    for n, raw in enumerate(msgs, 1):
        want = crlf(raw)
        hl = want.index(b"\r\n\r\n") + 4
        typ, data = imap.fetch(str(n), "(RFC822.SIZE BODY.PEEK[] "
                               "BODY.PEEK[HEADER] BODY.PEEK[TEXT])")
        check(typ == "OK", "FETCH %d: %s" % (n, typ))
        got = {}
        for part in data:
            if isinstance(part, tuple):
                key = re.search(rb"(BODY\[[A-Z]*\])(<\d+>)? \{\d+\}$",
                                part[0]).group(1)
                got[key] = part[1]
            else:
                got[b")"] = part
        size = re.search(rb"RFC822\.SIZE (\d+)", data[0][0])
        check(size and int(size.group(1)) == len(want),
              "message %d: RFC822.SIZE %s, want %d" % (n, size, len(want)))
        check(got.get(b"BODY[]") == want, "message %d: BODY[] differs" % n)
        check(got.get(b"BODY[HEADER]") == want[:hl],
              "message %d: BODY[HEADER] differs" % n)
        check(got.get(b"BODY[TEXT]") == want[hl:],
              "message %d: BODY[TEXT] differs" % n)
        # windows across the pieces the server converts (64 KiB of
        # the file each, more of CRLF text) and past the end
        spots = [0, 1, 65534, 65535, 65536, 65537, 131071, 131072,
                 131073, 196607, len(want) - 1, len(want), len(want) + 5]
        for o in spots:
            for k in (1, 2, 3, 70000):
                typ, data = imap.fetch(str(n), "(BODY.PEEK[]<%d.%d>)" %
                                       (o, k))
                check(typ == "OK", "FETCH <%d.%d>: %s" % (o, k, typ))
                # (an empty window may come as "" rather than {0})
                val = data[0][1] if isinstance(data[0], tuple) else \
                    b"" if data[0].endswith(b' "")') else None
                check(val == want[o:o + k],
                      "message %d: BODY[]<%d.%d> differs" % (n, o, k))
    imap.logout()
    print("imaplib_stream: ok")


main()
