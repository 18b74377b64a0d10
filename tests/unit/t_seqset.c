/*
 * t_seqset.c: unit tests for seqset.c: parsing (nz-number bounds, syntax,
 * the range limit), resolving "*" against a maximum, merging, containment,
 * counting, the within check and the text form.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "mdlimits.h"
#include "seqset.h"
#include "test.h"

static struct arena	*a;

/* Parse from an exact-size heap copy, so reading past len trips ASan. */
static int
parse(const char *s, struct seqset *set)
{
	size_t	 len = strlen(s);
	char	*copy;
	int	 rc;

	if ((copy = malloc(len == 0 ? 1 : len)) == NULL)
		abort();
	memcpy(copy, s, len);
	rc = seqset_parse(a, copy, len, set);
	free(copy);
	return rc;
}

/* An unresolved set as text, "*" for SEQ_STAR, "$" for saved. */
static const char *
dump(const struct seqset *set)
{
	static char	 buf[4096];
	size_t		 i, off = 0;
	char		 lo[16], hi[16];

	buf[0] = '\0';
	if (set->saved)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "$");
	for (i = 0; i < set->n && off < sizeof(buf); i++) {
		if (set->r[i].lo == SEQ_STAR)
			strlcpy(lo, "*", sizeof(lo));
		else
			snprintf(lo, sizeof(lo), "%u", set->r[i].lo);
		if (set->r[i].hi == SEQ_STAR)
			strlcpy(hi, "*", sizeof(hi));
		else
			snprintf(hi, sizeof(hi), "%u", set->r[i].hi);
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s:%s",
		    i > 0 ? "," : "", lo, hi);
	}
	return buf;
}

static const struct {
	const char	*in;
	const char	*want;		/* dump() form */
} parse_ok[] = {
	{ "1", "1:1" },
	{ "*", "*:*" },
	{ "$", "$" },
	{ "1:*", "1:*" },
	{ "*:1", "*:1" },
	{ "*:*", "*:*" },
	{ "2:4", "2:4" },
	{ "4:2", "4:2" },
	{ "1,3:5,7:*", "1:1,3:5,7:*" },
	{ "10,9,8", "10:10,9:9,8:8" },
	{ "1,1,1", "1:1,1:1,1:1" },
	{ "9", "9:9" },
	{ "10", "10:10" },
	{ "100:200", "100:200" },
	{ "4294967295", "4294967295:4294967295" },
	{ "1:4294967295", "1:4294967295" },
	{ "4294967295:1", "4294967295:1" },
	{ "4294967294,4294967295", "4294967294:4294967294,"
	    "4294967295:4294967295" },
	{ "2,4:7,9,12:*", "2:2,4:7,9:9,12:*" },
	{ "*:4,5:7", "*:4,5:7" },
	{ "1000000000", "1000000000:1000000000" },
};

static const char *parse_bad[] = {
	"",
	"0", "00", "0:5", "5:0", "0:*", "*:0", "1,0",
	"01", "007", "1:01", "01:1", "1,01",
	"4294967296", "4294967297", "4294967300", "5000000000",
	"42949672950", "99999999999999999999", "18446744073709551616",
	"18446744073709551617", "1:4294967296", "4294967296:1",
	"1,4294967296", "999999999999999999999999999999999999999",
	"1,", ",1", ",", "1,,2", "1:", ":1", ":", "1:2:3", "1::2", "*:",
	":*", "1:*:*",
	"a", "1a", "a1", "1 ", " 1", "1, 2", "1 ,2", "1 :2", "1\t", "\n",
	"$,1", "1,$", "$$", "$:1", "1:$", "$*", "*$", " $", "$ ",
	"**", "*1", "1*", "*,", "*:*:*",
	"-1", "+1", "1:-2", "1-2", "1;2", "1.5", "1e3", "0x10",
	"(1)", "\"1\"", "1:2,", "1:2,,3:4",
	"\xd9\xa1",	/* ARABIC-INDIC DIGIT ONE */
};

