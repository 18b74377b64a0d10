"""cachesum.py: the sum of mdimapd-cache values and index sections
(src/store/cache_text.c cache_sum32), written again for the tests that
edit those files (resum.py, idxedit.py)."""

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
