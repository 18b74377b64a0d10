/*
 * t_quota.c: the pure parts of the Maildir++ quota (store/quota.c): the
 * limits line, the whole maildirsize file (garbage lines, a cut-short last
 * line, negative sums, numbers too large), ",S=" sizes in file names, and
 * the over-quota test. Each file is also parsed from every prefix, as a
 * reader racing a writer would see it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quota.h"
#include "test.h"

static void
limits(const char *line, int want_r, uint64_t want_b, uint64_t want_c)
{
	uint64_t	b, c;

	CHECK_INT(quota_limits_parse(line, strlen(line), &b, &c), want_r);
	CHECK_INT(b, want_b);
	CHECK_INT(c, want_c);
}

static void
test_limits(void)
{
	char	buf[64];

	limits("1000000S,1000C", 0, 1000000, 1000);
	limits("1000C,1000000S", 0, 1000000, 1000);
	limits("5000S", 0, 5000, 0);
	limits("7C", 0, 0, 7);
	limits("", 0, 0, 0);
	/* zero is no limit; unknown letters are ignored (Dovecot) */
	limits("0S,0C", 0, 0, 0);
	limits("100S,3X,4C", 0, 100, 4);
	/* garbage items are reported, the good ones kept */
	limits("abc", -1, 0, 0);
	limits("100", -1, 0, 0);
	limits("100S,", 0, 100, 0);
	limits("100SS,5C", -1, 0, 5);
	limits("100S,,5C", -1, 100, 5);
	limits("S,5C", -1, 0, 5);
	limits("-5S", -1, 0, 0);
	limits("100 S", -1, 0, 0);
	limits("99999999999999999999S", -1, 0, 0);
	/* at and past the largest number (INT64_MAX / 4) */
	limits("2305843009213693951S", 0, 2305843009213693951ULL, 0);
	limits("2305843009213693952S", -1, 0, 0);

	CHECK_INT(quota_limits_format(buf, sizeof(buf), 1000000, 1000), 14);
	CHECK_STR(buf, "1000000S,1000C");
	quota_limits_format(buf, sizeof(buf), 5, 0);
	CHECK_STR(buf, "5S");
	quota_limits_format(buf, sizeof(buf), 0, 9);
	CHECK_STR(buf, "9C");
	quota_limits_format(buf, sizeof(buf), 0, 0);
	CHECK_STR(buf, "");
}

static void
file(const char *text, int want_r, uint64_t lb, uint64_t lc, int64_t bytes,
    int64_t count)
{
	struct quota	q;

	CHECK_INT(quota_file_parse(text, strlen(text), &q), want_r);
	CHECK_INT(q.limit_bytes, lb);
	CHECK_INT(q.limit_count, lc);
	CHECK_INT(q.bytes, bytes);
	CHECK_INT(q.count, count);
}

static void
test_file(void)
{
	file("1000S,10C\n", 0, 1000, 10, 0, 0);
	file("1000S,10C\n100 1\n200 2\n", 0, 1000, 10, 300, 3);
	/* negative deltas, blanks as Courier pads them, a CR */
	file("1000S\n   300    3\n-100 -1\n+5 +0\r\n", 0, 1000, 0, 205, 2);
	file("\n5 1\n", 0, 0, 0, 5, 1);
	/* empty: no first line */
	file("", -1, 0, 0, 0, 0);
	/* a first line cut short */
	file("1000S,1", 1, 1000, 0, 0, 0);
	/* a last line cut short is ignored */
	file("1000S\n100 1\n20", 1, 1000, 0, 100, 1);
	file("1000S\n100 1\n20 ", 1, 1000, 0, 100, 1);
	/* garbage lines are skipped, the rest summed */
	file("1000S\n100 1\nhello\n50 1\n", 1, 1000, 0, 150, 2);
	file("1000S\n100\n", 1, 1000, 0, 0, 0);
	file("1000S\n100 1 1\n", 1, 1000, 0, 0, 0);
	file("1000S\n\n7 1\n", 1, 1000, 0, 7, 1);
	file("1000S\n1 -\n", 1, 1000, 0, 0, 0);
	file("1000S\n1x 1\n", 1, 1000, 0, 0, 0);
	file("garbage\n100 1\n", 1, 0, 0, 100, 1);
	/* a negative sum needs recalculating */
	file("1000S\n100 1\n-200 -1\n", 1, 1000, 0, -100, 0);
	file("1000S\n0 -1\n", 1, 1000, 0, 0, -1);
	/* sums past 63 bits are garbage */
	file("1S\n2305843009213693951 1\n2305843009213693951 1\n", 1, 1, 0,
	    2305843009213693951LL, 1);
	file("1S\n99999999999999999999 1\n", 1, 1, 0, 0, 0);
}

