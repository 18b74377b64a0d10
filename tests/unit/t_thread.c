/*
 * t_thread.c: unit tests for thread.c: THREAD=REFERENCES and
 * THREAD=ORDEREDSUBJECT on messages given as header values (run through
 * subject_base() and a thread set, threadset.c, as the THREAD command
 * does), the RFC 5256 examples, loops, self references, duplicate and
 * missing Message-IDs, each pruning and subject-merging rule; the writer
 * on hand-made trees, deep ones included, and its buffer maximum; random
 * mailboxes checked for the invariants (each message once, balanced
 * parentheses, grammar).
 *
 * The expected answers were checked against Dovecot 2.3's THREAD on the
 * same messages, as were about 700 random mailboxes of up to 250 messages
 * with loops, self references, duplicate and malformed IDs and subjects
 * with every kind of artifact (a one-off comparison, not run here).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "mdlimits.h"
#include "msgid.h"
#include "subject.h"
#include "test.h"
#include "thread.h"
#include "threadset.h"

static struct arena	*a;

/* One message as its header values; NULL: field absent. */
struct tmsg {
	uint32_t	 id;
	time_t		 date;
	const char	*subject;
	const char	*msgid;
	const char	*refs;
	const char	*irt;
};

static size_t
slen(const char *s)
{
	return s == NULL ? 0 : strlen(s);
}

/* The messages in a thread set, as the THREAD command gathers them
 * (subjects through subject_base() only: no casemapping here). */
static struct thread_set *
prepare(const struct tmsg *t, size_t n)
{
	struct thread_set	*ts;
	const char		*base;
	size_t			 i, bl;
	int			 reply;

	ts = thread_set_new(LIMIT_ARENA);
	for (i = 0; i < n; i++) {
		base = subject_base(a, t[i].subject, slen(t[i].subject), &bl,
		    &reply);
		CHECK_INT(thread_set_add(ts, t[i].id, t[i].date, base, bl,
		    reply, t[i].msgid, slen(t[i].msgid), t[i].refs,
		    slen(t[i].refs), t[i].irt, slen(t[i].irt)), 0);
	}
	CHECK_INT(thread_set_count(ts), n);
	return ts;
}

static const char *
written(const struct thread_node *root)
{
	struct buf	 b;
	char		*s;

	buf_init(&b, 64 * 1024 * 1024);
	if (thread_write(a, &b, root) != 0)
		s = arena_strdup(a, "(write failed)");
	else
		s = arena_strndup(a, b.data == NULL ? "" : b.data, b.len);
	buf_free(&b);
	return s;
}

static const char *
refs(const struct tmsg *t, size_t n)
{
	struct thread_set	*ts = prepare(t, n);
	const char		*r;

	r = written(thread_set_references(ts, a));
	thread_set_free(&ts);
	return r;
}

static const char *
ordered(const struct tmsg *t, size_t n)
{
	struct thread_set	*ts = prepare(t, n);
	const char		*r;

	r = written(thread_set_orderedsubject(ts, a));
	thread_set_free(&ts);
	return r;
}

#define NM(x)	(sizeof(x) / sizeof((x)[0]))

