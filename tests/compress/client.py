#!/usr/bin/env python3
"""client.py: drive an IMAP server through COMPRESS=DEFLATE (RFC 4978).

Usage: client.py [-t SECONDS] [-r] -- COMMAND [ARG...] <script

COMMAND (e.g. mdimapd --preauth -m DIR) speaks IMAP on its stdin and
stdout. Every line it sends is printed, inflated once compression is on,
with its CRLF removed ("MISSING CR: ..." for a line without one); at the
end "exit=N" gives its exit status. The compression is python3's zlib,
raw deflate (wbits -15), independent of the server's.

Script lines, in order (bytes are queued, then sent together as one write,
so what is queued between two sends is pipelined):

  TEXT          queue TEXT and CRLF (an empty line queues a CRLF)
  !part TEXT    queue TEXT alone
  !fill N C     queue N bytes, each the character C
  !file PATH    queue the bytes of the file PATH
  !z            compress everything queued from here on (put it right
                after the COMPRESS line); the server's output is inflated
                from right after the next tagged reply to that line's tag
  !raw HEX      queue these bytes as they are, even when compressing
  !send         send what is queued (ending with a sync flush when
                compressing)
  !wait TAG     send, then wait for TAG's tagged reply
  !line TEXT    send, then wait for a line that is exactly TEXT
  !sh COMMAND   run COMMAND with sh
  # comment     ignored

At the end what is queued is sent, our side is closed, and everything is
read until the server closes its side. A write the server no longer reads
(it has ended the session) is dropped silently. A wait that lasts more
than SECONDS (default 30) prints "TIMEOUT: ..." and kills the server;
the exit status is then 2, else 0. With -r, "maxrss_kb=N" follows
"exit=N": the most memory the server (or a !sh command) held.
"""
import fcntl
import os
import resource
import select
import subprocess
import sys
import time
import zlib


class Session:
    def __init__(self, argv, timeout, rss):
        self.rss = rss
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        self.win = self.proc.stdin.fileno()
        self.rout = self.proc.stdout.fileno()
        for fd in (self.win, self.rout):
            fl = fcntl.fcntl(fd, fcntl.F_GETFL)
            fcntl.fcntl(fd, fcntl.F_SETFL, fl | os.O_NONBLOCK)
        self.timeout = timeout
        self.comp = None          # our compressor, after !z
        self.inflater = None      # the server's stream, once it is on
        self.ztag = None          # inflate after this tag's reply
        self.queue = bytearray()  # wire bytes not sent yet
        self.raw = bytearray()    # received, not inflated, not a line yet
        self.text = bytearray()   # received, inflated, not a line yet
        self.lines = []           # every line received
        self.eof = False
        self.closed = False
        self.last_tag = None

    # -- output ---------------------------------------------------------
    def queue_bytes(self, data):
        if self.comp is not None:
            self.queue += self.comp.compress(data)
        else:
            self.queue += data

    def queue_raw(self, data):
        if self.comp is not None:
            self.queue += self.comp.flush(zlib.Z_SYNC_FLUSH)
        self.queue += data

    def send(self):
        if self.comp is not None:
            self.queue += self.comp.flush(zlib.Z_SYNC_FLUSH)
        data = bytes(self.queue)
        self.queue = bytearray()
        deadline = time.monotonic() + self.timeout
        while data and not self.closed:
            left = deadline - time.monotonic()
            if left <= 0:
                self.fail("sending")
            r, w, _ = select.select([self.rout] if not self.eof else [],
                                    [self.win], [], left)
            if self.rout in r:
                self.receive()
            if self.win in w:
                try:
                    n = os.write(self.win, data[:65536])
                except BrokenPipeError:
                    self.closed = True
                    break
                data = data[n:]

    def close(self):
        if not self.closed:
            self.proc.stdin.close()
            self.closed = True

    # -- input ----------------------------------------------------------
    def receive(self):
        try:
            data = os.read(self.rout, 65536)
        except BlockingIOError:
            return
        if not data:
            self.eof = True
            return
        if self.inflater is not None:
            self.text += self.inflate(data)
        else:
            self.raw += data
            self.split_raw()
        self.split_text()

    def inflate(self, data):
        try:
            return self.inflater.decompress(data)
        except zlib.error as e:
            self.lines.append(b"CLIENT: corrupt stream from server: " +
                              str(e).encode())
            self.inflater = zlib.decompressobj(wbits=-15)
            return b""

    def split_raw(self):
        while self.inflater is None and b"\n" in self.raw:
            i = self.raw.index(b"\n") + 1
            line = bytes(self.raw[:i])
            del self.raw[:i]
            self.text += line
            if self.ztag is not None and \
                    line.startswith(self.ztag + b" "):
                # RFC 4978 3: compressed right after this CRLF.
                self.inflater = zlib.decompressobj(wbits=-15)
                rest = bytes(self.raw)
                self.raw = bytearray()
                self.split_text()
                self.text += self.inflate(rest)

    def split_text(self):
        while b"\n" in self.text:
            i = self.text.index(b"\n") + 1
            self.lines.append(bytes(self.text[:i]))
            del self.text[:i]

    def wait_for(self, what, test, seen):
        """Read until a line received from lines[seen] on passes test."""
        deadline = time.monotonic() + self.timeout
        while True:
            for line in self.lines[seen:]:
                if test(line.rstrip(b"\r\n")):
                    return
            seen = len(self.lines)
            if self.eof:
                self.fail(what + " (server closed)")
            left = deadline - time.monotonic()
            if left <= 0:
                self.fail(what)
            r, _, _ = select.select([self.rout], [], [], left)
            if r:
                self.receive()

    def finish(self):
        self.send()
        self.close()
        deadline = time.monotonic() + self.timeout
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                self.fail("end of output")
            r, _, _ = select.select([self.rout], [], [], left)
            if r:
                self.receive()
        if self.raw:
            self.text += self.raw
        self.split_text()
        if self.text:
            self.lines.append(bytes(self.text))
        try:
            status = self.proc.wait(self.timeout)
        except subprocess.TimeoutExpired:
            self.fail("exit")
        self.show()
        print("exit=%d" % status)
        if self.rss:
            ru = resource.getrusage(resource.RUSAGE_CHILDREN)
            print("maxrss_kb=%d" % ru.ru_maxrss)
        return 0

    def fail(self, what):
        self.proc.kill()
        self.proc.wait()
        self.show()
        print("TIMEOUT: %s" % what)
        sys.stdout.flush()
        sys.exit(2)

    def show(self):
        out = sys.stdout.buffer
        for line in self.lines:
            if line.endswith(b"\r\n"):
                out.write(line[:-2] + b"\n")
            else:
                out.write(b"MISSING CR: " + line.rstrip(b"\n") + b"\n")
        self.lines = []
        out.flush()