/* Every prefix of a sound file parses to no more than the whole, and only
 * the whole (or a prefix ending in a newline) is sound. */
static void
test_prefixes(void)
{
	const char	*text = "20480S,7C\n100 2\n-40 -1\n1234 1\n";
	struct quota	 q, whole;
	size_t		 len = strlen(text), i;
	int		 r;

	CHECK_INT(quota_file_parse(text, len, &whole), 0);
	for (i = 0; i <= len; i++) {
		r = quota_file_parse(text, i, &q);
		if (i == 0)
			CHECK_INT(r, -1);
		else if (text[i - 1] == '\n' && q.bytes >= 0)
			CHECK_INT(r, 0);
		else
			CHECK(r != 0);
		CHECK(q.count <= 2);
	}
	CHECK_INT(whole.bytes, 1294);
	CHECK_INT(whole.count, 2);
}

static void
name_size(const char *name, int want_r, uint64_t want)
{
	uint64_t	size = 12345;

	CHECK_INT(quota_name_size(name, &size), want_r);
	if (want_r == 0)
		CHECK_INT(size, want);
}

static void
test_name_size(void)
{
	name_size("1700000000.M1P1Q1.host,S=46,W=50:2,S", 0, 46);
	name_size("1700000000.M1P1Q1.host,S=46:2,S", 0, 46);
	name_size("1700000000.M1P1Q1.host,S=46", 0, 46);
	name_size("1700000000.M1P1Q1.host,W=50,S=46:2,", 0, 46);
	name_size("1700000000.M1P1Q1.host", -1, 0);
	name_size("1700000000.M1P1Q1.host:2,S", -1, 0);
	/* only in the base name */
	name_size("1700000000.M1P1Q1.host:2,S=5", -1, 0);
	name_size("1700000000.M1P1Q1.host,S=:2,", -1, 0);
	name_size("1700000000.M1P1Q1.host,S=12x:2,", -1, 0);
	name_size("1700000000.M1P1Q1.host,S=-1", -1, 0);
}

static void
test_exceeds(void)
{
	struct quota	q;

	memset(&q, 0, sizeof(q));
	CHECK_INT(quota_exceeds(&q, 1000000, 1000000), 0);
	q.limit_bytes = 1000;
	q.bytes = 900;
	CHECK_INT(quota_exceeds(&q, 100, 1), 0);	/* up to the limit */
	CHECK_INT(quota_exceeds(&q, 101, 1), 1);
	q.limit_count = 3;
	q.count = 2;
	CHECK_INT(quota_exceeds(&q, 1, 1), 0);
	CHECK_INT(quota_exceeds(&q, 1, 2), 1);
	CHECK_INT(quota_exceeds(&q, 0, 0), 0);
	q.count = 4;				/* already over */
	CHECK_INT(quota_exceeds(&q, 0, 0), 1);
	q.count = -5;				/* a broken sum counts as 0 */
	q.bytes = -5;
	CHECK_INT(quota_exceeds(&q, 1000, 3), 0);
	CHECK_INT(quota_exceeds(&q, 1001, 3), 1);
}

int
main(void)
{
	test_limits();
	test_file();
	test_prefixes();
	test_name_size();
	test_exceeds();
	return test_done("t_quota");
}
