#!/usr/bin/env python3
"""mdcheck.py: check a Maildir folder on disk, or list it through IMAP.

  mdcheck.py disk DIR
      DIR is one Maildir folder (the root for INBOX, or .Name). Checks
      dovecot-uidlist (version 3 header with V, N and G; records
      "<uid> [fields] :<base>" with UIDs strictly increasing; every line
      complete) and the files in cur/ and new/ (regular files only; no base
      name twice, no UID given to two files). Prints one line per problem,
      then "uidvalidity=V nextuid=N records=R files=F unnumbered=U" where
      nextuid is the larger of the header's N and the last UID + 1 and
      unnumbered counts files without a record. Exit status 1 if any
      problem was found.

  mdcheck.py ids DIR...
      The Message-ID of every message file in the folders DIR (cur/ and
      new/), one per line as "<count> <message-id>", sorted.

  mdcheck.py literal N <RAW
      The Nth literal ({n} announced at the end of a line, counted from 1)
      in a raw IMAP response stream, written out byte for byte.

  mdcheck.py imap [-t SECONDS] [-e] [-x] MAILBOX -- COMMAND [ARG...]
      Start COMMAND (an IMAP server on stdin/stdout, preauthenticated),
      SELECT (EXAMINE with -e) MAILBOX and UID FETCH 1:* (FLAGS
      BODY.PEEK[]), and print
          UIDVALIDITY <n>
          UIDNEXT <n>
          EXISTS <n>
          <uid> (<flags, sorted>) <message-id>
      one line per message in sequence order (\\Recent, which belongs to
      one session, left out). With -x each line also ends in the
      message's RFC822.SIZE and its INTERNALDATE in quotes (in UTC, the
      day with two digits). Problems (UIDs not strictly
      increasing, a tagged NO/BAD, a timeout) are printed as "ERROR ..."
      and make the exit status 1.
"""
import datetime
import glob
import os
import re
import select
import stat
import subprocess
import sys
import time


def msgid_of(data):
    head = data.split(b'\n\n', 1)[0].split(b'\r\n\r\n', 1)[0]
    m = re.search(rb'(?im)^message-id:[ \t]*(\S+)', head)
    return m.group(1).decode('ascii', 'replace') if m else '-'


def date_norm(quoted):
    """An INTERNALDATE as UTC, day written with two digits (" 1-Jan" and
    "01-Jan" are the same date-day-fixed)."""
    try:
        t = datetime.datetime.strptime(quoted.strip('"').strip(),
                                       '%d-%b-%Y %H:%M:%S %z')
    except ValueError:
        return quoted
    return t.astimezone(datetime.timezone.utc).strftime(
        '"%d-%b-%Y %H:%M:%S +0000"')


def base_of(name):
    return name.split(':', 1)[0]


def check_disk(d):
    problems = []
    uidvalidity = 0
    header_n = 0
    last = 0
    recs = {}
    path = os.path.join(d, 'dovecot-uidlist')
    if os.path.exists(path):
        data = open(path, 'rb').read()
        if data and not data.endswith(b'\n'):
            problems.append('uidlist: last line has no newline')
        lines = data.decode('utf-8', 'surrogateescape').split('\n')
        if lines and lines[-1] == '':
            lines.pop()
        if not lines:
            problems.append('uidlist: empty')
        else:
            h = lines[0].split(' ')
            if h[0] != '3':
                problems.append('uidlist: header is not version 3: %r' %
                                lines[0])
            fields = {f[:1]: f[1:] for f in h[1:] if f}
            try:
                uidvalidity = int(fields['V'])
                header_n = int(fields['N'])
                if not re.fullmatch(r'[0-9a-f]{32}', fields['G']):
                    raise ValueError
            except (KeyError, ValueError):
                problems.append('uidlist: bad header %r' % lines[0])
            if uidvalidity == 0:
                problems.append('uidlist: UIDVALIDITY 0')
            for ln in lines[1:]:
                m = re.fullmatch(r'([1-9][0-9]*) (?:[A-Za-z][^ :]* )*:([^/:]+)',
                                 ln)
                if not m:
                    problems.append('uidlist: bad line %r' % ln)
                    continue
                uid = int(m.group(1))
                if uid <= last:
                    problems.append('uidlist: UID %d after %d' % (uid, last))
                last = max(last, uid)
                if m.group(2) in recs:
                    problems.append('uidlist: %s listed twice (UIDs %d %d)' %
                                    (m.group(2), recs[m.group(2)], uid))
                recs[m.group(2)] = uid
    files = {}
    for sub in ('new', 'cur'):
        for name in os.listdir(os.path.join(d, sub)):
            if name.startswith('.'):
                continue
            st = os.lstat(os.path.join(d, sub, name))
            if not stat.S_ISREG(st.st_mode):
                continue
            b = base_of(name)
            if b in files:
                problems.append('file: base %s twice (%s, %s)' %
                                (b, files[b], sub + '/' + name))
            files[b] = sub + '/' + name
    unnumbered = 0
    uid_files = {}
    for b in files:
        if b not in recs:
            unnumbered += 1
            continue
        uid_files.setdefault(recs[b], []).append(b)
    for uid, bs in uid_files.items():
        if len(bs) > 1:
            problems.append('UID %d has files %s' % (uid, bs))
    for p in problems:
        print(p)
    print('uidvalidity=%d nextuid=%d records=%d files=%d unnumbered=%d' %
          (uidvalidity, max(header_n, last + 1), len(recs), len(files),
           unnumbered))
    return 1 if problems else 0


