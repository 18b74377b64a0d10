#!/usr/bin/env python3
"""imapc.py: a scripted IMAP client for tests/login.bats and launchers.bats.

    imapc.py [--timeout S] --connect HOST:PORT STEP...
    imapc.py [--timeout S] --exec [--stderr FILE] STEP... -- COMMAND [ARGS...]

--connect talks TCP; --exec starts COMMAND with a socketpair as its fd 0
and fd 1 (as inetd does) and its stderr on ours (or appended to FILE),
and knows its pid.

Every line received is printed with its CRLF removed; a line that does not
end in CRLF is printed as "MISSING CR: <line>". Steps, in order:

  send:TEXT      send TEXT + CRLF in one write; backslash escapes
                 (\\r \\n \\x00 ...) in TEXT are decoded first
  raw:TEXT       the same without the CRLF
  fill:C:N       send the character C N times (from a writer thread, so a
                 server that answers early cannot deadlock us)
  plain:AUTHZ:USER:PASS
                 send the base64 of AUTHZ NUL USER NUL PASS + CRLF
  line           read and print one line
  upto:TAG       read and print lines until one starts with "TAG "
  eof            read and print until the server closes; print "EOF"
  shut           close our sending side
  sleep:S        wait S seconds
  mark           remember the time
  elapsed_ms     print "elapsed_ms=N": milliseconds since mark
  status         print the Uid, Gid, Groups, CapPrm and CapEff lines of
                 /proc/PID/status of the started process (--exec only)
  childstatus    the same for its one child (the pre-login process), or
                 "children: none"
  childroot      print "root=DIR": the root directory of that child
  childfds       print "fd N: TARGET" for each of its descriptors ("3+"
                 for N from 3 on; "socket" for any socket)
  wait           wait for the started process; print "exit=N" (or
                 "signal=N")
  rss            print "maxrss_kb=N": the largest resident set of the
                 started process and its descendants (after wait)

A read that takes longer than --timeout (default 20 s) prints "TIMEOUT"
and exits with status 3. On exit the started process is killed if still
running.
"""
import base64
import codecs
import os
import resource
import socket
import subprocess
import sys
import threading
import time


class Conn:
    def __init__(self, sock, timeout):
        self.sock = sock
        self.timeout = timeout
        self.buf = b""
        self.eof = False
        self.writers = []

    def write(self, data):
        # Writes go out in order: wait for a fill still being sent.
        for t in self.writers:
            t.join()
        self.writers = []
        self._write(data)

    def _write(self, data):
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def write_bg(self, data):
        for t in self.writers:
            t.join()
        t = threading.Thread(target=self._write, args=(data,), daemon=True)
        t.start()
        self.writers.append(t)

    def _fill(self):
        deadline = time.monotonic() + self.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                print("TIMEOUT")
                sys.stdout.flush()
                raise SystemExit(3)
            self.sock.settimeout(left)
            try:
                d = self.sock.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                d = b""
            if not d:
                self.eof = True
                return False
            self.buf += d
            return True

    def readline(self):
        """A line with its ending, or None at EOF (a partial last line
        is returned as it is)."""
        while b"\n" not in self.buf:
            if not self._fill():
                if self.buf:
                    line, self.buf = self.buf, b""
                    return line
                return None
        i = self.buf.index(b"\n") + 1
        line, self.buf = self.buf[:i], self.buf[i:]
        return line


def show(line):
    text = line.decode("utf-8", "replace")
    if text.endswith("\r\n"):
        print(text[:-2])
    else:
        print("MISSING CR: " + text.rstrip("\n"))
    sys.stdout.flush()


