/*
 * t_subject.c: unit tests for subject.c (RFC 5256 2.1 base subject and its
 * reply/forward flag; the SORT and THREAD key, its shortcut for plain
 * subjects checked against decoding), msgid.c (finding and normalising
 * msg-ids, msgid_scan() as msgid_next(), the
 * RFC 5256 References / In-Reply-To rule, LIMIT_MSGID at and past) and
 * sortkey.c (the address keys, comparisons, REVERSE and the stable sort).
 * Inputs are exact-size heap copies, so a read past the end trips ASan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "casemap.h"
#include "decode.h"
#include "mdlimits.h"
#include "msgid.h"
#include "sortkey.h"
#include "subject.h"
#include "test.h"

static struct arena	*a;

static char *
heap(const char *s, size_t len)
{
	char	*p;

	if ((p = malloc(len == 0 ? 1 : len)) == NULL)
		abort();
	memcpy(p, s, len);
	return p;
}

static const char *
base(const char *s, size_t len, int *reply)
{
	char	*copy = heap(s, len), *r;
	size_t	 rlen;

	r = subject_base(a, copy, len, &rlen, reply);
	free(copy);
	if (strlen(r) != rlen)
		return "(length differs)";
	return r;
}

static void
test_subject(void)
{
	static const struct {
		const char	*in;
		const char	*out;
		int		 reply;
	} t[] = {
		{ "", "", 0 },
		{ " ", "", 0 },
		{ "hello", "hello", 0 },
		{ "Re: hello", "hello", 1 },
		{ "RE: hello", "hello", 1 },
		{ "re:hello", "hello", 1 },
		{ "rE :hello", "hello", 1 },
		{ "Re  \t : hello", "hello", 1 },
		{ "Re[2]: hello", "hello", 1 },
		{ "Re [2] : hello", "hello", 1 },
		{ "Re[PATCH]: foo", "foo", 1 },
		{ "Re [a][b]: foo", "Re [a][b]: foo", 0 },
		{ "Fwd: hello", "hello", 1 },
		{ "Fw: hello", "hello", 1 },
		{ "FWD:hello", "hello", 1 },
		{ "fW : hello", "hello", 1 },
		{ "Fwdd: hello", "Fwdd: hello", 0 },
		{ "Re: Re: Re: hello", "hello", 1 },
		{ "RE:RE:RE:hello", "hello", 1 },
		{ "Re:  Re:\tRe: hello", "hello", 1 },
		{ "Re: Fwd: Re: hello", "hello", 1 },
		{ "re: re re: x", "re re: x", 1 },
		{ "Re", "Re", 0 },
		{ "Re:", "", 1 },
		{ "Re: ", "", 1 },
		{ "Reply: x", "Reply: x", 0 },
		{ "Ref: x", "Ref: x", 0 },
		{ "Fwd x", "Fwd x", 0 },
		{ "Sv: x", "Sv: x", 0 },
		{ "AW: x", "AW: x", 0 },
		{ "x Re: y", "x Re: y", 0 },
		/* Blobs (step 4): removed when something is left. */
		{ "[PATCH 1/2] foo", "foo", 0 },
		{ "[PATCH] Re: foo", "foo", 1 },
		{ "Re: [PATCH] foo", "foo", 1 },
		{ "[ML] [PATCH v2 3/7] Re: foo", "foo", 1 },
		{ "[ML] Re: [PATCH] foo", "foo", 1 },
		{ "[ML][PATCH]foo", "foo", 0 },
		{ "[PATCH]", "[PATCH]", 0 },
		{ "[PATCH] ", "[PATCH]", 0 },
		{ "[a] [b]", "[b]", 0 },
		{ "[a][b]", "[b]", 0 },
		{ "[a][b] Re: x", "x", 1 },
		{ "Re: [a]", "[a]", 1 },
		{ "[a] Re:", "", 1 },
		{ "[]", "[]", 0 },
		{ "[] x", "x", 0 },
		{ "[", "[", 0 },
		{ "[a", "[a", 0 },
		{ "[a x", "[a x", 0 },
		{ "]", "]", 0 },
		{ "[a[b] x", "[a[b] x", 0 },
		{ "[a]b] x", "b] x", 0 },
		{ "x [a]", "x [a]", 0 },
		/* Trailers (step 2). */
		{ "hello (fwd)", "hello", 1 },
		{ "hello(fwd)", "hello", 1 },
		{ "hello (FWD) (Fwd)", "hello", 1 },
		{ "(fwd)", "", 1 },
		{ "x (fwd) y", "x (fwd) y", 0 },
		{ "hello (fw)", "hello (fw)", 0 },
		{ "hello fwd)", "hello fwd)", 0 },
		/* [fwd: ...] (step 6). */
		{ "[fwd: hello]", "hello", 1 },
		{ "[FWD:hello]", "hello", 1 },
		{ "[Fwd: Re: hello]", "hello", 1 },
		{ "[fwd: [fwd: hello]]", "hello", 1 },
		{ "[fwd: hello (fwd)]", "hello", 1 },
		{ "[fwd: ]", "", 1 },
		{ "[fwd:]", "", 1 },
		{ "[fwd:", "[fwd:", 0 },
		{ "[fwd:x", "[fwd:x", 0 },
		{ "[fwd: hello] extra", "extra", 0 },
		{ "[fwd: a] [b]", "[b]", 0 },
		{ "[fwd: [x] foo]", "foo", 1 },
		{ "[fwd: hello", "[fwd: hello", 0 },
		{ "Re: [fwd: hello] (fwd)", "hello", 1 },
		{ "Fwd: [fwd: x]", "x", 1 },
		{ "Re: [fwd: Re: Fwd:  hello (fwd)]", "hello", 1 },
		{ "[fwd: Re: [fwd: Re: x] (fwd)]", "x", 1 },
		/* White space (step 1). */
		{ "  hello   world  ", "hello world", 0 },
		{ "hello\tworld", "hello world", 0 },
		{ "hello\r\n world", "hello world", 0 },
		{ "hello\n\tworld", "hello world", 0 },
		{ "\t Re:\r\n\tx  \t", "x", 1 },
		/* UTF-8 passes through. */
		{ "Re: Gr\xc3\xbc\xc3\x9f" "e", "Gr\xc3\xbc\xc3\x9f" "e", 0 + 1 },
		{ "[\xc3\xa9t\xc3\xa9] x", "x", 0 },
		{ "\xe2\x80\x8bRe: x", "\xe2\x80\x8bRe: x", 0 },
	};
	size_t	i;
	int	reply;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		reply = -1;
		CHECK_STR(base(t[i].in, strlen(t[i].in), &reply), t[i].out);
		CHECK_INT(reply, t[i].reply);
		if (reply != t[i].reply)
			fprintf(stderr, "  (subject \"%s\")\n", t[i].in);
	}
	/* A NUL is kept as a character; NULL with no length is empty. */
	{
		size_t	 len;
		char	*r = subject_base(a, "Re: a\0b", 7, &len, &reply);

		CHECK_INT(len, 3);
		CHECK_INT(memcmp(r, "a\0b", 4), 0);
		CHECK_INT(reply, 1);
	}
	CHECK_STR(subject_base(a, NULL, 0, NULL, NULL), "");
}

