#!/usr/bin/env python3
"""mkmsgs.py DIR N SEED: N messages for SORT and THREAD tests, with
subjects that need base-subject extraction (Re:, Fwd:, [list], (fwd),
RFC 2047), From/To/Cc with display names, groups, encoded words and
missing fields, dates in several zones or missing, and References /
In-Reply-To chains with loops and gaps. The file mtimes (INTERNALDATE)
vary too. Deterministic for a seed."""
import os, random, sys

d, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(seed)
subs = ["hello", "Re: hello", "Fwd: hello", "RE: Re: hello", "[list] news",
        "Re: [list] news", "meeting (fwd)", "[fwd: meeting]",
        "=?utf-8?q?caf=C3=A9?=", "Re: =?utf-8?q?CAF=C3=89?=", "", None,
        "Zebra", "apple", "  spaced   out  "]
froms = ['"Zed" <zed@x.org>', 'alice@x.org', '=?utf-8?q?=C3=89mile?= <emile@x>',
         'Bob <BOB@x>', '<q@x>', None, 'Group: a@b;', '"" <c@x>',
         'carol (Carol C) <carol@x>']
for i in range(n):
    h = []
    f = random.choice(froms)
    if f:
        h.append("From: " + f)
    h.append("To: " + random.choice(['t%d@x' % random.randint(1, 5),
                                     '"Tina" <tina@x>', 'x@y', 'Undisclosed:;']))
    if random.random() < 0.7:
        h.append("Cc: c%d@x" % random.randint(1, 9))
    sb = random.choice(subs)
    if sb is not None:
        h.append("Subject: " + sb)
    if random.random() < 0.85:
        h.append("Date: Mon, %d Jan 2024 %02d:%02d:00 %s" % (
            random.randint(1, 28), random.randint(0, 23),
            random.randint(0, 59), random.choice(["+0000", "-0500", "+0200"])))
    h.append("Message-ID: <m%d@x>" % (i if random.random() < 0.95 else 0))
    if i > 3 and random.random() < 0.6:
        r = random.sample(range(i + 2), min(i, random.randint(1, 3)))
        h.append("References: " + " ".join("<m%d@x>" % j for j in r))
    if i > 3 and random.random() < 0.3:
        h.append("In-Reply-To: <m%d@x>" % random.randint(0, i - 1))
    p = os.path.join(d, "cur", "%d.M%dP1Q1.host:2," % (1700000000 + i, i))
    with open(p, "w") as fp:
        fp.write("\n".join(h) + "\n\n" + "body " * random.randint(1, 300) + "\n")
    t = 1700000000 + random.randint(0, 5) * 3600
    os.utime(p, (t, t))
