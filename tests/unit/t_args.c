/*
 * t_args.c: unit tests for args.c: imap_number_parse (bounds, overflow,
 * syntax), the number, nz-number and number64 helpers at their edges, and
 * which argument types atom, astring, string, nstring, NIL and list accept.
 * Arguments are built by hand so that every type and odd content (NUL in a
 * literal, literal8, streams) can be tried, and also taken from the parser
 * so that the helpers are checked on what the parser really produces.
 *
 * Cases marked "Regression" were bugs once; the comment says which.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "mdlimits.h"
#include "parser.h"
#include "test.h"

#define IN(s)	(s), sizeof(s) - 1

static struct imap_arg *
mk(enum arg_type type, const char *s, size_t len)
{
	static struct imap_arg	 pool[256];
	static size_t		 n;
	struct imap_arg		*a;

	if (n == sizeof(pool) / sizeof(pool[0]))
		abort();
	a = &pool[n++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	a->str = s;
	a->len = len;
	return a;
}

static struct imap_arg *
atom(const char *s)
{
	return mk(ARG_ATOM, s, strlen(s));
}

/* imap_number_parse on an exact-size heap copy: -1, or the value. */
static int
num(const char *s, size_t len, uint64_t max, uint64_t *r)
{
	char	*p;
	int	 rc;

	if ((p = malloc(len == 0 ? 1 : len)) == NULL)
		abort();
	memcpy(p, s, len);
	*r = 4242;
	rc = imap_number_parse(p, len, max, r);
	free(p);
	return rc;
}

static void
test_number_parse(void)
{
	static const struct {
		const char	*s;
		size_t		 len;
		uint64_t	 max;
		int		 rc;
		uint64_t	 v;
	} t[] = {
		{ IN("0"), UINT32_MAX, 0, 0 },
		{ IN("1"), UINT32_MAX, 0, 1 },
		{ IN("00001"), UINT32_MAX, 0, 1 },
		{ IN("000000000000000000000000000042"), UINT32_MAX, 0, 42 },
		{ IN("4294967295"), UINT32_MAX, 0, 4294967295U },
		{ IN("04294967295"), UINT32_MAX, 0, 4294967295U },
		{ IN("4294967296"), UINT32_MAX, -1, 0 },
		{ IN("4294967300"), UINT32_MAX, -1, 0 },
		{ IN("42949672950"), UINT32_MAX, -1, 0 },
		{ IN("9223372036854775807"), INT64_MAX, 0, INT64_MAX },
		{ IN("9223372036854775808"), INT64_MAX, -1, 0 },
		{ IN("18446744073709551615"), UINT64_MAX, 0, UINT64_MAX },
		{ IN("18446744073709551616"), UINT64_MAX, -1, 0 },
		{ IN("18446744073709551620"), UINT64_MAX, -1, 0 },
		{ IN("99999999999999999999"), UINT64_MAX, -1, 0 },
		{ IN("184467440737095516150"), UINT64_MAX, -1, 0 },
		{ IN("10"), 10, 0, 10 },
		{ IN("11"), 10, -1, 0 },
		{ IN("19"), 15, -1, 0 },
		{ IN("9"), 15, 0, 9 },
		{ IN("0"), 0, 0, 0 },
		{ IN(""), UINT32_MAX, -1, 0 },
		{ IN("-1"), UINT32_MAX, -1, 0 },
		{ IN("+1"), UINT32_MAX, -1, 0 },
		{ IN(" 1"), UINT32_MAX, -1, 0 },
		{ IN("1 "), UINT32_MAX, -1, 0 },
		{ IN("1a"), UINT32_MAX, -1, 0 },
		{ IN("0x10"), UINT32_MAX, -1, 0 },
		{ IN("1.5"), UINT32_MAX, -1, 0 },
		{ IN("1\0"), UINT32_MAX, -1, 0 },
		{ IN("\xb1"), UINT32_MAX, -1, 0 },
		/*
		 * Regression (was a bug): with max below 9, a digit larger than max is
		 * accepted: (max - digit) wraps around in the overflow
		 * check of args.c. No caller passes such a max today.
		 */
		{ IN("5"), 0, -1, 0 },
		{ IN("9"), 8, -1, 0 },
	};
	uint64_t	v;
	size_t		i;
	int		rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rc = num(t[i].s, t[i].len, t[i].max, &v);
		if (rc == t[i].rc && (rc != 0 || v == t[i].v) &&
		    (rc == 0 || v == 4242))
			test_pass++;
		else {
			test_fail++;
			fprintf(stderr, "%s:%d: imap_number_parse(\"%.*s\", "
			    "max %llu) = %d, %llu\n", __FILE__, __LINE__,
			    (int)t[i].len, t[i].s,
			    (unsigned long long)t[i].max, rc,
			    (unsigned long long)v);
		}
	}
	/* Only len bytes are read. */
	CHECK_INT(num("123", 2, UINT32_MAX, &v), 0);
	CHECK_INT(v, 12);
}