static void
test_parse(void)
{
	struct seqset	 set;
	size_t		 i;

	for (i = 0; i < sizeof(parse_ok) / sizeof(parse_ok[0]); i++) {
		CHECK_INT(parse(parse_ok[i].in, &set), 0);
		CHECK_STR(dump(&set), parse_ok[i].want);
	}
	for (i = 0; i < sizeof(parse_bad) / sizeof(parse_bad[0]); i++) {
		set.n = 99;
		if (parse(parse_bad[i], &set) != -1)
			fprintf(stderr, "accepted \"%s\"\n", parse_bad[i]);
		CHECK_INT(parse(parse_bad[i], &set), -1);
		CHECK(set.n == 0 && set.saved == 0);
	}

	/* "$" is saved with no ranges. */
	CHECK_INT(parse("$", &set), 0);
	CHECK(set.saved == 1 && set.n == 0);

	/* Only len bytes count, and an embedded NUL is not a separator. */
	CHECK_INT(seqset_parse(a, "1,2", 1, &set), 0);
	CHECK_STR(dump(&set), "1:1");
	CHECK_INT(seqset_parse(a, "12345", 2, &set), 0);
	CHECK_STR(dump(&set), "12:12");
	CHECK_INT(seqset_parse(a, "1\0002", 3, &set), -1);
	CHECK_INT(seqset_parse(a, "1\0", 2, &set), -1);
	CHECK_INT(seqset_parse(a, "$$", 1, &set), 0);
	CHECK(set.saved == 1);
	CHECK_INT(seqset_parse(a, "", 0, &set), -1);
	CHECK_INT(seqset_parse(a, NULL, 0, &set), -1);

	/* Every number from 1 to 4294967295 by a prime step, as text. */
	{
		char		 buf[16];
		uint64_t	 v;
		int		 bad = 0;

		for (v = 1; v <= UINT32_MAX; v += 104729) {
			snprintf(buf, sizeof(buf), "%llu",
			    (unsigned long long)v);
			if (parse(buf, &set) != 0 || set.n != 1 ||
			    set.r[0].lo != v || set.r[0].hi != v)
				bad++;
		}
		CHECK_INT(bad, 0);
	}
}

/* n ranges "1,1,...,1", and tail appended. */
static char *
many(size_t n, const char *tail)
{
	char	*s, *p;
	size_t	 i, tlen = strlen(tail);

	if ((s = malloc(2 * n + tlen + 1)) == NULL)
		abort();
	for (p = s, i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ',';
		*p++ = '1';
	}
	memcpy(p, tail, tlen + 1);
	return s;
}

static void
test_limit(void)
{
	struct seqset	 set, res;
	char		*s, buf[32];
	size_t		 i, len;
	int		 ok;

	s = many(LIMIT_SEQSET_RANGES, "");
	CHECK_INT(parse(s, &set), 0);
	CHECK_INT(set.n, LIMIT_SEQSET_RANGES);
	free(s);

	s = many(LIMIT_SEQSET_RANGES + 1, "");
	CHECK_INT(parse(s, &set), -2);
	CHECK(set.n == 0 && set.r == NULL);
	free(s);

	s = many(LIMIT_SEQSET_RANGES - 1, ",2:*");
	CHECK_INT(parse(s, &set), 0);
	CHECK_INT(set.n, LIMIT_SEQSET_RANGES);
	free(s);

	s = many(LIMIT_SEQSET_RANGES, ",2:*");
	CHECK_INT(parse(s, &set), -2);
	free(s);

	/* A syntax error is reported as such even past the limit. */
	s = many(LIMIT_SEQSET_RANGES + 10, ",0");
	CHECK_INT(parse(s, &set), -1);
	free(s);

	/*
	 * The limit's worth of disjoint ranges in reverse order: resolving
	 * sorts them and merges none.
	 */
	s = malloc(LIMIT_SEQSET_RANGES * 12);
	if (s == NULL)
		abort();
	len = 0;
	for (i = LIMIT_SEQSET_RANGES; i > 0; i--)
		len += (size_t)snprintf(s + len, 12, "%s%zu",
		    len > 0 ? "," : "", 2 * i - 1);
	CHECK_INT(seqset_parse(a, s, len, &set), 0);
	seqset_resolve(a, &set, UINT32_MAX, &res);
	CHECK_INT(res.n, LIMIT_SEQSET_RANGES);
	CHECK_INT(seqset_count(&res), LIMIT_SEQSET_RANGES);
	for (ok = 1, i = 0; i < res.n; i++)
		if (res.r[i].lo != 2 * i + 1 || res.r[i].hi != 2 * i + 1)
			ok = 0;
	CHECK(ok);
	for (ok = 1, i = 0; i <= 2 * LIMIT_SEQSET_RANGES; i++)
		if (seqset_contains(&res, (uint32_t)i) != (int)(i % 2))
			ok = 0;
	CHECK(ok);
	CHECK(!seqset_contains(&res, 2 * LIMIT_SEQSET_RANGES + 1));
	free(s);

	/* And the even ones added: all merge into one range. */
	s = malloc(LIMIT_SEQSET_RANGES * 24);
	if (s == NULL)
		abort();
	len = 0;
	for (i = 2 * LIMIT_SEQSET_RANGES; i > 0; i -= 2)
		len += (size_t)snprintf(s + len, 24, "%s%zu:%zu",
		    len > 0 ? "," : "", i, i - 1);
	CHECK_INT(seqset_parse(a, s, len, &set), 0);
	seqset_resolve(a, &set, UINT32_MAX, &res);
	snprintf(buf, sizeof(buf), "1:%d", 2 * LIMIT_SEQSET_RANGES);
	CHECK_STR(seqset_format(a, &res), buf);
	free(s);
}

