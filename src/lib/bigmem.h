/*
 * bigmem.h: memory for the few arrays that grow with a folder's size (the
 * view's messages and the chunks of its names), backed by transparent huge
 * pages where an array fills them.
 *
 * At 100,000 messages the view is about 3,000 small pages: as many page
 * faults to build it and as many pages for the kernel to free, one by one,
 * when the process exits (most of the time LOGOUT takes). A 2 MiB huge page
 * is faulted in and freed as one. Huge pages go only where the array itself
 * will be written (a span of 2 MiB that it fills at least seven eighths
 * of), so memory grows by at most an eighth of a huge page an array; heap
 * huge pages for everything cost more (a command's transient allocations
 * keep whole pages resident: see commit 630e806).
 *
 * "Fills" is the caller's to make true: the view is reserved exactly on a
 * first sync. Room reserved past what is written (the view doubled as
 * messages arrive) costs up to one huge page, once written into at all.
 *
 * Sizes under BIGMEM_MIN are malloc()'s, and so is everything under ASan
 * (which then checks the arrays' bounds). The caller keeps the size: it is
 * passed back to bigmem_realloc() and bigmem_free(). As malloc() and
 * realloc(), they return NULL when there is no memory (realloc: p kept).
 */
#ifndef MDIMAPD_BIGMEM_H
#define MDIMAPD_BIGMEM_H

#include <stddef.h>

#define BIGMEM_HUGE	((size_t)2 << 20)	/* x86-64 and arm64 THP size */
#define BIGMEM_MIN	(BIGMEM_HUGE / 8 * 7)

/* size bytes, not zeroed; size > 0. NULL if there is no memory. */
void	*bigmem_alloc(size_t size);
/* p (of oldsize bytes, or NULL and 0) as newsize bytes, contents kept;
 * NULL (p untouched) if there is no memory. */
void	*bigmem_realloc(void *p, size_t oldsize, size_t newsize);
void	 bigmem_free(void *p, size_t size);
/* The bytes of memory a size takes in huge pages (for tests). */
size_t	 bigmem_huge_bytes(size_t size);

#endif
