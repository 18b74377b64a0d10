/*
 * t_resp.c: unit tests for resp.c: when a value goes as an atom, a quoted
 * string or a literal (8-bit, CR, LF, NUL, quotes, backslashes, the empty
 * string, "NIL", RESP_QUOTED_MAX and one past, RESP_UTF8), the escaping of
 * quoted strings, resp_text's replacement of controls, and a round trip:
 * what resp_astring writes, parser.c reads back as the same bytes.
 *
 * Cases marked "Regression" were bugs once; the comment says which.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "mdlimits.h"
#include "parser.h"
#include "resp.h"
#include "test.h"

#define OUT_MAX		(1024 * 1024)

enum writer {
	W_ASTRING,
	W_STRING,
	W_NSTRING,
	W_LITERAL,
	W_TEXT,
};

struct rcase {
	enum writer	 w;
	const char	*in;		/* NULL: resp_nstring's NIL */
	size_t		 len;
	int		 opts;
	const char	*want;
	size_t		 wlen;
	int		 line;
};

#define IN(s)		(s), sizeof(s) - 1
#define RC(w, s, o, want)	{ (w), IN(s), (o), IN(want), __LINE__ }

static struct buf	out;

static void
write_value(enum writer w, const char *s, size_t len, int opts)
{
	buf_reset(&out);
	switch (w) {
	case W_ASTRING:
		resp_astring(&out, s, len, opts);
		break;
	case W_STRING:
		resp_string(&out, s, len, opts);
		break;
	case W_NSTRING:
		resp_nstring(&out, s, len, opts);
		break;
	case W_LITERAL:
		resp_literal(&out, s, len);
		break;
	case W_TEXT:
		resp_text(&out, s, len);
		break;
	}
}

static void
check_out(const char *want, size_t wlen, int line)
{
	size_t	i;

	if (out.len == wlen && (wlen == 0 || memcmp(out.data, want, wlen) == 0)) {
		test_pass++;
		return;
	}
	test_fail++;
	fprintf(stderr, "%s:%d: got \"", __FILE__, line);
	for (i = 0; i < out.len && i < 200; i++)
		fprintf(stderr, (unsigned char)out.data[i] < 0x20 ||
		    (unsigned char)out.data[i] >= 0x7f ? "\\x%02x" : "%c",
		    (unsigned char)out.data[i]);
	fprintf(stderr, "\"\n");
}

