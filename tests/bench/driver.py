#!/usr/bin/env python3
"""tests/bench/driver.py: mdimapd and Dovecot side by side on the same
Maildirs (tests/bench/run sets it up; see the comment there).

Each workload is one IMAP session (one server process) on the server's own
copy of the Maildir, run under /usr/bin/time for the peak RSS. The time of
a workload is wall time measured by this driver: from sending the workload's
command(s) to their tagged replies, plus LOGOUT up to the server's exit (so
work a server defers to closing the mailbox is counted). The greeting, the
preparatory SELECT and the checks are not timed. The servers run each
workload in lockstep (both sessions open, each doing its next timed step in
turn: one APPEND each, and so on), so that drifts of the machine's speed,
fsync latency above all, fall on both alike; which steps first alternates
from run to run (run_workload()). Each workload runs up to
BENCH_REPS times and the median is shown; after a first run that took
longer than BENCH_CHEAP seconds (either server) it is not repeated. Peak
RSS is the largest over the runs. A session that waits for its server
longer than BENCH_TIMEOUT seconds in all is killed (ERROR in the table);
once BENCH_BUDGET seconds have passed, the workloads left are not started
(SKIPPED), so that a pathological server cannot make the run endless.

Every answer is checked against the expected value and against the other
server (EXISTS, the number of FETCH lines, flag counts, EXPUNGE count,
STATUS MESSAGES); a mismatch, an error or a skipped workload is shown in
the table and makes the exit status 1.

The message workloads (FETCH of ENVELOPE and BODYSTRUCTURE, of header
fields, of whole bodies; SEARCH, SORT, THREAD) each run on a fresh copy
(linked_copy) in two sessions, the first open and a later open, shown as
two rows. Their answers are compared between the servers by answers.py
(FETCH per message, normalised; SEARCH, SORT and THREAD exactly) and
checked for sense (every message answered, a SORT that is a permutation,
a SEARCH that finds some but not all). A server without the command shows
"n/a" (no capability, or BAD to a probe); that is not a failure.

The sync workloads (a client's reconnect after another session changed 10
messages' flags, and expunged 10 more: with QRESYNC, or SELECT and a full
UID FETCH 1:* (FLAGS)) run on a state made once per size and variant
(sync_servers); resync.py plans the changes and checks the answers. The
bytes each server sent in reply to the timed commands are counted for every
workload and printed for these, in a table of their own.
"""
import os
import pwd
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import answers                  # noqa: E402 (tests/bench/answers.py)
import resync                   # noqa: E402 (tests/bench/resync.py)

ENV = os.environ
BENCH_DIR = ENV.get("BENCH_DIR", "/tmp/mdimapd-bench")
SIZES = [int(s) for s in ENV.get("BENCH_SIZES", "1000 10000 100000").split()]
REPS = int(ENV.get("BENCH_REPS", "3"))
CHEAP = float(ENV.get("BENCH_CHEAP", "10"))
TIMEOUT = float(ENV.get("BENCH_TIMEOUT", "300"))
BUDGET = float(ENV.get("BENCH_BUDGET", "3600"))
KEEP = ENV.get("BENCH_KEEP", "0") == "1"
ONLY = ENV.get("BENCH_ONLY", "").split()
MDIMAPD = ENV["MDIMAPD"]
DOVECOT = ENV.get("DOVECOT_IMAP", "/usr/lib/dovecot/imap")
MKMAILDIR = ENV["MKMAILDIR"]
TIME = ENV.get("TIME_BIN", "/usr/bin/time")
SEED = 1
COPY_N = 1000
APPEND_N = 1000
APPEND_SIZE = 3072
DEST = "Bench-Copy"

IS_ROOT = os.geteuid() == 0
RUN_USER = "nobody" if IS_ROOT else None

FETCH_RE = re.compile(rb"^\* \d+ FETCH ", re.M)
EXPUNGE_RE = re.compile(rb"^\* \d+ EXPUNGE\r?$", re.M)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Timeout(Exception):
    pass


class ImapError(Exception):
    pass


class NotAvailable(Exception):
    """The server lacks what a workload needs (no capability, or BAD)."""
    pass


def append_message():
    """A 3 KB message with CRLF line ends, exactly APPEND_SIZE octets."""
    head = ("From: Bench Sender <sender@example.org>\r\n"
            "To: Bench User <user@bench.example.org>\r\n"
            "Subject: appended by the benchmark\r\n"
            "Date: Mon, 1 Jan 2024 12:00:00 +0000\r\n"
            "Message-ID: <append.bench@example.org>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n")
    line = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do\r\n"
    body = ""
    while len(head) + len(body) + len(line) <= APPEND_SIZE - 2:
        body += line
    msg = head + body
    msg += "x" * (APPEND_SIZE - 2 - len(msg)) + "\r\n"
    assert len(msg) == APPEND_SIZE
    return msg.encode()


APPEND_MSG = append_message()


# --- servers ---------------------------------------------------------------