static const struct {
	const char	*in;
	uint32_t	 max;
	const char	*want;		/* seqset_format() of the result */
	uint64_t	 count;
	int		 within;
} resolve_tab[] = {
	/* Empty mailbox: nothing, "*" included. */
	{ "1:*", 0, "", 0, 0 },
	{ "*", 0, "", 0, 0 },
	{ "*:1", 0, "", 0, 0 },
	{ "*:*", 0, "", 0, 0 },
	{ "1", 0, "", 0, 0 },
	{ "1:4294967295", 0, "", 0, 0 },
	/* "*" below the other end (RFC 9051 9, 3291:*). */
	{ "5:*", 3, "3", 1, 0 },
	{ "3291:*", 100, "100", 1, 0 },
	{ "*:5", 3, "3", 1, 0 },
	{ "*:1", 5, "1:5", 5, 1 },
	{ "1:*", 5, "1:5", 5, 1 },
	{ "*", 5, "5", 1, 1 },
	{ "*:*", 7, "7", 1, 1 },
	/* RFC 9051 9 examples. */
	{ "2,4:7,9,12:*", 15, "2,4:7,9,12:15", 10, 1 },
	{ "*:4,5:7", 10, "4:10", 7, 1 },
	/* Order, duplicates, overlap, adjacency. */
	{ "4:2", 10, "2:4", 3, 1 },
	{ "2:4,4:2", 10, "2:4", 3, 1 },
	{ "1,2,3", 10, "1:3", 3, 1 },
	{ "3,2,1", 10, "1:3", 3, 1 },
	{ "1,3,5", 10, "1,3,5", 3, 1 },
	{ "5,3,1", 10, "1,3,5", 3, 1 },
	{ "5:7,1:2,3:4", 10, "1:7", 7, 1 },
	{ "1:10,2:3", 10, "1:10", 10, 1 },
	{ "2:3,1:10", 10, "1:10", 10, 1 },
	{ "1:5,3:8", 10, "1:8", 8, 1 },
	{ "1:5,7:8", 10, "1:5,7:8", 7, 1 },
	{ "1:5,6:8", 10, "1:8", 8, 1 },
	{ "1,1,1,1", 10, "1", 1, 1 },
	{ "1,*,1,*", 10, "1,10", 2, 1 },
	{ "9,*", 10, "9:10", 2, 1 },
	/* Clipping to max. */
	{ "11:20", 10, "", 0, 0 },
	{ "11", 10, "", 0, 0 },
	{ "8:20", 10, "8:10", 3, 0 },
	{ "20:8", 10, "8:10", 3, 0 },
	{ "1,11,2", 10, "1:2", 2, 0 },
	{ "10", 10, "10", 1, 1 },
	{ "4294967295", 10, "", 0, 0 },
	/* The top of the range: no overflow when merging or counting. */
	{ "1:*", 4294967295U, "1:4294967295", 4294967295ULL, 1 },
	{ "1:4294967295", 4294967295U, "1:4294967295", 4294967295ULL, 1 },
	{ "4294967295:1", 4294967295U, "1:4294967295", 4294967295ULL, 1 },
	{ "4294967295,1:4294967294", 4294967295U, "1:4294967295",
	    4294967295ULL, 1 },
	{ "4294967295,4294967294", 4294967295U, "4294967294:4294967295", 2,
	    1 },
	{ "4294967295,4294967295", 4294967295U, "4294967295", 1, 1 },
	{ "4294967295,1", 4294967295U, "1,4294967295", 2, 1 },
	{ "*,1:4294967295", 4294967295U, "1:4294967295", 4294967295ULL, 1 },
	{ "1:4294967295", 4294967294U, "1:4294967294", 4294967294ULL, 0 },
	{ "*", 4294967295U, "4294967295", 1, 1 },
	{ "*", 1, "1", 1, 1 },
	{ "1", 1, "1", 1, 1 },
	{ "2", 1, "", 0, 0 },
	{ "2:*", 1, "1", 1, 0 },
};