static void
test_references(void)
{
	/* RFC 5256 4: "(2)(3 6 (4 23)(44 7 96))", numbers as UIDs. */
	static const struct tmsg	rfc[] = {
		{ 2, 2, "other", "<2@x>", NULL, NULL },
		{ 3, 3, "thread", "<3@x>", NULL, NULL },
		{ 4, 4, "Re: thread", "<4@x>", "<3@x> <6@x>", NULL },
		{ 6, 6, "Re: thread", "<6@x>", "<3@x>", NULL },
		{ 7, 7, "Re: thread", "<7@x>", "<3@x> <6@x> <44@x>", NULL },
		{ 23, 23, "Re: thread", "<23@x>", "<3@x> <6@x> <4@x>", NULL },
		{ 44, 44, "Re: thread", "<44@x>", "<3@x> <6@x>", NULL },
		{ 96, 96, "Re: thread", "<96@x>", "<3@x> <6@x> <44@x> <7@x>",
		    NULL },
	};
	/* RFC 5256 4: "((3)(5))", a parent not in the set. */
	static const struct tmsg	gone[] = {
		{ 3, 1, "Re: x", "<3@x>", "<1@x>", NULL },
		{ 5, 2, "Re: x", "<5@x>", "<1@x>", NULL },
	};
	static const struct tmsg	chain[] = {
		{ 1, 1, "a", "<a@x>", NULL, NULL },
		{ 2, 2, "Re: a", "<b@x>", "<a@x>", NULL },
		{ 3, 3, "Re: a", "<c@x>", "<a@x> <b@x>", NULL },
	};
	/* Truncated References: the chain is still found. */
	static const struct tmsg	trunc[] = {
		{ 1, 1, "a", "<a@x>", NULL, NULL },
		{ 2, 2, "Re: a", "<b@x>", "<a@x>", NULL },
		{ 3, 3, "Re: a", "<c@x>", "<b@x>", NULL },
	};
	static const struct tmsg	sibs[] = {
		{ 1, 1, "a", "<a@x>", NULL, NULL },
		{ 2, 3, "Re: a", "<b@x>", "<a@x>", NULL },
		{ 3, 2, "Re: a", "<c@x>", "<a@x>", NULL },
	};
	/* Each references the other: no loop, the first link stays. */
	static const struct tmsg	loop[] = {
		{ 1, 1, "p", "<a@x>", "<b@x>", NULL },
		{ 2, 2, "q", "<b@x>", "<a@x>", NULL },
	};
	static const struct tmsg	loop3[] = {
		{ 1, 1, "p", "<a@x>", "<c@x>", NULL },
		{ 2, 2, "q", "<b@x>", "<a@x>", NULL },
		{ 3, 3, "r", "<c@x>", "<b@x>", NULL },
	};
	/* A References list with a loop inside it. */
	static const struct tmsg	refloop[] = {
		{ 1, 1, "p", "<m@x>", "<a@x> <b@x> <a@x> <b@x>", NULL },
		{ 2, 2, "q", "<n@x>", "<b@x> <a@x>", NULL },
	};
	/* A message's own ID as its last reference: its link from 1.A is
	 * broken by 1.B and none made (Dovecot agrees). */
	static const struct tmsg	self[] = {
		{ 1, 1, "p", "<a@x>", "<a@x>", NULL },
		{ 2, 2, "q", "<b@x>", "<a@x> <b@x>", NULL },
	};
	/* Duplicate Message-IDs: the first keeps it (RFC 5256 3 1.A). */
	static const struct tmsg	dup[] = {
		{ 1, 1, "p", "<a@x>", NULL, NULL },
		{ 2, 2, "q", "<a@x>", NULL, NULL },
		{ 3, 3, "r", "<c@x>", "<a@x>", NULL },
		{ 4, 4, "s", "<a@x>", "<c@x>", NULL },
	};
	static const struct tmsg	noid[] = {
		{ 1, 1, "p", NULL, NULL, NULL },
		{ 2, 2, "q", "garbage", "<zz@x>", NULL },
		{ 3, 3, "r", "<>", "<zz@x>", NULL },
		{ 4, 4, "s", "<c@x>", NULL, NULL },
	};
	/* In-Reply-To when References has nothing valid: its first ID. */
	static const struct tmsg	irt[] = {
		{ 1, 1, "p", "<a@x>", NULL, NULL },
		{ 2, 2, "q", "<b@x>", NULL, NULL },
		{ 3, 3, "r", "<c@x>", NULL, "<b@x> <a@x>" },
		{ 4, 4, "s", "<d@x>", "junk", "Joe's <a@x> of Monday" },
		{ 5, 5, "t", "<e@x>", "<a@x>", "<b@x>" },
	};
	/* 1.B: a message's own last reference wins over the link another
	 * message's References made (3 is 2's parent until 2 is seen). */
	static const struct tmsg	relink[] = {
		{ 1, 1, "p", "<m1@x>", "<p@x> <c2@x>", NULL },
		{ 2, 2, "q", "<c2@x>", "<q@x>", NULL },
		{ 3, 3, "r", "<p@x>", NULL, NULL },
	};
	/* 1.A: an existing parent is kept. */
	static const struct tmsg	keep[] = {
		{ 1, 1, "p", "<a@x>", NULL, NULL },
		{ 2, 2, "q", "<b@x>", "<a@x>", NULL },
		{ 3, 3, "r", "<c@x>", "<z@x> <b@x>", NULL },
	};
	/* Step 3: dummies in a chain, under a message, at the top. */
	static const struct tmsg	dummies[] = {
		{ 1, 5, "p", "<a@x>", NULL, NULL },
		{ 2, 2, "q", "<b@x>", "<a@x> <y@x>", NULL },
		{ 3, 1, "r", "<c@x>", "<x@x> <y2@x> <z@x>", NULL },
		{ 4, 4, "s", "<d@x>", "<x@x> <w@x>", NULL },
		{ 5, 3, "t", "<e@x>", "<v@x> <u@x>", NULL },
	};
	/* Step 4: the top by date, a dummy by its first child; ties by
	 * mailbox order. */
	static const struct tmsg	dates[] = {
		{ 1, 300, "a", NULL, NULL, NULL },
		{ 2, 100, "b", NULL, NULL, NULL },
		{ 3, 200, "c", NULL, "<z@x>", NULL },
		{ 4, 150, "d", NULL, "<z@x>", NULL },
		{ 5, 100, "e", NULL, NULL, NULL },
		{ 6, 300, "f", NULL, NULL, NULL },
	};
	/* Step 5: a reply without references joins its original. */
	static const struct tmsg	subj1[] = {
		{ 1, 1, "hello", "<a@x>", NULL, NULL },
		{ 2, 2, "Re: hello", "<b@x>", NULL, NULL },
		{ 3, 3, "HELLO", "<c@x>", NULL, NULL },
	};
	/* Two originals: a new dummy above both. */
	static const struct tmsg	subj2[] = {
		{ 1, 1, "hello", NULL, NULL, NULL },
		{ 2, 2, "hello", NULL, NULL, NULL },
		{ 3, 3, "Re: hello", NULL, NULL, NULL },
	};
	/* The reply came first: the original takes the table. */
	static const struct tmsg	subj3[] = {
		{ 1, 1, "Re: hello", NULL, NULL, NULL },
		{ 2, 2, "hello", NULL, NULL, NULL },
	};
	/* Two replies: a dummy. */
	static const struct tmsg	subj4[] = {
		{ 1, 1, "Re: hello", NULL, NULL, NULL },
		{ 2, 2, "Fwd: hello", NULL, NULL, NULL },
	};
	/* A dummy takes the table; a message joins it. */
	static const struct tmsg	subj5[] = {
		{ 1, 1, "hello", NULL, NULL, NULL },
		{ 2, 2, "Re: hello", NULL, "<z@x>", NULL },
		{ 3, 3, "Re: hello", NULL, "<z@x>", NULL },
	};
	/* Two dummies: their children together. */
	static const struct tmsg	subj6[] = {
		{ 1, 1, "Re: hello", NULL, "<z@x>", NULL },
		{ 2, 2, "Re: hello", NULL, "<z@x>", NULL },
		{ 3, 3, "Re: hello", NULL, "<y@x>", NULL },
		{ 4, 4, "Re: hello", NULL, "<y@x>", NULL },
	};
	/* Empty subjects are never gathered; replies below the top are
	 * not either. */
	static const struct tmsg	subj7[] = {
		{ 1, 1, "", NULL, NULL, NULL },
		{ 2, 2, NULL, NULL, NULL, NULL },
		{ 3, 3, "Re:", NULL, NULL, NULL },
		{ 4, 4, "x", "<a@x>", NULL, NULL },
		{ 5, 5, "y", "<b@x>", "<a@x>", NULL },
		{ 6, 6, "Re: y", NULL, NULL, NULL },
	};
	/* Blobs and [fwd: ] count for the base subject. */
	static const struct tmsg	subj8[] = {
		{ 1, 1, "[list] hello", NULL, NULL, NULL },
		{ 2, 2, "[fwd: hello]", NULL, NULL, NULL },
		{ 3, 3, "hello (fwd)", NULL, NULL, NULL },
	};
	/* Message-IDs compare case-sensitively. */
	static const struct tmsg	idcase[] = {
		{ 1, 1, "p", "<a@x>", NULL, NULL },
		{ 2, 2, "q", "<b@x>", "<A@x>", NULL },
		{ 3, 3, "r", "<c@x>", "<a@X>", NULL },
		{ 4, 4, "s", "<d@x>", "<\"a\"@x>", NULL },
	};

	CHECK_STR(refs(rfc, NM(rfc)), "(2)(3 6 (4 23)(44 7 96))");
	CHECK_STR(refs(gone, NM(gone)), "((3)(5))");
	CHECK_STR(refs(chain, NM(chain)), "(1 2 3)");
	CHECK_STR(refs(trunc, NM(trunc)), "(1 2 3)");
	CHECK_STR(refs(sibs, NM(sibs)), "(1 (3)(2))");
	CHECK_STR(refs(loop, NM(loop)), "(2 1)");
	CHECK_STR(refs(loop3, NM(loop3)), "(3 1 2)");
	CHECK_STR(refs(refloop, NM(refloop)), "((1)(2))");
	CHECK_STR(refs(self, NM(self)), "(1)(2)");
	CHECK_STR(refs(dup, NM(dup)), "(1 3 4)(2)");
	CHECK_STR(refs(noid, NM(noid)), "(1)((2)(3))(4)");
	CHECK_STR(refs(irt, NM(irt)), "(1 (4)(5))(2 3)");
	CHECK_STR(refs(relink, NM(relink)), "(2 1)(3)");
	CHECK_STR(refs(keep, NM(keep)), "(1 2 3)");
	CHECK_STR(refs(dummies, NM(dummies)), "((3)(4))(5)(1 2)");
	CHECK_STR(refs(dates, NM(dates)), "(2)(5)((4)(3))(1)(6)");
	CHECK_STR(refs(subj1, NM(subj1)), "(1 2)(3)");
	CHECK_STR(refs(subj2, NM(subj2)), "((1)(2)(3))");
	CHECK_STR(refs(subj3, NM(subj3)), "(2 1)");
	CHECK_STR(refs(subj4, NM(subj4)), "((1)(2))");
	CHECK_STR(refs(subj5, NM(subj5)), "((1)(2)(3))");
	CHECK_STR(refs(subj6, NM(subj6)), "((1)(2)(3)(4))");
	CHECK_STR(refs(subj7, NM(subj7)), "(1)(2)(3)(4 5)(6)");
	CHECK_STR(refs(subj8, NM(subj8)), "(1 (2)(3))");
	CHECK_STR(refs(idcase, NM(idcase)), "(1 4)(2)(3)");
	CHECK_STR(refs(NULL, 0), "");
	arena_reset(a);
}

