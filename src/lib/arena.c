/*
 * arena.c: a list of blocks, bump allocation, freed all at once.
 * Blocks grow geometrically; the first block survives arena_reset() so a
 * command loop does not go back to malloc for every command.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "log.h"

#define ARENA_ALIGN	16
#define ARENA_FIRST	(8 * 1024)
/* Blocks grow to this, then stay at it (a larger allocation: its own). */
#define ARENA_BLOCK_MAX	(1024 * 1024)

struct block {
	struct block	*next;
	size_t		 size;
	size_t		 used;
	unsigned char	 data[];
};

struct arena {
	struct block	*head;		/* current block, newest first */
	size_t		 max;
	size_t		 total;		/* bytes in blocks */
	size_t		 used;		/* bytes handed out */
};

struct arena *
arena_new(size_t max)
{
	struct arena	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		fatalx("out of memory");
	a->max = max;
	return a;
}

static void
blocks_free(struct block *b, struct block *keep)
{
	struct block	*next;

	for (; b != NULL; b = next) {
		next = b->next;
		if (b != keep)
			free(b);
	}
}

void
arena_free(struct arena **ap)
{
	if (*ap == NULL)
		return;
	blocks_free((*ap)->head, NULL);
	free(*ap);
	*ap = NULL;
}

void
arena_reset(struct arena *a)
{
	struct block	*first;

	if (a->head == NULL)
		return;
	for (first = a->head; first->next != NULL; first = first->next)
		;
	blocks_free(a->head, first);
	first->used = 0;
	first->next = NULL;
	a->head = first;
	a->total = first->size;
	a->used = 0;
}

/* n bytes, aligned; zeroed when zero (arena_strndup fills its own). */
static void *
alloc(struct arena *a, size_t n, int zero)
{
	struct block	*b = a->head;
	size_t		 off, bsize;
	void		*p;

	if (n == 0)
		n = 1;
	if (n > a->max || a->used > a->max - n)
		fatalx("memory limit reached (%zu bytes)", a->max);
	if (b != NULL) {
		off = (b->used + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
		if (off <= b->size && b->size - off >= n) {
			b->used = off + n;
			a->used += n;
			p = b->data + off;
			if (zero)
				memset(p, 0, n);
			return p;
		}
	}
	/* Twice the last block, up to ARENA_BLOCK_MAX: a large arena is
	 * not twice its use (a STORE on 100,000 messages: 3 MB for 1). */
	bsize = b == NULL ? ARENA_FIRST : b->size * 2;
	if (bsize > ARENA_BLOCK_MAX)
		bsize = ARENA_BLOCK_MAX;
	if (bsize > a->max)
		bsize = a->max;
	if (bsize < n)
		bsize = n;
	if ((b = malloc(sizeof(*b) + bsize)) == NULL)
		fatalx("out of memory");
	b->size = bsize;
	b->used = n;
	b->next = a->head;
	a->head = b;
	a->total += bsize;
	a->used += n;
	if (zero)
		memset(b->data, 0, n);
	return b->data;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	return alloc(a, n, 1);
}

void *
arena_reallocarray(struct arena *a, void *old, size_t oldn, size_t n,
    size_t size)
{
	void	*p;

	if (size != 0 && n > SIZE_MAX / size)
		fatalx("memory limit reached (overflow)");
	p = arena_alloc(a, n * size);
	if (old != NULL && oldn > 0)
		memcpy(p, old, (oldn < n ? oldn : n) * size);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	char	*p;

	if (len == SIZE_MAX)
		fatalx("memory limit reached (overflow)");
	p = alloc(a, len + 1, 0);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;
	char	*p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("arena_printf: bad format");
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	(void)vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

size_t
arena_used(const struct arena *a)
{
	return a->used;
}