def proc_status(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for l in f:
                if l.split(":")[0] in ("Uid", "Gid", "Groups", "CapPrm",
                                       "CapEff"):
                    print(" ".join(l.split()))
    except OSError as e:
        print("status of %d: %s" % (pid, e))
    sys.stdout.flush()


def children(pid):
    kids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses
        fields = st[st.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            kids.append(int(d))
    return kids


def main(argv):
    timeout = 20.0
    target = None
    cmd = None
    errfile = None
    steps = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--timeout":
            timeout = float(argv[i + 1])
            i += 2
        elif a == "--connect":
            target = argv[i + 1]
            i += 2
        elif a == "--stderr":
            errfile = argv[i + 1]
            i += 2
        elif a == "--exec":
            target = "exec"
            i += 1
        elif a == "--":
            cmd = argv[i + 1:]
            break
        else:
            steps.append(a)
            i += 1
    proc = None
    err = None
    if target == "exec":
        if not cmd:
            sys.exit("imapc.py: --exec needs -- COMMAND")
        ours, theirs = socket.socketpair()
        if errfile:
            err = open(errfile, "ab")
        proc = subprocess.Popen(cmd, stdin=theirs, stdout=theirs,
                                stderr=err, close_fds=True)
        theirs.close()
        sock = ours
    elif target:
        host, port = target.rsplit(":", 1)
        sock = socket.create_connection((host.strip("[]"), int(port)),
                                        timeout=timeout)
    else:
        sys.exit(__doc__)
    c = Conn(sock, timeout)
    t0 = time.monotonic()
    try:
        for st in steps:
            name, _, arg = st.partition(":")
            if name == "send":
                c.write(codecs.decode(arg, "unicode_escape")
                        .encode("latin-1") + b"\r\n")
            elif name == "raw":
                c.write(codecs.decode(arg, "unicode_escape")
                        .encode("latin-1"))
            elif name == "fill":
                ch, n = arg.split(":")
                c.write_bg(ch.encode() * int(n))
            elif name == "plain":
                z, u, p = arg.split(":")
                c.write(base64.b64encode(
                    b"\0".join(x.encode() for x in (z, u, p))) + b"\r\n")
            elif name == "line":
                l = c.readline()
                if l is None:
                    print("EOF")
                else:
                    show(l)
            elif name == "upto":
                while True:
                    l = c.readline()
                    if l is None:
                        print("EOF")
                        break
                    show(l)
                    if l.startswith(arg.encode() + b" "):
                        break
            elif name == "eof":
                while True:
                    l = c.readline()
                    if l is None:
                        break
                    show(l)
                print("EOF")
            elif name == "shut":
                try:
                    sock.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
            elif name == "sleep":
                time.sleep(float(arg))
            elif name == "mark":
                t0 = time.monotonic()
            elif name == "elapsed_ms":
                print("elapsed_ms=%d" % ((time.monotonic() - t0) * 1000))
            elif name == "status":
                proc_status(proc.pid)
            elif name == "childstatus":
                kids = children(proc.pid)
                if not kids:
                    print("children: none")
                elif len(kids) != 1:
                    print("children of %d: %r" % (proc.pid, kids))
                else:
                    proc_status(kids[0])
            elif name == "childfds":
                for k in children(proc.pid):
                    d = "/proc/%d/fd" % k
                    for fd in sorted(int(x) for x in os.listdir(d)):
                        t = os.readlink("%s/%d" % (d, fd))
                        if t.startswith("socket:"):
                            t = "socket"
                        print("fd %s: %s" % (fd if fd < 3 else "3+", t))
            elif name == "childroot":
                kids = children(proc.pid)
                for k in kids:
                    print("root=" + os.readlink("/proc/%d/root" % k))
            elif name == "wait":
                sock.close()
                try:
                    rc = proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    print("TIMEOUT")
                    raise SystemExit(3)
                print("exit=%d" % rc if rc >= 0 else "signal=%d" % -rc)
            elif name == "rss":
                ru = resource.getrusage(resource.RUSAGE_CHILDREN)
                print("maxrss_kb=%d" % ru.ru_maxrss)
            else:
                sys.exit("imapc.py: unknown step " + st)
            sys.stdout.flush()
    finally:
        try:
            sock.close()
        except OSError:
            pass
        if proc is not None and proc.poll() is None:
            try:
                proc.wait(2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


if __name__ == "__main__":
    main(sys.argv[1:])
