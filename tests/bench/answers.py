"""tests/bench/answers.py: the answers of the message workloads (FETCH,
SEARCH, SORT, THREAD) in a form that compares between two servers, so that
a fast wrong answer cannot pass (driver.py uses them; see tests/bench/run).

FETCH: every "* n FETCH (...)" response is parsed (quoted strings and
literals alike), each string rewritten in one canonical form (quoted;
strings over 200 octets or holding CR/LF as {size:hash}), the items of a
message sorted by name (upper case) and responses for the same message
merged: the canonical line of each message is compared per message.
INTERNALDATE's day is written with 2DIGIT (" 1-Jan" and "01-Jan" are the
same date-day-fixed, RFC 3501 9).
SEARCH and SORT: the numbers of the untagged answer, as a list, exactly.
THREAD: the text of the untagged THREAD answer, exactly.

Each answer compares with == and explains a difference with diff(); its
repr is short (it is logged). save() writes it out for a closer look.
"""
import hashlib
import re

TOKEN = re.compile(
    rb' *(?:(\()|(\))|("(?:[^"\\\r\n]|\\.)*")|~?\{(\d+)\+?\}\r\n|'
    rb'([^ ()"\r\n{\[\]]+(?:\[[^\]\r\n]*\](?:<\d+>)?)?))')
FETCH_AT = re.compile(rb"\* (\d+) FETCH ")
UNESCAPE = re.compile(rb"\\(.)")
LONG = 200


def canon(s):
    """One form for a string however it was sent."""
    if len(s) > LONG or b"\r" in s or b"\n" in s:
        return b"{%d:%s}" % (len(s), hashlib.sha1(s).hexdigest()[:16].encode())
    return b'"' + s.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def parse_list(data, pos):
    """data[pos:] starts with "(": returns (nested lists of canonical
    tokens, position after the closing parenthesis)."""
    stack = []
    cur = None
    while True:
        m = TOKEN.match(data, pos)
        if m is None or m.end() == pos:
            raise ValueError("unparsable FETCH at %d: %r" %
                             (pos, bytes(data[pos:pos + 80])))
        pos = m.end()
        lp, rp, q, lit, atom = m.groups()
        if lp:
            new = []
            if cur is not None:
                cur.append(new)
                stack.append(cur)
            cur = new
        elif cur is None:
            raise ValueError("FETCH without a list at %d" % pos)
        elif rp:
            if not stack:
                return cur, pos
            cur = stack.pop()
        elif q is not None:
            body = q[1:-1]
            if b"\\" in body:
                body = UNESCAPE.sub(rb"\1", body)
                cur.append(canon(body))
            elif len(body) > LONG:
                cur.append(canon(body))
            else:
                cur.append(q)
        elif lit is not None:
            k = int(lit)
            cur.append(canon(bytes(data[pos:pos + k])))
            pos += k
        else:
            cur.append(atom)


def ser(v):
    if isinstance(v, list):
        return b"(" + b" ".join(ser(x) for x in v) + b")"
    return v


def first_diff(a, b):
    i = 0
    n = min(len(a), len(b))
    while i < n and a[i] == b[i]:
        i += 1
    return i


def excerpt(s, i, width=70):
    lo = max(0, i - 20)
    t = s[lo:lo + width]
    if isinstance(t, (bytes, bytearray)):
        t = t.decode("utf-8", "replace")
    else:
        t = " ".join(str(x) for x in t)
    return ("..." if lo else "") + t + ("..." if lo + width < len(s) else "")


