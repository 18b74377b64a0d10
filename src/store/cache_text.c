/*
 * cache_text.c: the text of the records of mdimapd-cache (cache.c): their
 * header lines read and written, the sum of a value, the hash of a
 * message's key, and numeric values as decimal text. The same bytes on
 * every machine (little-endian words).
 */
#include <endian.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "cache_int.h"

/* Bytes p[0..n) (n < 8) as a little-endian number. */
static uint64_t
le64_part(const char *p, size_t n)
{
	uint64_t	w = 0;

	memcpy(&w, p, n);
	return le64toh(w);
}

/* Bytes p[0..len) mixed into h, eight a step. */
static uint64_t
mix64(const char *p, size_t len, uint64_t h)
{
	size_t	i = 0;

	for (; i + 8 <= len; i += 8) {
		h = (h ^ cache_get64(p + i)) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	/* The last 1..7 bytes: the 8 that end the value, shifted (the
	 * same number as le64_part(p + i, len - i), without a memcpy
	 * call of a variable length). */
	if (i < len)
		h = (h ^ (len >= 8 ? cache_get64(p + len - 8) >> 8 * (8 -
		    (len - i)) : le64_part(p + i, len - i))) *
		    0xc4ceb9fe1a85ec53ULL;
	return h;
}

/* The check of a value (the file's version 2). */
uint32_t
cache_sum32(const char *p, size_t len)
{
	return cache_sum_end(cache_sum_add(cache_sum_start(len), p, len));
}

/* cache_sum32() of len bytes given in pieces (all but the last a multiple
 * of 8 bytes long). */
uint64_t
cache_sum_start(size_t len)
{
	return 0x9e3779b97f4a7c15ULL ^ len;
}

uint64_t
cache_sum_add(uint64_t h, const char *p, size_t len)
{
	return mix64(p, len, h);
}

uint32_t
cache_sum_end(uint64_t h)
{
	return (uint32_t)(h ^ h >> 29);
}

/* The key's hash: the base name's bytes and the size. */
uint64_t
cache_hash64(const char *p, size_t len, uint64_t size)
{
	uint64_t	h = mix64(p, len, 0xcbf29ce484222325ULL ^
			    size * 0x9e3779b97f4a7c15ULL);

	h = (h ^ len) * 0xff51afd7ed558ccdULL;
	return h ^ h >> 33;
}

/* The value of each lowercase hex digit, 16 for any other byte. */
static const unsigned char hexval[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12,
	['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};	/* (stored plus one: 0 is "not a digit") */

/* Exactly n lowercase hex digits at *pp, then a space. */
static int
hex_field(const char **pp, const char *end, size_t n, uint64_t *v_r)
{
	const unsigned char	*p = (const unsigned char *)*pp;
	uint64_t		 v = 0;
	unsigned		 bad = 0, d;
	size_t			 i;

	if ((size_t)(end - *pp) < n + 1 || p[n] != ' ')
		return -1;
	for (i = 0; i < n; i++) {
		d = hexval[p[i]];
		bad |= d == 0;
		v = v << 4 | (d - 1);
	}
	if (bad)
		return -1;
	*pp += n + 1;
	*v_r = v;
	return 0;
}

/* Decimal digits at *pp (no sign, at most 10), up to stop. */
static int
dec_field(const char **pp, const char *end, char stop, uint64_t *v_r)
{
	const char	*p = *pp;
	uint64_t	 v = 0;
	size_t		 n = 0;

	for (; p < end && n < 10; p++, n++) {
		unsigned	d = (unsigned)(unsigned char)*p - '0';

		if (d > 9)
			break;
		v = v * 10 + d;
	}
	if (n == 0 || p == end || *p != stop)
		return -1;
	*pp = p + 1;
	*v_r = v;
	return 0;
}

/*
 * Parse a record header line "<uid> <field> <key> <sum> <len>\n" as
 * cache_put() writes it; returns its length with the LF, or 0. Without
 * full, the key and the sum are only skipped (their places checked).
 */
size_t
cache_header_parse(const char *p, size_t len, struct rechdr *r, int full)
{
	const char	*q = p, *end = p + (len < CACHE_HEADER_MAX + 1 ? len :
			    CACHE_HEADER_MAX + 1);
	uint64_t	 uid, key = 0, sum = 0, vlen;

	if (dec_field(&q, end, ' ', &uid) == -1 || uid == 0 ||
	    uid > UINT32_MAX || end - q < 2 || q[1] != ' ')
		return 0;
	r->field = q[0];
	q += 2;
	if (full) {
		if (hex_field(&q, end, 16, &key) == -1 ||
		    hex_field(&q, end, 8, &sum) == -1)
			return 0;
	} else {
		if (end - q < 26 || q[16] != ' ' || q[25] != ' ')
			return 0;
		q += 26;
	}
	if (dec_field(&q, end, '\n', &vlen) == -1 || vlen > CACHE_VALUE_MAX)
		return 0;
	r->uid = (uint32_t)uid;
	r->key = key;
	r->sum = (uint32_t)sum;
	r->len = (uint32_t)vlen;
	return (size_t)(q - p);
}

/* v's 8 lowercase hex digits, the most significant first (the nibbles
 * spread to a byte each, then each made a digit: '0' + d, plus 39 more
 * for d >= 10, to land on 'a'). */
static void
hex8(char *out, uint32_t v)
{
	uint64_t	x = v;

	x = (x & 0xffff0000ULL) << 16 | (x & 0xffffULL);
	x = (x & 0x0000ff000000ff00ULL) << 8 | (x & 0x000000ff000000ffULL);
	x = (x & 0x00f000f000f000f0ULL) << 4 | (x & 0x000f000f000f000fULL);
	x += 0x3030303030303030ULL + ((x + 0x0606060606060606ULL) >> 4 &
	    0x0101010101010101ULL) * 39;
	x = htobe64(x);
	memcpy(out, &x, 8);
}

/* v as 16 lowercase hex digits, as cache_put() writes them. */
static void
hex16(char *out, uint64_t v)
{
	hex8(out, (uint32_t)(v >> 32));
	hex8(out + 8, (uint32_t)v);
}

/* A record's header line "<uid> <field> <key> <sum> <len>\n" for the
 * value data[0..len), formatted by hand (snprintf cost more than the rest
 * of a first FETCH's caching) into hdr (CACHE_HEADER_MAX + 1 bytes): its
 * length. */
size_t
cache_record_line(char *hdr, uint32_t uid, char field, uint64_t key,
    const char *data, size_t len)
{
	size_t	hl;

	hl = buf_fmtu(hdr, uid);
	hdr[hl++] = ' ';
	hdr[hl++] = field;
	hdr[hl++] = ' ';
	hex16(hdr + hl, key);
	hl += 16;
	hdr[hl++] = ' ';
	hex8(hdr + hl, cache_sum32(data, len));
	hl += 8;
	hdr[hl++] = ' ';
	hl += buf_fmtu(hdr + hl, len);
	hdr[hl++] = '\n';
	return hl;
}

/* A numeric field's value as the file has it: decimal text, a '-' before
 * it allowed (at most 18 digits), or "-" alone (CACHE_NUM_NONE). 0, or
 * -1 if it is neither. */
int
cache_num_parse(const char *p, size_t len, int64_t *v_r)
{
	int64_t	v = 0;
	size_t	i = len > 0 && p[0] == '-';

	if (len == 1 && i == 1) {
		*v_r = CACHE_NUM_NONE;
		return 0;
	}
	if (i == len || len - i > 18)
		return -1;
	for (; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*v_r = p[0] == '-' ? -v : v;
	return 0;
}

/* v as num_parse() reads it, into out (BUF_FMTU_MAX + 2 bytes). */
size_t
cache_num_format(char *out, int64_t v)
{
	size_t	n = v < 0;

	out[0] = '-';
	if (v == CACHE_NUM_NONE)
		return 1;
	return n + buf_fmtu(out + n, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

