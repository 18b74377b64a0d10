/*
 * heap.h: the process heap in transparent huge pages. A session on a
 * large folder holds tens of MB of small allocations (names, the view,
 * tables): in 4 KiB pages each page is a fault when first touched and
 * one more to free at exit, about 4,000 of each at 100,000 messages
 * (1.3 ms of LOGOUT, measured). In 2 MiB pages, a few hundred.
 */
#ifndef MDIMAPD_HEAP_H
#define MDIMAPD_HEAP_H

/* Call once, first in main(): the heap grows in HEAP_PAD steps of
 * address space (memory comes only as pages are touched), and the first
 * step is marked MADV_HUGEPAGE. A no-op where the kernel has no THP (or
 * it is set to "never"); a small session stays in small pages (its heap
 * below the first 2 MiB boundary). */
void	heap_hugepages(void);

#endif