static void
test_numbers(void)
{
	uint32_t	n;
	uint64_t	n64;

	n = 7;
	CHECK_INT(arg_get_number(atom("0"), &n), 0);
	CHECK_INT(n, 0);
	CHECK_INT(arg_get_number(atom("007"), &n), 0);
	CHECK_INT(n, 7);
	CHECK_INT(arg_get_number(atom("4294967295"), &n), 0);
	CHECK_INT(n, 4294967295U);
	CHECK_INT(arg_get_number(atom("4294967296"), &n), -1);
	CHECK_INT(arg_get_number(atom("-1"), &n), -1);
	CHECK_INT(arg_get_number(atom("1:2"), &n), -1);
	CHECK_INT(arg_get_number(atom("*"), &n), -1);
	CHECK_INT(arg_get_number(mk(ARG_ATOM, "", 0), &n), -1);
	CHECK_INT(arg_get_number(mk(ARG_QUOTED, IN("1")), &n), -1);
	CHECK_INT(arg_get_number(mk(ARG_LITERAL, IN("1")), &n), -1);
	CHECK_INT(arg_get_number(mk(ARG_LIST, NULL, 0), &n), -1);
	CHECK_INT(arg_get_number(NULL, &n), -1);

	CHECK_INT(arg_get_nznumber(atom("1"), &n), 0);
	CHECK_INT(n, 1);
	CHECK_INT(arg_get_nznumber(atom("4294967295"), &n), 0);
	CHECK_INT(n, 4294967295U);
	CHECK_INT(arg_get_nznumber(atom("4294967296"), &n), -1);
	CHECK_INT(arg_get_nznumber(atom("0"), &n), -1);
	CHECK_INT(arg_get_nznumber(atom("00"), &n), -1);
	CHECK_INT(arg_get_nznumber(atom("01"), &n), -1);
	CHECK_INT(arg_get_nznumber(atom("10"), &n), 0);
	CHECK_INT(n, 10);
	CHECK_INT(arg_get_nznumber(mk(ARG_ATOM, "", 0), &n), -1);
	CHECK_INT(arg_get_nznumber(mk(ARG_QUOTED, IN("1")), &n), -1);
	CHECK_INT(arg_get_nznumber(NULL, &n), -1);

	CHECK_INT(arg_get_number64(atom("0"), &n64), 0);
	CHECK_INT(n64, 0);
	CHECK_INT(arg_get_number64(atom("9223372036854775807"), &n64), 0);
	CHECK(n64 == (uint64_t)INT64_MAX);
	CHECK_INT(arg_get_number64(atom("09223372036854775807"), &n64), 0);
	CHECK_INT(arg_get_number64(atom("9223372036854775808"), &n64), -1);
	CHECK_INT(arg_get_number64(atom("18446744073709551615"), &n64), -1);
	CHECK_INT(arg_get_number64(atom("4294967296"), &n64), 0);
	CHECK(n64 == 4294967296ULL);
	CHECK_INT(arg_get_number64(mk(ARG_ATOM, "", 0), &n64), -1);
	CHECK_INT(arg_get_number64(mk(ARG_QUOTED, IN("1")), &n64), -1);
	CHECK_INT(arg_get_number64(NULL, &n64), -1);
}