/* Long inputs of each shape: linear, not quadratic (the test would not
 * end in time otherwise). */
static void
test_subject_long(void)
{
	static const char	*unit[] = { "[a]", "Re: ", "[a] Re:", "(fwd)",
	    "[fwd:", "]", " ", "[a][", "Re[a]", "[", "fwd" };
	size_t			 n = 400000, i, j, k, len;
	char			*s, *r;
	int			 reply;

	s = malloc(n + 2);
	if (s == NULL)
		abort();
	for (i = 0; i < sizeof(unit) / sizeof(unit[0]); i++) {
		k = strlen(unit[i]);
		for (j = 0; j + k <= n; j += k)
			memcpy(s + j, unit[i], k);
		s[j] = 'x';
		r = subject_base(a, s, j + 1, &len, &reply);
		CHECK(len <= j + 1 && strlen(r) == len);
	}
	/* "[fwd:" n times, "]" n times: each step-6 round removes one pair. */
	for (j = 0; j + 6 <= n; j += 6)
		;
	memset(s, 0, n);
	for (i = 0; i < j / 6; i++)
		memcpy(s + i * 5, "[fwd:", 5);
	memset(s + i * 5, ']', i);
	s[i * 6] = 'x';
	memmove(s + i * 5 + 1, s + i * 5, i);
	s[i * 5] = 'y';
	r = subject_base(a, s, i * 6 + 1, &len, &reply);
	CHECK_STR(r, "y");
	CHECK_INT(reply, 1);
	free(s);
	arena_reset(a);
}