static void
test_orderedsubject(void)
{
	static const struct tmsg	t1[] = {
		{ 1, 1, "a", NULL, NULL, NULL },
		{ 2, 2, "Re: a", NULL, NULL, NULL },
		{ 3, 3, "b", NULL, NULL, NULL },
		{ 4, 4, "a", NULL, NULL, NULL },
	};
	static const struct tmsg	t2[] = {
		{ 1, 5, "b", NULL, NULL, NULL },
		{ 2, 1, "a", NULL, NULL, NULL },
		{ 3, 9, "Re: b", NULL, NULL, NULL },
	};
	/* Within a thread by date, ties by mailbox order; empty subjects
	 * are one thread too. */
	static const struct tmsg	t3[] = {
		{ 1, 5, "a", NULL, NULL, NULL },
		{ 2, 1, "[x] a", NULL, NULL, NULL },
		{ 3, 5, "", NULL, NULL, NULL },
		{ 4, 3, NULL, NULL, NULL, NULL },
		{ 5, 5, "Fwd: a", NULL, NULL, NULL },
		{ 6, 3, "a", NULL, NULL, NULL },
	};
	/* References play no part. */
	static const struct tmsg	t4[] = {
		{ 1, 1, "x", "<a@x>", NULL, NULL },
		{ 2, 2, "y", "<b@x>", "<a@x>", NULL },
	};

	CHECK_STR(ordered(t1, NM(t1)), "(1 (2)(4))(3)");
	CHECK_STR(ordered(t2, NM(t2)), "(2)(1 3)");
	CHECK_STR(ordered(t3, NM(t3)), "(2 (6)(1)(5))(4 3)");
	CHECK_STR(ordered(t4, NM(t4)), "(1)(2)");
	CHECK_STR(ordered(NULL, 0), "");
	arena_reset(a);
}

