/*
 * t_deflate.c: deflate.c against zlib itself. What it writes, a raw
 * inflater decodes completely at each flush; what a raw deflater makes,
 * it inflates, however the input is cut, never more than the buffer it is
 * given at a time (a bomb comes out one buffer at a time); corrupt input
 * and data past the end of the stream fail and stay failed.
 */
#include <stdlib.h>
#include <string.h>

#define ZLIB_CONST
#include <zlib.h>

#include "deflate.h"
#include "test.h"

static unsigned char	*sent;
static size_t		 sent_len, sent_calls;

static void
collect(const char *p, size_t n)
{
	if ((sent = realloc(sent, sent_len + n)) == NULL)
		abort();
	memcpy(sent + sent_len, p, n);
	sent_len += n;
	sent_calls++;
}

/* Raw-deflate p with zlib at level (one stream, ended with Z_SYNC_FLUSH,
 * or Z_FINISH with finish) into a malloc'ed buffer. */
static unsigned char *
ref_deflate(const void *p, size_t n, int level, int finish, size_t *len_r)
{
	z_stream	 z;
	unsigned char	*out;
	size_t		 cap = n + n / 100 + 1024;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, level, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK ||
	    (out = malloc(cap)) == NULL)
		abort();
	z.next_in = p;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, finish ? Z_FINISH : Z_SYNC_FLUSH) == Z_STREAM_ERROR)
		abort();
	*len_r = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* Give d n bytes of compressed input, step bytes at a time, reading into
 * a buffer of bufsize after each: the bytes made, or (size_t)-1 on error.
 * *max_r: the most one deflate_read made. */
static size_t
feed(struct deflate *d, const unsigned char *in, size_t n, size_t step,
    size_t bufsize, unsigned char *got, size_t gotcap, size_t *max_r)
{
	char	*buf, *space;
	size_t	 off = 0, total = 0, room, take;
	long	 r;

	*max_r = 0;
	if ((buf = malloc(bufsize)) == NULL)
		abort();
	for (;;) {
		while ((r = deflate_read(d, buf, bufsize)) > 0) {
			if ((size_t)r > *max_r)
				*max_r = (size_t)r;
			if (got != NULL && total + (size_t)r <= gotcap)
				memcpy(got + total, buf, (size_t)r);
			total += (size_t)r;
		}
		if (r == -1) {
			total = (size_t)-1;
			break;
		}
		if (off == n)
			break;
		space = deflate_space(d, &room);
		take = n - off < step ? n - off : step;
		if (take > room)
			take = room;
		memcpy(space, in + off, take);
		deflate_added(d, take);
		off += take;
	}
	free(buf);
	return total;
}

static void
test_write(void)
{
	struct deflate	*d = deflate_new();
	z_stream	 z;
	unsigned char	 out[4096];
	const char	*a = "* 1 EXISTS\r\n", *b = "a OK NOOP completed.\r\n";
	char		 big[100000];
	size_t		 i;

	CHECK(d != NULL);
	/* After a flush, everything so far decodes, ending in the sync
	 * flush's empty stored block. */
	deflate_write(d, a, strlen(a), 0, collect);
	deflate_write(d, b, strlen(b), 1, collect);
	CHECK(sent_len >= 4);
	CHECK(sent_len >= 4 && memcmp(sent + sent_len - 4, "\0\0\377\377", 4) == 0);
	memset(&z, 0, sizeof(z));
	CHECK(inflateInit2(&z, -15) == Z_OK);
	z.next_in = sent;
	z.avail_in = (uInt)sent_len;
	z.next_out = out;
	z.avail_out = sizeof(out);
	CHECK(inflate(&z, Z_SYNC_FLUSH) == Z_OK);
	CHECK_INT(sizeof(out) - z.avail_out, strlen(a) + strlen(b));
	CHECK(memcmp(out, "* 1 EXISTS\r\na OK NOOP completed.\r\n", 34) == 0);
	CHECK_INT(z.avail_in, 0);

	/* Incompressible data bigger than the output pieces: written in
	 * several calls, all of it decoded. */
	srand(1);
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(rand() & 0xff);
	sent_len = 0;
	sent_calls = 0;
	deflate_write(d, big, sizeof(big), 1, collect);
	CHECK(sent_calls > 1);
	{
		unsigned char	*back = malloc(sizeof(big));

		if (back == NULL)
			abort();
		z.next_in = sent;
		z.avail_in = (uInt)sent_len;
		z.next_out = back;
		z.avail_out = sizeof(big);
		CHECK(inflate(&z, Z_SYNC_FLUSH) == Z_OK);
		CHECK_INT(z.avail_out, 0);
		CHECK(memcmp(back, big, sizeof(big)) == 0);
		free(back);
	}
	inflateEnd(&z);
	free(sent);
	sent = NULL;
	sent_len = 0;
	deflate_free(&d);
	CHECK(d == NULL);
}

