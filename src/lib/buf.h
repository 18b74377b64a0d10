/*
 * buf.h: a growable byte buffer with a hard maximum. Growing past the maximum
 * fails (returns -1) and leaves the buffer as it was; the caller decides
 * whether that is a client error or the end of the session.
 */
#ifndef MDIMAPD_BUF_H
#define MDIMAPD_BUF_H

#include <stddef.h>

struct buf {
	char	*data;		/* NUL-terminated when len < cap */
	size_t	 len;
	size_t	 cap;
	size_t	 max;
};

void	buf_init(struct buf *, size_t max);
void	buf_free(struct buf *);
void	buf_reset(struct buf *);
/* Room for n more bytes (and a NUL) at data + len, to fill in place:
 * 0, or -1 past the maximum. */
int	buf_reserve(struct buf *, size_t n);
int	buf_add(struct buf *, const void *, size_t);
int	buf_addc(struct buf *, int);
int	buf_adds(struct buf *, const char *);
/* v in decimal (what buf_printf("%llu") would add, for files written a
 * line per message). */
int	buf_addu(struct buf *, unsigned long long v);
/* The same digits into out (at most BUF_FMTU_MAX); returns how many. */
#define BUF_FMTU_MAX	20
size_t	buf_fmtu(char *out, unsigned long long v);
int	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Remove the first n bytes. */
void	buf_consume(struct buf *, size_t n);

#endif