/* subject_key() against what it stands for: decode_header(), then
 * subject_base(), then casemap_buf(). */
static int
key_same(const char *s, size_t len)
{
	struct buf	 dec, key, d2, k2;
	char		*copy = heap(s, len);
	const char	*b;
	size_t		 bl;
	int		 r1, r2, same;

	buf_init(&dec, LIMIT_HEADER_VALUE * 4 + 64);
	buf_init(&key, LIMIT_HEADER_VALUE * 16 + 64);
	buf_init(&d2, LIMIT_HEADER_VALUE * 4 + 64);
	buf_init(&k2, LIMIT_HEADER_VALUE * 16 + 64);
	subject_key(a, &dec, &key, copy, len, &r1);
	(void)decode_header(&d2, copy, len);
	b = subject_base(a, d2.data, d2.len, &bl, &r2);
	(void)casemap_buf(&k2, b, bl);
	same = r1 == r2 && key.len == k2.len &&
	    (key.len == 0 || memcmp(key.data, k2.data, key.len) == 0);
	buf_free(&dec);
	buf_free(&key);
	buf_free(&d2);
	buf_free(&k2);
	free(copy);
	return same;
}

static void
test_subject_key(void)
{
	static const char *const t[] = {
		"Re: Hello World", "  [list]  Re:  Fwd: x (fwd) ", "\tRe:\tx",
		"=?utf-8?q?Re=3A_caf=C3=A9?=", "Re: =?utf-8?b?w6k=?= x",
		"a =?us-ascii?q?b?= =?us-ascii?q?c?= d", "=?", "x=?y", "=?x?q?",
		"caf\xc3\xa9", "bad \xff byte", "ÉCOLE", "Stra\xc3\x9f" "e",
		"a\r\n b", "[fwd: Re: X]", "", "=", "?=", "re:re:re:",
	};
	static const char	alpha[] = "aZ :=?[]\t\r\nRe(fwd)_Bq\x80\xc3";
	struct buf		 key, dec;
	char			 s[24];
	size_t			 i, j, n, bad = 0;
	unsigned		 r = 777;
	int			 reply;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK(key_same(t[i], strlen(t[i])));
	/* Random strings over an alphabet of what matters. */
	for (i = 0; i < 20000; i++) {
		r = r * 1103515245 + 12345;
		n = (r >> 8) % sizeof(s);
		for (j = 0; j < n; j++) {
			r = r * 1103515245 + 12345;
			s[j] = alpha[(r >> 10) % (sizeof(alpha) - 1)];
		}
		if (!key_same(s, n))
			bad++;
	}
	CHECK_INT(bad, 0);
	/* No Subject: the empty key. */
	buf_init(&key, 64);
	buf_init(&dec, 64);
	(void)buf_adds(&key, "old");
	subject_key(a, &dec, &key, NULL, 0, &reply);
	CHECK_INT(key.len, 0);
	CHECK_INT(reply, 0);
	/* A subject is casemapped (to titlecase). */
	subject_key(a, &dec, &key, "Re: abc", 7, &reply);
	CHECK_INT(reply, 1);
	CHECK(key.len == 3 && memcmp(key.data, "ABC", 3) == 0);
	buf_free(&key);
	buf_free(&dec);
	arena_reset(a);
}

static const char *
id1(const char *s, size_t len)
{
	char		*copy = heap(s, len);
	const char	*r;

	r = msgid_first(a, copy, len);
	free(copy);
	return r == NULL ? "(none)" : r;
}

