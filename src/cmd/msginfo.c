/*
 * msginfo.c: the numbers of a message that cost a file access to learn,
 * through the folder's cache (cache.h):
 * - RFC822.SIZE (the size with CRLF line ends) for FETCH, SEARCH LARGER /
 *   SMALLER and SORT SIZE: from the view, the name's ",W=", the cache,
 *   and only then by reading the whole file;
 * - INTERNALDATE (the file's modification time, maildir.md) for FETCH,
 *   SEARCH BEFORE / ON / SINCE and SORT ARRIVAL: from the cache, else a
 *   stat() of the file. A message's INTERNALDATE does not change (RFC
 *   9051 2.3.3); Dovecot too keeps it in its index and does not look at
 *   the file again.
 * What was read from the file is kept in the cache.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "maildir.h"
#include "session.h"
#include "msginfo.h"

/* Keep a size the name does not carry in the cache (as text). */
void
msginfo_vsize_put(struct session *s, size_t idx, uint64_t v)
{
	char	num[32];
	int	len;

	if (s->cache == NULL)
		s->cache = cache_open(s->sel);
	len = snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	cache_put(s->cache, idx, CACHE_VSIZE, num, (size_t)len);
}

/* Whether RFC822.SIZE is known without the file or the cache: in memory
 * already, or ",W=" in the name. */
int
msginfo_vsize_known(const struct mmsg *msg)
{
	uint64_t	v;

	return msg->vsize != 0 ||
	    maildir_name_size(msg->name, ",W=", &v) == 0;
}

/* RFC822.SIZE without reading the file when the cache knows it. */
int
msginfo_vsize_get(struct session *s, size_t idx, uint64_t *r)
{
	struct mmsg	*msg = &s->sel->msgs[idx];
	const char	*v;
	char		 num[32], *end;
	size_t		 len;
	int		 known;

	known = msginfo_vsize_known(msg);
	if (!known) {
		if (s->cache == NULL)
			s->cache = cache_open(s->sel);
		if ((v = cache_get(s->cache, idx, CACHE_VSIZE, &len)) != NULL &&
		    len > 0 && len < sizeof(num)) {
			memcpy(num, v, len);
			num[len] = '\0';
			msg->vsize = strtoull(num, &end, 10);
			if (*end == '\0' && msg->vsize != 0)
				known = 1;
			else
				msg->vsize = 0;
		}
	}
	if (maildir_vsize(s->sel, idx, r) == -1)
		return -1;
	if (!known && *r != 0)
		msginfo_vsize_put(s, idx, *r);
	return 0;
}


/* A number the cache keeps as decimal text (a '-' allowed). */
static int
cached_number(struct session *s, size_t idx, enum cache_field field,
    long long *v_r)
{
	const char	*v;
	char		 num[32], *end;
	size_t		 len;

	if (s->cache == NULL)
		s->cache = cache_open(s->sel);
	if ((v = cache_get(s->cache, idx, field, &len)) == NULL || len == 0 ||
	    len >= sizeof(num))
		return -1;
	memcpy(num, v, len);
	num[len] = '\0';
	*v_r = strtoll(num, &end, 10);
	return *end == '\0' ? 0 : -1;
}

int
msginfo_date_get(struct session *s, size_t idx, time_t *t_r)
{
	char		num[32];
	long long	v;
	int		len;

	if (cached_number(s, idx, CACHE_INTERNALDATE, &v) == 0) {
		*t_r = (time_t)v;
		return 0;
	}
	if (maildir_internaldate(s->sel, idx, t_r) == -1)
		return -1;
	len = snprintf(num, sizeof(num), "%lld", (long long)*t_r);
	cache_put(s->cache, idx, CACHE_INTERNALDATE, num, (size_t)len);
	return 0;
}
