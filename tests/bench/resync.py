"""tests/bench/resync.py: the plan and the checks of the sync workloads
(driver.py runs them; see tests/bench/run), pure code: no I/O.

A client that knows the folder's state (UIDVALIDITY, HIGHESTMODSEQ, every
UID with its flags: what a first session reported) reconnects after another
session changed the flags of N (10) messages spread through the folder and,
in a second variant, expunged N others. plan() picks them from the first
session's UIDs and says what the reconnect must learn; check_qresync()
checks the answer to SELECT INBOX (QRESYNC (uidvalidity modseq)) (RFC 7162
3.2.5.1: exactly the changed messages as FETCH (UID FLAGS MODSEQ), the
expunged ones in VANISHED (EARLIER)), check_full() the answer to SELECT
INBOX and UID FETCH 1:* (FLAGS) (every message left, with its flags).
Flags compare as sets, case-insensitively, without \\Recent (the first
session took it).

The checks return facts that must be equal for both servers: counts, and
"discrepancies", a short description of what is wrong ("none").
"""
import re

N = 10                          # messages changed, and expunged

FETCH_LINE = re.compile(rb"^\* (\d+) FETCH \(([^\r\n]*)\)\r?$", re.M)
UID_ITEM = re.compile(rb"(?:^|[ (])UID (\d+)")
FLAGS_ITEM = re.compile(rb"(?:^|[ (])FLAGS \(([^)]*)\)")
VANISHED_LINE = re.compile(rb"^\* VANISHED (\(EARLIER\) )?([0-9:,]+)\r?$",
                           re.M)
EXISTS_LINE = re.compile(rb"^\* (\d+) EXISTS\r?$", re.M)
CODE_NUM = {k: re.compile(rb"^\* OK \[%s (\d+)\]" % k.encode(), re.M)
            for k in ("UIDVALIDITY", "HIGHESTMODSEQ")}
DESCRIBE_MAX = 3                # wrong items described, per kind


def flagset(text):
    """The flags of a FLAGS list's inside, as a comparable set."""
    return frozenset(f.decode(errors="replace").lower() for f in text.split()
                     if f.lower() != b"\\recent")


def fmt_flags(fs):
    return "(" + " ".join(sorted(fs)) + ")"


def code_number(untagged, name):
    """The number of an untagged OK [name n] (UIDVALIDITY...), or None."""
    m = CODE_NUM[name].search(untagged)
    return int(m.group(1)) if m else None


def exists(untagged):
    m = EXISTS_LINE.findall(untagged)
    return int(m[-1]) if m else None


def fetches(untagged):
    """[(uid, flags)] of the FETCH responses, in order; a FETCH without
    UID or FLAGS is a ValueError (the driver's "error")."""
    out = []
    for m in FETCH_LINE.finditer(untagged):
        u = UID_ITEM.search(m.group(2))
        f = FLAGS_ITEM.search(m.group(2))
        if not u or not f:
            raise ValueError("FETCH without UID or FLAGS: %r" %
                             m.group(0)[:200])
        out.append((int(u.group(1)), flagset(f.group(1))))
    return out


def vanished(untagged):
    """The UIDs of the VANISHED responses (a set), and whether each had
    (EARLIER)."""
    uids = set()
    earlier = True
    for m in VANISHED_LINE.finditer(untagged):
        earlier = earlier and m.group(1) is not None
        for part in m.group(2).split(b","):
            lo, _, hi = part.partition(b":")
            lo = int(lo)
            hi = int(hi) if hi else lo
            if lo > hi:
                lo, hi = hi, lo
            uids.update(range(lo, hi + 1))
    return uids, earlier