class FetchAnswer:
    """Canonical FETCH answers, per message sequence number."""

    def __init__(self, untagged, items):
        self.lines = {}
        self.incomplete = 0
        self.spaced_days = 0        # INTERNALDATEs written " 1-Jan..."
        per = {}
        pos = 0
        n = len(untagged)
        while pos < n:
            m = FETCH_AT.match(untagged, pos)
            if m is None:
                e = untagged.find(b"\r\n", pos)
                pos = n if e < 0 else e + 2
                continue
            seq = int(m.group(1))
            lst, pos = parse_list(untagged, m.end())
            if untagged[pos:pos + 2] == b"\r\n":
                pos += 2
            d = per.setdefault(seq, {})
            for i in range(0, len(lst) - 1, 2):
                d[bytes(lst[i]).upper()] = ser(lst[i + 1])
            v = d.get(b"INTERNALDATE")
            if v is not None and v[1:2] == b" ":
                # date-day-fixed is (SP DIGIT) / 2DIGIT (RFC 3501 9)
                d[b"INTERNALDATE"] = b'"0' + v[2:]
                self.spaced_days += 1
        want = set(i.upper().encode() for i in items)
        for seq, d in per.items():
            if not want <= set(d):
                self.incomplete += 1
            self.lines[seq] = b" ".join(k + b" " + d[k] for k in sorted(d))
        self.n = len(self.lines)

    def __eq__(self, other):
        return isinstance(other, FetchAnswer) and self.lines == other.lines

    def __repr__(self):
        h = hashlib.sha1()
        for seq in sorted(self.lines):
            h.update(b"%d %s\n" % (seq, self.lines[seq]))
        return "<FETCH answer: %d messages, sha1 %s>" % (
            self.n, h.hexdigest()[:12])

    def diff(self, other, names):
        seqs = sorted(set(self.lines) | set(other.lines))
        bad = [s for s in seqs if self.lines.get(s) != other.lines.get(s)]
        out = ["%d of %d messages differ (first: %s)" % (
            len(bad), len(seqs), " ".join(str(s) for s in bad[:8]))]
        for s in bad[:2]:
            a, b = self.lines.get(s, b"(none)"), other.lines.get(s, b"(none)")
            i = first_diff(a, b)
            out.append("message %d: %s: %s" % (s, names[0], excerpt(a, i)))
            out.append("message %d: %s: %s" % (s, names[1], excerpt(b, i)))
        return "; ".join(out)

    def save(self, path):
        with open(path, "wb") as f:
            for seq in sorted(self.lines):
                f.write(b"%d %s\n" % (seq, self.lines[seq]))


class NumbersAnswer:
    """The numbers of untagged SEARCH or SORT answers, in order."""

    def __init__(self, untagged, name):
        self.name = name
        self.nums = []
        for m in re.finditer(rb"^\* %s([ 0-9]*)\r?$" % name.encode(),
                             untagged, re.M):
            self.nums += [int(x) for x in m.group(1).split()]

    def __eq__(self, other):
        return isinstance(other, NumbersAnswer) and self.nums == other.nums

    def __repr__(self):
        return "<%s answer: %d numbers, sha1 %s>" % (
            self.name, len(self.nums),
            hashlib.sha1(repr(self.nums).encode()).hexdigest()[:12])

    def diff(self, other, names):
        a, b = self.nums, other.nums
        i = first_diff(a, b)
        only_a = sorted(set(a) - set(b))
        only_b = sorted(set(b) - set(a))
        return ("%s: %d numbers vs %d; only %s: %s; only %s: %s; first "
                "difference at position %d: %s vs %s" % (
                    self.name, len(a), len(b),
                    names[0], " ".join(map(str, only_a[:10])) or "none",
                    names[1], " ".join(map(str, only_b[:10])) or "none",
                    i, excerpt(a, i, 8), excerpt(b, i, 8)))

    def save(self, path):
        with open(path, "w") as f:
            f.write(" ".join(map(str, self.nums)) + "\n")


class ThreadAnswer:
    """The text of the untagged THREAD answer."""

    def __init__(self, untagged):
        self.text = b"".join(m.group(1) for m in re.finditer(
            rb"^\* THREAD ?([^\r\n]*)\r?$", untagged, re.M))
        self.nums = [int(x) for x in re.findall(rb"\d+", self.text)]

    def __eq__(self, other):
        return isinstance(other, ThreadAnswer) and self.text == other.text

    def __repr__(self):
        return "<THREAD answer: %d threads, %d numbers, sha1 %s>" % (
            self.threads(), len(self.nums),
            hashlib.sha1(self.text).hexdigest()[:12])

    def threads(self):
        """Top-level parenthesised groups."""
        depth = count = 0
        for c in self.text:
            if c == 0x28:
                if depth == 0:
                    count += 1
                depth += 1
            elif c == 0x29:
                depth -= 1
        return count

    def diff(self, other, names):
        a, b = self.text, other.text
        i = first_diff(a, b)
        return ("THREAD: %d octets, %d threads vs %d octets, %d threads; "
                "first difference at octet %d: %s: %s; %s: %s" % (
                    len(a), self.threads(), len(b), other.threads(), i,
                    names[0], excerpt(a, i), names[1], excerpt(b, i)))

    def save(self, path):
        with open(path, "wb") as f:
            f.write(self.text + b"\n")