static void
test_read(void)
{
	struct deflate	*d;
	const char	*text = "a SELECT INBOX\r\nb FETCH 1:* (FLAGS)\r\n";
	unsigned char	*z, got[256];
	size_t		 zlen, n, max, step;

	/* Any cut of the input, even byte by byte, gives the same text. */
	z = ref_deflate(text, strlen(text), 9, 0, &zlen);
	for (step = 1; step <= zlen; step++) {
		d = deflate_new();
		memset(got, 0, sizeof(got));
		n = feed(d, z, zlen, step, 7, got, sizeof(got), &max);
		CHECK_INT(n, strlen(text));
		CHECK(max <= 7);
		CHECK(memcmp(got, text, strlen(text)) == 0);
		deflate_free(&d);
	}
	free(z);

	/* Nothing yet: 0, not an error. */
	d = deflate_new();
	CHECK_INT(deflate_read(d, (char *)got, sizeof(got)), 0);
	CHECK(deflate_error(d) == NULL);
	deflate_free(&d);
}

static void
test_bomb(void)
{
	struct deflate	*d = deflate_new();
	size_t		 big = 64 * 1024 * 1024, zlen, n, max;
	unsigned char	*zeros, *z;

	/* 64 MiB of zeros is some 64 KiB compressed: all of it fits the
	 * compressed input at once, and comes out 64 KiB at a time. */
	if ((zeros = calloc(1, big)) == NULL)
		abort();
	z = ref_deflate(zeros, big, 9, 0, &zlen);
	free(zeros);
	CHECK(zlen <= DEFLATE_IN_SIZE);
	n = feed(d, z, zlen, zlen, 65536, NULL, 0, &max);
	CHECK_INT(n, big);
	CHECK_INT(max, 65536);
	free(z);
	deflate_free(&d);

	/* A byte at a time, from a finished stream at level 1: the input
	 * is all taken before the last matches are copied out, and zlib
	 * still holds output with no input left. */
	if ((zeros = calloc(1, 5000)) == NULL)
		abort();
	z = ref_deflate(zeros, 5000, 1, 1, &zlen);
	d = deflate_new();
	n = feed(d, z, zlen, zlen, 1, NULL, 0, &max);
	CHECK_INT(n, 5000);
	CHECK_INT(max, 1);
	free(zeros);
	free(z);
	deflate_free(&d);
}

static void
test_errors(void)
{
	struct deflate		*d;
	const unsigned char	 bad[] = { 0xff, 0xff, 0xff, 0xff };
	unsigned char		*z, *z2;
	char			 buf[64];
	size_t			 zlen, n, max;

	/* Block type 3 does not exist. */
	d = deflate_new();
	n = feed(d, bad, sizeof(bad), sizeof(bad), sizeof(buf), NULL, 0, &max);
	CHECK(n == (size_t)-1);
	CHECK_STR(deflate_error(d), "invalid block type");
	CHECK_INT(deflate_read(d, buf, sizeof(buf)), -1);
	deflate_free(&d);

	/* A finished stream, then more: the text, then an error. */
	z = ref_deflate("a NOOP\r\n", 8, 9, 1, &zlen);
	if ((z2 = malloc(zlen + 3)) == NULL)
		abort();
	memcpy(z2, z, zlen);
	memcpy(z2 + zlen, "xyz", 3);
	d = deflate_new();
	n = feed(d, z, zlen, zlen, sizeof(buf), NULL, 0, &max);
	CHECK_INT(n, 8);
	deflate_free(&d);
	d = deflate_new();
	n = feed(d, z2, zlen + 3, zlen + 3, sizeof(buf), NULL, 0, &max);
	CHECK(n == (size_t)-1);
	CHECK_STR(deflate_error(d),
	    "data after the end of the compressed stream");
	deflate_free(&d);
	free(z);
	free(z2);
}

int
main(void)
{
	test_write();
	test_read();
	test_bomb();
	test_errors();
	return test_done("t_deflate");
}
