#!/usr/bin/env python3
"""resum.py FILE: rewrite the sums of every record of an mdimapd-cache
(version 2) after a test edited its values, so that the edited records
pass the server's check (cache.c sum32, written again here)."""
import sys

M = (1 << 64) - 1


def sum32(b):
    h = (0x9e3779b97f4a7c15 ^ len(b)) & M
    i = 0
    while i + 8 <= len(b):
        h = ((h ^ int.from_bytes(b[i:i + 8], 'little')) * 0xff51afd7ed558ccd) & M
        h ^= h >> 32
        i += 8
    if i < len(b):
        h = ((h ^ int.from_bytes(b[i:], 'little')) * 0xc4ceb9fe1a85ec53) & M
    h ^= h >> 29
    return h & 0xffffffff


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
