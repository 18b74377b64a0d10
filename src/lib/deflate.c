/*
 * deflate.c: COMPRESS=DEFLATE's two streams over zlib (see deflate.h).
 * zlib does the work; this file keeps the compressed input in a bounded
 * buffer, hands inflated bytes out no more than a buffer at a time, and
 * turns zlib's results into "made n", "need more" and "corrupt".
 *
 * The client may end its stream (a final block, Z_FINISH): what it sends
 * after that is not deflate data, and is treated as corrupt. Our own
 * stream is never finished: the session ends with the connection.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define ZLIB_CONST
#include <zlib.h>

#include "deflate.h"
#include "log.h"

/* Compressed output is written in pieces of this size. */
#define DEFLATE_OUT_SIZE	(16 * 1024)
/* Raw deflate (RFC 4978 4: windowBits -8 to -15), the largest window. */
#define DEFLATE_WBITS		(-15)
/* zlib's default memory use for the compressor (256 KiB). */
#define DEFLATE_MEMLEVEL	8
/* zlib takes at most UINT_MAX at a time. */
#define DEFLATE_CHUNK		(1U << 30)

struct deflate {
	z_stream	 zout;
	z_stream	 zin;
	int		 zout_ok, zin_ok;	/* initialised: to end */
	int		 ended;		/* the client's stream ended */
	int		 more;		/* zlib may hold inflated output */
	const char	*error;
	size_t		 in_off, in_len;
	char		 in[DEFLATE_IN_SIZE];
	char		 out[DEFLATE_OUT_SIZE];
};

struct deflate *
deflate_new(void)
{
	struct deflate	*d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	if (deflateInit2(&d->zout, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
	    DEFLATE_WBITS, DEFLATE_MEMLEVEL, Z_DEFAULT_STRATEGY) != Z_OK) {
		deflate_free(&d);
		return NULL;
	}
	d->zout_ok = 1;
	if (inflateInit2(&d->zin, DEFLATE_WBITS) != Z_OK) {
		deflate_free(&d);
		return NULL;
	}
	d->zin_ok = 1;
	return d;
}

void
deflate_free(struct deflate **dp)
{
	struct deflate	*d = *dp;

	if (d == NULL)
		return;
	if (d->zout_ok)
		(void)deflateEnd(&d->zout);
	if (d->zin_ok)
		(void)inflateEnd(&d->zin);
	free(d);
	*dp = NULL;
}

void
deflate_write(struct deflate *d, const void *p, size_t n, int flush,
    void (*out)(const char *, size_t))
{
	const unsigned char	*src = p;
	size_t			 take, have;
	int			 last, r;

	do {
		take = n > DEFLATE_CHUNK ? DEFLATE_CHUNK : n;
		last = take == n;
		d->zout.next_in = src;
		d->zout.avail_in = (uInt)take;
		/* With avail_out left over, zlib took all the input (and
		 * with Z_SYNC_FLUSH, wrote all it had): zlib.h, deflate(). */
		do {
			d->zout.next_out = (Bytef *)d->out;
			d->zout.avail_out = sizeof(d->out);
			r = deflate(&d->zout, flush && last ? Z_SYNC_FLUSH :
			    Z_NO_FLUSH);
			/* Z_BUF_ERROR: nothing to do, not an error. */
			if (r == Z_STREAM_ERROR)
				fatalx("deflate: stream error");
			have = sizeof(d->out) - d->zout.avail_out;
			if (have > 0)
				out(d->out, have);
		} while (d->zout.avail_out == 0);
		src += take;
		n -= take;
	} while (n > 0);
}

char *
deflate_space(struct deflate *d, size_t *size_r)
{
	if (d->in_off > 0) {
		memmove(d->in, d->in + d->in_off, d->in_len - d->in_off);
		d->in_len -= d->in_off;
		d->in_off = 0;
	}
	*size_r = sizeof(d->in) - d->in_len;
	return d->in + d->in_len;
}

void
deflate_added(struct deflate *d, size_t n)
{
	if (n > sizeof(d->in) - d->in_len)
		fatalx("deflate_added: %zu bytes", n);
	d->in_len += n;
}

long
deflate_read(struct deflate *d, char *dst, size_t size)
{
	size_t	made;
	int	r;

	if (d->error != NULL)
		return -1;
	if (d->ended) {
		if (d->in_off == d->in_len)
			return 0;
		d->error = "data after the end of the compressed stream";
		return -1;
	}
	if (d->in_off == d->in_len && !d->more)
		return 0;
	if (size > (size_t)LONG_MAX)
		size = LONG_MAX;
	if (size > UINT_MAX)
		size = UINT_MAX;
	d->zin.next_in = (const Bytef *)d->in + d->in_off;
	d->zin.avail_in = (uInt)(d->in_len - d->in_off);
	d->zin.next_out = (Bytef *)dst;
	d->zin.avail_out = (uInt)size;
	r = inflate(&d->zin, Z_SYNC_FLUSH);
	d->in_off = d->in_len - d->zin.avail_in;
	made = size - d->zin.avail_out;
	/* A full buffer may leave output inside zlib, with no input. */
	d->more = d->zin.avail_out == 0;
	switch (r) {
	case Z_OK:
	case Z_BUF_ERROR:	/* no progress possible: needs input */
		break;
	case Z_STREAM_END:
		d->ended = 1;
		d->more = 0;
		break;
	case Z_MEM_ERROR:
		d->error = "out of memory";
		return -1;
	default:		/* Z_DATA_ERROR; Z_NEED_DICT cannot be raw */
		d->error = d->zin.msg != NULL ? d->zin.msg :
		    "invalid deflate data";
		return -1;
	}
	if (made == 0 && d->in_off != d->in_len) {
		/* Input left, room left, nothing made: past the stream's
		 * end, or zlib cannot go on. */
		d->error = d->ended ?
		    "data after the end of the compressed stream" :
		    "invalid deflate data";
		return -1;
	}
	return (long)made;
}

const char *
deflate_error(const struct deflate *d)
{
	return d->error;
}
