#!/usr/bin/env python3
"""fetchall.py: FETCH every item of ITEMS from every message of a corpus,
one command per message and item, through one IMAP session (mdimapd's or
Dovecot's, started preauthenticated by the command after "--"), and write
what came back per message into OUTDIR/<name>.txt.

    fetchall.py [--norm] CORPUSDIR OUTDIR -- SERVER ARGV...

Message k is the k-th .eml of CORPUSDIR in name order (the Maildir the
server reads must hold them in that order). Each item is written as

    # ITEM
    <untagged responses, CRLF as LF; a bare CR as <CR>, a bare LF as <LF>>
    OK | NO | BAD

--norm rewrites every literal as a quoted string (escaped CR and LF kept
visible) so that two servers that choose literals and quoted strings
differently compare equal when they send the same strings.
"""
import os
import re
import subprocess
import sys

ITEMS = [
    "ENVELOPE", "BODYSTRUCTURE", "BODY", "RFC822.SIZE",
    "BODY.PEEK[1]", "BODY.PEEK[1.MIME]", "BODY.PEEK[2]",
    "BODY.PEEK[2.HEADER]", "BODY.PEEK[2.TEXT]", "BODY.PEEK[2.1]",
    "BODY.PEEK[2.1.MIME]", "BODY.PEEK[HEADER.FIELDS (FROM TO)]",
    "BODY.PEEK[1]<2.10>", "BODY.PEEK[TEXT]<5.30>",
]

FETCH = re.compile(rb"\* (\d+) FETCH \(([^ {]+)")
LIT = re.compile(rb"~?\{(\d+)\+?\}\r\n$")


def label(item):
    """The name a response gives an item: BODY.PEEK[1]<2.10> is BODY[1]<2>."""
    item = item.replace(".PEEK", "")
    return re.sub(r"<(\d+)\.\d+>", r"<\1>", item).split(" ")[0]


def responses(data):
    """Split the server's output into responses, literals included."""
    out, i = [], 0
    while i < len(data):
        start = i
        while True:
            j = data.find(b"\r\n", i)
            if j < 0:
                j = len(data) - 2
            m = LIT.search(data, i, j + 2)
            if m is None or m.end() != j + 2:
                i = j + 2
                break
            i = j + 2 + int(m.group(1))
        out.append(data[start:i])
    return out


def quote(s):
    s = s.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
    return b'"' + s.replace(b"\r", b"\\r").replace(b"\n", b"\\n") + b'"'


def normalise(resp):
    out, i = b"", 0
    while True:
        m = re.compile(rb"~?\{(\d+)\+?\}\r\n").search(resp, i)
        if m is None:
            return out + resp[i:]
        n = int(m.group(1))
        out += resp[i:m.start()] + quote(resp[m.end():m.end() + n])
        i = m.end() + n


def visible(b):
    b = b.replace(b"\r\n", b"\x00CRLF\x00")
    b = b.replace(b"\r", b"<CR>").replace(b"\n", b"<LF>\n")
    return b.replace(b"\x00CRLF\x00", b"\n")


def main():
    args = sys.argv[1:]
    norm = False
    if args and args[0] == "--norm":
        norm = True
        args = args[1:]
    corpus, outdir = args[0], args[1]
    assert args[2] == "--"
    argv = args[3:]
    names = sorted(f[:-4] for f in os.listdir(corpus) if f.endswith(".eml"))
    cmds = [b"s SELECT INBOX\r\n"]
    for k in range(len(names)):
        for j, item in enumerate(ITEMS):
            cmds.append(b"m%d.%d FETCH %d (%s)\r\n" %
                        (k + 1, j, k + 1, item.encode()))
    cmds.append(b"z LOGOUT\r\n")
    p = subprocess.run(argv, input=b"".join(cmds), stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, timeout=120)
    # Dovecot runs pipelined commands at once: responses are matched to
    # commands by message number and item name, not by order.
    status, fetched = {}, {}
    for r in responses(p.stdout):
        m = FETCH.match(r)
        if m is not None:
            key = (int(m.group(1)), m.group(2).decode())
            fetched.setdefault(key, []).append(r)
            continue
        tag = r.split(b" ", 2)
        if len(tag) > 1 and tag[0].startswith(b"m"):
            status[tag[0].decode()] = tag[1]
    os.makedirs(outdir, exist_ok=True)
    for k, name in enumerate(names):
        text = b""
        for j, item in enumerate(ITEMS):
            text += b"# " + item.encode() + b"\n"
            for r in fetched.get((k + 1, label(item)), []):
                text += visible(normalise(r) if norm else r)
            text += status.get("m%d.%d" % (k + 1, j), b"MISSING") + b"\n"
        with open(os.path.join(outdir, name + ".txt"), "wb") as f:
            f.write(text)


main()
