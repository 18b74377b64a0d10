/*
 * bigmem.c: large arrays in their own mappings, 2 MiB aligned, with huge
 * pages advised on the spans they fill (see bigmem.h). Where the kernel has
 * no transparent huge pages, or they are off, the advice fails or is
 * ignored and the mapping keeps small pages: nothing else changes.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bigmem.h"

#if defined(__SANITIZE_ADDRESS__)
#define BIGMEM_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BIGMEM_ASAN	1
#endif
#endif

static int
use_malloc(size_t size)
{
#ifdef BIGMEM_ASAN
	(void)size;
	return 1;
#else
	return size < BIGMEM_MIN;
#endif
}

/* Spans of BIGMEM_HUGE in huge pages: the full ones, and the last if the
 * array fills seven eighths of it. */
static size_t
huge_spans(size_t size)
{
	size_t	spans = size / BIGMEM_HUGE;

	if (size % BIGMEM_HUGE >= BIGMEM_MIN)
		spans++;
	return spans;
}

/* The length mapped: the huge spans, then small pages to the end. */
static size_t
map_len(size_t size)
{
	size_t	page = (size_t)sysconf(_SC_PAGESIZE);
	size_t	len = huge_spans(size) * BIGMEM_HUGE;

	if (len < size)
		len = (size + page - 1) / page * page;
	return len;
}

size_t
bigmem_huge_bytes(size_t size)
{
	if (use_malloc(size))
		return 0;
	return huge_spans(size) * BIGMEM_HUGE;
}

void *
bigmem_alloc(size_t size)
{
	char		*map, *p;
	size_t		 len, head;

	if (use_malloc(size))
		return malloc(size);
	len = map_len(size);
	if (len > SIZE_MAX - BIGMEM_HUGE)
		return NULL;
	/* Map a huge page more than needed and cut it to an aligned start. */
	map = mmap(NULL, len + BIGMEM_HUGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return NULL;
	head = (BIGMEM_HUGE - (uintptr_t)map % BIGMEM_HUGE) % BIGMEM_HUGE;
	p = map + head;
	if (head != 0)
		(void)munmap(map, head);
	(void)munmap(p + len, BIGMEM_HUGE - head);
#ifdef MADV_HUGEPAGE
	/* EINVAL without THP in the kernel: small pages then. */
	(void)madvise(p, huge_spans(size) * BIGMEM_HUGE, MADV_HUGEPAGE);
#endif
	return p;
}

void
bigmem_free(void *p, size_t size)
{
	if (p == NULL)
		return;
	if (use_malloc(size))
		free(p);
	else
		(void)munmap(p, map_len(size));
}

void *
bigmem_realloc(void *p, size_t oldsize, size_t newsize)
{
	void	*q;

	if (p == NULL)
		return bigmem_alloc(newsize);
	if (use_malloc(oldsize) && use_malloc(newsize))
		return realloc(p, newsize);
	if ((q = bigmem_alloc(newsize)) == NULL)
		return NULL;
	memcpy(q, p, oldsize < newsize ? oldsize : newsize);
	bigmem_free(p, oldsize);
	return q;
}