/* The RFC 5256 3 ORDEREDSUBJECT example's shape. */
static void
test_rfc_orderedsubject(void)
{
	static const uint32_t	ids[] = { 166, 167, 168, 169, 172, 170, 171,
	    173, 174, 175, 176, 178, 181, 180, 179, 177, 183, 182, 188, 184,
	    185, 186, 187, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198,
	    199, 200, 202, 201, 203, 204, 205, 206, 207, 208 };
	/* Threads (subjects) as the example shows them. */
	static const char	*want = "(166)(167)(168)(169)(172)(170)(171)"
	    "(173)(174 (175)(176)(178)(181)(180))(179)(177"
	    " (183)(182)(188)(184)(185)(186)(187)(189))(190)"
	    "(191)(192)(193)(194 195)(196 (197)(198))(199)"
	    "(200 202)(201)(203)(204)(205)(206 207)(208)";
	struct thread_set	*ts;
	time_t			 date[256];
	const char		*subjs[256];
	size_t			 i, n = sizeof(ids) / sizeof(ids[0]);
	const char		*subj;
	static char		 names[256][8];

	/* ids[] lists the messages in the order the answer shows them,
	 * which is date order: give dates so, subjects by thread. */
	for (i = 0; i < n; i++) {
		uint32_t	 id = ids[i];

		if (id >= 175 && id <= 181 && id != 177 && id != 179)
			subj = "174";
		else if ((id >= 182 && id <= 189) || id == 177)
			subj = "177";
		else if (id == 195)
			subj = "194";
		else if (id == 197 || id == 198)
			subj = "196";
		else if (id == 202)
			subj = "200";
		else if (id == 207)
			subj = "206";
		else {
			snprintf(names[id], sizeof(names[id]), "%u",
			    (unsigned)id);
			subj = names[id];
		}
		date[id] = 1000 + (time_t)i;
		subjs[id] = subj;
	}
	/* The set in mailbox order (by number). */
	ts = thread_set_new(LIMIT_ARENA);
	for (i = 166; i < 166 + n; i++)
		CHECK_INT(thread_set_add(ts, (uint32_t)i, date[i], subjs[i],
		    strlen(subjs[i]), 0, NULL, 0, NULL, 0, NULL, 0), 0);
	CHECK_STR(written(thread_set_orderedsubject(ts, a)), want);
	thread_set_free(&ts);
	arena_reset(a);
}

