/*
 * hdrcache.c: the cached header fields (hdrcache.h), on top of the
 * folder's cache (cache.c) and the header filter (header.c).
 */
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "cache.h"
#include "hdrcache.h"
#include "header.h"
#include "session.h"

static const char *const kept[] = { CACHE_HEADER_FIELDS };
#define NKEPT	(sizeof(kept) / sizeof(kept[0]))

/* Largest header read to fill the cache (fields past it are missed, as
 * FETCH's own header sections miss them). */
#define HDRCACHE_HEADER_MAX	(1024 * 1024)

int
hdrcache_covers(const char *const *names, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < NKEPT; j++)
			if (strcasecmp(names[i], kept[j]) == 0)
				break;
		if (j == NKEPT)
			return 0;
	}
	return 1;
}

static struct cache *
cache_of(struct session *s)
{
	if (s->cache == NULL)
		s->cache = cache_open(s->sel);
	return s->cache;
}

const char *
hdrcache_get(struct session *s, size_t idx, size_t *len_r)
{
	return cache_get(cache_of(s), idx, CACHE_HEADER, len_r);
}

void
hdrcache_put(struct session *s, size_t idx, const char *hdr, size_t len)
{
	static struct buf	out;	/* kept: no allocation per message */

	if (len > HDRCACHE_HEADER_MAX)
		len = HDRCACHE_HEADER_MAX;
	if (out.max == 0)
		buf_init(&out, HDRCACHE_HEADER_MAX + 2);
	buf_reset(&out);
	if (header_fields(&out, hdr, len, kept, NKEPT, 0) == 0)
		cache_put(cache_of(s), idx, CACHE_HEADER, out.data, out.len);
}