static const struct rcase cases[] = {
	/* astring: an atom when it can be, never NIL. */
	RC(W_ASTRING, "INBOX", 0, "INBOX"),
	RC(W_ASTRING, "a[b", 0, "a[b"),
	RC(W_ASTRING, "~}+-.:<>", 0, "~}+-.:<>"),
	RC(W_ASTRING, "", 0, "\"\""),
	RC(W_ASTRING, "NIL", 0, "\"NIL\""),
	RC(W_ASTRING, "nil", 0, "\"nil\""),
	RC(W_ASTRING, "NiL", 0, "\"NiL\""),
	RC(W_ASTRING, "NILS", 0, "NILS"),
	RC(W_ASTRING, "NI", 0, "NI"),
	RC(W_ASTRING, "a b", 0, "\"a b\""),
	RC(W_ASTRING, "a]", 0, "\"a]\""),
	RC(W_ASTRING, "a%", 0, "\"a%\""),
	RC(W_ASTRING, "*", 0, "\"*\""),
	RC(W_ASTRING, "(", 0, "\"(\""),
	RC(W_ASTRING, ")", 0, "\")\""),
	RC(W_ASTRING, "{3}", 0, "\"{3}\""),
	RC(W_ASTRING, "a\"b", 0, "\"a\\\"b\""),
	RC(W_ASTRING, "a\\b", 0, "\"a\\\\b\""),
	RC(W_ASTRING, "\\Seen", 0, "\"\\\\Seen\""),
	RC(W_ASTRING, "\x01", 0, "\"\x01\""),
	RC(W_ASTRING, "\t", 0, "\"\t\""),
	RC(W_ASTRING, "\x7f", 0, "\"\x7f\""),
	RC(W_ASTRING, "caf\xc3\xa9", 0, "{5}\r\ncaf\xc3\xa9"),
	RC(W_ASTRING, "caf\xc3\xa9", RESP_UTF8, "\"caf\xc3\xa9\""),
	RC(W_ASTRING, "a\rb", 0, "{3}\r\na\rb"),
	RC(W_ASTRING, "a\nb", RESP_UTF8, "{3}\r\na\nb"),
	RC(W_ASTRING, "a\0b", RESP_UTF8, "{3}\r\na\0b"),
	RC(W_ASTRING, "\0", 0, "{1}\r\n\0"),

	/* string: always quoted or literal. */
	RC(W_STRING, "abc", 0, "\"abc\""),
	RC(W_STRING, "", 0, "\"\""),
	RC(W_STRING, "NIL", 0, "\"NIL\""),
	RC(W_STRING, "\"", 0, "\"\\\"\""),
	RC(W_STRING, "\\", 0, "\"\\\\\""),
	RC(W_STRING, "\"\"\\\\", 0, "\"\\\"\\\"\\\\\\\\\""),
	RC(W_STRING, "a\"b\\c\"", 0, "\"a\\\"b\\\\c\\\"\""),
	RC(W_STRING, "\x80", 0, "{1}\r\n\x80"),
	RC(W_STRING, "\xc3\xa9\"", RESP_UTF8, "\"\xc3\xa9\\\"\""),
	RC(W_STRING, "\r", RESP_UTF8, "{1}\r\n\r"),
	RC(W_STRING, "\n", 0, "{1}\r\n\n"),
	RC(W_STRING, "\r\n", 0, "{2}\r\n\r\n"),
	RC(W_STRING, "x\0", 0, "{2}\r\nx\0"),
	/*
	 * Regression (was a bug): RESP_UTF8 quotes any 8-bit byte, valid UTF-8 or not, but
	 * QUOTED-CHAR (RFC 9051 9) admits only UTF8-2, UTF8-3 and UTF8-4:
	 * "\xff" quoted is not a quoted string, which breaks resp.h's "nothing
	 * unquotable is ever sent quoted". Invalid UTF-8 should go as a
	 * literal.
	 */
	RC(W_STRING, "\xff", RESP_UTF8, "{1}\r\n\xff"),

	/* nstring */
	RC(W_NSTRING, "", 0, "\"\""),
	RC(W_NSTRING, "NIL", 0, "\"NIL\""),
	RC(W_NSTRING, "a b", 0, "\"a b\""),
	RC(W_NSTRING, "\xc3\xa9", 0, "{2}\r\n\xc3\xa9"),

	/* literal, whatever the data */
	RC(W_LITERAL, "", 0, "{0}\r\n"),
	RC(W_LITERAL, "abc", 0, "{3}\r\nabc"),
	RC(W_LITERAL, "a\0\r\n", 0, "{4}\r\na\0\r\n"),

	/* resp-text: controls become "?", 8-bit passes */
	RC(W_TEXT, "", 0, ""),
	RC(W_TEXT, "Logged in", 0, "Logged in"),
	RC(W_TEXT, "a\r\nb", 0, "a??b"),
	RC(W_TEXT, "\0\t\x1f\x7f", 0, "????"),
	RC(W_TEXT, "\"[x]\" \\", 0, "\"[x]\" \\"),
	RC(W_TEXT, "caf\xc3\xa9", 0, "caf\xc3\xa9"),
};

