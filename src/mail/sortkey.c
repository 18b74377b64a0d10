/*
 * sortkey.c: comparing and sorting messages by SORT criteria (RFC 5256 3,
 * RFC 5957). The values come from the caller (sortkey.h); this file only
 * orders them, with a merge sort of its own (a radix sort for one
 * numeric criterion) so that equal messages keep their mailbox order
 * without relying on qsort().
 */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "sortkey.h"

const char *
sortkey_addr_mailbox(const struct sortkey_addr *addr)
{
	if (addr == NULL || addr->mailbox == NULL)
		return "";
	return addr->mailbox;
}

char *
sortkey_addr_display(struct arena *a, const struct sortkey_addr *addr)
{
	if (addr == NULL)
		return arena_strdup(a, "");
	if (addr->name != NULL && addr->name[0] != '\0')
		return arena_strdup(a, addr->name);
	if (addr->mailbox == NULL)
		return arena_strdup(a, "");
	if (addr->host == NULL || addr->host[0] == '\0')
		return arena_strdup(a, addr->mailbox);
	return arena_printf(a, "%s@%s", addr->mailbox, addr->host);
}

static int
val_cmp(enum sortkey_kind kind, const struct sortkey_val *a,
    const struct sortkey_val *b)
{
	size_t	l;
	int	r;

	if (kind == SORTKEY_NUM)
		return (a->num > b->num) - (a->num < b->num);
	l = a->len < b->len ? a->len : b->len;
	if (l > 0 && (r = memcmp(a->str, b->str, l)) != 0)
		return r < 0 ? -1 : 1;
	return (a->len > b->len) - (a->len < b->len);
}

int
sortkey_cmp(const struct sortkey_crit *crit, size_t ncrit,
    const struct sortkey_val *va, const struct sortkey_val *vb)
{
	size_t	i;
	int	r;

	for (i = 0; i < ncrit; i++) {
		if ((r = val_cmp(crit[i].kind, &va[i], &vb[i])) != 0)
			return crit[i].reverse ? -r : r;
	}
	return 0;
}

/* Whether message x goes before or with message y. */
static inline int
before(const struct sortkey_crit *crit, size_t ncrit,
    const struct sortkey_val *vals, size_t x, size_t y)
{
	return sortkey_cmp(crit, ncrit, &vals[x * ncrit], &vals[y * ncrit]) <=
	    0;
}

/* A key as radix_num() sorts it: unsigned, in the order asked for. */
static inline uint64_t
radix_key(const struct sortkey_val *v, int reverse)
{
	uint64_t	x = (uint64_t)v->num ^ (1ULL << 63);

	return reverse ? ~x : x;
}

/*
 * One numeric criterion (SORT (DATE), (SIZE), (ARRIVAL)) whose keys lie
 * within 32 bits of each other (dates of a century, sizes): a radix sort
 * of the keys less the lowest, 8 bits a pass from the lowest, over the
 * bits in which they differ (dates of a few years: 4 passes), each pass
 * stable, so equal keys keep their order; REVERSE sorts the keys'
 * complements. The keys are kept beside their 32-bit indices. NULL when
 * the keys are further apart: the merge sort does those.
 */
static size_t *
radix_num(struct arena *a, const struct sortkey_val *vals, size_t n,
    int reverse)
{
	uint64_t	 lo = UINT64_MAX, hi = 0, x;
	uint32_t	*v, *w, *k, *k2, *t, range;
	size_t		*out, i, count[256], sum, c;
	unsigned	 shift;

	for (i = 0; i < n; i++) {
		x = radix_key(&vals[i], reverse);
		lo = x < lo ? x : lo;
		hi = x > hi ? x : hi;
	}
	if (n > 0 && hi - lo > UINT32_MAX)
		return NULL;
	range = n > 0 ? (uint32_t)(hi - lo) : 0;
	out = arena_reallocarray(a, NULL, 0, n + 1, sizeof(*out));
	v = arena_reallocarray(a, NULL, 0, n + 1, sizeof(*v));
	w = arena_reallocarray(a, NULL, 0, n + 1, sizeof(*w));
	k = arena_reallocarray(a, NULL, 0, n + 1, sizeof(*k));
	k2 = arena_reallocarray(a, NULL, 0, n + 1, sizeof(*k2));
	for (i = 0; i < n; i++) {
		v[i] = (uint32_t)i;
		k[i] = (uint32_t)(radix_key(&vals[i], reverse) - lo);
	}
	for (shift = 0; shift < 32 && range >> shift != 0; shift += 8) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[k[i] >> shift & 255]++;
		for (i = 0, sum = 0; i < 256; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++) {
			c = count[k[i] >> shift & 255]++;
			w[c] = v[i];
			k2[c] = k[i];
		}
		t = v;
		v = w;
		w = t;
		t = k;
		k = k2;
		k2 = t;
	}
	for (i = 0; i < n; i++)
		out[i] = v[i];
	return out;
}

size_t *
sortkey_sort(struct arena *a, const struct sortkey_crit *crit, size_t ncrit,
    const struct sortkey_val *vals, size_t n)
{
	size_t	*v, *w, *t, *rb, *nb, i, nr, k, l, r, mid, hi, j;

	if (ncrit == 1 && crit[0].kind == SORTKEY_NUM && n < UINT32_MAX &&
	    (v = radix_num(a, vals, n, crit[0].reverse)) != NULL)
		return v;
	v = arena_reallocarray(a, NULL, 0, n + 1, sizeof(*v));
	w = arena_reallocarray(a, NULL, 0, n + 1, sizeof(*w));
	rb = arena_reallocarray(a, NULL, 0, n + 2, sizeof(*rb));
	for (i = 0; i < n; i++)
		v[i] = i;
	/*
	 * A natural merge sort: the runs already in order (messages mostly
	 * arrive in date order: one run, one pass) are merged in pairs
	 * until one is left; on a tie the left run (lower indexes) goes
	 * first, which keeps it stable. rb holds the runs' starts, then n.
	 */
	nr = 0;
	rb[nr++] = 0;
	for (i = 1; i < n; i++)
		if (!before(crit, ncrit, vals, i - 1, i))
			rb[nr++] = i;
	rb[nr] = n;
	while (nr > 1) {
		for (j = 0, nb = rb, k = 0; j < nr; j += 2) {
			l = rb[j];
			mid = rb[j + 1];
			hi = j + 2 <= nr ? rb[j + 2] : mid;
			nb[k++] = l;
			for (i = l, r = mid; i < hi; i++) {
				if (l < mid && (r == hi || before(crit, ncrit,
				    vals, v[l], v[r])))
					w[i] = v[l++];
				else
					w[i] = v[r++];
			}
		}
		nb[k] = n;
		nr = k;
		t = v;
		v = w;
		w = t;
	}
	return v;
}
