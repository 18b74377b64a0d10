/*
 * decode.h: the decoding a text search needs (RFC 2045 6.7 quoted-
 * printable, 6.8 base64; RFC 2047 encoded words; charsets to UTF-8).
 *
 * Everything works a chunk at a time with its state in a struct the caller
 * owns, so a body of any size is decoded in a fixed amount of memory. The
 * decoders are tolerant, as Dovecot's are: what is not valid encoding is
 * passed through (quoted-printable) or skipped (base64), never an error.
 * Charset conversion uses the C library's iconv(3); a charset it does not
 * know is taken as UTF-8, and any byte that is not valid in the charset
 * becomes U+FFFD, so the output is always valid UTF-8.
 *
 * Pure code: no I/O. The one piece of static state is a small cache of
 * open iconv descriptors (opening one costs more than converting a
 * typical message).
 */
#ifndef MDIMAPD_DECODE_H
#define MDIMAPD_DECODE_H

#include <stddef.h>

struct buf;

/* The value of a base64 digit (RFC 4648 4), or -1. */
int	decode_b64_value(int c);

/* Content-Transfer-Encoding */
enum decode_cte {
	CTE_NONE,		/* 7bit, 8bit, binary, missing or unknown */
	CTE_QP,
	CTE_BASE64,
};

/* The encoding a Content-Transfer-Encoding value names (NULL: none). */
enum decode_cte	 decode_cte_parse(const char *value);

/* A body decoder: quoted-printable or base64 (CTE_NONE copies). */
struct decode_body {
	enum decode_cte	 cte;
	unsigned	 bits;		/* base64: bits not yet output */
	int		 nbits;
	char		 pend[24];	/* QP: "=" and what followed it */
	size_t		 npend;
};

/* Bytes a chunk's output may exceed its input by (QP pending bytes). */
#define DECODE_SLACK	32

void	decode_body_init(struct decode_body *, enum decode_cte);
/*
 * Decode in[0..len) into out, which holds at least len + DECODE_SLACK
 * bytes; returns the bytes written. final: this is the last chunk (what
 * is pending is flushed).
 */
size_t	decode_body_chunk(struct decode_body *, const char *in, size_t len,
	    char *out, int final);

/* A converter from a charset to UTF-8. */
struct decode_conv {
	void		*cd;		/* iconv_t, or NULL: UTF-8 check */
	int		 ascii;		/* US-ASCII: 8-bit bytes invalid */
	int		 latin1;	/* ISO-8859-1, converted here */
	char		 pend[16];	/* an incomplete sequence */
	size_t		 npend;
};

/* Output room with which decode_conv_chunk() always makes progress. */
#define DECODE_CONV_MINOUT	64

/*
 * Start converting from charset (case-insensitive; NULL or "" is
 * US-ASCII, RFC 2045 5.2). Returns 0, or -1 if the charset is unknown
 * (the converter then checks UTF-8: still usable).
 */
int	decode_conv_init(struct decode_conv *, const char *charset);
/*
 * Convert what of in[0..len) fits into out[0..outsize) (outsize at least
 * DECODE_CONV_MINOUT); returns the bytes written, always whole UTF-8
 * characters, and sets *used_r to the input consumed (an incomplete
 * sequence at the end is kept in the converter and counts as consumed).
 * final: in ends the text; what is pending is flushed as U+FFFD.
 */
size_t	decode_conv_chunk(struct decode_conv *, const char *in, size_t len,
	    size_t *used_r, char *out, size_t outsize, int final);
void	decode_conv_end(struct decode_conv *);

/* Whether the charset is known (UTF-8, US-ASCII or one iconv has). */
int	decode_charset_known(const char *charset);

/*
 * Append a header field's value, s[0..len) (folded or not), to out as
 * UTF-8: folding removed, RFC 2047 encoded words (B and Q) decoded from
 * their charsets, white space between adjacent encoded words dropped
 * (RFC 2047 6.2), everything else taken as UTF-8 with invalid bytes
 * replaced by U+FFFD. Returns 0, or -1 if out is full.
 */
int	decode_header(struct buf *out, const char *s, size_t len);

/* Append s[0..len) to out as valid UTF-8 (invalid bytes as U+FFFD). */
int	decode_utf8_valid(struct buf *out, const char *s, size_t len);

#endif