static void
test_msgid(void)
{
	static const struct {
		const char	*in;
		const char	*out;
	} t[] = {
		{ "<foo@bar>", "foo@bar" },
		{ "  <foo@bar>  ", "foo@bar" },
		{ "(c) < (c) foo (c) @ (c) bar (c) > (c)", "foo@bar" },
		{ "<\"foo 2\"@bar>", "foo 2@bar" },
		{ "<\"01KF8JCEOCBS0045PS\"@xxx.yyy.com>",
		    "01KF8JCEOCBS0045PS@xxx.yyy.com" },
		{ "<\"a\\\"q\"@b>", "a\"q@b" },
		{ "<\"a\".\"b\".c@d>", "a.b.c@d" },
		{ "<a.b.c@d.e>", "a.b.c@d.e" },
		{ "< foo @ bar >", "foo@bar" },
		{ "<a . b@c>", "a.b@c" },
		{ "<a\r\n @b>", "a@b" },
		{ "<a(comment)@b>", "a@b" },
		{ "<a(nested (comment) \\) here)@b(x)>", "a@b" },
		{ "<a@[1.2.3.4]>", "a@[1.2.3.4]" },
		{ "<a@[ 1.2.3.4 ]>", "a@[1.2.3.4]" },
		{ "<a@[1.2]x>", "(none)" },
		{ "<a@[1.2>", "(none)" },
		{ "<a@b(unclosed>", "(none)" },
		{ "<\"a@b>", "(none)" },
		{ "<\"a\"@\"b\">", "(none)" },
		{ "<a@b..c(x)>", "(none)" },
		{ "<foo>", "(none)" },
		{ "foo@bar", "(none)" },
		{ "<foo@bar", "(none)" },
		{ "<@b>", "(none)" },
		{ "<a@>", "(none)" },
		{ "<@>", "(none)" },
		{ "<>", "(none)" },
		{ "", "(none)" },
		{ "<junk <a@b>", "a@b" },
		{ "<<a@b>>", "a@b" },
		{ "<nope> <a@b>", "a@b" },
		{ "<x(y> <a@b>", "a@b" },
		{ "Your message of Monday <a@b> (Joe)", "a@b" },
		{ "joe@example.com <a@b>", "a@b" },
		{ "<a@b@c>", "a@b@c" },
		{ "<a@b> <c@d>", "a@b" },
		{ "<A@B>", "A@B" },
		{ "<\xc3\xa9@b>", "\xc3\xa9@b" },
	};
	size_t		 i, n;
	char		**ids, *s;
	const char	*p;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK_STR(id1(t[i].in, strlen(t[i].in)), t[i].out);
	/* A NUL makes the ID invalid; the next one counts. */
	CHECK_STR(id1("<a\0b@c> <d@e>", 13), "d@e");
	CHECK_STR(id1("<\"a\0\"@c>", 8), "(none)");
	CHECK(msgid_first(a, NULL, 0) == NULL);

	n = msgid_all(a, "<foo@bar>,skipped,<foo2@bar2> <x> <foo@bar>", 43,
	    &ids);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(ids[0], "foo@bar");
		CHECK_STR(ids[1], "foo2@bar2");
		CHECK_STR(ids[2], "foo@bar");
	}
	CHECK_INT(msgid_all(a, "no ids", 6, &ids), 0);
	CHECK(ids == NULL);
	CHECK_INT(msgid_all(a, NULL, 0, &ids), 0);

	/* msgid_next walks along. */
	p = "<a@b> x <c@d>";
	CHECK_STR(msgid_next(a, &p, p + 13), "a@b");
	CHECK_STR(msgid_next(a, &p, p + 8), "c@d");
	CHECK(msgid_next(a, &p, p) == NULL);

	/* msgid_scan as msgid_next, into a buffer, not NUL-terminated. */
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char		 out[LIMIT_MSGID];
		const char	*q = t[i].in, *r = t[i].in;
		size_t		 l = msgid_scan(&q, q + strlen(q), out);
		const char	*want = msgid_next(a, &r, r + strlen(r));

		CHECK(q == r);
		CHECK(want == NULL ? l == 0 : (l == strlen(want) &&
		    memcmp(out, want, l) == 0));
	}

	/* RFC 5256 3: References if it has a valid ID, else In-Reply-To's
	 * first. */
	n = msgid_references(a, "<r1@x> <r2@x>", 13, "<i@x>", 5, &ids);
	CHECK_INT(n, 2);
	CHECK_STR(ids[1], "r2@x");
	n = msgid_references(a, "garbage", 7, "<i1@x> <i2@x>", 13, &ids);
	CHECK_INT(n, 1);
	CHECK_STR(ids[0], "i1@x");
	n = msgid_references(a, NULL, 0, "<i1@x>", 6, &ids);
	CHECK_INT(n, 1);
	CHECK_INT(msgid_references(a, NULL, 0, "junk", 4, &ids), 0);
	CHECK_INT(msgid_references(a, NULL, 0, NULL, 0, &ids), 0);

	/* LIMIT_MSGID: from '<' to '>' at most, in both ways of parsing. */
	s = malloc(LIMIT_MSGID + 2);
	if (s == NULL)
		abort();
	memset(s, 'a', LIMIT_MSGID + 1);
	s[0] = '<';
	s[10] = '@';
	s[LIMIT_MSGID - 1] = '>';
	CHECK_INT(strlen(id1(s, LIMIT_MSGID)), LIMIT_MSGID - 2);
	s[LIMIT_MSGID - 1] = 'a';
	s[LIMIT_MSGID] = '>';
	CHECK_STR(id1(s, LIMIT_MSGID + 1), "(none)");
	s[1] = '(';
	s[3] = ')';
	CHECK_STR(id1(s, LIMIT_MSGID + 1), "(none)");
	s[LIMIT_MSGID - 1] = '>';
	CHECK_INT(strlen(id1(s, LIMIT_MSGID)), LIMIT_MSGID - 5);
	free(s);
	arena_reset(a);
}