static void
test_strings(void)
{
	struct imap_arg	*lit8, *nul, *stream;
	const char	*s;

	CHECK(arg_is_nil(atom("NIL")));
	CHECK(arg_is_nil(atom("nil")));
	CHECK(!arg_is_nil(atom("NILS")));
	CHECK(!arg_is_nil(mk(ARG_QUOTED, IN("NIL"))));
	CHECK(!arg_is_nil(mk(ARG_LITERAL, IN("NIL"))));
	CHECK(!arg_is_nil(NULL));
	CHECK(arg_is_atom(atom("Fetch"), "FETCH"));
	CHECK(!arg_is_atom(atom("FETCHX"), "FETCH"));
	CHECK(!arg_is_atom(mk(ARG_QUOTED, IN("FETCH")), "FETCH"));
	CHECK(!arg_is_atom(NULL, "FETCH"));

	CHECK_INT(arg_get_atom(atom("\\Seen"), &s), 0);
	CHECK_STR(s, "\\Seen");
	CHECK_INT(arg_get_atom(mk(ARG_QUOTED, IN("a")), &s), -1);
	CHECK_INT(arg_get_atom(NULL, &s), -1);

	lit8 = mk(ARG_LITERAL, IN("abc"));
	lit8->literal8 = 1;
	nul = mk(ARG_LITERAL, IN("a\0b"));
	stream = mk(ARG_STREAM, NULL, 0);
	stream->size = 3;

	/* astring: atom without list wildcards or "\", quoted, literal. */
	CHECK_INT(arg_get_astring(atom("INBOX"), &s), 0);
	CHECK_STR(s, "INBOX");
	CHECK_INT(arg_get_astring(atom("[Gmail]/Sent"), &s), 0);
	CHECK_INT(arg_get_astring(atom("a]"), &s), 0);
	CHECK_INT(arg_get_astring(atom("NIL"), &s), 0);
	CHECK_STR(s, "NIL");
	CHECK_INT(arg_get_astring(atom("a%"), &s), -1);
	CHECK_INT(arg_get_astring(atom("*"), &s), -1);
	CHECK_INT(arg_get_astring(atom("\\Seen"), &s), -1);
	CHECK_INT(arg_get_astring(mk(ARG_QUOTED, IN("")), &s), 0);
	CHECK_STR(s, "");
	CHECK_INT(arg_get_astring(mk(ARG_QUOTED, IN("a%\\")), &s), 0);
	CHECK_STR(s, "a%\\");
	CHECK_INT(arg_get_astring(mk(ARG_LITERAL, IN("a b")), &s), 0);
	CHECK_STR(s, "a b");
	CHECK_INT(arg_get_astring(lit8, &s), -1);
	CHECK_INT(arg_get_astring(nul, &s), -1);
	CHECK_INT(arg_get_astring(stream, &s), -1);
	CHECK_INT(arg_get_astring(mk(ARG_LIST, NULL, 0), &s), -1);
	CHECK_INT(arg_get_astring(NULL, &s), -1);

	/* string: quoted or literal only. */
	CHECK_INT(arg_get_string(mk(ARG_QUOTED, IN("x")), &s), 0);
	CHECK_STR(s, "x");
	CHECK_INT(arg_get_string(mk(ARG_LITERAL, IN("")), &s), 0);
	CHECK_STR(s, "");
	CHECK_INT(arg_get_string(atom("x"), &s), -1);
	CHECK_INT(arg_get_string(atom("NIL"), &s), -1);
	CHECK_INT(arg_get_string(lit8, &s), -1);
	CHECK_INT(arg_get_string(nul, &s), -1);
	CHECK_INT(arg_get_string(stream, &s), -1);
	CHECK_INT(arg_get_string(mk(ARG_LIST, NULL, 0), &s), -1);
	CHECK_INT(arg_get_string(NULL, &s), -1);

	/* nstring: NIL gives NULL; "NIL" quoted is a string. */
	s = "x";
	CHECK_INT(arg_get_nstring(atom("NIL"), &s), 0);
	CHECK(s == NULL);
	CHECK_INT(arg_get_nstring(atom("nil"), &s), 0);
	CHECK(s == NULL);
	CHECK_INT(arg_get_nstring(mk(ARG_QUOTED, IN("NIL")), &s), 0);
	CHECK_STR(s, "NIL");
	CHECK_INT(arg_get_nstring(mk(ARG_LITERAL, IN("v")), &s), 0);
	CHECK_STR(s, "v");
	CHECK_INT(arg_get_nstring(atom("x"), &s), -1);
	CHECK_INT(arg_get_nstring(lit8, &s), -1);
	CHECK_INT(arg_get_nstring(NULL, &s), -1);
}

