/*
 * t_header.c: finding the end of a header and picking fields from it;
 * header_value() against rfc822_unfold() then strlen(), on values made of
 * white space, line ends, NULs and text, and past LIMIT_HEADER_VALUE;
 * rfc822_unfold() against the byte-at-a-time model of what it does.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "header.h"
#include "mdlimits.h"
#include "rfc822.h"
#include "test.h"

static const char *
crlf(const char *in)
{
	static struct buf	b;

	buf_free(&b);
	buf_init(&b, 1 << 20);
	(void)header_crlf(&b, in, strlen(in));
	return b.data != NULL ? b.data : "";
}

static const char *
fields(const char *hdr, const char *const *names, size_t n, int not)
{
	static struct buf	b;

	buf_free(&b);
	buf_init(&b, 1 << 20);
	(void)header_fields(&b, hdr, strlen(hdr), names, n, not);
	return b.data;
}

/* Whether header_value() of raw[0..len) is what rfc822_unfold() and
 * strlen() give; inplace_r set when it pointed into raw. */
static int
value_same(struct arena *a, const char *raw, size_t len, int *inplace_r)
{
	char		*copy = malloc(len == 0 ? 1 : len);
	const char	*v, *u;
	size_t		 vl;
	int		 same;

	if (copy == NULL)
		abort();
	memcpy(copy, raw, len);
	v = header_value(copy, len, a, &vl);
	u = rfc822_unfold(copy, len, a);
	same = vl == strlen(u) && memcmp(v, u, vl) == 0;
	if (inplace_r != NULL)
		*inplace_r = v >= copy && v <= copy + len;
	free(copy);
	return same;
}

/* rfc822_unfold() as RFC 5322 2.2.3 puts it, a byte at a time: every CR
 * and LF out, then the outer spaces and tabs. */
static const char *
unfold_model(const char *raw, size_t len)
{
	static char	out[64];
	size_t		i, o = 0;

	for (i = 0; i < len && o < sizeof(out) - 1; i++)
		if (raw[i] != '\r' && raw[i] != '\n')
			out[o++] = raw[i];
	while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == '\t'))
		o--;
	out[o] = '\0';
	return out + strspn(out, " \t");
}

static void
test_value(void)
{
	static const char	alpha[] = " \t\r\naab";
	struct arena		*a = arena_new(LIMIT_ARENA);
	char			 s[24], *big;
	size_t			 i, j, n, bad = 0, inplace = 0, badu = 0;
	unsigned		 r = 4242;
	int			 in;

#define VS(lit)	value_same(a, lit, sizeof(lit) - 1, &in)
	CHECK(VS(" hello world\r\n") && in);
	CHECK(VS(" hello\r\n world \r\n") && !in);
	CHECK(VS("\t a \t\r\n") && in);
	CHECK(VS(" a\0b\r\n") && in);
	CHECK(VS("  \0 b") && in);
	CHECK(VS("\r\n") && in);
	CHECK(VS("") && in);
	CHECK(VS(" a\rb\r\n") && !in);
	CHECK(VS(" a\r\r\n") && in);
#undef VS
	/* Random values, NULs included (the alphabet's last byte). */
	for (i = 0; i < 50000; i++) {
		r = r * 1103515245 + 12345;
		n = (r >> 8) % sizeof(s);
		for (j = 0; j < n; j++) {
			r = r * 1103515245 + 12345;
			s[j] = alpha[(r >> 10) % sizeof(alpha)];
		}
		if (!value_same(a, s, n, &in))
			bad++;
		if (strcmp(rfc822_unfold(s, n, a), unfold_model(s, n)) != 0)
			badu++;
		inplace += in;
		arena_reset(a);
	}
	CHECK_INT(bad, 0);
	CHECK_INT(badu, 0);
	CHECK(inplace > 1000 && inplace < 49000);
	/* Longer than LIMIT_HEADER_VALUE: cut as rfc822_unfold() cuts. */
	if ((big = malloc(LIMIT_HEADER_VALUE + 10)) == NULL)
		abort();
	memset(big, 'x', LIMIT_HEADER_VALUE + 10);
	big[LIMIT_HEADER_VALUE + 8] = '\r';
	big[LIMIT_HEADER_VALUE + 9] = '\n';
	CHECK(value_same(a, big, LIMIT_HEADER_VALUE, &in) && in);
	CHECK(value_same(a, big, LIMIT_HEADER_VALUE + 1, &in) && !in);
	CHECK(value_same(a, big, LIMIT_HEADER_VALUE + 10, NULL));
	big[LIMIT_HEADER_VALUE - 1] = ' ';
	CHECK(value_same(a, big, LIMIT_HEADER_VALUE + 10, NULL));
	free(big);
	arena_free(&a);
}