static void
test_cases(void)
{
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_value(cases[i].w, cases[i].in, cases[i].len,
		    cases[i].opts);
		check_out(cases[i].want, cases[i].wlen, cases[i].line);
	}
	buf_reset(&out);
	resp_nstring(&out, NULL, 0, 0);
	check_out(IN("NIL"), __LINE__);
	/* Only len bytes are written. */
	buf_reset(&out);
	resp_string(&out, "abcdef", 3, 0);
	check_out(IN("\"abc\""), __LINE__);
	buf_reset(&out);
	resp_astring(&out, "NILS", 3, 0);
	check_out(IN("\"NIL\""), __LINE__);
}

/* RESP_QUOTED_MAX at its value and one past, escapes not counted. */
static void
test_quoted_max(void)
{
	char	*s, *want;
	size_t	 n;

	s = malloc(RESP_QUOTED_MAX + 1);
	want = malloc(2 * RESP_QUOTED_MAX + 16);
	if (s == NULL || want == NULL)
		abort();

	memset(s, ' ', RESP_QUOTED_MAX + 1);
	CHECK(resp_is_quotable(s, RESP_QUOTED_MAX, 0));
	CHECK(!resp_is_quotable(s, RESP_QUOTED_MAX + 1, 0));
	CHECK(!resp_is_quotable(s, RESP_QUOTED_MAX + 1, RESP_UTF8));
	buf_reset(&out);
	resp_string(&out, s, RESP_QUOTED_MAX, 0);
	want[0] = '"';
	memcpy(want + 1, s, RESP_QUOTED_MAX);
	want[RESP_QUOTED_MAX + 1] = '"';
	check_out(want, RESP_QUOTED_MAX + 2, __LINE__);
	buf_reset(&out);
	resp_astring(&out, s, RESP_QUOTED_MAX + 1, RESP_UTF8);
	n = (size_t)snprintf(want, 32, "{%d}\r\n", RESP_QUOTED_MAX + 1);
	memcpy(want + n, s, RESP_QUOTED_MAX + 1);
	check_out(want, n + RESP_QUOTED_MAX + 1, __LINE__);

	/* Escapes make the quoted form longer, not the value. */
	memset(s, '"', RESP_QUOTED_MAX);
	buf_reset(&out);
	resp_string(&out, s, RESP_QUOTED_MAX, 0);
	CHECK_INT(out.len, 2 * RESP_QUOTED_MAX + 2);
	CHECK(out.data[0] == '"' && out.data[1] == '\\');

	/* An atom has no such limit. */
	memset(s, 'a', RESP_QUOTED_MAX + 1);
	buf_reset(&out);
	resp_astring(&out, s, RESP_QUOTED_MAX + 1, 0);
	check_out(s, RESP_QUOTED_MAX + 1, __LINE__);
	free(s);
	free(want);
}

static void
test_predicates(void)
{
	unsigned	 c;
	char		 ch;
	int		 atom;

	CHECK(!resp_is_atom("", 0));
	CHECK(resp_is_atom("a", 1));
	CHECK(resp_is_atom("NIL", 3));
	CHECK(!resp_is_atom("a b", 3));
	CHECK(resp_is_quotable("", 0, 0));
	CHECK(resp_is_quotable("\x01\x7f", 2, 0));
	CHECK(!resp_is_quotable("\x80", 1, 0));
	CHECK(resp_is_quotable("\xc3\xa9", 2, RESP_UTF8));
	CHECK(!resp_is_quotable("\0", 1, RESP_UTF8));
	CHECK(!resp_is_quotable("\r", 1, RESP_UTF8));
	CHECK(!resp_is_quotable("\n", 1, RESP_UTF8));
	/* Every byte: ATOM-CHAR (RFC 9051 9) and not "]". */
	for (c = 0; c < 256; c++) {
		ch = (char)c;
		atom = c > 0x20 && c < 0x7f && strchr("(){%*\"\\]", (int)c) ==
		    NULL;
		if (resp_is_atom(&ch, 1) != atom) {
			test_fail++;
			fprintf(stderr, "%s:%d: resp_is_atom(0x%02x)\n",
			    __FILE__, __LINE__, c);
		} else
			test_pass++;
	}
}

