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
 *   the file again;
 * - the sent date of SORT (DATE) and THREAD (RFC 5256 2.2), the Date:
 *   field's time, so that a later SORT (DATE) reads no header.
 * What was read from the file is kept in the cache.
 */
#include <sys/stat.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cache.h"
#include "maildir.h"
#include "session.h"
#include "msginfo.h"

/* A number the cache keeps: 0, -1 if none, 1 for the record "-" (none
 * known). */
static int
cached_number(struct session *s, size_t idx, enum cache_field field,
    long long *v_r)
{
	int64_t	v;
	int	r;

	if (s->cache == NULL)
		s->cache = cache_open(s->sel);
	if ((r = cache_get_num(s->cache, idx, field, &v)) == 0)
		*v_r = (long long)v;
	return r;
}

static void
put_number(struct session *s, size_t idx, enum cache_field field,
    long long v)
{
	char	num[BUF_FMTU_MAX + 1];
	size_t	n = v < 0;

	num[0] = '-';
	n += buf_fmtu(num + n, v < 0 ? 0 - (unsigned long long)v :
	    (unsigned long long)v);
	cache_put(s->cache, idx, field, num, n);
}

/* Keep a size the name does not carry in the cache (as text). */
void
msginfo_vsize_put(struct session *s, size_t idx, uint64_t v)
{
	if (s->cache == NULL)
		s->cache = cache_open(s->sel);
	put_number(s, idx, CACHE_VSIZE, (long long)v);
}

void
msginfo_vsize_parsed(struct session *s, size_t idx, uint64_t v)
{
	struct mmsg	*msg = &s->sel->msgs[idx];
	long long	 c;

	if (msginfo_vsize_known(msg))
		return;
	/* (a record the cache has already is not written again) */
	if (cached_number(s, idx, CACHE_VSIZE, &c) != 0 || c != (long long)v)
		msginfo_vsize_put(s, idx, v);
	msg->vsize = v;
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
	long long	 v;
	int		 known;

	if (!(known = msginfo_vsize_known(msg)) &&
	    cached_number(s, idx, CACHE_VSIZE, &v) == 0 && v > 0) {
		msg->vsize = (uint64_t)v;
		known = 1;
	}
	if (maildir_vsize(s->sel, idx, r) == -1)
		return -1;
	if (!known && *r != 0)
		msginfo_vsize_put(s, idx, *r);
	return 0;
}


int
msginfo_date_get(struct session *s, size_t idx, time_t *t_r)
{
	long long	v;

	if (cached_number(s, idx, CACHE_INTERNALDATE, &v) == 0) {
		*t_r = (time_t)v;
		return 0;
	}
	if (maildir_internaldate(s->sel, idx, t_r) == -1)
		return -1;
	put_number(s, idx, CACHE_INTERNALDATE, (long long)*t_r);
	return 0;
}

int
msginfo_date_of(struct session *s, size_t idx, const struct stat *st,
    time_t *t_r)
{
	long long	v;

	if (cached_number(s, idx, CACHE_INTERNALDATE, &v) == 0) {
		*t_r = (time_t)v;
		return 0;
	}
	*t_r = st->st_mtime;
	put_number(s, idx, CACHE_INTERNALDATE, (long long)*t_r);
	return 0;
}

int
msginfo_sentdate_get(struct session *s, size_t idx, time_t *t_r)
{
	long long	v;

	switch (cached_number(s, idx, CACHE_SENTDATE, &v)) {
	case 0:
		*t_r = (time_t)v;
		return 1;
	case 1:
		*t_r = 0;	/* none: INTERNALDATE (RFC 5256 2.2) */
		(void)msginfo_date_get(s, idx, t_r);
		return 1;
	default:
		return 0;
	}
}

void
msginfo_sentdate_put(struct session *s, size_t idx, const time_t *t)
{
	if (s->cache == NULL)
		s->cache = cache_open(s->sel);
	if (t != NULL)
		put_number(s, idx, CACHE_SENTDATE, (long long)*t);
	else
		cache_put(s->cache, idx, CACHE_SENTDATE, "-", 1);
}
