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
fsync latency above all, fall on both alike. Each workload runs up to
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

ENV = os.environ
BENCH_DIR = ENV.get("BENCH_DIR", "/tmp/mdimapd-bench")
SIZES = [int(s) for s in ENV.get("BENCH_SIZES", "1000 10000 100000").split()]
REPS = int(ENV.get("BENCH_REPS", "3"))
CHEAP = float(ENV.get("BENCH_CHEAP", "10"))
TIMEOUT = float(ENV.get("BENCH_TIMEOUT", "300"))
BUDGET = float(ENV.get("BENCH_BUDGET", "1200"))
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
        self.buf = bytearray()
        self.ntag = 0
        self.timed = 0.0
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
        self._wait()
        data = os.read(self.fd, 1 << 20)
        if not data:
            raise ImapError("%s: connection closed" % self.srv.name)
        self.buf += data

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

    def command(self, text, literal=None, timed=False):
        """Send one command, read to its tagged reply. Returns (untagged
        bytes, tagged line). literal: appended as a LITERAL+ literal."""
        self.ntag += 1
        tag = b"t%d" % self.ntag
        t0 = time.monotonic()
        if literal is None:
            self.send(tag + b" " + text.encode() + b"\r\n")
        else:
            self.send(tag + b" " + text.encode() +
                      b" {%d+}\r\n" % len(literal) + literal + b"\r\n")
        tagsp = tag + b" "
        needle = b"\r\n" + tagsp
        start = 0
        while True:
            lstart = None
            if self.buf.startswith(tagsp):
                lstart = 0
            else:
                i = self.buf.find(needle, start)
                if i == -1:
                    start = max(0, len(self.buf) - len(needle) + 1)
                else:
                    lstart = i + 2
            if lstart is not None:
                end = self.buf.find(b"\r\n", lstart)
                if end != -1:
                    break
            self._fill()
        untagged = bytes(self.buf[:lstart])
        tagline = bytes(self.buf[lstart:end])
        del self.buf[:end + 2]
        if timed:
            self.timed += time.monotonic() - t0
        status = tagline.split(b" ", 2)[1] if b" " in tagline else b""
        if status != b"OK":
            raise ImapError("%s: %s -> %r" % (self.srv.name, text,
                                              tagline[:300]))
        return untagged, tagline

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


# name, function, fresh copy before each run
WORKLOADS = [
    ("SELECT (first open)", "select1", w_select, True),
    ("SELECT (second open)", "select2", w_select, False),
    ("UID FETCH 1:* (FLAGS)", "fetch", w_fetch, False),
    ("STORE 1:* +/-FLAGS.SILENT \\Flagged", "store", w_store, False),
    ("COPY 1:%d to another folder" % COPY_N, "copy", w_copy, False),
    ("APPEND x%d (3 KB), not selected" % APPEND_N, "append", w_append,
     False),
    ("APPEND x%d (3 KB), INBOX selected" % APPEND_N, "append-sel",
     w_append_selected, False),
    ("EXPUNGE %d \\Deleted" % COPY_N, "expunge", w_expunge, False),
]


def expected(key, st):
    """What the facts must be, given the folder's state st."""
    e = st["exists"]
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


# --- the run ---------------------------------------------------------------

def run_lockstep(srvs, fn, st):
    """One run of a workload on every server, in lockstep: each server's
    session does its next timed step in turn (an APPEND, a STORE...), so
    that slow drifts of the machine (fsync latency above all) fall on both
    alike. Returns {server: (seconds, peak RSS KB, facts)}."""
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
            res[srv.name] = (None, None, {"error": describe(e)})
    while live:
        still = []
        for srv, sess, gen in live:
            try:
                next(gen)
                still.append((srv, sess, gen))
            except StopIteration as stop:
                try:
                    rss = sess.logout()
                    res[srv.name] = (sess.timed, rss, stop.value)
                except (Timeout, ImapError, OSError, ValueError,
                        subprocess.TimeoutExpired) as e:
                    sess.kill()
                    res[srv.name] = (None, None, {"error": describe(e)})
            except (Timeout, ImapError, OSError) as e:
                sess.kill()
                res[srv.name] = (None, None, {"error": describe(e)})
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


