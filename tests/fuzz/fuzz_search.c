/*
 * fuzz_search.c: libFuzzer harness for searchkey.c (through the command
 * parser), decode.c and casemap.c.
 *
 * The input's first byte chooses what the rest is: a SEARCH command line
 * ("t SEARCH " is put in front), a body for quoted-printable or base64, a
 * text in a charset, a header value for RFC 2047, or text to map.
 *
 * Checked: a parsed program has at most LIMIT_SEARCH_KEYS keys and its
 * text keys are numbered 0..ntext-1 once each; the body decoders give the
 * same bytes whole and in chunks of any size and never more than their
 * bound; charset conversion gives valid UTF-8, the same whole and a byte
 * at a time, and ISO-8859-1's (converted without iconv) as iconv's; the
 * header decoder's and the mapper's output is valid UTF-8, and the same
 * by its fast way (ASCII without encoded words) and its slow one; mapping
 * is idempotent and the same with its ASCII blocks as a character at a
 * time; casemap_find finds what memmem finds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "casemap.h"
#include "decode.h"
#include "fuzz.h"
#include "mdlimits.h"
#include "parser.h"
#include "searchkey.h"

static struct arena	*arena;

static int
valid_utf8(const char *s, size_t len)
{
	size_t		i = 0;
	uint32_t	cp;
	int		r;

	while (i < len) {
		if ((r = casemap_utf8_get((const unsigned char *)s + i,
		    len - i, &cp)) <= 0)
			return 0;
		i += (size_t)r;
	}
	return 1;
}

static void
count_ids(const struct skey *k, unsigned char *seen, unsigned n, size_t *keys)
{
	for (; k != NULL; k = k->next) {
		(*keys)++;
		if (k->type == SK_HEADER || k->type == SK_BODY ||
		    k->type == SK_TEXT) {
			FUZZ_ASSERT(k->id < n && !seen[k->id]);
			seen[k->id] = 1;
		}
		count_ids(k->child, seen, n, keys);
	}
}

static void
fuzz_keys(const uint8_t *data, size_t size)
{
	struct parser		*p = parser_new(arena, LIMIT_LINE);
	struct search_cmd	 cmd;
	struct buf		 line;
	unsigned char		*seen;
	const char		*err;
	size_t			 used, pos = 0, keys = 0;
	enum parse_result	 r;

	buf_init(&line, size + 64);
	(void)buf_adds(&line, "t SEARCH ");
	(void)buf_add(&line, data, size);
	(void)buf_adds(&line, "\r\n");
	for (;;) {
		r = parser_feed(p, line.data + pos, line.len - pos, &used);
		pos += used;
		if (r != PARSE_LITERAL)
			break;
		if (parser_literal_size(p) <= LIMIT_LITERAL_NONSYNC)
			parser_literal_accept(p);
		else
			parser_literal_reject(p, PERR_TOOBIG, "too big");
	}
	if (r == PARSE_COMMAND) {
		if (searchkey_parse(arena, parser_args(p), &cmd, &err) ==
		    SKE_OK) {
			FUZZ_ASSERT(cmd.nkeys <= LIMIT_SEARCH_KEYS);
			seen = calloc(cmd.ntext + 1, 1);
			FUZZ_ASSERT(seen != NULL);
			count_ids(cmd.root->child, seen, cmd.ntext, &keys);
			FUZZ_ASSERT(keys == cmd.nkeys);
			free(seen);
		} else
			FUZZ_ASSERT(err != NULL);
	}
	parser_free(&p);
	buf_free(&line);
}

static void
fuzz_body(enum decode_cte cte, const uint8_t *data, size_t size)
{
	struct decode_body	 d;
	char			*whole, *parts;
	size_t			 n1, n2 = 0, pos = 0, k;
	uint64_t		 h = size * 31 + 7;

	whole = malloc(size + DECODE_SLACK);
	parts = malloc(size + DECODE_SLACK * (size + 1));
	FUZZ_ASSERT(whole != NULL && parts != NULL);
	decode_body_init(&d, cte);
	n1 = decode_body_chunk(&d, (const char *)data, size, whole, 1);
	FUZZ_ASSERT(n1 <= size + DECODE_SLACK);
	decode_body_init(&d, cte);
	while (pos < size) {
		h = h * 6364136223846793005ULL + 1442695040888963407ULL;
		k = 1 + (size_t)(h >> 33) % 7;
		if (k > size - pos)
			k = size - pos;
		n2 += decode_body_chunk(&d, (const char *)data + pos, k,
		    parts + n2, 0);
		pos += k;
	}
	n2 += decode_body_chunk(&d, "", 0, parts + n2, 1);
	FUZZ_ASSERT(n1 == n2 && memcmp(whole, parts, n1) == 0);
	free(whole);
	free(parts);
}

/* Convert data whole from cs into a. */
static void
conv_whole(const char *cs, const uint8_t *data, size_t size, struct buf *a)
{
	struct decode_conv	 c;
	char			 out[DECODE_CONV_MINOUT];
	size_t			 used, n, pos = 0;

	(void)decode_conv_init(&c, cs);
	do {
		n = decode_conv_chunk(&c, (const char *)data + pos, size - pos,
		    &used, out, sizeof(out), 1);
		pos += used;
		FUZZ_ASSERT(buf_add(a, out, n) == 0);
	} while (pos < size || n > 0);
	decode_conv_end(&c);
}

