/*
 * fuzz.h: what every libFuzzer harness of tests/fuzz/ shares: the entry
 * point's prototype and FUZZ_ASSERT, which reports a broken invariant
 * with its place and aborts (libFuzzer then keeps the input).
 */
#ifndef MDIMAPD_FUZZ_H
#define MDIMAPD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#endif