def main():
    servers_avail = ["mdimapd"]
    if DOVECOT and os.access(DOVECOT, os.X_OK):
        servers_avail.append("dovecot")
    else:
        log("bench: no Dovecot: mdimapd only")
    rows = []
    mismatches = 0
    t_start = time.monotonic()
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
        st = {"exists": n, "dest": 0}
        for label, key, fn, fresh in WORKLOADS:
            if ONLY and key not in ONLY and key != "select1":
                continue
            if time.monotonic() - t_start > BUDGET:
                # Out of time: the rest is not run (the table says so).
                log("bench: over BENCH_BUDGET (%g s): %s %d skipped" %
                    (BUDGET, label, n))
                rows.append((label, n, {}, {}, 0, "SKIPPED"))
                mismatches += 1
                continue
            times = {s.name: [] for s in srvs}
            rsss = {s.name: [] for s in srvs}
            problems = []
            failed = False
            for rep in range(REPS):
                exp = expected(key, st)
                if fresh:
                    for s in srvs:
                        fresh_copy(master, s)
                facts = {}
                res = run_lockstep(srvs, fn, st)
                for s in srvs:
                    t, rss, f = res[s.name]
                    log("bench: %-7s %-36s %6d run %d: %s s, %s KB, %s" %
                        (s.name, label, n, rep + 1, fmt_s(t), rss, f))
                    if t is not None:
                        times[s.name].append(t)
                        rsss[s.name].append(rss)
                    facts[s.name] = f
                for s in srvs:
                    f = facts[s.name]
                    if "error" in f:
                        problems.append("%s: %s" % (s.name, f["error"]))
                        failed = True
                        continue
                    for k, v in exp.items():
                        if f.get(k) != v:
                            problems.append("%s: %s=%r, expected %r" %
                                            (s.name, k, f.get(k), v))
                if len(srvs) == 2:
                    a, b = facts[srvs[0].name], facts[srvs[1].name]
                    if "error" not in a and "error" not in b and a != b:
                        problems.append("answers differ: %r vs %r" % (a, b))
                advance(key, st)
                slowest = max([times[s.name][-1] for s in srvs
                               if times[s.name]] or [0])
                if any(len(times[s.name]) <= rep for s in srvs):
                    break           # a failure: do not repeat
                if rep == 0 and slowest > CHEAP:
                    break
            runs = max(len(v) for v in times.values())
            med = {k: (statistics.median(v) if v else None)
                   for k, v in times.items()}
            peak = {k: (max(v) if v else None) for k, v in rsss.items()}
            check = "ERROR" if failed else "MISMATCH" if problems else "ok"
            if problems:
                mismatches += 1
                for p in problems:
                    log("bench: %s %d: %s" % (label, n, p))
            rows.append((label, n, med, peak, runs, check))
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
    for label, n, med, peak, runs, check in rows:
        r = [label, str(n), fmt_s(med.get("mdimapd"))]
        if both:
            m, d = med.get("mdimapd"), med.get("dovecot")
            r += [fmt_s(d), "%.2f" % (m / d) if m is not None and d else "-"]
        r += [fmt_rss(peak.get("mdimapd"))]
        if both:
            r += [fmt_rss(peak.get("dovecot"))]
        r += [str(runs), check]
        out.append(r)
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
    print()
    print("times: median wall seconds of the runs (workload commands to "
          "their replies, plus LOGOUT to exit)%s; RSS: peak of the server "
          "process (/usr/bin/time %%M), largest of the runs; check: answers "
          "as expected%s" % ("; ratio = mdimapd / dovecot" if both else "",
                             " and equal for both servers" if both else ""))
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
