/*
 * fuzz_deflate.c: libFuzzer harness for deflate.c.
 *
 * Inflating: the input, after two bytes that choose the read size (1 to
 * 256) and the feed step (1 to 256), is given as compressed input, as io
 * would read it, and read out. Checked: no read makes more than it was
 * asked, deflate_space never offers room past the buffer, an error stays
 * an error, and nothing is left unread without an error.
 *
 * Round trip: the whole input is written through deflate_write in pieces
 * of the step size (a flush after each other piece), then inflated by a
 * second instance: it must give the input back, byte for byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deflate.h"
#include "fuzz.h"

static unsigned char	*wire;
static size_t		 wire_len, wire_cap;

static void
collect(const char *p, size_t n)
{
	if (wire_len + n > wire_cap) {
		wire_cap = (wire_len + n) * 2;
		if ((wire = realloc(wire, wire_cap)) == NULL)
			abort();
	}
	memcpy(wire + wire_len, p, n);
	wire_len += n;
}

/* Feed in[0..n) step bytes at a time, reading rsize at a time; the bytes
 * made go to out (when not NULL, at most outcap). Returns how many were
 * made, or -1 on a stream error. */
static long
play(const unsigned char *in, size_t n, size_t step, size_t rsize,
    unsigned char *out, size_t outcap)
{
	struct deflate	*d;
	char		 buf[256], *space;
	size_t		 off = 0, room, take, total = 0;
	long		 r;

	if ((d = deflate_new()) == NULL)
		abort();
	for (;;) {
		while ((r = deflate_read(d, buf, rsize)) > 0) {
			FUZZ_ASSERT((size_t)r <= rsize);
			if (out != NULL) {
				FUZZ_ASSERT(total + (size_t)r <= outcap);
				memcpy(out + total, buf, (size_t)r);
			}
			total += (size_t)r;
		}
		if (r == -1) {
			FUZZ_ASSERT(deflate_error(d) != NULL);
			FUZZ_ASSERT(deflate_read(d, buf, rsize) == -1);
			deflate_free(&d);
			return -1;
		}
		if (off == n)
			break;
		space = deflate_space(d, &room);
		FUZZ_ASSERT(room > 0 && room <= DEFLATE_IN_SIZE);
		take = n - off < step ? n - off : step;
		if (take > room)
			take = room;
		memcpy(space, in + off, take);
		deflate_added(d, take);
		off += take;
	}
	deflate_free(&d);
	return (long)total;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct deflate	*d;
	unsigned char	*back;
	size_t		 rsize, step, off, take;
	int		 i;
	long		 n;

	if (size < 2)
		return 0;
	rsize = (size_t)data[0] + 1;
	step = (size_t)data[1] + 1;
	data += 2;
	size -= 2;

	(void)play(data, size, step, rsize, NULL, 0);

	if ((d = deflate_new()) == NULL)
		abort();
	wire_len = 0;
	for (off = 0, i = 0; off < size; off += take, i++) {
		take = size - off < step ? size - off : step;
		deflate_write(d, data + off, take, i % 2, collect);
	}
	deflate_write(d, "", 0, 1, collect);
	deflate_free(&d);
	if ((back = malloc(size + 1)) == NULL)
		abort();
	n = play(wire, wire_len, step, rsize, back, size);
	FUZZ_ASSERT(n == (long)size);
	FUZZ_ASSERT(size == 0 || memcmp(back, data, size) == 0);
	free(back);
	return 0;
}
