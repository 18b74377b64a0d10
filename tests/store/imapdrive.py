#!/usr/bin/env python3
"""imapdrive.py: drive several IMAP sessions step by step from one script.

Usage: imapdrive.py [-t SECONDS] [-s PREFIX] NAMES -- COMMAND [ARG...] <script

NAMES is a comma-separated list of session names (A,B); each session is one
COMMAND process (e.g. mdimapd --preauth -m DIR) speaking IMAP on its stdin
and stdout. The greeting of each is read and checked (it must be "* PREAUTH"
or "* OK") but not printed. Script lines, one step each, in order:

  A tag COMMAND ARGS    send "tag COMMAND ARGS" CRLF to session A and print
                        every response line up to its tagged reply
  A> tag COMMAND ARGS   send it, but do not wait for the answer yet
  A< tag                print A's responses up to tag's tagged reply
  ! SHELL COMMAND       run a shell command (bash -c, after PREFIX: words
                        such as "setpriv --reuid=nobody --"), its output
                        printed
  # comment, or empty   ignored

In a command, {{TEXT}} is sent as a non-synchronizing literal {N+} holding
TEXT, and [[TEXT]] as a synchronizing literal {N} (the "+" continuation is
awaited and printed). In TEXT, \\n is LF, \\r CR, \\\\ a backslash, and
\\xHH any octet.

Responses are printed with each line prefixed "A: " and its CRLF removed; a
line that did not end in CRLF is printed as "A: MISSING CR: ...". Literals
in responses are read by their announced length. A session that does not
answer within SECONDS (default 10) is reported as "A: TIMEOUT" and the
driver exits 2. At the end every session gets LOGOUT-less EOF and is
waited for (killed after SECONDS); the exit status is 0 unless something
timed out.
"""
import os
import re
import select
import subprocess
import sys
import time

TIMEOUT = 10.0


def unescape(text):
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == '\\' and i + 1 < len(text):
            n = text[i + 1]
            if n == 'n':
                out += b'\n'
                i += 2
                continue
            if n == 'r':
                out += b'\r'
                i += 2
                continue
            if n == '\\':
                out += b'\\'
                i += 2
                continue
            if n == 'x' and i + 4 <= len(text):
                out.append(int(text[i + 2:i + 4], 16))
                i += 4
                continue
        out += c.encode('utf-8')
        i += 1
    return bytes(out)


class Session:
    def __init__(self, name, argv):
        self.name = name
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, bufsize=0)
        self.buf = b''
        self.eof = False

    def fill(self, deadline):
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if r:
                data = os.read(self.p.stdout.fileno(), 65536)
                if not data:
                    self.eof = True
                    raise EOFError
                self.buf += data
                return

    def read_line(self, deadline):
        """One physical line including its CRLF/LF, or what is left at EOF."""
        while b'\n' not in self.buf:
            try:
                self.fill(deadline)
            except EOFError:
                line, self.buf = self.buf, b''
                return line
        i = self.buf.index(b'\n') + 1
        line, self.buf = self.buf[:i], self.buf[i:]
        return line

    def read_bytes(self, n, deadline):
        while len(self.buf) < n:
            try:
                self.fill(deadline)
            except EOFError:
                break
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_response(self, deadline):
        """A whole response: lines joined through literals. b'' at EOF."""
        resp = b''
        while True:
            line = self.read_line(deadline)
            if not line:
                return resp
            resp += line
            m = re.search(rb'\{(\d+)\}\r?\n$', line)
            if not m:
                return resp
            resp += self.read_bytes(int(m.group(1)), deadline)

    def send(self, data):
        try:
            self.p.stdin.write(data)
            self.p.stdin.flush()
        except BrokenPipeError:
            self.eof = True


def show(name, resp):
    text = resp.decode('utf-8', 'replace')
    parts = text.split('\r\n')
    last = parts.pop()
    for p in parts:
        if '\n' in p:
            for q in p.split('\n'):
                print('%s: MISSING CR: %s' % (name, q))
        else:
            print('%s: %s' % (name, p))
    if last:
        for q in last.split('\n'):
            if q:
                print('%s: MISSING CR: %s' % (name, q))
    sys.stdout.flush()


LIT = re.compile(r'\{\{(.*?)\}\}|\[\[(.*?)\]\]')


def wait_tagged(s, tag):
    deadline = time.monotonic() + TIMEOUT
    while True:
        resp = s.read_response(deadline)
        if not resp:
            show(s.name, b'EOF\r\n')
            return
        show(s.name, resp)
        if resp.startswith(tag.encode() + b' '):
            return


def run_command(s, text, wait=True):
    """Send one command (with its literals) and print up to its tagged reply."""
    tag = text.split(' ', 1)[0]
    pieces = []
    pos = 0
    for m in LIT.finditer(text):
        pieces.append(('text', text[pos:m.start()].encode()))
        if m.group(1) is not None:
            pieces.append(('nonsync', unescape(m.group(1))))
        else:
            pieces.append(('sync', unescape(m.group(2))))
        pos = m.end()
    pieces.append(('text', text[pos:].encode() + b'\r\n'))
    deadline = time.monotonic() + TIMEOUT
    out = b''
    for kind, data in pieces:
        if kind == 'text':
            out += data
        elif kind == 'nonsync':
            out += b'{%d+}\r\n' % len(data) + data
        else:
            s.send(out + b'{%d}\r\n' % len(data))
            out = b''
            # wait for the continuation (or a tagged refusal)
            while True:
                resp = s.read_response(deadline)
                if not resp:
                    show(s.name, b'EOF\r\n')
                    return
                show(s.name, resp)
                if resp.startswith(b'+'):
                    break
                if resp.startswith(tag.encode() + b' '):
                    return
            out = data
    s.send(out)
    if wait:
        wait_tagged(s, tag)


def main():
    global TIMEOUT
    args = sys.argv[1:]
    prefix = []
    while len(args) >= 2 and args[0] in ('-t', '-s'):
        if args[0] == '-t':
            TIMEOUT = float(args[1])
        else:
            prefix = args[1].split()
        args = args[2:]
    if len(args) < 3 or args[1] != '--':
        sys.exit(__doc__)
    names = args[0].split(',')
    argv = args[2:]
    sessions = {}
    status = 0
    name = '?'
    try:
        for n in names:
            name = n
            s = Session(n, argv)
            sessions[n] = s
            g = s.read_line(time.monotonic() + TIMEOUT)
            if not (g.startswith(b'* PREAUTH') or g.startswith(b'* OK')):
                show(n, b'BAD GREETING: ' + g)
                status = 1
        for raw in sys.stdin:
            line = raw.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            if line.startswith('! '):
                r = subprocess.run(prefix + ['bash', '-c', line[2:]],
                                   timeout=60,
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT)
                sys.stdout.write(r.stdout.decode('utf-8', 'replace'))
                sys.stdout.flush()
                continue
            name, _, cmd = line.partition(' ')
            mode = ''
            if name[-1:] in ('>', '<'):
                name, mode = name[:-1], name[-1]
            if name not in sessions:
                sys.exit('imapdrive: unknown session %r' % name)
            if mode == '<':
                wait_tagged(sessions[name], cmd.strip())
            else:
                run_command(sessions[name], cmd, wait=mode != '>')
    except TimeoutError:
        print('%s: TIMEOUT' % name)
        status = 2
    finally:
        for s in sessions.values():
            try:
                s.p.stdin.close()
            except OSError:
                pass
            try:
                s.p.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                s.p.kill()
                s.p.wait()
                status = 2
    sys.exit(status)


if __name__ == '__main__':
    main()
