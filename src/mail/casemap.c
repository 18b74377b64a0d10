/*
 * casemap.c: i;unicode-casemap (RFC 5051) over UTF-8, a character at a
 * time, with the generated tables of casemap_table.c (see casemap.h).
 * ASCII, most of any mail, never reaches the tables.
 */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "casemap.h"

/* Hangul syllables decompose by arithmetic (Unicode 3.12). */
#define S_BASE	0xAC00
#define L_BASE	0x1100
#define V_BASE	0x1161
#define T_BASE	0x11A7
#define T_COUNT	28
#define N_COUNT	588
#define S_COUNT	11172

int
casemap_utf8_get(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t	c, min;
	size_t		n, i;

	if (len == 0)
		return -1;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if (i >= len)
			break;
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
		/* overlong, surrogate or too large: known by the second
		 * byte already, so a cut character is not taken as valid */
		if (i == 1 && ((n == 3 && c < 0x20) ||
		    (n == 3 && c >= 0x360 && c <= 0x37f) ||
		    (n == 4 && (c < 0x10 || c > 0x10f))))
			return 0;
	}
	if (i < n)
		return -1;
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return (int)n;
}

size_t
casemap_cp(uint32_t cp, uint32_t *out)
{
	const struct casemap_range	*r;
	const struct casemap_multi	*m;
	size_t				 lo, hi, mid, s;

	if (cp < 0x80) {
		out[0] = cp >= 'a' && cp <= 'z' ? cp - 32 : cp;
		return 1;
	}
	if (cp >= S_BASE && cp < S_BASE + S_COUNT) {
		s = cp - S_BASE;
		out[0] = L_BASE + (uint32_t)(s / N_COUNT);
		out[1] = V_BASE + (uint32_t)(s % N_COUNT / T_COUNT);
		if (s % T_COUNT == 0)
			return 2;
		out[2] = T_BASE + (uint32_t)(s % T_COUNT);
		return 3;
	}
	lo = 0;
	hi = casemap_nmultis;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		m = &casemap_multis[mid];
		if (m->cp == cp) {
			memcpy(out, casemap_pool + m->off,
			    m->len * sizeof(*out));
			return m->len;
		}
		if (m->cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* the last range starting at or before cp */
	lo = 0;
	hi = casemap_nranges;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (casemap_ranges[mid].first <= cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	out[0] = cp;
	if (lo > 0) {
		r = &casemap_ranges[lo - 1];
		if (cp < r->first + (uint32_t)r->count * r->stride &&
		    (cp - r->first) % r->stride == 0)
			out[0] = (uint32_t)((int32_t)cp + r->delta);
	}
	return 1;
}

static size_t
utf8_put(uint32_t c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

#define HIGH_BITS	0x8080808080808080ULL
#define EACH_BYTE(b)	(0x0101010101010101ULL * (b))

size_t
casemap_ascii_span(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint64_t		 w[4];
	size_t			 i = 0;

	/* eight bytes at a time, 32 per test */
	while (len - i >= sizeof(w)) {
		memcpy(w, p + i, sizeof(w));
		if (((w[0] | w[1] | w[2] | w[3]) & HIGH_BITS) != 0)
			break;
		i += sizeof(w);
	}
	while (len - i >= sizeof(w[0])) {
		memcpy(w, p + i, sizeof(w[0]));
		if ((w[0] & HIGH_BITS) != 0)
			break;
		i += sizeof(w[0]);
	}
	while (i < len && p[i] < 0x80)
		i++;
	return i;
}

/*
 * Eight ASCII bytes with a-z made A-Z: a byte plus 0x1f reaches 0x80 from
 * 'a' up, plus 0x05 from '{' up; no byte carries into the next, as all
 * are below 0x80.
 */
static uint64_t
ascii_upper8(uint64_t w)
{
	uint64_t	lower;

	lower = (w + EACH_BYTE(0x80 - 'a')) & ~(w + EACH_BYTE(0x80 - 'z' - 1)) &
	    HIGH_BITS;
	return w ^ lower >> 2;
}

/*
 * 32 bytes mapped if they are ASCII (returns 1), in a loop compilers
 * vectorize.
 */
static int
ascii_upper32(const unsigned char *in, char *out)
{
	uint64_t	w[4];
	unsigned char	tmp[32];
	size_t		k;

	memcpy(w, in, sizeof(w));
	if (((w[0] | w[1] | w[2] | w[3]) & HIGH_BITS) != 0)
		return 0;
	for (k = 0; k < sizeof(tmp); k++)
		tmp[k] = (unsigned char)(in[k] -
		    ((unsigned char)(in[k] - 'a') < 26 ? 32 : 0));
	memcpy(out, tmp, sizeof(tmp));
	return 1;
}

size_t
casemap_chunk(const char *in, size_t len, size_t *used_r, char *out,
    size_t outsize)
{
	const unsigned char	*p = (const unsigned char *)in;
	uint32_t		 cp, cps[CASEMAP_MAX_CPS];
	uint64_t		 w;
	size_t			 i = 0, o = 0, n, k;
	int			 r;

	while (i < len) {
		/* ASCII 32, then eight bytes at a time while it lasts */
		while (len - i >= 32 && outsize - o >= 32 &&
		    ascii_upper32(p + i, out + o)) {
			i += 32;
			o += 32;
		}
		while (len - i >= sizeof(w) && outsize - o >= sizeof(w)) {
			memcpy(&w, p + i, sizeof(w));
			if ((w & HIGH_BITS) != 0)
				break;
			w = ascii_upper8(w);
			memcpy(out + o, &w, sizeof(w));
			i += sizeof(w);
			o += sizeof(w);
		}
		if (i == len)
			break;
		if (p[i] < 0x80) {
			/* ASCII: only a-z change */
			if (o == outsize)
				break;
			out[o++] = (char)(p[i] >= 'a' && p[i] <= 'z' ?
			    p[i] - 32 : p[i]);
			i++;
			continue;
		}
		if (outsize - o < CASEMAP_MAX_BYTES)
			break;
		r = casemap_utf8_get(p + i, len - i, &cp);
		if (r <= 0) {
			cp = 0xfffd;
			r = 1;
		}
		i += (size_t)r;
		n = casemap_cp(cp, cps);
		for (k = 0; k < n; k++)
			o += utf8_put(cps[k], out + o);
	}
	*used_r = i;
	return o;
}

/*
 * Bytes of mapped text, commonest first (English mail, upper case after
 * mapping): a needle is looked for by its rarest byte. Only speed depends
 * on this order.
 */
static const char	common[] = " ETAOINSRHLDCUMFPGWYB,.\nVK\r-0123456789";

void
casemap_needle_init(struct casemap_needle *nd, const char *s, size_t len)
{
	const char	*c;
	size_t		 i, rank, best = 0;

	nd->s = s;
	nd->len = len;
	nd->rare = 0;
	for (i = 0; i < len; i++) {
		c = s[i] != '\0' ? strchr(common, s[i]) : NULL;
		rank = c != NULL ? (size_t)(c - common) : sizeof(common);
		if (rank > best || i == 0) {
			best = rank;
			nd->rare = i;
		}
	}
}

const char *
casemap_find(const char *h, size_t hlen, const struct casemap_needle *nd)
{
	const char	*p, *end, *start;
	size_t		 r = nd->rare, misses = 0;

	if (nd->len == 0)
		return h;
	if (hlen < nd->len)
		return NULL;
	/* where the rare byte of a match can be */
	p = h + r;
	end = h + (hlen - nd->len) + r + 1;
	while (p < end && (p = memchr(p, nd->s[r], (size_t)(end - p))) !=
	    NULL) {
		start = p - r;
		if (memcmp(start, nd->s, nd->len) == 0)
			return start;
		/* no match starts before start + 1: when the rare byte is
		 * not rare here, memmem does the rest */
		if (++misses > 16 && (size_t)(start - h) < misses * 32)
			return memmem(start + 1, hlen - (size_t)(start + 1 - h),
			    nd->s, nd->len);
		p++;
	}
	return NULL;
}

int
casemap_buf(struct buf *out, const char *s, size_t len)
{
	char	tmp[1024];
	size_t	used, n, pos = 0;

	while (pos < len) {
		n = casemap_chunk(s + pos, len - pos, &used, tmp, sizeof(tmp));
		pos += used;
		if (buf_add(out, tmp, n) == -1)
			return -1;
	}
	return 0;
}