class Server:
    """One server with its own copy of one Maildir."""

    def __init__(self, name, root):
        self.name = name
        self.root = root                    # BENCH_DIR/run/<name>/<size>
        self.maildir = os.path.join(root, "Maildir")

    def argv(self):
        raise NotImplementedError

    def env(self):
        return {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"}

    def setup(self):
        pass


class Mdimapd(Server):
    def argv(self):
        return [MDIMAPD, "--preauth", "-m", self.maildir, "-d"]


class Dovecot(Server):
    def setup(self):
        home = os.path.join(self.root, "home")
        os.makedirs(home, exist_ok=True)
        self.conf = os.path.join(self.root, "dovecot.conf")
        self.logf = os.path.join(self.root, "dovecot.log")
        with open(self.conf, "w") as f:
            # Defaults otherwise: mail_fsync = optimized (fsync of saved
            # mail and of the uidlist), hard links for COPY, indexes in the
            # Maildir.
            f.write("mail_location = maildir:%s\n" % self.maildir)
            f.write("log_path = %s\n" % self.logf)
            f.write("ssl = no\n")
        open(self.logf, "a").close()
        chown_tree(home)
        chown_tree(self.logf)

    def argv(self):
        return [DOVECOT, "-c", self.conf]

    def env(self):
        e = super().env()
        e["USER"] = RUN_USER or pwd.getpwuid(os.geteuid()).pw_name
        e["HOME"] = os.path.join(self.root, "home")
        return e


def chown_tree(path):
    if IS_ROOT:
        subprocess.run(["chown", "-R", "nobody:nogroup", path], check=True)


# --- one IMAP session ------------------------------------------------------

class Session:
    def __init__(self, srv):
        self.srv = srv
        # Seconds this session may spend waiting for its server, in all.
        self.budget = TIMEOUT
        self.rssfile = os.path.join(srv.root, "rss.out")
        try:
            os.unlink(self.rssfile)
        except FileNotFoundError:
            pass
        argv = [TIME, "-f", "%M", "-o", self.rssfile]
        if IS_ROOT:
            argv += ["setpriv", "--reuid=nobody", "--regid=nogroup",
                     "--clear-groups", "--"]
        argv += srv.argv()
        self.err = open(os.path.join(srv.root, "stderr.log"), "ab")
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=self.err,
                                  env=srv.env(), start_new_session=True)
        self.fd = self.p.stdout.fileno()
        self.raw = open(self.fd, "rb", buffering=0, closefd=False)
        self.rview = memoryview(bytearray(1 << 20))
        self.buf = bytearray()
        self.ntag = 0
        self.timed = 0.0
        self.timed_bytes = 0            # the server's replies to them
        greeting = self.read_line()
        if not greeting.startswith(b"* PREAUTH"):
            raise ImapError("%s: greeting %r" % (srv.name, greeting[:200]))

    def _wait(self):
        if self.budget <= 0:
            raise Timeout()
        t0 = time.monotonic()
        r, _, _ = select.select([self.fd], [], [], self.budget)
        self.budget -= time.monotonic() - t0
        if not r:
            raise Timeout()

    def _fill(self):
        self.buf += self._chunk()

    def _chunk(self):
        """What the server sent next, as bytes (read into one reused
        buffer: no 1 MB object a read)."""
        self._wait()
        k = self.raw.readinto(self.rview)
        if not k:
            raise ImapError("%s: connection closed" % self.srv.name)
        return bytes(self.rview[:k])

    def read_line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line = bytes(self.buf[:i])
                del self.buf[:i + 2]
                return line
            self._fill()

    def send(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def command(self, text, literal=None, timed=False, bad_na=False):
        """Send one command, read to its tagged reply. Returns (untagged
        bytes, tagged line). literal: appended as a LITERAL+ literal.
        text may be bytes (with its own literals). bad_na: a BAD reply
        means the server lacks the command (NotAvailable)."""
        self.ntag += 1
        tag = b"t%d" % self.ntag
        t0 = time.monotonic()
        if isinstance(text, str):
            text = text.encode()
        if literal is None:
            self.send(tag + b" " + text + b"\r\n")
        else:
            self.send(tag + b" " + text +
                      b" {%d+}\r\n" % len(literal) + literal + b"\r\n")
        tagsp = tag + b" "
        # While timed, the reply's chunks are only searched for CRLF and
        # the tag, at C speed, as they come (a client that parsed every
        # literal in Python would be slower than mdimapd, and time itself).
        # Afterwards, untimed, the reply is parsed as a client does: a
        # literal by its count; the tagged line must be where it was found.
        needle = b"\r\n" + tagsp
        chunks = [bytes(self.buf)] if self.buf else []
        del self.buf[:]
        carry, base = b"\r\n", -2     # carry's offset in the reply
        lstart = None                   # where the tagged line starts
        i = 0
        while lstart is None:
            if i == len(chunks):
                chunks.append(self._chunk())
            w = carry + chunks[i]
            j = w.find(needle)
            if j != -1:
                lstart = base + j + 2
            else:
                keep = min(len(w), len(needle) - 1)
                base += len(w) - keep
                carry = w[len(w) - keep:]
            i += 1
        rest = w[j + 2:]                # the tagged line, so far
        while b"\r\n" not in rest:
            chunks.append(self._chunk())
            rest += chunks[-1]
        end = lstart + rest.index(b"\r\n")
        if timed:
            self.timed += time.monotonic() - t0
            self.timed_bytes += end + 2
        data = b"".join(chunks)
        self.buf += data[end + 2:]
        real = tagged_line_at(data, tagsp, end + 2)
        if real != lstart:
            raise ImapError("%s: %s: the tag found at %d lies in a "
                            "literal (the reply is longer)" % (
                                self.srv.name, text[:60], lstart))
        untagged = data[:lstart]
        tagline = data[lstart:end]
        status = tagline.split(b" ", 2)[1] if b" " in tagline else b""
        if status == b"BAD" and bad_na:
            raise NotAvailable("%s: %s -> %r" % (
                self.srv.name, text.decode(errors="replace"),
                tagline[:300]))
        if status != b"OK":
            raise ImapError("%s: %s -> %r" % (
                self.srv.name, text.decode(errors="replace"),
                tagline[:300]))
        return untagged, tagline

    def capabilities(self):
        u, _ = self.command("CAPABILITY")
        caps = set()
        for m in re.finditer(rb"^\* CAPABILITY ([^\r\n]*)", u, re.M):
            caps.update(c.decode().upper() for c in m.group(1).split())
        return caps

    def logout(self):
        """LOGOUT, timed up to the server's exit. Returns peak RSS (KB)."""
        t0 = time.monotonic()
        self.ntag += 1
        try:
            self.send(b"t%d LOGOUT\r\n" % self.ntag)
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        while True:
            self._wait()
            if not os.read(self.fd, 1 << 20):
                break
        self.p.wait(timeout=max(1, self.budget))
        self.timed += time.monotonic() - t0
        self.err.close()
        with open(self.rssfile) as f:
            return int(f.read().split()[-1])

    def kill(self):
        try:
            os.killpg(self.p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.p.wait()
        self.err.close()


def tagged_line_at(data, tagsp, limit):
    """Where the first line of data[:limit] that starts with tagsp
    starts, its literals ({n}, {n+}, ~{n}) skipped by their count as a
    client reads them; None if there is none."""
    pos = 0
    cont = False                        # the line goes on after a literal
    while pos < limit:
        e = data.find(b"\r\n", pos)
        if e == -1:
            return None
        if not cont and data.startswith(tagsp, pos):
            return pos
        n = None
        if data[e - 1:e] == b"}":
            o = data.rfind(b"{", pos, e)
            digits = data[o + 1:e - 1].rstrip(b"+") if o != -1 else b""
            n = int(digits) if digits.isdigit() else None
        if n is None:
            pos, cont = e + 2, False
        else:
            pos, cont = e + 2 + n, True
    return None


def exists_of(untagged):
    m = re.findall(rb"^\* (\d+) EXISTS\r?$", untagged, re.M)
    return int(m[-1]) if m else None


def status_messages(sess, mailbox):
    u, _ = sess.command("STATUS %s (MESSAGES)" % mailbox)
    m = re.search(rb"MESSAGES (\d+)", u)
    return int(m.group(1)) if m else None


def flag_counts(untagged):
    lines = FETCH_RE.findall(untagged)
    return (len(lines), untagged.count(b"\\Seen"), untagged.count(b"\\Flagged"))


# --- workloads -------------------------------------------------------------
#
# Each returns (timed seconds, peak RSS KB, facts): facts is a dict of the
# answers that must agree between the servers (and with expectations).

def w_select(sess, st):
    yield
    u, _ = sess.command("SELECT INBOX", timed=True)
    return {"EXISTS": exists_of(u)}


def w_fetch(sess, st):
    sess.command("SELECT INBOX")
    yield
    u, _ = sess.command("UID FETCH 1:* (FLAGS)", timed=True)
    n, seen, flagged = flag_counts(u)
    return {"FETCH lines": n, "\\Seen": seen, "\\Flagged": flagged}


def w_store(sess, st):
    u, _ = sess.command("SELECT INBOX")
    exists = exists_of(u)
    yield
    sess.command("STORE 1:* +FLAGS.SILENT (\\Flagged)", timed=True)
    # untimed check that the first STORE did its work
    u, _ = sess.command("FETCH 1:* (FLAGS)")
    n1, _, f1 = flag_counts(u)
    yield
    sess.command("STORE 1:* -FLAGS.SILENT (\\Flagged)", timed=True)
    u, _ = sess.command("FETCH 1:* (FLAGS)")
    n2, _, f2 = flag_counts(u)
    return {"EXISTS": exists, "flagged after +": f1, "lines after +": n1,
            "flagged after -": f2, "lines after -": n2}


def w_copy(sess, st):
    sess.command("SELECT INBOX")
    yield
    _, tagline = sess.command("COPY 1:%d %s" % (COPY_N, DEST), timed=True)
    have_copyuid = b"COPYUID" in tagline
    return {"COPYUID": have_copyuid,
            "dest MESSAGES": status_messages(sess, DEST)}


def w_append(sess, st):
    # One at a time: each APPEND (LITERAL+, no round trip for the literal)
    # waits for its tagged OK before the next is sent. Not selected.
    before = status_messages(sess, "INBOX")
    ok = 0
    for _ in range(APPEND_N):
        yield
        _, tagline = sess.command("APPEND INBOX", literal=APPEND_MSG,
                                  timed=True)
        ok += b"APPENDUID" in tagline
    after = status_messages(sess, "INBOX")
    return {"APPENDUID": ok, "MESSAGES added": (after or 0) - (before or 0),
            "MESSAGES": after}


def w_append_selected(sess, st):
    # The same with INBOX selected: each APPEND's reply also brings the
    # new EXISTS (the server syncs the selected folder after each one).
    u, _ = sess.command("SELECT INBOX")
    before = exists_of(u)
    ok = 0
    last = before
    for _ in range(APPEND_N):
        yield
        u, tagline = sess.command("APPEND INBOX", literal=APPEND_MSG,
                                  timed=True)
        ok += b"APPENDUID" in tagline
        e = exists_of(u)
        if e is not None:
            last = e
    return {"APPENDUID": ok, "EXISTS added": last - (before or 0),
            "EXISTS": last}


def w_expunge(sess, st):
    u, _ = sess.command("SELECT INBOX")
    exists = exists_of(u)
    sess.command("STORE 1:%d +FLAGS.SILENT (\\Deleted)" % COPY_N)
    yield
    u, _ = sess.command("EXPUNGE", timed=True)
    return {"EXPUNGE lines": len(EXPUNGE_RE.findall(u)),
            "EXISTS before": exists}


# --- message workloads -----------------------------------------------------
#
# Each runs on a fresh copy (no index or cache of either server) twice: the
# first open, then a later open (a second session on the same copy, caches
# warm). The SELECT is not timed; the command is. A server that lacks the
# command (no capability, or BAD to a probe) gives "n/a".

FETCH_ENV = ["ENVELOPE", "BODYSTRUCTURE", "RFC822.SIZE", "INTERNALDATE"]
HDR_FIELDS = "HEADER.FIELDS (FROM TO SUBJECT DATE MESSAGE-ID)"
BODIES_N = 500
SEARCH_FROM = "Garcia"
SEARCH_WORD = "quokka"          # mkmaildir.c puts it in some bodies
OR_NAME = "M\u00fcller"           # RFC 2047 and raw UTF-8 in From
OR_SINCE = "1-Jul-2023"
OR_LARGER = 20000


def cmd_fetch_env(st):
    return "FETCH 1:* (%s)" % " ".join(FETCH_ENV), FETCH_ENV


def cmd_fetch_hdr(st):
    return ("FETCH 1:* (BODY.PEEK[%s])" % HDR_FIELDS,
            ["BODY[%s]" % HDR_FIELDS])


def cmd_fetch_body(st):
    n = st["master"]
    return "FETCH %d:%d (BODY.PEEK[])" % (max(1, n - BODIES_N + 1), n), \
        ["BODY[]"]


def cmd_search_or(st):
    name = OR_NAME.encode()
    return (b"SEARCH CHARSET UTF-8 OR (FROM {%d+}\r\n%s SINCE %s) "
            b"(NOT SEEN LARGER %d)" % (len(name), name, OR_SINCE.encode(),
                                       OR_LARGER))


SEARCH_CMDS = {
    "search-from": lambda st: "SEARCH FROM %s" % SEARCH_FROM,
    "search-text": lambda st: "SEARCH TEXT %s" % SEARCH_WORD,
    "search-or": cmd_search_or,
}
FETCH_CMDS = {"fetch-env": cmd_fetch_env, "fetch-hdr": cmd_fetch_hdr,
              "fetch-body": cmd_fetch_body}


def w_message(key):
    def w(sess, st):
        e = st["master"]
        if key == "sort" and "SORT" not in sess.capabilities():
            raise NotAvailable("%s: no SORT capability" % sess.srv.name)
        if key == "thread" and "THREAD=REFERENCES" not in \
                sess.capabilities():
            raise NotAvailable("%s: no THREAD=REFERENCES capability" %
                               sess.srv.name)
        sess.command("SELECT INBOX")
        if key.startswith("search"):
            # SEARCH is IMAP4rev1, not a capability: probe it (cheap: no
            # message is read)
            sess.command("UID SEARCH UID 1", bad_na=True)
        if key in FETCH_CMDS:
            cmd, items = FETCH_CMDS[key](st)
            yield
            u, _ = sess.command(cmd, timed=True)
            ans = answers.FetchAnswer(u, items)
            return {"messages": ans.n, "incomplete": ans.incomplete,
                    "answer": ans}
        if key in SEARCH_CMDS:
            yield
            u, _ = sess.command(SEARCH_CMDS[key](st), timed=True)
            ans = answers.NumbersAnswer(u, "SEARCH")
            return {"0 < hits < EXISTS": 0 < len(ans.nums) < e,
                    "hits": len(ans.nums), "answer": ans}
        if key == "sort":
            yield
            u, _ = sess.command("SORT (DATE) US-ASCII ALL", timed=True)
            ans = answers.NumbersAnswer(u, "SORT")
            return {"a permutation of 1:EXISTS":
                    sorted(ans.nums) == list(range(1, e + 1)),
                    "answer": ans}
        yield
        u, _ = sess.command("THREAD REFERENCES US-ASCII ALL", timed=True)
        ans = answers.ThreadAnswer(u)
        return {"all of 1:EXISTS once":
                sorted(ans.nums) == list(range(1, e + 1)),
                "threads": ans.threads(), "answer": ans}
    return w


MESSAGE_WORKLOADS = [
    ("FETCH ENVELOPE BODYSTRUCTURE SIZE DATE", "fetch-env"),
    ("FETCH BODY.PEEK[HEADER.FIELDS (5)]", "fetch-hdr"),
    ("FETCH BODY.PEEK[] x%d" % BODIES_N, "fetch-body"),
    ("SEARCH FROM %s" % SEARCH_FROM, "search-from"),
    ("SEARCH TEXT %s" % SEARCH_WORD, "search-text"),
    ("SEARCH OR (FROM..SINCE) (NOT SEEN LARGER)", "search-or"),
    ("SORT (DATE) US-ASCII ALL", "sort"),
    ("THREAD REFERENCES US-ASCII ALL", "thread"),
]

# Known, deliberate differences between mdimapd's answers and Dovecot's
# in these workloads (printed under the table, never hidden; each is still
# a MISMATCH in the table). None is known yet: tests/mime/DIFFERENCES.md is
# where they would be argued.
DIFFERENCES = []
# Differences of form that the comparison normalised, seen in this run.
NOTES = set()

# The commands, printed under the table.
LEGEND = [
    "FETCH 1:* (%s)" % " ".join(FETCH_ENV),
    "FETCH 1:* (BODY.PEEK[%s])" % HDR_FIELDS,
    "FETCH <last %d> (BODY.PEEK[])" % BODIES_N,
    "SEARCH CHARSET UTF-8 OR (FROM %s SINCE %s) (NOT SEEN LARGER %d)" % (
        OR_NAME, OR_SINCE, OR_LARGER),
]

# --- sync workloads --------------------------------------------------------
#
# A client that knows the folder's state reconnects after another session
# changed the flags of resync.N messages (and, in the -exp variant,
# expunged resync.N others): with QRESYNC, or with SELECT and UID FETCH
# 1:* (FLAGS). The state is made once per size and variant, untimed, on a
# fresh copy of its own (sync_servers: a first session notes UIDVALIDITY,
# HIGHESTMODSEQ and every UID's flags, a second one makes the changes);
# the timed reconnects change nothing, so every run starts from it. Each
# server's own values are used (Dovecot's modseqs are not mdimapd's).

def sync_state(srv, expunge):
    """The untimed setup on srv's fresh copy: returns resync.plan() plus
    "uidvalidity" and "modseq" (None without QRESYNC)."""
    sess = Session(srv)
    try:
        caps = sess.capabilities()
        qr = "QRESYNC" in caps
        if qr:
            sess.command("ENABLE QRESYNC")
        u, _ = sess.command("SELECT INBOX")
        uidvalidity = resync.code_number(u, "UIDVALIDITY")
        modseq = resync.code_number(u, "HIGHESTMODSEQ") if qr else None
        if uidvalidity is None or (qr and modseq is None):
            raise ImapError("%s: SELECT without UIDVALIDITY or "
                            "HIGHESTMODSEQ" % srv.name)
        u, _ = sess.command("UID FETCH 1:* (FLAGS)")
        p = resync.plan(dict(resync.fetches(u)), expunge)
        sess.logout()
        sess = None
        if expunge and "UIDPLUS" not in caps:
            raise ImapError("%s: no UIDPLUS for UID EXPUNGE" % srv.name)
        sess = Session(srv)
        sess.command("SELECT INBOX")
        for uid, op, flag in p["stores"]:
            sess.command("UID STORE %d %sFLAGS.SILENT (%s)" % (uid, op, flag))
        if p["expunged"]:
            uids = ",".join(str(u) for u in sorted(p["expunged"]))
            sess.command("UID STORE %s +FLAGS.SILENT (\\Deleted)" % uids)
            sess.command("UID EXPUNGE %s" % uids)
        sess.logout()
    except BaseException:
        if sess:
            sess.kill()
        raise
    p["uidvalidity"] = uidvalidity
    p["modseq"] = modseq
    return p


def sync_servers(srvs, master, expunge, cache):
    """Each server's copy in the state of the variant (expunge or not),
    made on first use: server objects of the same names, rooted in
    <root>/sync or <root>/sync-exp, each with .sync: the state, or
    {"error": why}."""
    if expunge in cache:
        return cache[expunge]
    out = []
    for s in srvs:
        d = type(s)(s.name, os.path.join(s.root,
                                         "sync-exp" if expunge else "sync"))
        os.makedirs(d.root)
        chown_tree(d.root)
        d.setup()
        linked_copy(master, d, s.root)
        try:
            d.sync = sync_state(d, expunge)
        except (Timeout, ImapError, OSError, ValueError,
                subprocess.TimeoutExpired) as e:
            d.sync = {"error": "sync setup: " + describe(e)}
        log("bench: %s sync state (%s): %s" % (
            s.name, "flags, expunges" if expunge else "flags",
            d.sync.get("error") or "UIDVALIDITY %s HIGHESTMODSEQ %s, "
            "changed %s, expunged %s" % (
                d.sync["uidvalidity"], d.sync["modseq"],
                sorted(d.sync["changed"]), sorted(d.sync["expunged"]))))
        out.append(d)
    cache[expunge] = out
    return out


def sync_saved(sess, key, st, facts, untagged):
    """A wrong answer is saved under BENCH_DIR/mismatch."""
    if facts["discrepancies"] != "none":
        d = os.path.join(BENCH_DIR, "mismatch")
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "%s-%d.%s" % (key, st["master"],
                                             sess.srv.name))
        with open(path, "wb") as f:
            f.write(untagged)
        log("bench: %s's answer is in %s" % (sess.srv.name, path))
    return facts


def sync_plan_of(sess):
    p = sess.srv.sync
    if "error" in p:
        raise ImapError(p["error"])
    return p


def w_resync_qresync(key):
    def w(sess, st):
        p = sync_plan_of(sess)
        if p["modseq"] is None:
            raise NotAvailable("%s: no QRESYNC capability" % sess.srv.name)
        yield
        sess.command("ENABLE QRESYNC", timed=True)
        u, _ = sess.command("SELECT INBOX (QRESYNC (%d %d))" % (
            p["uidvalidity"], p["modseq"]), timed=True)
        return sync_saved(sess, key, st, resync.check_qresync(u, p), u)
    return w


def w_resync_full(key):
    def w(sess, st):
        p = sync_plan_of(sess)
        yield
        u1, _ = sess.command("SELECT INBOX", timed=True)
        u2, _ = sess.command("UID FETCH 1:* (FLAGS)", timed=True)
        return sync_saved(sess, key, st, resync.check_full(u1, u2, p),
                          u1 + u2)
    return w


SYNC_WORKLOADS = [
    ("resync-qresync", "QRESYNC", w_resync_qresync, False),
    ("resync-full", "SELECT, UID FETCH 1:* (FLAGS)", w_resync_full, False),
    ("resync-qresync-exp", "QRESYNC", w_resync_qresync, True),
    ("resync-full-exp", "SELECT, UID FETCH 1:* (FLAGS)", w_resync_full,
     True),
]


def sync_label(name, expunge):
    return "reconnect: %s; %d flags%s" % (
        name, resync.N, ", %d expunged" % resync.N if expunge else "")


# key, [(label, function)], before each run: "copy" (a fresh copy),
# "link" (a fresh copy by hard links, linked_copy) or None (the folder as
# the workloads before left it), or "sync"/"sync-exp" (the sync state of
# that variant, made once per size: sync_servers). A workload of two phases
# is two sessions per run, two rows in the table.
WORKLOADS = [
    ("select1", [("SELECT (first open)", w_select)], "copy"),
    ("select2", [("SELECT (second open)", w_select)], None),
    ("fetch", [("UID FETCH 1:* (FLAGS)", w_fetch)], None),
    ("store", [("STORE 1:* +/-FLAGS.SILENT \\Flagged", w_store)], None),
    ("copy", [("COPY 1:%d to another folder" % COPY_N, w_copy)], None),
    ("append", [("APPEND x%d (3 KB), not selected" % APPEND_N, w_append)],
     None),
    ("append-sel", [("APPEND x%d (3 KB), INBOX selected" % APPEND_N,
                     w_append_selected)], None),
    ("expunge", [("EXPUNGE %d \\Deleted" % COPY_N, w_expunge)], None),
] + [
    (key, [(label + ", first open", w_message(key)),
           (label + ", later open", w_message(key))], "link")
    for label, key in MESSAGE_WORKLOADS
] + [
    (key, [(sync_label(name, exp), fn(key))], "sync-exp" if exp else "sync")
    for key, name, fn, exp in SYNC_WORKLOADS
]


def expected(key, st):
    """What the facts must be, given the folder's state st."""
    e = st["exists"]
    m = st["master"]
    if key in ("fetch-env", "fetch-hdr"):
        return {"messages": m, "incomplete": 0}
    if key == "fetch-body":
        return {"messages": min(BODIES_N, m), "incomplete": 0}
    if key in SEARCH_CMDS:
        return {"0 < hits < EXISTS": True}
    if key == "sort":
        return {"a permutation of 1:EXISTS": True}
    if key == "thread":
        return {"all of 1:EXISTS once": True}
    if key in ("select1", "select2"):
        return {"EXISTS": e}
    if key == "fetch":
        return {"FETCH lines": e}
    if key == "store":
        return {"EXISTS": e, "flagged after +": e, "lines after +": e,
                "flagged after -": 0, "lines after -": e}
    if key == "copy":
        return {"COPYUID": True,
                "dest MESSAGES": st["dest"] + min(COPY_N, e)}
    if key == "append":
        return {"APPENDUID": APPEND_N, "MESSAGES added": APPEND_N,
                "MESSAGES": e + APPEND_N}
    if key == "append-sel":
        return {"APPENDUID": APPEND_N, "EXISTS added": APPEND_N,
                "EXISTS": e + APPEND_N}
    if key == "expunge":
        return {"EXPUNGE lines": min(COPY_N, e), "EXISTS before": e}
    if key.startswith("resync-"):
        left = m - (resync.N if key.endswith("-exp") else 0)
        if key.startswith("resync-qresync"):
            return {"EXISTS": left, "FETCH lines": resync.N,
                    "VANISHED": m - left, "discrepancies": "none"}
        return {"EXISTS": left, "FETCH lines": left, "discrepancies": "none"}
    return {}


def advance(key, st):
    e = st["exists"]
    if key == "copy":
        st["dest"] += min(COPY_N, e)
    elif key in ("append", "append-sel"):
        st["exists"] += APPEND_N
    elif key == "expunge":
        st["exists"] -= min(COPY_N, e)


# --- Maildirs --------------------------------------------------------------

def generated(n):
    """The cached master Maildir of n messages."""
    gdir = os.path.join(BENCH_DIR, "gen", str(n))
    md = os.path.join(gdir, "Maildir")
    stamp = os.path.join(gdir, "done")
    want = "%s %d %d\n" % (ENV.get("MKMAILDIR_SUM", "?"), n, SEED)
    if os.path.exists(stamp) and open(stamp).read() == want:
        return md
    shutil.rmtree(gdir, ignore_errors=True)
    os.makedirs(gdir)
    log("bench: generating %d messages in %s" % (n, md))
    t0 = time.monotonic()
    out = subprocess.run([MKMAILDIR, md, str(n), str(SEED)], check=True,
                         stdout=subprocess.PIPE).stdout.decode().strip()
    chown_tree(md)
    log("bench: %s (%.1f s)" % (out, time.monotonic() - t0))
    with open(stamp, "w") as f:
        f.write(want)
    return md


def fresh_copy(master, srv):
    """The server's own copy (cp -a: its own files, not links)."""
    shutil.rmtree(srv.maildir, ignore_errors=True)
    subprocess.run(["cp", "-a", master, srv.maildir], check=True)
    chown_tree(srv.maildir)


def linked_copy(master, srv, home=None):
    """A fresh copy for the message workloads, quicker to make: hard links
    (cp -al) to the server's own pristine copy of the master (made once
    with cp -a, never opened by a server). Message files are never written
    in place (flags are renames, expunges unlinks), so the copy is as
    fresh as a full one: no index, no cache, and nothing the other server
    touches; and no dirty page cache being written back during the timed
    commands, as after a full copy. home: where the pristine copy is
    (srv.root by default)."""
    pristine = os.path.join(home or srv.root, "pristine")
    if not os.path.isdir(pristine):
        subprocess.run(["cp", "-a", master, pristine + ".tmp"], check=True)
        chown_tree(pristine + ".tmp")
        os.rename(pristine + ".tmp", pristine)
    shutil.rmtree(srv.maildir, ignore_errors=True)
    argv = ["cp", "-al", pristine, srv.maildir]
    if IS_ROOT:                 # the directories must be nobody's
        argv = ["setpriv", "--reuid=nobody", "--regid=nogroup",
                "--clear-groups", "--"] + argv
    subprocess.run(argv, check=True)


# --- the run ---------------------------------------------------------------

def run_lockstep(srvs, fn, st):
    """One run of a workload on every server, in lockstep: each server's
    session does its next timed step in turn (an APPEND, a STORE...), so
    that slow drifts of the machine (fsync latency above all) fall on both
    alike. Returns {server: (seconds, peak RSS KB, facts, bytes the server
    sent in reply to the timed commands)}."""
    res = {}
    live = []
    for srv in srvs:
        sess = None
        try:
            sess = Session(srv)
            live.append((srv, sess, fn(sess, st)))
        except (Timeout, ImapError, OSError) as e:
            if sess:
                sess.kill()
            res[srv.name] = (None, None, {"error": describe(e)}, None)
    while live:
        still = []
        for srv, sess, gen in live:
            try:
                next(gen)
                still.append((srv, sess, gen))
            except StopIteration as stop:
                try:
                    rss = sess.logout()
                    res[srv.name] = (sess.timed, rss, stop.value,
                                     sess.timed_bytes)
                except (Timeout, ImapError, OSError, ValueError,
                        subprocess.TimeoutExpired) as e:
                    sess.kill()
                    res[srv.name] = (None, None, {"error": describe(e)}, None)
            except NotAvailable as e:
                # not an error: the server lacks the command
                try:
                    sess.logout()
                except (Timeout, ImapError, OSError, ValueError,
                        subprocess.TimeoutExpired):
                    sess.kill()
                res[srv.name] = (None, None, {"n/a": str(e)}, None)
            except (Timeout, ImapError, OSError, ValueError) as e:
                # ValueError: an answer that does not parse
                sess.kill()
                res[srv.name] = (None, None, {"error": describe(e)}, None)
        live = still
    return res


def describe(e):
    if isinstance(e, Timeout):
        return "timeout after %g s" % TIMEOUT
    return str(e) or e.__class__.__name__


def fmt_s(v):
    if v is None:
        return "-"
    return "%.3f" % v if v < 100 else "%.1f" % v


def fmt_rss(v):
    return "-" if v is None else "%.1f" % (v / 1024.0)


def check_run(key, label, n, st, srvs, facts, problems):
    """Compare one run's facts with the expectations and between the
    servers; adds to problems. A mismatching answer is saved under
    BENCH_DIR/mismatch for a closer look."""
    exp = expected(key, st)
    for s in srvs:
        f = facts[s.name]
        if "error" in f or "n/a" in f:
            if "error" in f:
                problems.append("%s: %s" % (s.name, f["error"]))
            continue
        for k, v in exp.items():
            if f.get(k) != v:
                problems.append("%s: %s=%r, expected %r" %
                                (s.name, k, f.get(k), v))
    if len(srvs) != 2:
        return
    a, b = facts[srvs[0].name], facts[srvs[1].name]
    if any(k in f for f in (a, b) for k in ("error", "n/a")):
        return
    for nm, f in zip((srvs[0].name, srvs[1].name), (a, b)):
        if getattr(f.get("answer"), "spaced_days", 0):
            NOTES.add("%s writes INTERNALDATE's day as SP DIGIT (\" 1-Jan\"), "
                      "compared as 2DIGIT (RFC 3501 date-day-fixed allows "
                      "both)" % nm)
    rest_a = {k: v for k, v in a.items() if k != "answer"}
    rest_b = {k: v for k, v in b.items() if k != "answer"}
    if rest_a != rest_b:
        problems.append("answers differ: %r vs %r" % (rest_a, rest_b))
    if "answer" in a and a["answer"] != b["answer"]:
        names = [srvs[0].name, srvs[1].name]
        problems.append("answers differ: " +
                        a["answer"].diff(b["answer"], names))
        d = os.path.join(BENCH_DIR, "mismatch")
        os.makedirs(d, exist_ok=True)
        stem = "%s-%d-%s" % (key, n, "later" if "later" in label
                             else "first")
        for nm, f in zip(names, (a, b)):
            f["answer"].save(os.path.join(d, "%s.%s" % (stem, nm)))
        problems.append("both answers are in %s/%s.*" % (d, stem))


def run_workload(key, phases, fresh, master, n, srvs, st):
    """Up to REPS runs of one workload (each run: a fresh copy if fresh,
    then one session per phase). Returns (rows, number of problems)."""
    nph = len(phases)
    times = [{s.name: [] for s in srvs} for _ in phases]
    nbytes = [{s.name: [] for s in srvs} for _ in phases]
    rsss = [{s.name: [] for s in srvs} for _ in phases]
    na = [set() for _ in phases]
    problems = [[] for _ in phases]
    failed = [False] * nph
    for rep in range(REPS):
        for s in srvs:
            if fresh == "copy":
                fresh_copy(master, s)
            elif fresh == "link":
                linked_copy(master, s)
        stop = False
        slowest = 0
        # Who steps first alternates from run to run (mdimapd first on
        # the first): the first server's timed step follows the other's
        # untimed one (a SELECT of the whole folder, say) and runs while
        # the other's process is still there; the second's follows a
        # timed step and runs alone. At 100,000 messages that was 5 ms
        # against 6 to 9 for FETCH BODY.PEEK[] x500, later open.
        order = srvs if rep % 2 == 0 else srvs[::-1]
        for ph, (label, fn) in enumerate(phases):
            res = run_lockstep(order, fn, st)
            facts = {}
            for s in srvs:
                t, rss, f, nb = res[s.name]
                log("bench: %-7s %-36s %6d run %d: %s s, %s KB, %s" %
                    (s.name, label, n, rep + 1, fmt_s(t), rss, f))
                facts[s.name] = f
                if t is not None:
                    times[ph][s.name].append(t)
                    rsss[ph][s.name].append(rss)
                    nbytes[ph][s.name].append(nb)
                    slowest = max(slowest, t)
                elif "n/a" in f:
                    na[ph].add(s.name)
                else:
                    failed[ph] = True
                    stop = True         # a failure: do not repeat
            check_run(key, label, n, st, srvs, facts, problems[ph])
            del res, facts
        advance(key, st)
        if stop or (rep == 0 and slowest > CHEAP):
            break
        if all(len(na[ph]) == len(srvs) for ph in range(nph)):
            break                       # nobody has it: once is enough
    rows = []
    nprob = 0
    for ph, (label, _) in enumerate(phases):
        runs = max(len(v) for v in times[ph].values())
        med = {k: (statistics.median(v) if v else None)
               for k, v in times[ph].items()}
        peak = {k: (max(v) if v else None) for k, v in rsss[ph].items()}
        mbytes = {k: (statistics.median(v) if v else None)
                  for k, v in nbytes[ph].items()}
        if failed[ph]:
            check = "ERROR"
        elif problems[ph]:
            check = "MISMATCH"
        elif na[ph]:
            check = "n/a: " + ",".join(sorted(na[ph]))
        else:
            check = "ok"
        if problems[ph]:
            nprob += 1
            seen = set()
            for p in problems[ph]:
                if p not in seen:       # the same on every run: once
                    seen.add(p)
                    log("bench: %s %d: %s" % (label, n, p))
        rows.append((label, n, med, peak, runs, check, na[ph], key,
                     mbytes))
    return rows, nprob


def main():
    servers_avail = ["mdimapd"]
    if DOVECOT and os.access(DOVECOT, os.X_OK):
        servers_avail.append("dovecot")
    else:
        log("bench: no Dovecot: mdimapd only")
    unknown = set(ONLY) - set(w[0] for w in WORKLOADS)
    if unknown:
        log("bench: BENCH_ONLY: unknown workload(s) %s; known: %s" % (
            " ".join(sorted(unknown)), " ".join(w[0] for w in WORKLOADS)))
        return 2
    rows = []
    mismatches = 0
    t_start = time.monotonic()
    shutil.rmtree(os.path.join(BENCH_DIR, "mismatch"), ignore_errors=True)
    for n in SIZES:
        master = generated(n)
        srvs = []
        for name in servers_avail:
            root = os.path.join(BENCH_DIR, "run", name, str(n))
            shutil.rmtree(root, ignore_errors=True)
            os.makedirs(root)
            chown_tree(root)
            srv = Mdimapd(name, root) if name == "mdimapd" else \
                Dovecot(name, root)
            srv.setup()
            srvs.append(srv)
        st = {"exists": n, "dest": 0, "master": n}
        sync_cache = {}
        for key, phases, fresh in WORKLOADS:
            if ONLY and key not in ONLY and key != "select1":
                continue
            if time.monotonic() - t_start > BUDGET:
                # Out of time: the rest is not run (the table says so).
                for label, _ in phases:
                    log("bench: over BENCH_BUDGET (%g s): %s %d skipped" %
                        (BUDGET, label, n))
                    rows.append((label, n, {}, {}, 0, "SKIPPED", set(),
                                 key, {}))
                    mismatches += 1
                continue
            on = srvs
            if fresh in ("sync", "sync-exp"):
                on = sync_servers(srvs, master, fresh == "sync-exp",
                                  sync_cache)
                fresh = None
            r, p = run_workload(key, phases, fresh, master, n, on, st)
            rows += r
            mismatches += p
        if not KEEP:
            for s in srvs:
                shutil.rmtree(s.root, ignore_errors=True)
    print_table(rows, servers_avail)
    log("bench: total %.0f s" % (time.monotonic() - t_start))
    return 1 if mismatches else 0


def print_table(rows, servers):
    both = "dovecot" in servers
    hdr = ["workload", "msgs", "mdimapd s"]
    if both:
        hdr += ["dovecot s", "ratio"]
    hdr += ["mdimapd RSS MB"]
    if both:
        hdr += ["dovecot RSS MB"]
    hdr += ["runs", "check"]
    out = []
    for label, n, med, peak, runs, check, na, _, _ in rows:
        def t(name):
            return "n/a" if name in na else fmt_s(med.get(name))
        r = [label, str(n), t("mdimapd")]
        if both:
            m, d = med.get("mdimapd"), med.get("dovecot")
            r += [t("dovecot"),
                  "%.2f" % (m / d) if m is not None and d else "-"]
        r += [fmt_rss(peak.get("mdimapd"))]
        if both:
            r += [fmt_rss(peak.get("dovecot"))]
        r += [str(runs), check]
        out.append(r)
    print_grid(hdr, out)
    print()
    print("times: median wall seconds of the runs (workload commands to "
          "their replies, plus LOGOUT to exit)%s; RSS: peak of the server "
          "process (/usr/bin/time %%M), largest of the runs; check: answers "
          "as expected%s; n/a: the server lacks the command" % (
              "; ratio = mdimapd / dovecot" if both else "",
              " and equal for both servers (FETCH per message, "
              "SEARCH/SORT/THREAD exactly)" if both else ""))
    if any(r[0].split(",")[0] in (w[0] for w in MESSAGE_WORKLOADS)
           for r in rows):
        print("message workloads: first open = a fresh copy (no index or "
              "cache), later open = a second session on it; commands: " +
              "; ".join(LEGEND))
    if any(r[7].startswith("resync-") for r in rows):
        print("sync workloads: a client that knows the folder (UIDVALIDITY, "
              "HIGHESTMODSEQ, every UID's flags, from a first session) "
              "reconnects after another session toggled a flag on %d "
              "messages spread through it (and expunged %d others): ENABLE "
              "QRESYNC and SELECT INBOX (QRESYNC (uidvalidity modseq)), or "
              "SELECT INBOX and UID FETCH 1:* (FLAGS); that state is made "
              "once per size (untimed), each server's own modseqs" % (
                  resync.N, resync.N))
    for d in DIFFERENCES:
        print("known difference: " + d)
    for d in sorted(NOTES):
        print("normalised: " + d)
    if any(r[7].startswith("resync-") for r in rows):
        print_sync_table(rows, both)
    sys.stdout.flush()


def print_grid(hdr, out):
    """A table: the first column left-aligned, the others right."""
    widths = [max(len(x[i]) for x in [hdr] + out) for i in range(len(hdr))]

    def line(r):
        cells = []
        for i, c in enumerate(r):
            cells.append(c.ljust(widths[i]) if i == 0 else
                         c.rjust(widths[i]))
        return "  ".join(cells).rstrip()
    print(line(hdr))
    print(line(["-" * w for w in widths]))
    for r in out:
        print(line(r))


def print_sync_table(rows, both):
    """The bytes each server sent for the sync workloads, and what QRESYNC
    saves: full / QRESYNC, in time and in bytes, per server."""
    names = ["mdimapd", "dovecot"] if both else ["mdimapd"]

    def fmt_b(v):
        return "-" if v is None else "%d" % v

    def ratio(a, b):
        return "%.1f" % (a / b) if a is not None and b else "-"
    sync = [r for r in rows if r[7].startswith("resync-")]
    hdr = ["bytes sent (replies to the timed commands)", "msgs"] + \
        ["%s bytes" % nm for nm in names] + (["ratio"] if both else [])
    out = []
    for label, n, _, _, _, _, na, _, nb in sync:
        r = [label, str(n)] + ["n/a" if nm in na else fmt_b(nb.get(nm))
                               for nm in names]
        if both:
            m, d = nb.get("mdimapd"), nb.get("dovecot")
            r += ["%.2f" % (m / d) if m is not None and d else "-"]
        out.append(r)
    print()
    print_grid(hdr, out)
    by = {(r[7], r[1]): r for r in sync}
    hdr = ["full / QRESYNC (how many times more)", "msgs"]
    for nm in names:
        hdr += ["%s time" % nm, "%s bytes" % nm]
    out = []
    for full, qr, what in (
            ("resync-full", "resync-qresync", "%d flags" % resync.N),
            ("resync-full-exp", "resync-qresync-exp",
             "%d flags, %d expunged" % (resync.N, resync.N))):
        for n in sorted(set(r[1] for r in sync)):
            f, q = by.get((full, n)), by.get((qr, n))
            if not f or not q:
                continue
            r = [what, str(n)]
            for nm in names:
                r += [ratio(f[2].get(nm), q[2].get(nm)),
                      ratio(f[8].get(nm), q[8].get(nm))]
            out.append(r)
    if out:
        print()
        print_grid(hdr, out)


if __name__ == "__main__":
    sys.exit(main())