/*
 * What resp_astring writes, the parser reads back as the same bytes: every
 * single byte, and strings made of the awkward ones, with and without
 * RESP_UTF8. NUL is left out: a literal may not hold it (CHAR8), and the
 * parser rightly refuses it.
 */
static int
round_trip(struct arena *a, struct parser *p, const char *s, size_t len,
    int opts)
{
	struct buf		 line;
	const char		*got;
	size_t			 pos = 0, used;
	enum parse_result	 r;
	int			 ok = 0;

	buf_init(&line, OUT_MAX);
	buf_adds(&line, "A1 X ");
	resp_astring(&line, s, len, opts);
	buf_adds(&line, "\r\n");
	for (;;) {
		r = parser_feed(p, line.data + pos, line.len - pos, &used);
		pos += used;
		if (r != PARSE_LITERAL)
			break;
		parser_literal_accept(p);
	}
	if (r == PARSE_COMMAND && pos == line.len &&
	    parser_arg_count(p) == 1 &&
	    arg_get_astring(parser_args(p), &got) == 0 &&
	    parser_args(p)->len == len && memcmp(got, s, len) == 0)
		ok = 1;
	buf_free(&line);
	arena_reset(a);
	parser_reset(p);
	return ok;
}

static void
test_round_trip(void)
{
	static const char *const strs[] = {
		"NIL", "nil", "\"", "\\", "\"\\\"", "a b", "(a)", "{3}", "{3+}",
		"~{3}", "[Gmail]/Sent", "a-b[", "%*", "\r\n", "a\r\nb", "\t",
		"caf\xc3\xa9", "\xff\xfe", "}", "]", "+", "A1 NOOP\r\n",
	};
	struct arena	*a = arena_new(LIMIT_ARENA);
	struct parser	*p = parser_new(a, LIMIT_LINE);
	char		 ch, *big;
	unsigned	 c;
	size_t		 i;
	int		 opts, bad = 0;

	for (opts = 0; opts <= RESP_UTF8; opts += RESP_UTF8) {
		for (c = 1; c < 256; c++) {
			ch = (char)c;
			if (!round_trip(a, p, &ch, 1, opts)) {
				bad++;
				fprintf(stderr, "%s:%d: round trip of 0x%02x "
				    "(opts %d)\n", __FILE__, __LINE__, c, opts);
			}
		}
		for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
			if (!round_trip(a, p, strs[i], strlen(strs[i]), opts)) {
				bad++;
				fprintf(stderr, "%s:%d: round trip of \"%s\"\n",
				    __FILE__, __LINE__, strs[i]);
			}
		CHECK(round_trip(a, p, "", 0, opts));
	}
	CHECK_INT(bad, 0);
	/*
	 * Regression (was a bug): "Sent[" or "BODY[" is an atom to resp_is_atom() (and to RFC
	 * 9051), so resp_astring() writes it bare, but parser.c takes a
	 * letters/digits/dots atom ending in "[" for a FETCH section and
	 * refuses it ("Missing ']'"): a mailbox we list cannot be selected
	 * by a client that echoes it. See t_parser.c "SELECT Sent[".
	 */
	CHECK(round_trip(a, p, "Sent[", 5, 0));
	if ((big = malloc(RESP_QUOTED_MAX + 1)) == NULL)
		abort();
	memset(big, '"', RESP_QUOTED_MAX + 1);
	CHECK(round_trip(a, p, big, RESP_QUOTED_MAX, 0));
	CHECK(round_trip(a, p, big, RESP_QUOTED_MAX + 1, 0));
	free(big);
	parser_free(&p);
	arena_free(&a);
}

int
main(void)
{
	buf_init(&out, OUT_MAX);
	test_cases();
	test_quoted_max();
	test_predicates();
	test_round_trip();
	buf_free(&out);
	return test_done("t_resp");
}
