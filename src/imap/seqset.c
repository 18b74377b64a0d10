/*
 * seqset.c: IMAP sequence sets (RFC 9051 9): parse, resolve "*", test,
 * count and format.
 *
 * A set stays a list of ranges from the text to the reply: resolving sorts
 * and merges the ranges (O(n log n) in their number), lookups are binary
 * searches, and nothing loops over the numbers a range covers, so
 * "1:4294967295" costs what "1" costs. This file does no I/O and knows
 * nothing of mailboxes: the caller supplies the largest number in use.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "mdlimits.h"
#include "seqset.h"

/* "4294967295:4294967295," */
#define SEQSET_RANGE_TEXT	22

/*
 * One seq-number at s[*ip]: "*" or nz-number (digit-nz *DIGIT, at most
 * 4294967295). Returns 0 with the number in *r (SEQ_STAR for "*") and *ip
 * past it, or -1.
 */
static int
seqset_number(const char *s, size_t len, size_t *ip, uint32_t *r)
{
	size_t		 i = *ip;
	uint64_t	 v;

	if (i >= len)
		return -1;
	if (s[i] == '*') {
		*ip = i + 1;
		*r = SEQ_STAR;
		return 0;
	}
	if (s[i] < '1' || s[i] > '9')
		return -1;
	/* v stays below 2^32 before each step, so v * 10 + 9 fits. */
	for (v = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	*ip = i;
	*r = (uint32_t)v;
	return 0;
}

/*
 * One pass over the text: checks the syntax and counts the ranges into
 * *n_r; if rr is not NULL, also stores them there (the caller counted them
 * with a first pass). Returns 0 or -1.
 */
static int
seqset_scan(const char *s, size_t len, struct seqrange *rr, size_t *n_r)
{
	size_t		 i = 0, n = 0;
	uint32_t	 lo, hi;

	for (;;) {
		if (seqset_number(s, len, &i, &lo) == -1)
			return -1;
		hi = lo;
		if (i < len && s[i] == ':') {
			i++;
			if (seqset_number(s, len, &i, &hi) == -1)
				return -1;
		}
		if (rr != NULL) {
			rr[n].lo = lo;
			rr[n].hi = hi;
		}
		n++;
		if (i == len)
			break;
		if (s[i] != ',')
			return -1;
		i++;
	}
	*n_r = n;
	return 0;
}

int
seqset_parse(struct arena *a, const char *s, size_t len, struct seqset *r)
{
	size_t	 n;

	memset(r, 0, sizeof(*r));
	if (len == 1 && s[0] == '$') {
		r->saved = 1;
		return 0;
	}
	if (seqset_scan(s, len, NULL, &n) == -1)
		return -1;
	if (n > LIMIT_SEQSET_RANGES)
		return -2;
	r->r = arena_reallocarray(a, NULL, 0, n, sizeof(*r->r));
	if (seqset_scan(s, len, r->r, &r->n) == -1)
		return -1;	/* not reached: the first pass accepted it */
	return 0;
}

static int
seqrange_cmp(const void *va, const void *vb)
{
	const struct seqrange	*x = va, *y = vb;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return 0;
}

void
seqset_resolve(struct arena *a, const struct seqset *in, uint32_t max,
    struct seqset *out)
{
	const struct seqrange	*src = in->r;
	struct seqrange		*dst = NULL;
	size_t			 i, j, n = 0, inn = in->n;
	int			 saved = in->saved;
	uint32_t		 lo, hi, t;

	/* in is read into locals first, so in and out may be the same set. */
	if (inn > 0)
		dst = arena_reallocarray(a, NULL, 0, inn, sizeof(*dst));
	for (i = 0; i < inn; i++) {
		lo = src[i].lo == SEQ_STAR ? max : src[i].lo;
		hi = src[i].hi == SEQ_STAR ? max : src[i].hi;
		if (lo > hi) {
			t = lo;
			lo = hi;
			hi = t;
		}
		if (lo == 0)
			lo = 1;
		if (hi > max)
			hi = max;
		if (lo > hi)
			continue;
		dst[n].lo = lo;
		dst[n].hi = hi;
		n++;
	}
	if (n > 1) {
		qsort(dst, n, sizeof(*dst), seqrange_cmp);
		/* Merge overlapping and adjacent ranges; hi + 1 may be 2^32. */
		for (i = 1, j = 0; i < n; i++) {
			if ((uint64_t)dst[j].hi + 1 >= dst[i].lo) {
				if (dst[i].hi > dst[j].hi)
					dst[j].hi = dst[i].hi;
			} else
				dst[++j] = dst[i];
		}
		n = j + 1;
	}
	out->r = dst;
	out->n = n;
	out->saved = saved;
}

int
seqset_contains(const struct seqset *s, uint32_t n)
{
	size_t	 lo = 0, hi = s->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (n < s->r[mid].lo)
			hi = mid;
		else if (n > s->r[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

uint64_t
seqset_count(const struct seqset *s)
{
	uint64_t	 c = 0;
	size_t		 i;

	for (i = 0; i < s->n; i++)
		c += (uint64_t)s->r[i].hi - s->r[i].lo + 1;
	return c;
}

int
seqset_within(const struct seqset *in, uint32_t max)
{
	uint32_t	 lo, hi;
	size_t		 i;

	for (i = 0; i < in->n; i++) {
		lo = in->r[i].lo == SEQ_STAR ? max : in->r[i].lo;
		hi = in->r[i].hi == SEQ_STAR ? max : in->r[i].hi;
		if (lo == 0 || hi == 0 || lo > max || hi > max)
			return 0;
	}
	return 1;
}

/* Write v in decimal at p; returns the end. */
static char *
seqset_put(char *p, uint32_t v)
{
	char	 tmp[10];
	size_t	 n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

char *
seqset_format(struct arena *a, const struct seqset *s)
{
	char	*buf, *p;
	size_t	 i;

	buf = arena_reallocarray(a, NULL, 0, s->n + 1, SEQSET_RANGE_TEXT);
	p = buf;
	for (i = 0; i < s->n; i++) {
		if (i > 0)
			*p++ = ',';
		p = seqset_put(p, s->r[i].lo);
		if (s->r[i].hi != s->r[i].lo) {
			*p++ = ':';
			p = seqset_put(p, s->r[i].hi);
		}
	}
	*p = '\0';
	return buf;
}