int
main(void)
{
	test_value();
	const char	*h, *names[] = { "SUBJECT", "from" };
	int		 found;

	CHECK_INT(header_end("A: 1\nB: 2\n\nbody\n", 16, &found), 11);
	CHECK_INT(found, 1);
	CHECK_INT(header_end("A: 1\r\nB: 2\r\n\r\nbody", 18, &found), 14);
	CHECK_INT(found, 1);
	CHECK_INT(header_end("\nbody", 5, &found), 1);
	CHECK_INT(header_end("\r\nbody", 6, &found), 2);
	CHECK_INT(header_end("A: 1\nB: 2\n", 10, &found), 10);
	CHECK_INT(found, 0);
	CHECK_INT(header_end("", 0, &found), 0);
	CHECK_INT(found, 0);
	/* "\n\r\n": LF then an empty CRLF line */
	CHECK_INT(header_end("A: 1\n\r\nb", 8, &found), 7);

	/* From an offset: the same ends, and a blank line split across
	 * what was read before and after is found. */
	CHECK_INT(header_end_from("A: 1\nB: 2\n\nbody\n", 16, 8, &found), 11);
	CHECK_INT(found, 1);
	CHECK_INT(header_end_from("A: 1\r\n\r\nb", 9, 4, &found), 8);
	CHECK_INT(header_end_from("\nbody", 5, 1, &found), 5);
	CHECK_INT(found, 0);

	CHECK_STR(crlf("a\nb\r\nc\n"), "a\r\nb\r\nc\r\n");
	CHECK_STR(crlf("no newline"), "no newline");
	CHECK_STR(crlf("\n\n"), "\r\n\r\n");
	CHECK_STR(crlf("bare\rcr\n"), "bare\rcr\r\n");

	h = "From: a@b\r\nTo: c@d\r\nSubject: hello\r\n world\r\n"
	    "X-Other: 1\r\nsubject : again\r\n\r\n";
	CHECK_STR(fields(h, names, 2, 0), "From: a@b\r\nSubject: hello\r\n"
	    " world\r\nsubject : again\r\n\r\n");
	CHECK_STR(fields(h, names, 2, 1), "To: c@d\r\nX-Other: 1\r\n\r\n");
	CHECK_STR(fields(h, names, 0, 0), "\r\n");
	/* a line without a colon goes with the field before it */
	CHECK_STR(fields("From: a\r\ngarbage\r\nTo: b\r\n\r\n", names, 2, 0),
	    "From: a\r\ngarbage\r\n\r\n");
	/* folded first line (no field before it): not kept */
	CHECK_STR(fields(" x\r\nFrom: a\r\n\r\n", names, 2, 0),
	    "From: a\r\n\r\n");
	/* a header without its empty line (all header) */
	CHECK_STR(fields("Subject: s\r\nX: y", names, 2, 0),
	    "Subject: s\r\n\r\n");
	/* "From-X" is not "From" */
	CHECK_STR(fields("From-X: 1\r\nFromage: 2\r\n\r\n", names, 2, 0),
	    "\r\n");
	return test_done("t_header");
}
