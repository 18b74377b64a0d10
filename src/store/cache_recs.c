/*
 * cache_recs.c: where the records of mdimapd-cache are (cache.c), in
 * memory: the records in the order they were read, chained newest first
 * per UID behind a hash from UID to its chain, so that reading never sorts,
 * whatever order commands wrote their records in (a client fetching the
 * newest messages first writes them backwards), and a lookup walks one
 * message's few records. 16 bytes a record, 8 a hash slot.
 */
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "cache_int.h"
#include "log.h"

static struct cslot *
slot_of(struct cache *c, uint32_t uid)
{
	size_t	i = (uid * 0x9e3779b1u) & (c->hsize - 1);

	while (c->slots[i].head != 0 && c->slots[i].uid != uid)
		i = (i + 1) & (c->hsize - 1);
	return &c->slots[i];
}

/* Room for uids UIDs in the hash (at most half full). */
static void
slots_grow(struct cache *c, size_t uids)
{
	struct cslot	*old = c->slots;
	size_t		 oldsize = c->hsize, i;

	if ((uids + 1) * 2 <= c->hsize)
		return;
	if (c->hsize == 0)
		c->hsize = 4096;
	while ((uids + 1) * 2 > c->hsize)
		c->hsize *= 2;
	if ((c->slots = calloc(c->hsize, sizeof(*c->slots))) == NULL)
		fatalx("out of memory");
	for (i = 0; i < oldsize; i++)
		if (old[i].head != 0)
			*slot_of(c, old[i].uid) = old[i];
	free(old);
}

struct crec *
cache_recs_find(struct cache *c, uint32_t uid, unsigned fi)
{
	struct cslot	*sl;
	uint32_t	 i;

	if (c->hsize == 0)
		return NULL;
	sl = slot_of(c, uid);
	for (i = sl->head; i != 0; i = c->recs[i - 1].next)
		if (c->recs[i - 1].fi == fi)
			return &c->recs[i - 1];
	return NULL;
}

const struct crec *
cache_recs_newest(struct cache *c, const struct crec *r)
{
	return cache_recs_find(c, r->uid, r->fi);
}

void
cache_recs_reserve(struct cache *c, size_t nrecs, size_t nuids)
{
	if (nrecs > c->cap) {
		c->cap = nrecs;
		c->recs = reallocarray(c->recs, c->cap, sizeof(*c->recs));
		if (c->recs == NULL)
			fatalx("out of memory");
	}
	slots_grow(c, nuids);
}

int
cache_recs_link(struct cache *c, uint32_t uid, int fi, uint64_t off,
    size_t len, size_t hl, int from_idx)
{
	struct cslot	*sl;
	struct crec	*r;
	uint32_t	 i;

	if (fi < 0 || fi >= CACHE_FIELDS || c->n >= CACHE_RECORDS_MAX ||
	    hl > CACHE_HEADER_MAX || len > CACHE_VALUE_MAX ||
	    off + hl + len >= 1ULL << CACHE_OFF_BITS)
		return -1;
	if (c->n == c->cap)
		/* 1.5 times: at 100,000 messages this is most of the
		 * cache's memory */
		cache_recs_reserve(c, c->cap ? c->cap + c->cap / 2 : 1024, 0);
	if ((c->nuids + 2) * 2 > c->hsize)
		slots_grow(c, c->nuids + 1);
	sl = slot_of(c, uid);
	if (sl->head == 0) {
		sl->uid = uid;
		c->nuids++;
	} else {
		/* (recs_find(), on the slot found) */
		for (i = sl->head; i != 0 && c->recs[i - 1].fi != (unsigned)fi;
		    i = c->recs[i - 1].next)
			;
		if (i != 0) {
			c->dead++;
			if (from_idx && c->recs[i - 1].off >= c->idx_covered)
				return 0;	/* the newer stays first */
		}
	}
	r = &c->recs[c->n];
	r->off = off;
	r->len = len;
	r->fi = (unsigned)fi;
	r->next = sl->head;
	r->hl = (unsigned)hl;
	r->uid = uid;
	sl->head = (uint32_t)++c->n;
	return 0;
}


