/*
 * t_heap.c: heap_hugepages() (heap.c) leaves a heap of at least 32 MiB
 * of address space (its first step) marked for huge pages ("hg" in the
 * heap's VmFlags in /proc/self/smaps), where the kernel has THP; and
 * memory from it works.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heap.h"
#include "test.h"

int
main(void)
{
	FILE		*f;
	char		 line[512];
	unsigned long	 lo = 0, hi = 0;
	int		 in_heap = 0, hg = -1;
	static char	*p[1000];
	size_t		 i, got = 0;

	heap_hugepages();
	/* a view's worth of small allocations, written */
	for (i = 0; i < 1000; i++)
		if ((p[i] = malloc(16384)) != NULL) {
			memset(p[i], 'x', 16384);
			got++;
		}
	CHECK_INT(got, 1000);
#if defined(__SANITIZE_ADDRESS__)
	/* ASan's allocator is not glibc's: no [heap] to look at */
	fprintf(stderr, "t_heap: under ASan: the flag went unchecked\n");
	for (i = 0; i < 1000; i++)
		free(p[i]);
	return test_done("t_heap");
#endif
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) ==
	    -1) {
		fprintf(stderr, "t_heap: no THP in this kernel: the flag "
		    "went unchecked\n");
		return test_done("t_heap");
	}
	CHECK((f = fopen("/proc/self/smaps", "r")) != NULL);
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		if (strchr(line, '-') != NULL && strstr(line, " rw") != NULL &&
		    sscanf(line, "%lx-%lx", &lo, &hi) == 2)
			in_heap = strstr(line, "[heap]") != NULL;
		else if (in_heap && strncmp(line, "VmFlags:", 8) == 0 &&
		    hg != 1) {
			hg = strstr(line, " hg") != NULL;
			if (hg)
				CHECK(hi - lo >= 32UL * 1024 * 1024);
		}
	}
	if (f != NULL)
		fclose(f);
	CHECK_INT(hg, 1);
	for (i = 0; i < 1000; i++)
		free(p[i]);
	return test_done("t_heap");
}