static struct thread_node *
node(uint32_t id, struct thread_node *child, struct thread_node *next)
{
	struct thread_node	*x = arena_alloc(a, sizeof(*x));

	x->id = id;
	x->child = child;
	x->next = next;
	return x;
}

static void
test_write(void)
{
	struct thread_node	*root, *x, *y;
	struct buf		 b;
	size_t			 i, n = 200000, len;
	int			 ok;

	root = node(0, NULL, NULL);
	CHECK_STR(written(root), "");
	root->child = node(1, NULL, node(2, NULL, NULL));
	CHECK_STR(written(root), "(1)(2)");
	root->child = node(0, node(3, NULL, node(5, NULL, NULL)), NULL);
	CHECK_STR(written(root), "((3)(5))");
	/* 3 -> 6 -> {4 -> 23, 44 -> 7 -> 96} */
	root->child = node(2, NULL, node(3, node(6, node(4, node(23, NULL,
	    NULL), node(44, node(7, node(96, NULL, NULL), NULL), NULL)), NULL),
	    NULL));
	CHECK_STR(written(root), "(2)(3 6 (4 23)(44 7 96))");
	/* A message whose children have children. */
	root->child = node(1, node(2, node(3, NULL, node(4, NULL, NULL)),
	    node(5, NULL, NULL)), NULL);
	CHECK_STR(written(root), "(1 (2 (3)(4))(5))");
	root->child = node(4294967295U, NULL, NULL);
	CHECK_STR(written(root), "(4294967295)");

	/* A chain 200,000 long, and a comb as deep: no recursion. */
	for (x = NULL, i = n; i > 0; i--)
		x = node((uint32_t)i, x, NULL);
	root->child = x;
	buf_init(&b, 64 * 1024 * 1024);
	CHECK_INT(thread_write(a, &b, root), 0);
	CHECK(b.len > 2 && b.data[0] == '(' && b.data[b.len - 1] == ')' &&
	    memchr(b.data + 1, '(', b.len - 1) == NULL);
	buf_reset(&b);
	for (x = NULL, i = n; i > 0; i--) {
		y = node((uint32_t)(n + i), NULL, x);
		x = node((uint32_t)i, y, NULL);
	}
	root->child = x;
	CHECK_INT(thread_write(a, &b, root), 0);
	for (ok = 1, i = 0, len = 0; i < b.len; i++) {
		if (b.data[i] == '(')
			len++;
		else if (b.data[i] == ')' && len-- == 0)
			ok = 0;
	}
	CHECK(ok && len == 0);
	CHECK(b.len > 6 && memcmp(b.data + b.len - 6, ")))))", 5) == 0);
	buf_free(&b);

	/* The buffer's maximum: -1, at and past it. */
	root->child = node(1, node(2, NULL, node(3, NULL, NULL)), NULL);
	buf_init(&b, 10);
	CHECK_INT(thread_write(a, &b, root), 0);
	CHECK_STR(b.data, "(1 (2)(3))");
	buf_free(&b);
	buf_init(&b, 9);
	CHECK_INT(thread_write(a, &b, root), -1);
	buf_free(&b);
	arena_reset(a);
}

