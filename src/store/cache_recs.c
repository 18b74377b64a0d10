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