def ids(dirs):
    count = {}
    for d in dirs:
        for sub in ('new', 'cur'):
            for path in glob.glob(os.path.join(d, sub, '*')):
                if not os.path.isfile(path) or os.path.islink(path):
                    continue
                with open(path, 'rb') as f:
                    mid = msgid_of(f.read(65536))
                count[mid] = count.get(mid, 0) + 1
    for mid in sorted(count):
        print(count[mid], mid)
    return 0


class Conn:
    def __init__(self, argv, timeout):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, bufsize=0)
        self.buf = b''
        self.deadline = time.monotonic() + timeout

    def fill(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        r, _, _ = select.select([self.p.stdout], [], [], left)
        if not r:
            raise TimeoutError
        data = os.read(self.p.stdout.fileno(), 1 << 20)
        if not data:
            raise EOFError
        self.buf += data

    def line(self):
        while b'\r\n' not in self.buf:
            self.fill()
        i = self.buf.index(b'\r\n') + 2
        ln, self.buf = self.buf[:i], self.buf[i:]
        return ln

    def nbytes(self, n):
        while len(self.buf) < n:
            self.fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def response(self):
        """(text with literals replaced by {n}, [literal data...])"""
        text = b''
        lits = []
        while True:
            ln = self.line()
            m = re.search(rb'\{(\d+)\}\r\n$', ln)
            if not m:
                return text + ln[:-2], lits
            text += ln[:-2]
            lits.append(self.nbytes(int(m.group(1))))

    def command(self, tag, cmd):
        self.p.stdin.write(b'%s %s\r\n' % (tag, cmd))
        self.p.stdin.flush()
        out = []
        while True:
            text, lits = self.response()
            if text.startswith(tag + b' '):
                return text, out
            out.append((text, lits))


def imap_list(args):
    timeout = 30.0
    examine = False
    extra = False
    while args and args[0] in ('-t', '-e', '-x'):
        if args[0] == '-t':
            timeout = float(args[1])
            args = args[2:]
        elif args[0] == '-e':
            examine = True
            args = args[1:]
        else:
            extra = True
            args = args[1:]
    if len(args) < 3 or args[1] != '--':
        sys.exit(__doc__)
    mailbox = args[0].encode()
    c = Conn(args[2:], timeout)
    errors = 0
    try:
        c.line()
        tagged, out = c.command(b'a', (b'EXAMINE ' if examine else
                                       b'SELECT ') + mailbox)
        if not re.match(rb'a OK', tagged):
            print('ERROR select: %s' % tagged.decode())
            return 1
        info = {}
        for text, _ in out:
            m = re.match(rb'\* OK \[(UIDVALIDITY|UIDNEXT) (\d+)\]', text)
            if m:
                info[m.group(1).decode()] = int(m.group(2))
            m = re.match(rb'\* (\d+) EXISTS', text)
            if m:
                info['EXISTS'] = int(m.group(1))
        for k in ('UIDVALIDITY', 'UIDNEXT', 'EXISTS'):
            print(k, info.get(k, '?'))
        if info.get('EXISTS', 0) == 0:
            c.command(b'z', b'LOGOUT')
            return 0
        tagged, out = c.command(b'b', b'UID FETCH 1:* (FLAGS BODY.PEEK[]'
                                + (b' RFC822.SIZE INTERNALDATE)' if extra
                                   else b')'))
        if not tagged.startswith(b'b OK'):
            print('ERROR fetch: %s' % tagged.decode())
            errors += 1
        last = 0
        seq = 0
        for text, lits in out:
            m = re.match(rb'\* (\d+) FETCH \((.*)', text)
            if not m:
                continue
            seq += 1
            if int(m.group(1)) != seq:
                print('ERROR sequence number %s, expected %d' %
                      (m.group(1).decode(), seq))
                errors += 1
            um = re.search(rb'UID (\d+)', text)
            fm = re.search(rb'FLAGS \(([^)]*)\)', text)
            uid = int(um.group(1)) if um else 0
            if uid <= last:
                print('ERROR UID %d after %d' % (uid, last))
                errors += 1
            last = uid
            flags = sorted(f for f in fm.group(1).decode().split()
                           if f.lower() != '\\recent') if fm else ['?']
            line = '%d (%s) %s' % (uid, ' '.join(flags),
                                   msgid_of(lits[0]) if lits else '?')
            if extra:
                sm = re.search(rb'RFC822\.SIZE (\d+)', text)
                dm = re.search(rb'INTERNALDATE ("[^"]*")', text)
                line += ' %s %s' % (sm.group(1).decode() if sm else '?',
                                    date_norm(dm.group(1).decode())
                                    if dm else '?')
            print(line)
        c.command(b'z', b'LOGOUT')
    except (TimeoutError, EOFError) as e:
        print('ERROR %s' % type(e).__name__)
        errors += 1
    finally:
        try:
            c.p.stdin.close()
        except OSError:
            pass
        try:
            c.p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            c.p.kill()
            c.p.wait()
    return 1 if errors else 0


def literal(n):
    data = sys.stdin.buffer.read()
    pos = 0
    k = 0
    while True:
        m = re.compile(rb'\{(\d+)\}\r\n').search(data, pos)
        if not m:
            sys.exit('mdcheck: no literal %d' % n)
        size = int(m.group(1))
        k += 1
        if k == n:
            sys.stdout.buffer.write(data[m.end():m.end() + size])
            return 0
        pos = m.end() + size


def main():
    a = sys.argv[1:]
    if not a:
        sys.exit(__doc__)
    if a[0] == 'disk' and len(a) == 2:
        sys.exit(check_disk(a[1]))
    if a[0] == 'literal' and len(a) == 2:
        sys.exit(literal(int(a[1])))
    if a[0] == 'ids':
        sys.exit(ids(a[1:]))
    if a[0] == 'imap':
        sys.exit(imap_list(a[1:]))
    sys.exit(__doc__)


if __name__ == '__main__':
    main()
