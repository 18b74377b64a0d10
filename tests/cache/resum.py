#!/usr/bin/env python3
"""resum.py FILE: rewrite the sums of every record of an mdimapd-cache
(version 2) after a test edited its values, so that the edited records
pass the server's check (cachesum.py)."""
import sys

from cachesum import sum32


p = sys.argv[1]
d = open(p, 'rb').read()
i = d.index(b'\n') + 1
out = d[:i]
while i < len(d):
    j = d.index(b'\n', i)
    hdr = d[i:j].split(b' ')
    n = int(hdr[4])
    val = d[j + 1:j + 1 + n]
    hdr[3] = b'%08x' % sum32(val)
    out += b' '.join(hdr) + b'\n' + val + b'\n'
    i = j + 2 + n
open(p, 'wb').write(out)
