#!/usr/bin/env python3
"""imaplib_client.py: Python's imaplib as a real client.

    imaplib_client.py plain|ssl HOST PORT USER PASSWORD

Logs in (LOGIN), selects INBOX, fetches message 1 whole and the flags of
all, appends a message to INBOX, fetches it back by the UID APPEND gave,
and logs out. Prints one line per step, with nothing that changes from one
run to the next (the UIDVALIDITY is left out). The TLS connection does not
check the certificate (the test made it). Exits 1 on any IMAP error.
"""
import imaplib
import re
import ssl
import sys


def main():
    mode, host, port, user, password = sys.argv[1:6]
    port = int(port)
    if mode == "ssl":
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        m = imaplib.IMAP4_SSL(host, port, ssl_context=ctx, timeout=20)
    else:
        m = imaplib.IMAP4(host, port, timeout=20)
    print("capabilities: " + " ".join(sorted(m.capabilities)))
    typ, data = m.login(user, password)
    print("login: %s" % typ)
    typ, data = m.select("INBOX")
    print("select: %s %s" % (typ, data[0].decode()))
    typ, data = m.fetch("1", "(UID RFC822.SIZE BODY.PEEK[])")
    print("fetch: %s %s" % (typ, data[0][0].decode()))
    sys.stdout.write(data[0][1].decode().replace("\r\n", "\n"))
    typ, data = m.fetch("1:*", "(FLAGS)")
    for d in data:
        print("flags: " + d.decode())
    msg = (b"From: imaplib@example.org\r\nSubject: appended\r\n"
           b"\r\nappended by imaplib\r\n")
    typ, data = m.append("INBOX", r"(\Flagged)", None, msg)
    code = data[0].decode()
    print("append: %s %s" % (typ, code.split()[0]))
    # [APPENDUID <uidvalidity> <uid>]
    uid = code.split("]")[0].split()[-1]
    typ, data = m.uid("FETCH", uid, "(FLAGS BODY.PEEK[])")
    print("fetch appended: %s %s" % (typ, re.sub(
        r"^[0-9]+ \(UID %s " % uid, "N (UID N ", data[0][0].decode())))
    print("same message: %s" % (data[0][1] == msg))
    typ, data = m.logout()
    print("logout: %s" % typ)


if __name__ == "__main__":
    try:
        main()
    except (imaplib.IMAP4.error, OSError) as e:
        print("error: %s" % e)
        sys.exit(1)
