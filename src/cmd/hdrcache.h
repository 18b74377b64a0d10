/*
 * hdrcache.h: the header fields the folder's cache keeps for each message
 * (cache.h CACHE_HEADER), for FETCH HEADER.FIELDS, SEARCH, SORT and
 * THREAD: asked for before the file is opened, filled from a header read
 * anyway.
 */
#ifndef MDIMAPD_HDRCACHE_H
#define MDIMAPD_HDRCACHE_H

#include <stddef.h>

struct session;

/* Whether every field of names[0..n) (any case) is among those kept. */
int		 hdrcache_covers(const char *const *names, size_t n);
/* The kept fields of message idx of the selected folder (CRLF lines, then
 * the empty line), valid until the next cache call; NULL if not cached. */
const char	*hdrcache_get(struct session *, size_t idx, size_t *len_r);
/* Keep them, from the message's header with CRLF line ends (as
 * fetch_read_header() gives it). */
void		 hdrcache_put(struct session *, size_t idx, const char *hdr,
		    size_t len);

#endif
