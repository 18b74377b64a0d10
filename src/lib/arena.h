/*
 * arena.h: region allocator. One arena per command (reset after the tagged
 * reply) and one per selected mailbox. Allocation never returns NULL: running
 * out of memory, or past the arena's maximum, ends the session via fatalx().
 */
#ifndef MDIMAPD_ARENA_H
#define MDIMAPD_ARENA_H

#include <stddef.h>

struct arena;

/* A new arena that may hold at most max bytes in all. */
struct arena	*arena_new(size_t max);
void		 arena_free(struct arena **);
/* Drop everything allocated; keep the first block for reuse. */
void		 arena_reset(struct arena *);
/* Zeroed, aligned for any type. */
void		*arena_alloc(struct arena *, size_t);
void		*arena_reallocarray(struct arena *, void *, size_t oldn,
		    size_t n, size_t size);
/* NUL-terminated copy of len bytes (which may hold NULs: callers that care
 * keep the length). */
char		*arena_strndup(struct arena *, const char *, size_t len);
char		*arena_strdup(struct arena *, const char *);
char		*arena_printf(struct arena *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
size_t		 arena_used(const struct arena *);

#endif