static void
test_resolve(void)
{
	struct seqset	 set, res, again;
	size_t		 i;
	char		*s;

	for (i = 0; i < sizeof(resolve_tab) / sizeof(resolve_tab[0]); i++) {
		CHECK_INT(parse(resolve_tab[i].in, &set), 0);
		CHECK_INT(seqset_within(&set, resolve_tab[i].max),
		    resolve_tab[i].within);
		seqset_resolve(a, &set, resolve_tab[i].max, &res);
		s = seqset_format(a, &res);
		if (strcmp(s, resolve_tab[i].want) != 0)
			fprintf(stderr, "resolve \"%s\" max %u\n",
			    resolve_tab[i].in, resolve_tab[i].max);
		CHECK_STR(s, resolve_tab[i].want);
		CHECK_INT(seqset_count(&res), resolve_tab[i].count);
		CHECK(res.saved == 0);

		/* The text form parses back to the same set. */
		if (res.n == 0)
			continue;
		CHECK_INT(parse(s, &again), 0);
		seqset_resolve(a, &again, resolve_tab[i].max, &again);
		CHECK_STR(seqset_format(a, &again), s);
		CHECK_INT(again.n, res.n);
	}
}

static void
test_contains(void)
{
	struct seqset	 set, res;
	/* 2,4:7,9,12:15 of RFC 9051 9 with 15 messages */
	static const int want[] = {
		0, 0, 1, 0, 1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0
	};
	uint32_t	 n;
	int		 ok = 1;

	CHECK_INT(parse("12:*,9,7:4,2", &set), 0);
	seqset_resolve(a, &set, 15, &res);
	for (n = 0; n < sizeof(want) / sizeof(want[0]); n++)
		if (seqset_contains(&res, n) != want[n]) {
			fprintf(stderr, "contains %u\n", n);
			ok = 0;
		}
	CHECK(ok);
	CHECK(!seqset_contains(&res, UINT32_MAX));

	CHECK_INT(parse("1:*", &set), 0);
	seqset_resolve(a, &set, UINT32_MAX, &res);
	CHECK(!seqset_contains(&res, 0));
	CHECK(seqset_contains(&res, 1));
	CHECK(seqset_contains(&res, 2147483648U));
	CHECK(seqset_contains(&res, UINT32_MAX));

	CHECK_INT(parse("4294967295", &set), 0);
	seqset_resolve(a, &set, UINT32_MAX, &res);
	CHECK(seqset_contains(&res, UINT32_MAX));
	CHECK(!seqset_contains(&res, UINT32_MAX - 1));
	CHECK(!seqset_contains(&res, 1));

	/* The empty set contains nothing, counts 0, formats as "". */
	CHECK_INT(parse("1:*", &set), 0);
	seqset_resolve(a, &set, 0, &res);
	CHECK_INT(res.n, 0);
	CHECK(!seqset_contains(&res, 0));
	CHECK(!seqset_contains(&res, 1));
	CHECK_INT(seqset_count(&res), 0);
	CHECK_STR(seqset_format(a, &res), "");
}

