/*
 * namepool.h: the file names of a folder's messages, packed in large
 * chunks (one malloc per 64 KiB instead of one per name: at 100,000
 * messages the per-name allocations cost as much as the names).
 *
 * A name takes a slot of its length + 1 rounded up to 8 bytes. A new name
 * for a message (its flags changed) goes into the old slot when it fits
 * the same slot size, as most flag changes do; else it takes a new slot
 * and the old one is dead. The pool cannot move names by itself (the
 * owner holds pointers into it): the owner asks namepool_wasteful() and
 * copies its live names into a new pool when it says so.
 *
 * An owner that knows how many bytes of names are coming (a folder's first
 * listing) says so, and they go into one chunk of that size, in huge pages
 * where they fill them (bigmem.h): a later open of 100,000 messages holds
 * 6 MB of names.
 */
#ifndef MDIMAPD_NAMEPOOL_H
#define MDIMAPD_NAMEPOOL_H

#include <stddef.h>

struct npchunk;

struct namepool {
	struct npchunk	*chunks;
	char		*cur;		/* free space of the newest */
	size_t		 left;
	size_t		 live;		/* bytes in slots in use */
	size_t		 size;		/* bytes in all chunks */
	size_t		 expect;	/* the next chunk's size, if larger */
};

void	 namepool_init(struct namepool *);
void	 namepool_free(struct namepool *);
/* A NUL-terminated copy of s[0..len) (no NUL in it). Never NULL. */
char	*namepool_add(struct namepool *, const char *s, size_t len);
/* About bytes of names (slots: each name's length + 1 rounded up to 8)
 * are coming: the next chunk holds them all. Better too few than too many:
 * a huge page that is written at all is resident whole. */
void	 namepool_expect(struct namepool *, size_t bytes);
/* The name old (from this pool) is no longer used. */
void	 namepool_drop(struct namepool *, const char *old);
/* old (from this pool) becomes s: in its slot if s fits the same slot
 * size, else in a new one. Returns where s now is. */
char	*namepool_replace(struct namepool *, char *old, const char *s);
/* Dead slots outweigh live ones (and are worth a copy). */
int	 namepool_wasteful(const struct namepool *);

#endif
