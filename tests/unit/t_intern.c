/*
 * t_intern.c: unit tests for intern.c (the string table: numbers in the
 * order strings are first added, a string added again keeps its number,
 * NULs and the empty string, growth across many strings checked against
 * a plain list, the maximum at and past it, ranks in octet order) and
 * threadset.c (its maximum at and past it, numbers shared by Message-IDs
 * and references, the References / In-Reply-To rule).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "intern.h"
#include "mdlimits.h"
#include "test.h"
#include "thread.h"
#include "threadset.h"

static void
test_basic(void)
{
	struct intern	*t = intern_new(1024 * 1024);
	const char	*s;
	size_t		 len;

	CHECK_INT(intern_count(t), 0);
	CHECK_INT(intern_add(t, "a@b", 3), 1);
	CHECK_INT(intern_add(t, "c@d", 3), 2);
	CHECK_INT(intern_add(t, "a@b", 3), 1);
	/* A prefix is another string. */
	CHECK_INT(intern_add(t, "a@", 2), 3);
	/* Bytes count, NULs included; case too. */
	CHECK_INT(intern_add(t, "a\0b", 3), 4);
	CHECK_INT(intern_add(t, "a\0c", 3), 5);
	CHECK_INT(intern_add(t, "a\0b", 3), 4);
	CHECK_INT(intern_add(t, "A@B", 3), 6);
	CHECK_INT(intern_add(t, NULL, 0), 7);
	CHECK_INT(intern_add(t, "", 0), 7);
	CHECK_INT(intern_count(t), 7);
	s = intern_get(t, 2, &len);
	CHECK_STR(s, "c@d");
	CHECK_INT(len, 3);
	s = intern_get(t, 5, &len);
	CHECK_INT(len, 3);
	CHECK(memcmp(s, "a\0c", 4) == 0);
	s = intern_get(t, 7, &len);
	CHECK_INT(len, 0);
	CHECK_STR(s, "");
	CHECK(intern_size(t) > 0);
	intern_free(&t);
	CHECK(t == NULL);
	intern_free(&t);
}

