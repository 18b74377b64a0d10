/*
 * buf.c: bounded growable buffer. The data is always NUL-terminated so that
 * text can be handed to string functions; binary users keep len.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

int
buf_reserve(struct buf *b, size_t n)
{
	size_t	 need, ncap;
	char	*p;

	if (n > b->max || b->len > b->max - n)
		return -1;
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap < 256 ? 256 : b->cap;
	while (ncap < need)
		ncap *= 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	if ((p = realloc(b->data, ncap)) == NULL)
		fatalx("out of memory");
	b->data = p;
	b->cap = ncap;
	return 0;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	/* In the room there is (the common case: no check of the maximum,
	 * which the room never passes), else grown first. */
	if (b->len >= b->cap || n >= b->cap - b->len) {
		if (buf_reserve(b, n) == -1)
			return -1;
	}
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_addc(struct buf *b, int c)
{
	if (b->len >= b->cap || b->cap - b->len < 2) {
		if (buf_reserve(b, 1) == -1)
			return -1;
	}
	b->data[b->len++] = (char)c;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

size_t
buf_fmtu(char *out, unsigned long long v)
{
	/* Two digits a step: modseqs have 16 of them, and a SELECT writes
	 * two numbers for each of 100,000 messages. */
	static const char pairs[201] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "62636465666768697071727374757677787980818283848586878889909192"
	    "93949596979899";
	unsigned long long	t;
	size_t			n = 1;
	char			*p;
	unsigned		r;

	/* its digits counted, then written from the last, in place */
	for (t = v; t >= 10; t /= 10)
		n++;
	p = out + n;
	while (v >= 100) {
		r = (unsigned)(v % 100) * 2;
		v /= 100;
		*--p = pairs[r + 1];
		*--p = pairs[r];
	}
	if (v >= 10) {
		*--p = pairs[v * 2 + 1];
		*--p = pairs[v * 2];
	} else
		*--p = (char)('0' + v);
	return n;
}

int
buf_addu(struct buf *b, unsigned long long v)
{
	/* in place: a SORT or SEARCH answer is 100,000 numbers */
	if (buf_reserve(b, BUF_FMTU_MAX) == -1) {
		char	d[BUF_FMTU_MAX];

		return buf_add(b, d, buf_fmtu(d, v));	/* near the max */
	}
	b->len += buf_fmtu(b->data + b->len, v);
	b->data[b->len] = '\0';
	return 0;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_reserve(b, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	(void)vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}