static void
fuzz_conv(const char *cs, const uint8_t *data, size_t size)
{
	struct decode_conv	 c;
	struct buf		 a, b;
	char			 out[DECODE_CONV_MINOUT];
	size_t			 used, n, pos = 0, i;

	buf_init(&a, 64 * size + 1024);
	buf_init(&b, 64 * size + 1024);
	conv_whole(cs, data, size, &a);
	FUZZ_ASSERT(valid_utf8(a.data, a.len));
	if (strcmp(cs, "iso-8859-1") == 0) {
		/* converted without iconv: as iconv converts it (a name
		 * decode.c leaves to iconv) */
		conv_whole("ISO_8859-1:1987", data, size, &b);
		FUZZ_ASSERT(a.len == b.len && (a.len == 0 ||
		    memcmp(a.data, b.data, a.len) == 0));
		buf_reset(&b);
	}
	(void)decode_conv_init(&c, cs);
	for (i = 0; i < size; i++) {
		pos = 0;
		do {
			n = decode_conv_chunk(&c, (const char *)data + i + pos,
			    1 - pos, &used, out, sizeof(out), 0);
			pos += used;
			FUZZ_ASSERT(buf_add(&b, out, n) == 0);
		} while (pos < 1);
	}
	do {
		n = decode_conv_chunk(&c, "", 0, &used, out, sizeof(out), 1);
		FUZZ_ASSERT(buf_add(&b, out, n) == 0);
	} while (n > 0);
	decode_conv_end(&c);
	/* stateless charsets only: the same whole and a byte at a time */
	if (strcmp(cs, "iso-2022-jp") != 0)
		FUZZ_ASSERT(a.len == b.len && (a.len == 0 ||
		    memcmp(a.data, b.data, a.len) == 0));
	buf_free(&a);
	buf_free(&b);
}

/*
 * A value in ASCII with no "=?" takes decode_header's fast way: the same
 * value with an empty encoded word after it (which adds nothing) takes the
 * slow one, and must give what the fast one gave (fast).
 */
static void
header_slow(const uint8_t *data, size_t size, const struct buf *fast)
{
	static const char	 word[] = "=?utf-8?q?" "?=";
	struct buf		 in, out;
	size_t			 i;

	for (i = 0; i < size; i++)
		if (data[i] >= 0x80 || (data[i] == '=' && i + 1 < size &&
		    data[i + 1] == '?'))
			return;
	buf_init(&in, size + sizeof(word));
	buf_init(&out, 16 * size + 1024);
	FUZZ_ASSERT(buf_add(&in, data, size) == 0);
	FUZZ_ASSERT(buf_adds(&in, word) == 0);
	FUZZ_ASSERT(decode_header(&out, in.data, in.len) == 0);
	FUZZ_ASSERT(out.len == fast->len && (out.len == 0 ||
	    memcmp(out.data, fast->data, out.len) == 0));
	buf_free(&in);
	buf_free(&out);
}