static void
test_addr(void)
{
	struct sortkey_addr	 full = { "Joe Q", "joe", "example.com" };
	struct sortkey_addr	 noname = { NULL, "joe", "example.com" };
	struct sortkey_addr	 empty = { "", "joe", "example.com" };
	struct sortkey_addr	 nohost = { NULL, "undisclosed", NULL };
	struct sortkey_addr	 none = { NULL, NULL, NULL };

	CHECK_STR(sortkey_addr_mailbox(&full), "joe");
	CHECK_STR(sortkey_addr_mailbox(&none), "");
	CHECK_STR(sortkey_addr_mailbox(NULL), "");
	CHECK_STR(sortkey_addr_display(a, &full), "Joe Q");
	CHECK_STR(sortkey_addr_display(a, &noname), "joe@example.com");
	CHECK_STR(sortkey_addr_display(a, &empty), "joe@example.com");
	CHECK_STR(sortkey_addr_display(a, &nohost), "undisclosed");
	CHECK_STR(sortkey_addr_display(a, &none), "");
	CHECK_STR(sortkey_addr_display(a, NULL), "");
}

#define S(x)	{ 0, (x), sizeof(x) - 1 }
#define N(x)	{ (x), NULL, 0 }

/* The sorted order as "i j k" of 1-based message numbers. */
static const char *
order(const struct sortkey_crit *c, size_t nc, const struct sortkey_val *v,
    size_t n)
{
	static char	 out[256];
	size_t		*o, i, len = 0;

	o = sortkey_sort(a, c, nc, v, n);
	out[0] = '\0';
	for (i = 0; i < n; i++)
		len += snprintf(out + len, sizeof(out) - len, "%s%zu",
		    i > 0 ? " " : "", o[i] + 1);
	return out;
}

