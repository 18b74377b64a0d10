/*
 * sortkey.c: comparing and sorting messages by SORT criteria (RFC 5256 3,
 * RFC 5957). The values come from the caller (sortkey.h); this file only
 * orders them, with a merge sort of its own so that equal messages keep
 * their mailbox order without relying on qsort().
 */
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

size_t *
sortkey_sort(struct arena *a, const struct sortkey_crit *crit, size_t ncrit,
    const struct sortkey_val *vals, size_t n)
{
	size_t	*v, *w, *t, i, width, lo, mid, hi, l, r, k;

	v = arena_reallocarray(a, NULL, 0, n + 1, sizeof(*v));
	w = arena_reallocarray(a, NULL, 0, n + 1, sizeof(*w));
	for (i = 0; i < n; i++)
		v[i] = i;
	/* Bottom-up: runs of width, merged in pairs; on a tie the left run
	 * (lower indexes) goes first, which keeps it stable. */
	for (width = 1; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			mid = lo + width < n ? lo + width : n;
			hi = mid + width < n ? mid + width : n;
			for (l = lo, r = mid, k = lo; k < hi; k++) {
				if (l < mid && (r == hi || sortkey_cmp(crit,
				    ncrit, &vals[v[l] * ncrit],
				    &vals[v[r] * ncrit]) <= 0))
					w[k] = v[l++];
				else
					w[k] = v[r++];
			}
		}
		t = v;
		v = w;
		w = t;
	}
	return v;
}