/*
 * The numeric fields (W, I, D): their values parsed and their records
 * checked when read, kept by UID with the key they were for, so that a
 * command asking for 100,000 dates compares a key and takes a number
 * instead of reading and checking each record's line. The newest wins:
 * records read from the file come in file order (a later one replaces),
 * and mdimapd-cache.idx's values are older than any the file has after
 * the part it covers (they never replace). 24 bytes a value, 4 a hash
 * slot.
 */
int
cache_field_numeric(int fi)
{
	return fi == CACHE_FI_W || fi == CACHE_FI_I || fi == CACHE_FI_D;
}

static size_t
num_slot(uint32_t uid, size_t hsize)
{
	return (uid * 0x9e3779b1u) & (hsize - 1);
}

static void
num_rehash(struct cnumtab *t)
{
	size_t	i, j;

	memset(t->hash, 0, t->hsize * sizeof(*t->hash));
	for (i = 0; i < t->n; i++) {
		for (j = num_slot(t->e[i].uid, t->hsize); t->hash[j] != 0;
		    j = (j + 1) & (t->hsize - 1))
			;
		t->hash[j] = (uint32_t)i + 1;
	}
}

/* Room for n entries; the hash is sized for those there are and
 * doubles as they come (not for the room: at 100,000 messages that was
 * 2 MB more a field at the peak of a first FETCH). */
void
cache_num_reserve(struct cache *c, int fi, size_t n)
{
	struct cnumtab	*t = &c->num[fi];

	if (n > t->cap) {
		t->cap = n;
		if ((t->e = reallocarray(t->e, t->cap, sizeof(*t->e))) == NULL)
			fatalx("out of memory");
	}
	if (2 * (t->n + 2) <= t->hsize)
		return;
	if (t->hsize == 0)
		t->hsize = 4096;
	while (2 * (t->n + 2) > t->hsize)
		t->hsize *= 2;
	free(t->hash);
	if ((t->hash = calloc(t->hsize, sizeof(*t->hash))) == NULL)
		fatalx("out of memory");
	num_rehash(t);
}

static int
cnum_cmp(const void *a, const void *b)
{
	const struct cnum	*x = a, *y = b;

	return (x->uid > y->uid) - (x->uid < y->uid);
}

void
cache_num_sort(struct cache *c, int fi)
{
	struct cnumtab	*t = &c->num[fi];
	size_t		 i;

	/* Most often in order already (a command asks in UID order): then
	 * no sort, and none of qsort's buffer (the table's size again). */
	for (i = 1; i < t->n && t->e[i - 1].uid < t->e[i].uid; i++)
		;
	if (i < t->n)
		qsort(t->e, t->n, sizeof(*t->e), cnum_cmp);
	if (t->hsize != 0)
		num_rehash(t);
}


void
cache_num_put(struct cache *c, int fi, uint32_t uid, uint64_t key,
    int64_t val, int from_idx)
{
	struct cnumtab	*t = &c->num[fi];
	struct cnum	*e;
	size_t		 i;

	if (t->n >= CACHE_RECORDS_MAX)
		return;
	if (t->n == t->cap)
		cache_num_reserve(c, fi, t->cap ? t->cap + t->cap / 2 : 1024);
	else if (2 * (t->n + 2) > t->hsize)
		cache_num_reserve(c, fi, t->cap);	/* the hash only */
	for (i = num_slot(uid, t->hsize); t->hash[i] != 0;
	    i = (i + 1) & (t->hsize - 1)) {
		e = &t->e[t->hash[i] - 1];
		if (e->uid != uid)
			continue;
		c->dead++;
		if (!from_idx) {
			e->key = key;
			e->val = val;
		}
		return;
	}
	e = &t->e[t->n];
	e->uid = uid;
	e->key = key;
	e->val = val;
	t->hash[i] = (uint32_t)++t->n;
}