static void
test_saved(void)
{
	struct seqset	 set, res;

	/* "$" carries through resolve for the caller to notice; it is
	 * vacuously within any maximum (the caller substitutes it). */
	CHECK_INT(parse("$", &set), 0);
	CHECK(seqset_within(&set, 0));
	seqset_resolve(a, &set, 10, &res);
	CHECK(res.saved == 1 && res.n == 0);
	CHECK_INT(seqset_count(&res), 0);
	CHECK_STR(seqset_format(a, &res), "");
}

static void
test_within(void)
{
	static const struct {
		const char	*in;
		uint32_t	 max;
		int		 want;
	} tab[] = {
		{ "1:3", 3, 1 },
		{ "1:4", 3, 0 },
		{ "4:1", 3, 0 },
		{ "4", 3, 0 },
		{ "5:*", 3, 0 },
		{ "*:5", 3, 0 },
		{ "*:1", 3, 1 },
		{ "*", 3, 1 },
		{ "*", 0, 0 },
		{ "1", 0, 0 },
		{ "1,2,3,4294967295", 3, 0 },
		{ "1,2,3,3:1,*", 3, 1 },
		{ "1:4294967295", 4294967295U, 1 },
		{ "4294967295", 4294967294U, 0 },
	};
	struct seqset	 set;
	size_t		 i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		CHECK_INT(parse(tab[i].in, &set), 0);
		CHECK_INT(seqset_within(&set, tab[i].max), tab[i].want);
	}
}

/*
 * Against a bitmap: random sets over 1..64 with random max, each number's
 * membership compared with the resolved set, and the count.
 */
static void
test_random(void)
{
	struct seqset	 set, res;
	uint64_t	 bits;
	uint32_t	 seed = 12345, lo, hi, max, t, n;
	char		 buf[1024];
	size_t		 len;
	int		 round, k, nr, bad = 0, count;

	for (round = 0; round < 20000; round++) {
		seed = seed * 1103515245 + 12345;
		max = (seed >> 16) % 64;
		nr = 1 + (int)((seed >> 8) % 8);
		len = 0;
		bits = 0;
		for (k = 0; k < nr; k++) {
			seed = seed * 1103515245 + 12345;
			lo = 1 + (seed >> 16) % 70;
			seed = seed * 1103515245 + 12345;
			hi = 1 + (seed >> 16) % 70;
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
			    "%s", k > 0 ? "," : "");
			if ((seed & 0x300) == 0x300) {
				len += (size_t)snprintf(buf + len,
				    sizeof(buf) - len, "*:%u", hi);
				lo = max;
			} else if ((seed & 0x300) == 0x200) {
				len += (size_t)snprintf(buf + len,
				    sizeof(buf) - len, "%u", lo);
				hi = lo;
			} else
				len += (size_t)snprintf(buf + len,
				    sizeof(buf) - len, "%u:%u", lo, hi);
			if (lo > hi) {
				t = lo;
				lo = hi;
				hi = t;
			}
			for (n = lo; n <= hi; n++)
				if (n >= 1 && n <= max)
					bits |= 1ULL << n;
		}
		if (seqset_parse(a, buf, len, &set) != 0) {
			bad++;
			continue;
		}
		seqset_resolve(a, &set, max, &res);
		for (count = 0, n = 0; n < 66; n++) {
			if (seqset_contains(&res, n) != (n < 64 &&
			    (bits >> n & 1)))
				bad++;
			count += n < 64 && (bits >> n & 1);
		}
		if (seqset_count(&res) != (uint64_t)count)
			bad++;
		/* Sorted, disjoint and not adjacent. */
		for (k = 1; k < (int)res.n; k++)
			if (res.r[k - 1].hi + 1 >= res.r[k].lo)
				bad++;
		arena_reset(a);
	}
	CHECK_INT(bad, 0);
}

int
main(void)
{
	a = arena_new(LIMIT_ARENA);
	test_parse();
	test_limit();
	test_resolve();
	test_contains();
	test_saved();
	test_within();
	test_random();
	arena_free(&a);
	CHECK(a == NULL);
	return test_done("t_seqset");
}