def run(sess, script):
    for line in script:
        line = line.rstrip("\n")
        if line.startswith("#"):
            continue
        if not line.startswith("!"):
            if line.strip():
                sess.last_tag = line.split()[0].encode()
            sess.queue_bytes(line.encode() + b"\r\n")
            continue
        word, _, arg = line.partition(" ")
        if word == "!part":
            sess.queue_bytes(arg.encode())
        elif word == "!fill":
            n, c = arg.split(" ", 1)
            n = int(n)
            chunk = c.encode()[:1] * 65536
            while n > 0:
                sess.queue_bytes(chunk[:n])
                n -= min(n, len(chunk))
        elif word == "!file":
            with open(arg, "rb") as f:
                sess.queue_bytes(f.read())
        elif word == "!z":
            sess.ztag = sess.last_tag
            sess.comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        elif word == "!raw":
            sess.queue_raw(bytes.fromhex(arg))
        elif word == "!send":
            sess.send()
        elif word == "!wait":
            seen = len(sess.lines)
            sess.send()
            tag = arg.encode() + b" "
            sess.wait_for("tagged reply of " + arg,
                          lambda got: got.startswith(tag), seen)
        elif word == "!line":
            seen = len(sess.lines)
            sess.send()
            want = arg.encode()
            sess.wait_for("line " + arg, lambda got: got == want, seen)
        elif word == "!sh":
            subprocess.run(["sh", "-c", arg], check=False)
        else:
            sys.exit("client.py: unknown directive " + word)
    return sess.finish()


def main():
    args = sys.argv[1:]
    timeout = 30.0
    rss = False
    while args[:1] in (["-t"], ["-r"]):
        if args[0] == "-r":
            rss = True
            args = args[1:]
        else:
            timeout = float(args[1])
            args = args[2:]
    if args[:1] != ["--"] or len(args) < 2:
        sys.exit(__doc__)
    return run(Session(args[1:], timeout, rss), sys.stdin)


if __name__ == "__main__":
    sys.exit(main())