/* in mapped a character (or invalid byte) at a time, each alone, so no
 * ASCII run reaches casemap_chunk's blocks: the slow way. */
static void
map_slow(const struct buf *in, struct buf *out)
{
	char		tmp[CASEMAP_MAX_BYTES];
	size_t		i, n, used;
	uint32_t	cp;
	int		r;

	for (i = 0; i < in->len; i += (size_t)r) {
		r = casemap_utf8_get((const unsigned char *)in->data + i,
		    in->len - i, &cp);
		if (r <= 0)
			r = 1;
		n = casemap_chunk(in->data + i, (size_t)r, &used, tmp,
		    sizeof(tmp));
		FUZZ_ASSERT(used == (size_t)r);
		FUZZ_ASSERT(buf_add(out, tmp, n) == 0);
	}
}

/* casemap_find as memmem in the mapped text m, for needles cut from m
 * and from the input. */
static void
find_check(const struct buf *m, const uint8_t *data, size_t size)
{
	struct casemap_needle	 nd;
	const char		*h = m->len > 0 ? m->data : "";
	size_t			 k, n;

	for (k = 0; k < 4 && k < size; k++) {
		n = 1 + data[k] % 8;
		if (m->len >= n) {
			const char *s = h + (data[size - 1 - k] * 131u + k) %
			    (m->len - n + 1);

			casemap_needle_init(&nd, s, n);
			FUZZ_ASSERT(casemap_find(h, m->len, &nd) ==
			    memmem(h, m->len, s, n));
		}
		if (size - k >= n) {
			casemap_needle_init(&nd, (const char *)data + k, n);
			FUZZ_ASSERT(casemap_find(h, m->len, &nd) ==
			    memmem(h, m->len, data + k, n));
		}
	}
}

static void
fuzz_map(const uint8_t *data, size_t size, int header)
{
	struct buf	in, m1, m2;

	buf_init(&in, 16 * size + 1024);
	buf_init(&m1, 16 * CASEMAP_MAX_BYTES * size + 1024);
	buf_init(&m2, 16 * CASEMAP_MAX_BYTES * size + 1024);
	if (header) {
		FUZZ_ASSERT(decode_header(&in, (const char *)data, size) == 0);
		FUZZ_ASSERT(valid_utf8(in.data, in.len));
		header_slow(data, size, &in);
	} else
		FUZZ_ASSERT(buf_add(&in, data, size) == 0);
	FUZZ_ASSERT(casemap_buf(&m1, in.data, in.len) == 0);
	FUZZ_ASSERT(valid_utf8(m1.data, m1.len));
	map_slow(&in, &m2);
	FUZZ_ASSERT(m1.len == m2.len && (m1.len == 0 ||
	    memcmp(m1.data, m2.data, m1.len) == 0));
	buf_reset(&m2);
	find_check(&m1, data, size);
	FUZZ_ASSERT(casemap_buf(&m2, m1.data, m1.len) == 0);
	FUZZ_ASSERT(m1.len == m2.len && (m1.len == 0 ||
	    memcmp(m1.data, m2.data, m1.len) == 0));
	buf_free(&in);
	buf_free(&m1);
	buf_free(&m2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const charsets[] = { "utf-8", "us-ascii",
	    "iso-8859-1", "shift_jis", "utf-16", "iso-2022-jp", "x-unknown",
	    "gb18030" };

	if (arena == NULL)
		arena = arena_new(LIMIT_ARENA);
	if (size < 1 || size > 8192)
		return 0;
	switch (data[0] % 8) {
	case 0:
	case 1:
		fuzz_keys(data + 1, size - 1);
		break;
	case 2:
		fuzz_body(CTE_QP, data + 1, size - 1);
		break;
	case 3:
		fuzz_body(CTE_BASE64, data + 1, size - 1);
		break;
	case 4:
		if (size >= 2)
			fuzz_conv(charsets[data[1] % 8], data + 2, size - 2);
		break;
	case 5:
		fuzz_map(data + 1, size - 1, 1);
		break;
	default:
		fuzz_map(data + 1, size - 1, 0);
		break;
	}
	arena_reset(arena);
	return 0;
}
