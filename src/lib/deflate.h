/*
 * deflate.h: the two zlib streams of COMPRESS=DEFLATE (RFC 4978): raw
 * deflate (RFC 1951: no zlib or gzip header, windowBits -15), one
 * compressing what the server sends, one inflating what the client sends.
 * No I/O: io.c owns the one instance, hands it the bytes it reads and
 * gives it a function that writes.
 *
 * Inflating never makes more than the caller's buffer holds: a small
 * input that expands enormously (a decompression bomb) comes out one
 * buffer at a time, and the limits of the protocol code (line length,
 * literal sizes) apply to it as to any input.
 */
#ifndef MDIMAPD_DEFLATE_H
#define MDIMAPD_DEFLATE_H

#include <stddef.h>

/* Compressed input held at most, not yet inflated. */
#define DEFLATE_IN_SIZE		(64 * 1024)

struct deflate;

/* Both streams, or NULL when zlib cannot have the memory. */
struct deflate	*deflate_new(void);
void		 deflate_free(struct deflate **);

/* Compress n bytes, passing the compressed bytes to out (which may be
 * called several times, or not at all while zlib keeps them). With flush,
 * end with a sync flush (Z_SYNC_FLUSH): everything given so far can then
 * be decoded by the peer. */
void	deflate_write(struct deflate *, const void *, size_t n, int flush,
	    void (*out)(const char *, size_t));

/* Room for compressed input: where to put it and how much fits (0 only
 * while the input held cannot be inflated further: call deflate_read
 * first). deflate_added says how much was put there. */
char	*deflate_space(struct deflate *, size_t *size_r);
void	 deflate_added(struct deflate *, size_t n);
/* Compressed input held, or output zlib may still have to give. */
int	 deflate_pending(const struct deflate *);

/* Inflate into dst, at most size bytes: how many were made, 0 when more
 * compressed input is needed first, -1 when the input is not a valid
 * deflate stream (deflate_error says why; the stream stays failed). */
long	 deflate_read(struct deflate *, char *dst, size_t size);
const char *deflate_error(const struct deflate *);

#endif