static uint32_t
idx_uid(const struct cnumtab *t, size_t i)
{
	return cache_get32(t->idx + i * CACHE_IDX_NUM);
}

/* The index's value of uid: found by the last one's place (a command asks
 * in UID order), else by halves. */
static const struct cnum *
idx_find(struct cnumtab *t, uint32_t uid)
{
	size_t		lo = 0, hi = t->nidx, i = t->hint;

	if (i < t->nidx && idx_uid(t, i) != uid && ++i < t->nidx &&
	    idx_uid(t, i) != uid)
		i = t->nidx;
	while (i >= t->nidx && lo < hi) {
		size_t	mid = lo + (hi - lo) / 2;

		if (idx_uid(t, mid) < uid)
			lo = mid + 1;
		else if (idx_uid(t, mid) > uid)
			hi = mid;
		else
			i = mid;
	}
	if (i >= t->nidx)
		return NULL;
	t->hint = i + 1;
	t->found.uid = uid;
	t->found.key = cache_get64(t->idx + i * CACHE_IDX_NUM + 8);
	t->found.val = (int64_t)cache_get64(t->idx + i * CACHE_IDX_NUM + 16);
	return &t->found;
}

const struct cnum *
cache_num_find(struct cache *c, int fi, uint32_t uid)
{
	struct cnumtab	*t = &c->num[fi];
	size_t		 i;

	for (i = t->hsize != 0 ? num_slot(uid, t->hsize) : 0; t->hsize != 0 &&
	    t->hash[i] != 0; i = (i + 1) & (t->hsize - 1))
		if (t->e[t->hash[i] - 1].uid == uid)
			return &t->e[t->hash[i] - 1];
	return t->nidx != 0 ? idx_find(t, uid) : NULL;
}

int
cache_num_take(struct cache *c, int fi, unsigned char *d, size_t n)
{
	struct cnumtab	*t = &c->num[fi];
	size_t		 i;

	free(t->idx);
	t->idx = d;
	t->nidx = n;
	t->hint = 0;
	for (i = 0; i < n; i++)
		if (idx_uid(t, i) == 0 || (i > 0 && idx_uid(t, i - 1) >=
		    idx_uid(t, i))) {
			free(t->idx);
			t->idx = NULL;
			t->nidx = 0;
			return -1;
		}
	return 0;
}

void
cache_num_thaw(struct cache *c, int fi)
{
	struct cnumtab	*t = &c->num[fi];
	const struct cnum *v;
	size_t		 i;

	if (t->nidx == 0)
		return;
	cache_num_reserve(c, fi, t->n + t->nidx);
	for (i = 0; i < t->nidx; i++) {
		t->hint = i;
		v = idx_find(t, idx_uid(t, i));
		cache_num_put(c, fi, v->uid, v->key, v->val, 1);
	}
	free(t->idx);
	t->idx = NULL;
	t->nidx = 0;
}

size_t
cache_num_count(const struct cache *c)
{
	size_t	n = 0;
	int	fi;

	for (fi = 0; fi < CACHE_FIELDS; fi++)
		n += c->num[fi].n + c->num[fi].nidx;
	return n;
}

void
cache_num_reset(struct cache *c, int release)
{
	int	fi;

	for (fi = 0; fi < CACHE_FIELDS; fi++) {
		struct cnumtab	*t = &c->num[fi];

		free(t->idx);
		t->idx = NULL;
		t->nidx = 0;
		if (release) {
			free(t->e);
			free(t->hash);
			memset(t, 0, sizeof(*t));
			continue;
		}
		t->n = 0;
		if (t->hash != NULL)
			memset(t->hash, 0, t->hsize * sizeof(*t->hash));
	}
}
