/*
 * t_buf.c: the bounded buffer (buf.c): numbers written by buf_addu (two
 * digits a step) equal printf's, at every length; the maximum holds.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "test.h"

static void
check_addu(unsigned long long v)
{
	struct buf	b;
	char		want[32];

	buf_init(&b, 64);
	(void)snprintf(want, sizeof(want), "%llu", v);
	CHECK(buf_addu(&b, v) == 0);
	CHECK_STR(b.data, want);
	buf_free(&b);
}

int
main(void)
{
	static const unsigned long long table[] = {
		0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 12345, 4294967295ULL,
		1795724239123456ULL, 18446744073709551615ULL,
	};
	unsigned long long	v, p;
	struct buf		b;
	size_t			i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		check_addu(table[i]);
	/* every power of ten and its neighbours */
	for (p = 1; p <= 1000000000000000000ULL; p *= 10) {
		check_addu(p - 1);
		check_addu(p);
		check_addu(p + 1);
	}
	for (v = 0; v < 3000; v++)
		check_addu(v);
	/* past the maximum: refused, the buffer as it was */
	buf_init(&b, 5);
	CHECK(buf_adds(&b, "abc") == 0);
	CHECK(buf_addu(&b, 123) == -1);
	CHECK_STR(b.data, "abc");
	CHECK(buf_addu(&b, 12) == 0);
	CHECK_STR(b.data, "abc12");
	buf_free(&b);
	return test_done("t_buf");
}