static void
test_lists(void)
{
	struct imap_arg	*l, *first = (struct imap_arg *)1;
	size_t		 n = 9;

	l = mk(ARG_LIST, NULL, 0);
	CHECK_INT(arg_get_list(l, &first, &n), 0);
	CHECK(first == NULL);
	CHECK_INT(n, 0);
	l->child = atom("a");
	l->child->next = atom("b");
	l->n = 2;
	CHECK_INT(arg_get_list(l, &first, &n), 0);
	CHECK(first == l->child);
	CHECK_INT(n, 2);
	CHECK_INT(arg_get_list(atom("a"), &first, &n), -1);
	CHECK_INT(arg_get_list(mk(ARG_QUOTED, IN("()")), &first, &n), -1);
	CHECK_INT(arg_get_list(NULL, &first, &n), -1);
}

/* The helpers on a real parse: every type the parser makes. */
static void
test_parsed(void)
{
	const char	*line = "A1 X NIL \"NIL\" 4294967295 0 01 "
	    "\"q\" [Gmail]/Sent \\Seen (1 2) {3}\r\nl\"t ~{2}\r\nx\0\r\n";
	size_t		 len = strlen("A1 X NIL \"NIL\" 4294967295 0 01 "
	    "\"q\" [Gmail]/Sent \\Seen (1 2) {3}\r\nl\"t ~{2}\r\nx") + 3;
	struct arena	*a = arena_new(LIMIT_ARENA);
	struct parser	*p = parser_new(a, LIMIT_LINE);
	struct imap_arg	*arg, *first;
	const char	*s;
	size_t		 pos = 0, used, n;
	uint32_t	 v;
	enum parse_result r;

	while ((r = parser_feed(p, line + pos, len - pos, &used)) ==
	    PARSE_LITERAL) {
		pos += used;
		parser_literal_accept(p);
	}
	CHECK_INT(r, PARSE_COMMAND);
	CHECK_INT(parser_arg_count(p), 11);
	if (r != PARSE_COMMAND || parser_arg_count(p) != 11)
		goto out;
	arg = parser_args(p);
	CHECK_INT(arg_get_nstring(arg, &s), 0);		/* NIL */
	CHECK(s == NULL);
	arg = arg->next;
	CHECK_INT(arg_get_nstring(arg, &s), 0);		/* "NIL" */
	CHECK_STR(s, "NIL");
	arg = arg->next;
	CHECK_INT(arg_get_nznumber(arg, &v), 0);	/* 4294967295 */
	CHECK_INT(v, 4294967295U);
	arg = arg->next;
	CHECK_INT(arg_get_number(arg, &v), 0);		/* 0 */
	CHECK_INT(arg_get_nznumber(arg, &v), -1);
	arg = arg->next;
	CHECK_INT(arg_get_number(arg, &v), 0);		/* 01 */
	CHECK_INT(v, 1);
	CHECK_INT(arg_get_nznumber(arg, &v), -1);
	arg = arg->next;
	CHECK_INT(arg_get_astring(arg, &s), 0);		/* "q" */
	CHECK_INT(arg_get_atom(arg, &s), -1);
	arg = arg->next;
	CHECK_INT(arg_get_astring(arg, &s), 0);		/* [Gmail]/Sent */
	CHECK_STR(s, "[Gmail]/Sent");
	arg = arg->next;
	CHECK_INT(arg_get_astring(arg, &s), -1);	/* \Seen */
	CHECK_INT(arg_get_atom(arg, &s), 0);
	arg = arg->next;
	CHECK_INT(arg_get_list(arg, &first, &n), 0);	/* (1 2) */
	CHECK_INT(n, 2);
	CHECK(arg_is_atom(first, "1") && arg_is_atom(first->next, "2"));
	arg = arg->next;
	CHECK_INT(arg_get_string(arg, &s), 0);		/* {3} */
	CHECK_STR(s, "l\"t");
	arg = arg->next;
	CHECK_INT(arg_get_string(arg, &s), -1);		/* ~{2} */
	CHECK_INT(arg->len, 2);
	CHECK(arg->literal8 && memcmp(arg->str, "x\0", 2) == 0);
	arg = arg->next;
	CHECK(arg == NULL);
out:
	parser_free(&p);
	arena_free(&a);
}

int
main(void)
{
	test_number_parse();
	test_numbers();
	test_strings();
	test_lists();
	test_parsed();
	return test_done("t_args");
}