/* Many strings: every number as a plain list says, across growth. */
static void
test_many(void)
{
	struct intern	*t = intern_new(64 * 1024 * 1024);
	char		 buf[32];
	const char	*s;
	size_t		 i, len, bad = 0, n = 200000;
	uint32_t	 num;

	for (i = 0; i < n; i++) {
		(void)snprintf(buf, sizeof(buf), "%zu@x", i);
		if (intern_add(t, buf, strlen(buf)) != i + 1)
			bad++;
	}
	CHECK_INT(intern_count(t), n);
	for (i = 0; i < n; i += 7) {
		(void)snprintf(buf, sizeof(buf), "%zu@x", i);
		num = intern_add(t, buf, strlen(buf));
		s = intern_get(t, num, &len);
		if (num != i + 1 || len != strlen(buf) || strcmp(s, buf) != 0)
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(intern_count(t), n);
	intern_free(&t);
}

/* The maximum: what fits is added, what does not gives 0 and changes
 * nothing. */
static void
test_max(void)
{
	struct intern	*t;
	char		 big[5000];
	size_t		 size, max;
	uint32_t	 i;

	memset(big, 'x', sizeof(big));
	/* The size after one short string is the table's least. */
	t = intern_new(1024 * 1024);
	CHECK_INT(intern_add(t, "a", 1), 1);
	size = intern_size(t);
	intern_free(&t);

	/* At the maximum: it fits. */
	t = intern_new(size);
	CHECK_INT(intern_add(t, "a", 1), 1);
	CHECK_INT(intern_size(t), size);
	intern_free(&t);
	/* One byte short: refused, and the table is still usable. */
	t = intern_new(size - 1);
	CHECK_INT(intern_add(t, "a", 1), 0);
	CHECK_INT(intern_count(t), 0);
	CHECK_INT(intern_size(t), 0);
	intern_free(&t);

	/* Filling a table: refusals once full, strings already there
	 * still found, nothing past the maximum. */
	max = 64 * 1024;
	t = intern_new(max);
	for (i = 0; i < 100; i++) {
		big[0] = (char)('0' + i % 10);
		big[1] = (char)('0' + i / 10);
		if (intern_add(t, big, 1000) == 0)
			break;
	}
	CHECK(i > 10 && i < 100);
	CHECK(intern_size(t) <= max);
	CHECK_INT(intern_count(t), i);
	big[0] = '0';
	big[1] = '0';
	CHECK_INT(intern_add(t, big, 1000), 1);
	CHECK_INT(intern_add(t, big, sizeof(big)), 0);
	CHECK(intern_size(t) <= max);
	intern_free(&t);
	/* A string as long as the maximum never fits. */
	t = intern_new(sizeof(big));
	CHECK_INT(intern_add(t, big, sizeof(big)), 0);
	intern_free(&t);
}

static void
test_rank(void)
{
	static const char *const s[] = { "b", "ab", "a", "\xc3\xa9", "abc",
	    "B", "a\0", "" };
	static const size_t	len[] = { 1, 2, 1, 2, 3, 1, 2, 0 };
	/* Octet order, a prefix first: "", "B", "a", "a\0", "ab", "abc",
	 * "b", "\xc3\xa9". */
	static const uint32_t	want[] = { 7, 5, 3, 8, 6, 2, 4, 1 };
	struct intern		*t = intern_new(1024 * 1024);
	uint32_t		 rank[9], i;

	for (i = 0; i < 8; i++)
		CHECK_INT(intern_add(t, s[i], len[i]), i + 1);
	intern_rank(t, rank);
	CHECK_INT(rank[0], 0);
	for (i = 0; i < 8; i++)
		CHECK_INT(rank[i + 1], want[i]);
	intern_free(&t);

	/* An empty table: only rank[0]. */
	t = intern_new(1024);
	rank[0] = 99;
	intern_rank(t, rank);
	CHECK_INT(rank[0], 0);
	intern_free(&t);
}

static const char *
written(struct arena *a, struct thread_node *root)
{
	struct buf	 b;
	const char	*s;

	buf_init(&b, 1024 * 1024);
	CHECK_INT(thread_write(a, &b, root), 0);
	s = arena_strndup(a, b.data != NULL ? b.data : "", b.len);
	buf_free(&b);
	return s;
}

static void
test_threadset(void)
{
	struct arena		*a = arena_new(LIMIT_ARENA);
	struct thread_set	*ts;
	size_t			 max, i;
	char			 ref[64];

	/* A Message-ID and the references to it are one number: the
	 * quoted form is the same ID; In-Reply-To only without valid
	 * References. */
	ts = thread_set_new(LIMIT_ARENA);
	CHECK_INT(thread_set_add(ts, 1, 1, "s", 1, 0, "<a@x>", 5, NULL, 0,
	    NULL, 0), 0);
	CHECK_INT(thread_set_add(ts, 2, 2, "t", 1, 0, "<b@x>", 5,
	    "<\"a\"@x>", 7, "<zz@x>", 6), 0);
	CHECK_INT(thread_set_add(ts, 3, 3, "u", 1, 0, "<c@x>", 5, "junk", 4,
	    "<b@x> <a@x>", 11), 0);
	CHECK_INT(thread_set_count(ts), 3);
	CHECK_STR(written(a, thread_set_references(ts, a)), "(1 2 3)");
	thread_set_free(&ts);
	CHECK(ts == NULL);
	thread_set_free(&ts);

	/* Its maximum: the message that takes it past is refused, and so
	 * is every one after. Find the size 50 messages take, then give
	 * a set exactly that, and one byte less. */
	for (max = 4096;; max += 4096) {
		ts = thread_set_new(max);
		for (i = 0; i < 50; i++) {
			(void)snprintf(ref, sizeof(ref), "<%zu@x> <%zu@y>",
			    i, i + 1000);
			if (thread_set_add(ts, (uint32_t)i + 1, 0, ref, 6, 0,
			    ref, strlen(ref), ref, strlen(ref), NULL, 0) != 0)
				break;
		}
		thread_set_free(&ts);
		if (i == 50)
			break;
	}
	for (; max > 0; max--) {
		ts = thread_set_new(max);
		for (i = 0; i < 50; i++) {
			(void)snprintf(ref, sizeof(ref), "<%zu@x> <%zu@y>",
			    i, i + 1000);
			if (thread_set_add(ts, (uint32_t)i + 1, 0, ref, 6, 0,
			    ref, strlen(ref), ref, strlen(ref), NULL, 0) != 0)
				break;
		}
		if (i < 50) {
			/* Past it: refused, then refused again. */
			CHECK_INT(thread_set_add(ts, 99, 0, "x", 1, 0, NULL, 0,
			    NULL, 0, NULL, 0), -1);
			CHECK_INT(thread_set_count(ts), i);
			thread_set_free(&ts);
			break;
		}
		thread_set_free(&ts);
	}
	CHECK(max > 0);
	/* At it (one byte more): all 50. */
	ts = thread_set_new(max + 1);
	for (i = 0; i < 50; i++) {
		(void)snprintf(ref, sizeof(ref), "<%zu@x> <%zu@y>", i,
		    i + 1000);
		CHECK_INT(thread_set_add(ts, (uint32_t)i + 1, 0, ref, 6, 0,
		    ref, strlen(ref), ref, strlen(ref), NULL, 0), 0);
	}
	CHECK_INT(thread_set_count(ts), 50);
	thread_set_free(&ts);
	arena_free(&a);
}

int
main(void)
{
	test_basic();
	test_many();
	test_max();
	test_rank();
	test_threadset();
	return test_done("t_intern");
}
