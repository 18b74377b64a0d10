/*
 * test.h: the unit-test harness. Each tests/unit/t_*.c is one program that
 * links only libmdimapd.a; it calls the CHECK macros and ends with
 * test_done(), which prints "t_name: N passed, N failed" and returns the
 * exit status.
 */
#ifndef MDIMAPD_TEST_H
#define MDIMAPD_TEST_H

#include <stdio.h>
#include <string.h>

static int test_pass, test_fail;

#define CHECK(cond) do {						\
	if (cond)							\
		test_pass++;						\
	else {								\
		test_fail++;						\
		fprintf(stderr, "%s:%d: CHECK failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0)		\
		test_pass++;						\
	else {								\
		test_fail++;						\
		fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n",	\
		    __FILE__, __LINE__, g_ ? g_ : "(null)",		\
		    w_ ? w_ : "(null)");				\
	}								\
} while (0)

#define CHECK_INT(got, want) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	if (g_ == w_)							\
		test_pass++;						\
	else {								\
		test_fail++;						\
		fprintf(stderr, "%s:%d: %s = %lld, want %lld\n",	\
		    __FILE__, __LINE__, #got, g_, w_);			\
	}								\
} while (0)

static inline int
test_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, test_pass, test_fail);
	return test_fail == 0 ? 0 : 1;
}

#endif
