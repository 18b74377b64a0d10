/*
 * namepool.c: a bump allocator for message file names (see namepool.h).
 * Slots are never freed one by one; chunks go only with the whole pool.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "log.h"
#include "namepool.h"

#define NP_CHUNK	(64 * 1024)	/* bytes per chunk, header included */
#define NP_BIG		(NP_CHUNK / 8)	/* a slot this large gets its own */
#define NP_WASTE_MIN	(256 * 1024)	/* dead bytes not worth a copy */

struct npchunk {
	struct npchunk	*next;
	size_t		 size;		/* of data */
	char		 data[];
};

#define NP_HEAD		offsetof(struct npchunk, data)

static size_t
slot_size(size_t len)
{
	return (len + 1 + 7) & ~(size_t)7;
}

void
namepool_init(struct namepool *np)
{
	memset(np, 0, sizeof(*np));
}

void
namepool_free(struct namepool *np)
{
	struct npchunk	*c, *next;

	for (c = np->chunks; c != NULL; c = next) {
		next = c->next;
		bigmem_free(c, NP_HEAD + c->size);
	}
	memset(np, 0, sizeof(*np));
}

/* A new chunk of size bytes of data; NULL only if there is no memory
 * and may_fail. */
static struct npchunk *
chunk_new(struct namepool *np, size_t size, int may_fail)
{
	struct npchunk	*c = NULL;

	if (size <= SIZE_MAX - NP_HEAD)
		c = bigmem_alloc(NP_HEAD + size);
	if (c == NULL) {
		if (may_fail)
			return NULL;
		fatalx("out of memory");
	}
	c->size = size;
	c->next = np->chunks;
	np->chunks = c;
	np->size += size;
	return c;
}

char *
namepool_add(struct namepool *np, const char *s, size_t len)
{
	struct npchunk	*c;
	size_t		 slot = slot_size(len);
	char		*p;

	if (len > SIZE_MAX / 2)
		fatalx("out of memory");
	if (slot >= NP_BIG) {
		/* Its own chunk; the one being filled stays current. */
		c = chunk_new(np, slot, 0);
		p = c->data;
	} else {
		if (np->left < slot) {
			/* The names expected in one chunk: a guess (a
			 * uidlist's), not worth failing for. */
			c = np->expect > NP_CHUNK ?
			    chunk_new(np, np->expect, 1) : NULL;
			np->expect = 0;
			if (c == NULL)
				c = chunk_new(np, NP_CHUNK - NP_HEAD, 0);
			np->cur = c->data;
			np->left = c->size;
		}
		p = np->cur;
		np->cur += slot;
		np->left -= slot;
	}
	np->live += slot;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void
namepool_expect(struct namepool *np, size_t bytes)
{
	if (np->left < bytes)
		np->expect = bytes - np->left;
}

void
namepool_drop(struct namepool *np, const char *old)
{
	size_t	slot = slot_size(strlen(old));

	np->live = np->live > slot ? np->live - slot : 0;
}

char *
namepool_replace(struct namepool *np, char *old, const char *s)
{
	size_t	len = strlen(s);

	if (old == s)
		return old;
	if (slot_size(len) == slot_size(strlen(old))) {
		memmove(old, s, len + 1);
		return old;
	}
	namepool_drop(np, old);
	return namepool_add(np, s, len);
}

int
namepool_wasteful(const struct namepool *np)
{
	size_t	dead = np->size - np->left - np->live;

	return dead > np->live && dead >= NP_WASTE_MIN;
}
