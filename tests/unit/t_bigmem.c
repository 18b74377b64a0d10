/*
 * t_bigmem.c: bigmem.c's arrays hold what is written to them across
 * reallocations (into and out of their own mappings); huge pages go on the
 * 2 MiB spans an array fills at least seven eighths of and nowhere else
 * (bigmem_huge_bytes(), and the mapping's "hg" VmFlag in /proc/self/smaps
 * where the kernel has THP); mappings start 2 MiB aligned.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bigmem.h"
#include "test.h"

#define MIB	((size_t)1 << 20)

/* The VMA at p: its length, and whether it is marked for huge pages
 * (1), not (0); -1 if there is no VMA starting at p. */
static int
vma_at(const void *p, size_t *len_r)
{
	FILE		*f;
	char		 line[512];
	unsigned long	 lo, hi;
	int		 in = 0, hg = -1;

	*len_r = 0;
	if ((f = fopen("/proc/self/smaps", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = lo == (uintptr_t)p;
			if (in)
				*len_r = hi - lo;
		} else if (in && strncmp(line, "VmFlags:", 8) == 0)
			hg = strstr(line, " hg") != NULL;
	}
	fclose(f);
	return hg;
}

static int
filled(const unsigned char *p, size_t n, unsigned char c)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

int
main(void)
{
	unsigned char	*p;
	size_t		 len;
	int		 thp, asan = bigmem_huge_bytes(4 * MIB) == 0;

	thp = access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0;

	/* Which spans are huge: full ones, and a last one 7/8 filled. */
	if (!asan) {
		CHECK_INT(bigmem_huge_bytes(100), 0);
		CHECK_INT(bigmem_huge_bytes(BIGMEM_MIN - 1), 0);
		CHECK_INT(bigmem_huge_bytes(BIGMEM_MIN), 2 * MIB);
		CHECK_INT(bigmem_huge_bytes(2 * MIB), 2 * MIB);
		CHECK_INT(bigmem_huge_bytes(4000000), 4 * MIB);	/* 3.8 MiB */
		CHECK_INT(bigmem_huge_bytes(5 * MIB), 4 * MIB);
		CHECK_INT(bigmem_huge_bytes(6 * MIB - 1), 6 * MIB);
	} else
		fprintf(stderr, "t_bigmem: under ASan everything is "
		    "malloc()'s: the mappings went unchecked\n");

	/* Small: malloc's, grown into a mapping of its own, contents kept. */
	p = bigmem_alloc(1000);
	memset(p, 'a', 1000);
	p = bigmem_realloc(p, 1000, 5 * MIB);
	CHECK(filled(p, 1000, 'a'));
	memset(p, 'b', 5 * MIB);
	if (!asan) {
		CHECK((uintptr_t)p % BIGMEM_HUGE == 0);
		thp = thp && vma_at(p, &len) != -1;
		if (thp) {
			/* 4 MiB marked, then 1 MiB of small pages */
			CHECK_INT(vma_at(p, &len), 1);
			CHECK_INT(len, 4 * MIB);
			CHECK_INT(vma_at(p + 4 * MIB, &len), 0);
			CHECK_INT(len, 1 * MIB);
		} else
			fprintf(stderr, "t_bigmem: no THP in this kernel: "
			    "the advice went unchecked\n");
	}

	/* Grown again (a new mapping), then shrunk back to malloc's. */
	p = bigmem_realloc(p, 5 * MIB, 8 * MIB - 4096);
	CHECK(filled(p, 5 * MIB, 'b'));
	memset(p, 'c', 8 * MIB - 4096);
	if (!asan && thp) {
		CHECK_INT(vma_at(p, &len), 1);
		CHECK_INT(len, 8 * MIB);
	}
	p = bigmem_realloc(p, 8 * MIB - 4096, 300);
	CHECK(filled(p, 300, 'c'));
	bigmem_free(p, 300);

	/* Just under the line: no mapping of its own. */
	p = bigmem_alloc(BIGMEM_MIN - 1);
	memset(p, 'd', BIGMEM_MIN - 1);
	if (!asan && thp)
		CHECK(vma_at(p, &len) != 1);
	bigmem_free(p, BIGMEM_MIN - 1);
	bigmem_free(NULL, 5 * MIB);
	return test_done("t_bigmem");
}
