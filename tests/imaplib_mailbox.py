#!/usr/bin/env python3
"""imaplib_mailbox.py: mdimapd's mailbox commands driven by a real client.

Python's imaplib talks to `mdimapd --preauth` over a pipe (IMAP4_stream),
creates, lists, renames, subscribes and deletes folders with non-ASCII
names, which this script encodes to modified UTF-7 (RFC 3501 5.1.3) itself,
and checks every answer and what ends up on disk. Any mismatch exits
non-zero; success prints "imaplib_mailbox: ok" last.

usage: imaplib_mailbox.py MDIMAPD MAILDIR   (run from tests/mailbox.bats)
"""
import base64
import imaplib
import os
import re
import shlex
import sys

FAILURES = []


def mutf7_encode(text):
    """UTF-8 text to modified UTF-7: "&" is "&-", printable ASCII stays,
    runs of anything else are UTF-16BE in base64 with "," for "/"."""
    out, run = [], []

    def flush():
        if run:
            raw = "".join(run).encode("utf-16-be")
            b64 = base64.b64encode(raw).decode("ascii").rstrip("=")
            out.append("&" + b64.replace("/", ",") + "-")
            run.clear()

    for ch in text:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


def mutf7_decode(name):
    def repl(m):
        if m.group(1) == "":
            return "&"
        b64 = m.group(1).replace(",", "/")
        b64 += "=" * (-len(b64) % 4)
        return base64.b64decode(b64).decode("utf-16-be")

    return re.sub(r"&([A-Za-z0-9+,]*)-", repl, name)


def check(what, got, want):
    if got != want:
        FAILURES.append(what)
        print("FAIL %s:\n  got  %r\n  want %r" % (what, got, want))


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


LIST_RE = re.compile(rb'^\((?P<attrs>[^)]*)\) "\." (?P<name>.*)$')


def unquote(raw):
    if raw.startswith(b'"'):
        return re.sub(rb'\\(.)', rb'\1', raw[1:-1]).decode("ascii")
    return raw.decode("ascii")


def listing(M, cmd, pattern="*"):
    """{decoded name: attributes} from LIST or LSUB."""
    typ, data = getattr(M, cmd)('""', pattern)
    check("%s %s" % (cmd, pattern), typ, "OK")
    out = {}
    for line in data:
        if line is None:
            continue
        if isinstance(line, tuple):	# a literal: never for valid names
            FAILURES.append("literal in %s" % cmd)
            continue
        m = LIST_RE.match(line)
        if m is None:
            FAILURES.append("bad %s line %r" % (cmd, line))
            continue
        out[mutf7_decode(unquote(m.group("name")))] = set(
            m.group("attrs").decode("ascii").split())
    return out


def main():
    mdimapd, maildir = sys.argv[1], sys.argv[2]
    M = imaplib.IMAP4_stream("%s --preauth -m %s" % (
        shlex.quote(mdimapd), shlex.quote(maildir)))
    check("state after PREAUTH", M.state, "AUTH")
    for cap in ("NAMESPACE", "CHILDREN", "LIST-EXTENDED", "LIST-STATUS",
                "SPECIAL-USE", "STATUS=SIZE"):
        check("capability " + cap, cap in M.capabilities, True)

    typ, data = M.namespace()
    check("NAMESPACE", (typ, data), ("OK", [b'(("" ".")) NIL NIL']))

    folders = ["Entwürfe", "日本語", "日本語.子供", "Ünïcödé & more",
               "Smile ☺", "Tom & Jerry", "Plain"]
    for f in folders:
        typ, data = M.create(quote(mutf7_encode(f)))
        check("CREATE " + f, typ, "OK")
    # On disk, the Maildir++ directory is the encoded name.
    for f in folders:
        d = os.path.join(maildir, "." + mutf7_encode(f))
        check("directory of " + f, os.path.isdir(os.path.join(d, "cur")),
              True)
    check("encoded 日本語", mutf7_encode("日本語"), "&ZeVnLIqe-")
    check("encoded Tom & Jerry", mutf7_encode("Tom & Jerry"), "Tom &- Jerry")

    got = listing(M, "list")
    check("LIST names", sorted(got), sorted(folders + ["INBOX"]))
    check("日本語 has children", got.get("日本語"), {"\\HasChildren"})
    check("子供 has none", got.get("日本語.子供"), {"\\HasNoChildren"})

    typ, data = M.create(quote(mutf7_encode("Entwürfe")))
    check("CREATE again", typ, "NO")
    check("CREATE again code", data[0].startswith(b"[ALREADYEXISTS]"), True)

    typ, _ = M.rename(quote(mutf7_encode("日本語")),
                      quote(mutf7_encode("Ελληνικά")))
    check("RENAME", typ, "OK")
    got = listing(M, "list", quote(mutf7_encode("Ελληνικά") + ".*"))
    check("renamed child", sorted(got), ["Ελληνικά.子供"])
    check("old name gone",
          os.path.exists(os.path.join(maildir, "." + mutf7_encode("日本語"))),
          False)

    for f in ("Entwürfe", "Ελληνικά.子供"):
        typ, _ = M.subscribe(quote(mutf7_encode(f)))
        check("SUBSCRIBE " + f, typ, "OK")
    got = listing(M, "lsub")
    check("LSUB", sorted(got), ["Entwürfe", "Ελληνικά.子供"])
    got = listing(M, "lsub", "%")
    check("LSUB %", got, {"Entwürfe": set(), "Ελληνικά": {"\\Noselect"}})
    with open(os.path.join(maildir, "subscriptions"), "rb") as fp:
        check("subscriptions file", fp.read(),
              b"V\t2\n\n" + mutf7_encode("Entwürfe").encode() + b"\n" +
              mutf7_encode("Ελληνικά").encode() + b"\t" +
              mutf7_encode("子供").encode() + b"\n")
    typ, _ = M.unsubscribe(quote(mutf7_encode("Entwürfe")))
    check("UNSUBSCRIBE", typ, "OK")
    check("LSUB after", sorted(listing(M, "lsub")), ["Ελληνικά.子供"])

    typ, data = M.status(quote(mutf7_encode("Smile ☺")),
                         "(MESSAGES UNSEEN SIZE)")
    check("STATUS", (typ, data), ("OK", [
        b'"' + mutf7_encode("Smile ☺").encode() +
        b'" (MESSAGES 0 UNSEEN 0 SIZE 0)']))

    for f in ("Smile ☺", "Ελληνικά.子供", "Ελληνικά"):
        typ, _ = M.delete(quote(mutf7_encode(f)))
        check("DELETE " + f, typ, "OK")
    typ, data = M.delete(quote(mutf7_encode("Smile ☺")))
    check("DELETE again", (typ, data[0][:13]), ("NO", b"[NONEXISTENT]"))
    got = listing(M, "list")
    check("LIST at the end", sorted(got), sorted(
        ["INBOX", "Entwürfe", "Ünïcödé & more", "Tom & Jerry", "Plain"]))

    # An invalid name (8-bit, not modified UTF-7) is refused, not stored.
    typ, data = M._simple_command("CREATE", quote("caf&AOk"))
    check("CREATE invalid mUTF-7", typ, "NO")

    M.logout()
    if FAILURES:
        print("imaplib_mailbox: %d failed: %s" % (len(FAILURES),
                                                 ", ".join(FAILURES)))
        sys.exit(1)
    print("imaplib_mailbox: ok")


if __name__ == "__main__":
    main()
