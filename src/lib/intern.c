/*
 * intern.c: the string table of intern.h.
 *
 * Three arrays, each grown by doubling with realloc(): the strings end to
 * end, each followed by a NUL (pool); an entry per string with its offset
 * in the pool and its length (ents, entry num - 1 for number num);
 * open-addressed hash slots holding entry numbers and their strings'
 * hashes, 0 for an empty slot, at most half full (slots).
 * Offsets are 32 bits: the maximum is checked to keep the pool under 4 GB.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intern.h"
#include "log.h"

#define INTERN_SLOTS_MIN	64

struct ient {
	uint32_t	 off;
	uint32_t	 len;
};

struct intern {
	char		*pool;
	size_t		 plen, pcap;
	struct ient	*ents;
	uint32_t	 n, ecap;
	uint64_t	*slots;		/* hash << 32 | entry number */
	size_t		 mask;		/* slots - 1; 0 before the first */
	size_t		 max;
};

/* A multiply-and-shift hash over 8 bytes at a time: strings here are
 * tens of bytes, and byte-at-a-time hashing cost as much as the rest of
 * a lookup. */
static uint32_t
intern_hash(const char *s, size_t len)
{
	const uint64_t	 k = 0x9e3779b97f4a7c15ULL;
	uint64_t	 h = k ^ len, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	if (len > 0) {
		w = 0;
		memcpy(&w, s, len);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	h *= k;
	return (uint32_t)(h >> 32);
}

struct intern *
intern_new(size_t max)
{
	struct intern	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		fatalx("out of memory");
	t->max = max;
	if (t->max > UINT32_MAX)
		t->max = UINT32_MAX;
	return t;
}

void
intern_free(struct intern **tp)
{
	if (*tp == NULL)
		return;
	free((*tp)->pool);
	free((*tp)->ents);
	free((*tp)->slots);
	free(*tp);
	*tp = NULL;
}

size_t
intern_size(const struct intern *t)
{
	return t->pcap + (size_t)t->ecap * sizeof(*t->ents) +
	    (t->mask != 0 ? (t->mask + 1) * sizeof(*t->slots) : 0);
}

uint32_t
intern_count(const struct intern *t)
{
	return t->n;
}

const char *
intern_get(const struct intern *t, uint32_t num, size_t *len_r)
{
	const struct ient	*e = &t->ents[num - 1];

	*len_r = e->len;
	return t->pool + e->off;
}

static void *
grow(void *p, size_t n, size_t size)
{
	if ((p = realloc(p, n * size)) == NULL)
		fatalx("out of memory");
	return p;
}

/* Room for one more string of len bytes; -1 past the maximum. */
static int
intern_reserve(struct intern *t, size_t len)
{
	size_t		 pcap = t->pcap, ecap = t->ecap, scap, i, j;
	size_t		 now = intern_size(t), more = 0;
	uint64_t	*slots, v;

	if (len >= t->max)
		return -1;
	while (pcap - t->plen < len + 1)
		pcap = pcap == 0 ? 4096 : pcap * 2;
	if (t->n == ecap)
		ecap = ecap == 0 ? 256 : ecap * 2;
	scap = t->mask != 0 ? t->mask + 1 : 0;
	if (2 * ((size_t)t->n + 1) > scap)
		scap = scap == 0 ? INTERN_SLOTS_MIN : scap * 2;
	more = (pcap - t->pcap) + (ecap - t->ecap) * sizeof(*t->ents) +
	    (scap - (t->mask != 0 ? t->mask + 1 : 0)) * sizeof(*t->slots);
	if (more > t->max || now > t->max - more || ecap > UINT32_MAX)
		return -1;
	if (pcap != t->pcap) {
		t->pool = grow(t->pool, pcap, 1);
		t->pcap = pcap;
	}
	if (ecap != t->ecap) {
		t->ents = grow(t->ents, ecap, sizeof(*t->ents));
		t->ecap = (uint32_t)ecap;
	}
	if (scap != (t->mask != 0 ? t->mask + 1 : 0)) {
		if ((slots = calloc(scap, sizeof(*slots))) == NULL)
			fatalx("out of memory");
		for (i = 0; t->mask != 0 && i <= t->mask; i++) {
			if ((v = t->slots[i]) == 0)
				continue;
			for (j = (v >> 32) & (scap - 1); slots[j] != 0;
			    j = (j + 1) & (scap - 1))
				;
			slots[j] = v;
		}
		free(t->slots);
		t->slots = slots;
		t->mask = scap - 1;
	}
	return 0;
}

uint32_t
intern_add(struct intern *t, const char *s, size_t len)
{
	struct ient	*e;
	uint32_t	 h = intern_hash(s, len), k;
	uint64_t	 v;
	size_t		 i;

	/* The slot's hash turns other strings away without their entry. */
	if (t->mask != 0) {
		for (i = h & t->mask; (v = t->slots[i]) != 0;
		    i = (i + 1) & t->mask) {
			if ((uint32_t)(v >> 32) != h)
				continue;
			k = (uint32_t)v;
			e = &t->ents[k - 1];
			if (e->len == len &&
			    (len == 0 || memcmp(t->pool + e->off, s, len) == 0))
				return k;
		}
	}
	if (intern_reserve(t, len) == -1)
		return 0;
	for (i = h & t->mask; t->slots[i] != 0; i = (i + 1) & t->mask)
		;
	e = &t->ents[t->n];
	e->off = (uint32_t)t->plen;
	e->len = (uint32_t)len;
	if (len > 0)
		memcpy(t->pool + t->plen, s, len);
	t->pool[t->plen + len] = '\0';
	t->plen += len + 1;
	t->slots[i] = (uint64_t)h << 32 | ++t->n;
	return t->n;
}

/* For intern_rank(): a string and its number. */
struct irank {
	const char	*s;
	uint32_t	 len;
	uint32_t	 num;
};

static int
irank_cmp(const void *va, const void *vb)
{
	const struct irank	*a = va, *b = vb;
	uint32_t		 l = a->len < b->len ? a->len : b->len;
	int			 r;

	if (l > 0 && (r = memcmp(a->s, b->s, l)) != 0)
		return r;
	return (a->len > b->len) - (a->len < b->len);
}

void
intern_rank(const struct intern *t, uint32_t *rank_r)
{
	struct irank	*v;
	uint32_t	 i;

	rank_r[0] = 0;
	if (t->n == 0)
		return;
	if ((v = calloc(t->n, sizeof(*v))) == NULL)
		fatalx("out of memory");
	for (i = 0; i < t->n; i++) {
		v[i].s = t->pool + t->ents[i].off;
		v[i].len = t->ents[i].len;
		v[i].num = i + 1;
	}
	qsort(v, t->n, sizeof(*v), irank_cmp);
	for (i = 0; i < t->n; i++)
		rank_r[v[i].num] = i + 1;
	free(v);
}
