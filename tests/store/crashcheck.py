#!/usr/bin/env python3
"""crashcheck.py DIR: what crash.bats's killed sessions were told, against
what is in the folders afterwards.

DIR holds s<i>.out, the raw output of the session of iteration i (killed
at some point), which appended <i.1.keep@test>, <i.2.keep@test> and
<i.3.del@test> to INBOX, expunged the newest message, copied messages 1:2
to Copy and moved message 1 to Moved; and INBOX.list, Moved.list and
Copy.list, the folders listed afterwards by "mdcheck.py imap". Also
init.ids: the Message-IDs put in INBOX before the first iteration.

Checks, one line per problem (exit status 1):
  - no Message-ID is in INBOX and Moved together more than once;
  - every message whose APPEND was answered OK (keep ones), and every
    initial one, is in INBOX or Moved exactly once; in INBOX with the UID
    APPENDUID gave it, in Moved with the UID a completed MOVE gave it;
  - every UID a completed COPY reported is in Copy, with the right message;
  - every message in Copy is a copy of a known one; every message has its
    Message-ID (no empty or truncated file);
  - APPENDUID, COPYUID and SELECT agree on each folder's UIDVALIDITY.
Prints a summary: iterations, OKs seen per command.
"""
import os
import re
import sys


def listing(path):
    info = {}
    msgs = []
    for ln in open(path):
        ln = ln.rstrip('\n')
        m = re.match(r'(UIDVALIDITY|UIDNEXT|EXISTS) (\S+)$', ln)
        if m:
            info[m.group(1)] = m.group(2)
            continue
        if ln.startswith('ERROR'):
            raise SystemExit('%s: %s' % (path, ln))
        m = re.match(r'(\d+) \(([^)]*)\) (\S+)$', ln)
        if not m:
            raise SystemExit('%s: bad line %r' % (path, ln))
        msgs.append((int(m.group(1)), m.group(2), m.group(3)))
    return info, msgs


def uidset(s):
    out = []
    for part in s.split(','):
        if ':' in part:
            a, b = part.split(':')
            a, b = int(a), int(b)
            out += list(range(min(a, b), max(a, b) + 1))
        else:
            out.append(int(part))
    return out


def main():
    d = sys.argv[1]
    problems = []
    folders = {}
    for f in ('INBOX', 'Moved', 'Copy'):
        folders[f] = listing(os.path.join(d, f + '.list'))
    init = [ln.strip() for ln in open(os.path.join(d, 'init.ids'))
            if ln.strip()]
    uv = {f: folders[f][0].get('UIDVALIDITY') for f in folders}

    # what the sessions were told
    appended = {}       # msgid -> INBOX uid (acknowledged)
    inbox_uid_id = {}   # INBOX uid -> msgid
    copies = []         # (src uid, dst uid)
    moves = []          # (src uid, dst uid)
    oks = {}
    n = 0
    for name in sorted(os.listdir(d)):
        m = re.fullmatch(r's(\d+)\.out', name)
        if not m:
            continue
        n += 1
        i = m.group(1)
        data = open(os.path.join(d, name), 'rb').read().decode(
            'utf-8', 'replace')
        pending_move = None
        for ln in data.split('\r\n'):
            t = re.match(r'([a-k]) (OK|NO|BAD)', ln)
            if t:
                oks.setdefault(t.group(1) + ' ' + t.group(2), 0)
                oks[t.group(1) + ' ' + t.group(2)] += 1
            m = re.match(r'([abc]) OK \[APPENDUID (\d+) (\d+)\]', ln)
            if m:
                tag, v, u = m.group(1), m.group(2), int(m.group(3))
                if v != uv['INBOX']:
                    problems.append('s%s: APPENDUID %s, INBOX has '
                                    'UIDVALIDITY %s' % (i, v, uv['INBOX']))
                mid = '<%s.%d.%s@test>' % (i, ' abc'.index(tag),
                                           'del' if tag == 'c' else 'keep')
                if tag != 'c':
                    appended[mid] = u
                inbox_uid_id[u] = mid
            m = re.match(r'h OK \[COPYUID (\d+) (\S+) (\S+)\]', ln)
            if m:
                if m.group(1) != uv['Copy']:
                    problems.append('s%s: COPYUID %s, Copy has '
                                    'UIDVALIDITY %s' % (i, m.group(1),
                                                        uv['Copy']))
                copies += zip(uidset(m.group(2)), uidset(m.group(3)))
            m = re.match(r'\* OK \[COPYUID (\d+) (\S+) (\S+)\] ', ln)
            if m:
                if m.group(1) != uv['Moved']:
                    problems.append('s%s: MOVE COPYUID %s, Moved has '
                                    'UIDVALIDITY %s' % (i, m.group(1),
                                                        uv['Moved']))
                pending_move = list(zip(uidset(m.group(2)),
                                        uidset(m.group(3))))
            if ln.startswith('i OK') and pending_move is not None:
                moves += pending_move

    # what is there
    where = {}
    for f in ('INBOX', 'Moved'):
        for uid, flags, mid in folders[f][1]:
            where.setdefault(mid, []).append((f, uid))
    for f in folders:
        for uid, flags, mid in folders[f][1]:
            if mid == '-' or not re.fullmatch(r'<(\d+\.[123]\.(keep|del)|'
                                              r'init\d+)@test>', mid):
                problems.append('%s UID %d: not one of ours: %s' %
                                (f, uid, mid))
    for mid, places in sorted(where.items()):
        if len(places) > 1:
            problems.append('%s is there %d times: %s' %
                            (mid, len(places), places))
    for mid in init + sorted(appended):
        places = where.get(mid, [])
        if not places:
            problems.append('%s lost (acknowledged)' % mid)
            continue
        f, uid = places[0]
        if f == 'INBOX' and mid in appended and uid != appended[mid]:
            problems.append('%s has UID %d in INBOX, APPENDUID said %d' %
                            (mid, uid, appended[mid]))
    for src, dst in moves:
        mid = inbox_uid_id.get(src)
        if mid is None:
            continue
        if ('Moved', dst) not in where.get(mid, []):
            problems.append('MOVE of INBOX UID %d (%s) said Moved UID %d, '
                            'found %s' % (src, mid, dst, where.get(mid)))
    copy_uids = {uid: mid for uid, flags, mid in folders['Copy'][1]}
    for src, dst in copies:
        if dst not in copy_uids:
            problems.append('COPY said Copy UID %d, not there' % dst)
            continue
        mid = inbox_uid_id.get(src)
        if mid is not None and copy_uids[dst] != mid:
            problems.append('Copy UID %d is %s, COPY copied %s' %
                            (dst, copy_uids[dst], mid))
    for p in problems:
        print(p)
    print('iterations=%d appended=%d moves=%d copies=%d' %
          (n, len(appended), len(moves), len(copies)))
    print('answers: ' + ' '.join('%s=%d' % kv for kv in sorted(oks.items())))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