/*
 * Parse a thread-list sequence by the RFC 5256 5 grammar; record each
 * number in seen[]. Returns 0 if it parses.
 */
static int
grammar_check(const char *s, size_t len, unsigned char *seen, size_t max)
{
	size_t		 i = 0, depth = 0;
	unsigned long	 v;
	int		 prev = 0;	/* 0 start, 1 '(', 2 number, 3 ')' */

	while (i < len) {
		if (s[i] == '(') {
			if (prev == 2 && s[i - 1] != ' ')
				return -1;
			depth++;
			prev = 1;
			i++;
		} else if (s[i] == ')') {
			if (prev == 1 || depth == 0)
				return -1;
			depth--;
			prev = 3;
			i++;
		} else if (s[i] == ' ') {
			if (prev != 2 || i + 1 >= len)
				return -1;
			i++;
		} else if (s[i] >= '1' && s[i] <= '9') {
			if (prev == 3 || depth == 0 ||
			    (prev == 2 && s[i - 1] != ' '))
				return -1;
			for (v = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
				v = v * 10 + (unsigned long)(s[i] - '0');
			if (v >= max || seen[v]++)
				return -1;
			prev = 2;
		} else
			return -1;
	}
	return depth == 0 ? 0 : -1;
}

/* Random mailboxes: few IDs, so loops, self references, duplicates and
 * missing parents are common. */
static void
test_random(void)
{
	static const char	*subj[] = { "a", "Re: a", "b", "Fwd: b", "",
	    "[x] a", "a (fwd)", "Re: c" };
	struct tmsg		 t[64];
	char			 ids[64][16], refsv[64][128];
	unsigned char		 seen[65];
	const char		*out;
	size_t			 round, n, i, j, k, nr, bad = 0;
	unsigned		 r = 12345;

	for (round = 0; round < 3000; round++) {
		arena_reset(a);
		n = 1 + (round % 40);
		for (i = 0; i < n; i++) {
			r = r * 1103515245 + 12345;
			snprintf(ids[i], sizeof(ids[i]), "<%u@x>", (r >> 8) %
			    (unsigned)(n + 3));
			nr = (r >> 16) % 5;
			refsv[i][0] = '\0';
			for (j = 0; j < nr; j++) {
				r = r * 1103515245 + 12345;
				k = strlen(refsv[i]);
				snprintf(refsv[i] + k, sizeof(refsv[i]) - k,
				    "<%u@x> ", (r >> 8) % (unsigned)(n + 3));
			}
			t[i].id = (uint32_t)(i + 1);
			t[i].date = (time_t)((r >> 20) % 7);
			t[i].subject = subj[(r >> 4) % 8];
			t[i].msgid = (r >> 12) % 6 == 0 ? NULL : ids[i];
			t[i].refs = refsv[i];
			t[i].irt = NULL;
		}
		for (k = 0; k < 2; k++) {
			out = k == 0 ? refs(t, n) : ordered(t, n);
			memset(seen, 0, sizeof(seen));
			if (grammar_check(out, strlen(out), seen, n + 1) != 0)
				bad++;
			for (i = 1; i <= n; i++)
				if (seen[i] != 1)
					bad++;
		}
	}
	CHECK_INT(bad, 0);
	arena_reset(a);
}

/* 100,000 messages in one reply chain, each referencing only its
 * parent, in mailbox order and reversed: linear time, no recursion. */
static void
test_deep(void)
{
	struct thread_msg	*m;
	uint32_t		*refs;
	size_t			 i, n = 100000;
	const char		*out;
	int			 rev;

	for (rev = 0; rev < 2; rev++) {
		m = arena_reallocarray(a, NULL, 0, n, sizeof(*m));
		refs = arena_reallocarray(a, NULL, 0, n, sizeof(*refs));
		for (i = 0; i < n; i++) {
			m[i].id = (uint32_t)(i + 1);
			m[i].date = (time_t)i;
			m[i].subject = 1;
			/* ID numbers: 1..n, n..1 when reversed. */
			m[i].msgid = (uint32_t)(rev ? n - i : i + 1);
			refs[i] = (uint32_t)(rev ? n - i - 1 : i);
			m[i].refs = (uint32_t)i;
			if ((!rev && i > 0) || (rev && i + 1 < n))
				m[i].nrefs = 1;
		}
		out = written(thread_references(a, m, n, refs, (uint32_t)n));
		CHECK(strncmp(out, rev ? "(100000 99999 " : "(1 2 3 ", 7) == 0);
		CHECK(strchr(out + 1, '(') == NULL);
		arena_reset(a);
	}
}

int
main(void)
{
	a = arena_new(LIMIT_ARENA);
	test_references();
	test_orderedsubject();
	test_rfc_orderedsubject();
	test_write();
	test_random();
	test_deep();
	arena_free(&a);
	return test_done("t_thread");
}
