#!/usr/bin/env python3
"""idxedit.py FILE FIELD ACTION: edit the values of one numeric field
(W, I or D) of an mdimapd-cache.idx (cache_idx.c) and set its sums right
again, so that only the server's other checks can refuse it.
ACTION swap: exchange the first two values (no longer by UID ascending);
ACTION value: add 1000 to every value (wrong values, right keys)."""
import struct
import sys

from cachesum import sum32


FIELDS = 'EBbWHID'
HEAD = 52 + 8 * 12 + 8
path, field, action = sys.argv[1], sys.argv[2], sys.argv[3]
d = bytearray(open(path, 'rb').read())
fi = FIELDS.index(field)
at = HEAD
for i in range(8):
    n = struct.unpack_from('<I', d, 48 + i * 12)[0]
    size = 24 if i < 7 and FIELDS[i] in 'WID' else 16
    if i == fi:
        sec = d[at:at + n * size]
        if action == 'swap':
            assert n >= 2
            sec[0:24], sec[24:48] = sec[24:48], sec[0:24]
        else:
            for k in range(n):
                v = struct.unpack_from('<q', sec, k * 24 + 16)[0]
                if v != -(1 << 63):
                    struct.pack_into('<q', sec, k * 24 + 16, v + 1000)
        d[at:at + n * size] = sec
        struct.pack_into('<I', d, 56 + i * 12, sum32(bytes(sec)))
    at += n * size
struct.pack_into('<I', d, HEAD - 8, sum32(bytes(d[:HEAD - 8])))
open(path, 'wb').write(d)