def spread(n, k, offset):
    """k indexes spread through 0..n-1: the middle of each k-th, shifted
    by offset (in 1/(4k) of n)."""
    return [((4 * i + offset) * n) // (4 * k) for i in range(k)]


def plan(flags, expunge):
    """What another session changes, from the first session's {uid: flags}
    (every message): N messages get a flag toggled (\\Flagged on the even
    ones, \\Seen on the odd ones: always a real change), and with expunge
    N others are expunged. Returns a dict: "stores" [(uid, "+" or "-",
    flag)], "changed" {uid: new flags}, "expunged" (a set), "flags"."""
    uids = sorted(flags)
    if len(uids) < 4 * N:
        raise ValueError("%d messages: too few for the sync workloads "
                         "(%d at least)" % (len(uids), 4 * N))
    stores = []
    changed = {}
    for i, ix in enumerate(spread(len(uids), N, 2)):
        uid = uids[ix]
        flag = "\\flagged" if i % 2 == 0 else "\\seen"
        had = flag in flags[uid]
        stores.append((uid, "-" if had else "+",
                       "\\Flagged" if i % 2 == 0 else "\\Seen"))
        changed[uid] = flags[uid] - {flag} if had else flags[uid] | {flag}
    gone = set()
    if expunge:
        gone = set(uids[ix] for ix in spread(len(uids), N, 1))
    assert len(changed) == N and not gone & set(changed)
    return {"stores": stores, "changed": changed, "expunged": gone,
            "flags": flags}


def describe(wrong):
    """At most DESCRIBE_MAX of each kind of wrong item, or "none"."""
    parts = []
    for kind, items in wrong:
        if items:
            more = len(items) - DESCRIBE_MAX
            parts.append("%s: %s%s" % (kind, ", ".join(items[:DESCRIBE_MAX]),
                                       " and %d more" % more if more > 0
                                       else ""))
    return "; ".join(parts) or "none"


def check_qresync(untagged, p):
    """The answer to SELECT INBOX (QRESYNC (uidvalidity modseq)) against
    the plan p: facts."""
    got = fetches(untagged)
    gone, earlier = vanished(untagged)
    seen = {}
    extra, wrong = [], []
    for uid, fs in got:
        seen[uid] = fs
        if uid not in p["changed"]:
            extra.append("UID %d %s" % (uid, fmt_flags(fs)))
        elif fs != p["changed"][uid]:
            wrong.append("UID %d %s, expected %s" % (
                uid, fmt_flags(fs), fmt_flags(p["changed"][uid])))
    missing = ["UID %d" % u for u in sorted(p["changed"]) if u not in seen]
    exp = p["expunged"]
    return {
        "EXISTS": exists(untagged),
        "FETCH lines": len(got),
        "VANISHED": len(gone),
        "discrepancies": describe([
            ("not reported", missing),
            ("reported, not changed", extra),
            ("wrong flags", wrong),
            ("VANISHED, not expunged",
             ["UID %d" % u for u in sorted(gone - exp)]),
            ("expunged, not VANISHED",
             ["UID %d" % u for u in sorted(exp - gone)]),
            ("VANISHED without (EARLIER)",
             ["all"] if gone and not earlier else []),
        ]),
    }


def check_full(untagged_select, untagged_fetch, p):
    """The answers to SELECT INBOX and UID FETCH 1:* (FLAGS) against the
    plan p: every message left, with its flags; facts."""
    want = {u: p["changed"].get(u, fs) for u, fs in p["flags"].items()
            if u not in p["expunged"]}
    got = fetches(untagged_fetch)
    seen = {}
    extra, wrong, twice = [], [], []
    for uid, fs in got:
        if uid in seen:
            twice.append("UID %d" % uid)
        seen[uid] = fs
        if uid not in want:
            extra.append("UID %d" % uid)
        elif fs != want[uid]:
            wrong.append("UID %d %s, expected %s" % (
                uid, fmt_flags(fs), fmt_flags(want[uid])))
    missing = ["UID %d" % u for u in sorted(want) if u not in seen]
    return {
        "EXISTS": exists(untagged_select),
        "FETCH lines": len(got),
        "discrepancies": describe([
            ("missing", missing),
            ("not there (expunged or unknown)", extra),
            ("twice", twice),
            ("wrong flags", wrong),
        ]),
    }
