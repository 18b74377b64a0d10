/*
 * heap.c: the heap in transparent huge pages (see heap.h), as glibc's
 * glibc.malloc.hugetlb=1 tunable would do it (a tunable is read from the
 * environment at exec: not ours to set for a server started by inetd).
 */
#include <sys/mman.h>

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "heap.h"

#define HEAP_PAD	(64 * 1024 * 1024)
#define HUGE_PAGE	((uintptr_t)2 * 1024 * 1024)
/* under the mmap threshold (128 KiB): from the heap, which it extends */
#define HEAP_PROBE	(120 * 1024)

void
heap_hugepages(void)
{
	uintptr_t	 lo, hi;
	void		*p;

	if (mallopt(M_TOP_PAD, HEAP_PAD) == 0 ||
	    (p = malloc(HEAP_PROBE)) == NULL)
		return;
	lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	hi = (uintptr_t)sbrk(0) & ~(HUGE_PAGE - 1);
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
	free(p);
}