static void
test_sort(void)
{
	/* Messages 1..5: (subject, date). */
	static const struct sortkey_val	 v[] = {
		S("b"), N(300),
		S("a"), N(100),
		S(""), N(200),
		S("b"), N(100),
		S("ab"), N(200),
	};
	static const struct sortkey_val	 eq[] = {
		S("x"), S("x"), S("x"), S("x"), S("x"), S("x"), S("x"),
	};
	struct sortkey_crit	 subj_date[] = { { SORTKEY_STR, 0 },
				    { SORTKEY_NUM, 0 } };
	struct sortkey_crit	 rsubj_date[] = { { SORTKEY_STR, 1 },
				    { SORTKEY_NUM, 0 } };
	struct sortkey_crit	 subj_rdate[] = { { SORTKEY_STR, 0 },
				    { SORTKEY_NUM, 1 } };
	struct sortkey_crit	 one[] = { { SORTKEY_STR, 0 } };
	struct sortkey_crit	 rone[] = { { SORTKEY_STR, 1 } };
	struct sortkey_val	*big;
	size_t			*o, i, j, n = 100001;
	int			 ok;

	CHECK_STR(order(subj_date, 2, v, 5), "3 2 5 4 1");
	CHECK_STR(order(rsubj_date, 2, v, 5), "4 1 5 2 3");
	CHECK_STR(order(subj_rdate, 2, v, 5), "3 2 5 1 4");
	/* Date alone (the second column, with a stride of 2). */
	CHECK_STR(order(subj_date + 1, 1, v + 1, 3), "2 3 1");
	/* Ties: mailbox order, under REVERSE too (RFC 5256 3). */
	CHECK_STR(order(one, 1, eq, 7), "1 2 3 4 5 6 7");
	CHECK_STR(order(rone, 1, eq, 7), "1 2 3 4 5 6 7");
	CHECK_STR(order(one, 0, eq, 7), "1 2 3 4 5 6 7");
	CHECK_STR(order(one, 1, eq, 0), "");
	CHECK_STR(order(one, 1, eq, 1), "1");
	/* Empty first, then prefix before longer, octets unsigned. */
	{
		static const struct sortkey_val	 s[] = { S("\xc3\xa9"), S("z"),
		    S(""), S("zz"), S("Z") };

		CHECK_STR(order(one, 1, s, 5), "3 5 2 4 1");
	}
	CHECK_INT(sortkey_cmp(subj_date, 2, &v[0], &v[2]), 1);
	CHECK_INT(sortkey_cmp(rsubj_date, 2, &v[0], &v[2]), -1);
	CHECK_INT(sortkey_cmp(subj_date, 2, &v[0], &v[0]), 0);
	/* Numbers at their extremes. */
	{
		static const struct sortkey_val	 x[] = { N(INT64_MAX), N(-1),
		    N(INT64_MIN), N(0) };
		struct sortkey_crit		 num[] = { { SORTKEY_NUM, 0 } };

		CHECK_STR(order(num, 1, x, 4), "3 2 4 1");
	}
	/* Many, with few distinct keys: sorted and stable. */
	big = malloc(n * sizeof(*big));
	if (big == NULL)
		abort();
	for (i = 0; i < n; i++) {
		big[i].num = (int64_t)((i * 7919) % 13);
		big[i].str = NULL;
		big[i].len = 0;
	}
	{
		struct sortkey_crit	 num[] = { { SORTKEY_NUM, 1 } };

		o = sortkey_sort(a, num, 1, big, n);
		for (ok = 1, i = 1; i < n; i++)
			if (big[o[i - 1]].num < big[o[i]].num ||
			    (big[o[i - 1]].num == big[o[i]].num &&
			    o[i - 1] >= o[i]))
				ok = 0;
		CHECK(ok);
	}
	/* Long runs in order (as dates mostly are), one of them backwards,
	 * with equal keys across runs: sorted and stable. */
	for (i = 0; i < n; i++)
		big[i].num = i < n / 3 ? (int64_t)(i / 2) : i < n / 2 ?
		    (int64_t)(n - i) : (int64_t)(i - n / 3) / 2;
	{
		struct sortkey_crit	 num[] = { { SORTKEY_NUM, 0 } };
		size_t			 k;

		for (k = 0; k < 2; k++) {
			o = sortkey_sort(a, num, 1, big, k == 0 ? n : 1);
			for (ok = 1, i = 1; i < (k == 0 ? n : 1); i++)
				if (big[o[i - 1]].num > big[o[i]].num ||
				    (big[o[i - 1]].num == big[o[i]].num &&
				    o[i - 1] >= o[i]))
					ok = 0;
			CHECK(ok && (k == 0 || o[0] == 0));
		}
		o = sortkey_sort(a, num, 1, big, 0);
		CHECK(o != NULL);
	}
	/* Keys within 32 bits of each other (the radix sort, four passes),
	 * then over the whole range (too far apart for it), duplicates
	 * among them, both directions: the same order as the merge sort
	 * gives (a second criterion equal for all takes that path). */
	for (j = 0; j < 2; j++) {
		struct sortkey_val	*two = malloc(2 * n * sizeof(*two));
		size_t			*o2, k;

		for (i = 0; i < n; i++) {
			uint64_t	x = (uint64_t)(i % 997) *
					    0x9e3779b97f4a7c15ULL;

			x ^= x >> 29;
			big[i].num = j == 0 ? (int64_t)(x & 0xffffffff) -
			    1000 : (int64_t)x;
		}
		if (two == NULL)
			abort();
		for (i = 0; i < n; i++) {
			two[2 * i] = big[i];
			two[2 * i + 1] = big[0];
		}
		for (k = 0; k < 2; k++) {
			struct sortkey_crit	c1[] = { { SORTKEY_NUM,
						    (int)k } };
			struct sortkey_crit	c2[] = { { SORTKEY_NUM,
						    (int)k }, { SORTKEY_NUM, 0 } };

			o = sortkey_sort(a, c1, 1, big, n);
			o2 = sortkey_sort(a, c2, 2, two, n);
			CHECK(memcmp(o, o2, n * sizeof(*o)) == 0);
		}
		free(two);
	}
	free(big);
	arena_reset(a);
}

int
main(void)
{
	a = arena_new(LIMIT_ARENA);
	test_subject();
	test_subject_long();
	test_subject_key();
	test_msgid();
	test_addr();
	test_sort();
	arena_free(&a);
	return test_done("t_subject");
}
