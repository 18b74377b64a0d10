/*
 * t_header.c: finding the end of a header and picking fields from it.
 */
#include <string.h>

#include "buf.h"
#include "header.h"
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

int
main(void)
{
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
