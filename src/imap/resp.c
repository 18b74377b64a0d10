/*
 * resp.c: atoms, quoted strings and literals for responses (RFC 9051 4.3,
 * 9: quoted = DQUOTE *QUOTED-CHAR DQUOTE, QUOTED-CHAR excludes CR and LF,
 * and " and \ are escaped).
 *
 * The buf is sized by the caller for the largest response it builds; a
 * value that does not fit is a bug, so failure is fatal.
 */
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "log.h"
#include "mutf7.h"
#include "resp.h"

static void
add(struct buf *b, const void *p, size_t n)
{
	if (buf_add(b, p, n) == -1)
		fatalx("response too large");
}

int
resp_is_atom(const char *s, size_t len)
{
	size_t		i;
	unsigned char	c;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f || strchr("(){%*\"\\]", c) != NULL)
			return 0;
	}
	return 1;
}

/*
 * What a byte asks of a quoted string: Q_ESC a backslash before it, Q_LIT
 * a literal instead, Q_8BIT valid UTF-8 and RESP_UTF8, or a literal. One
 * table look-up a byte: ENVELOPE and BODYSTRUCTURE write a dozen strings
 * for every message.
 */
#define Q_ESC	0x01	/* counted: must stay 1 */
#define Q_LIT	0x02
#define Q_8BIT	0x04
#define Q8	Q_8BIT, Q_8BIT, Q_8BIT, Q_8BIT, Q_8BIT, Q_8BIT, Q_8BIT, Q_8BIT
#define Q8ROW	Q8, Q8

static const unsigned char	qclass[256] = {
	['\0'] = Q_LIT, ['\r'] = Q_LIT, ['\n'] = Q_LIT,
	['"'] = Q_ESC, ['\\'] = Q_ESC,
	[0x80] = Q8ROW, Q8ROW, Q8ROW, Q8ROW, Q8ROW, Q8ROW, Q8ROW, Q8ROW,
};

/* The classes of s's bytes or'ed together; *esc_r: how many to escape. */
static unsigned
quote_scan(const char *s, size_t len, size_t *esc_r)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, esc = 0;
	unsigned		 any = 0, c;

	for (i = 0; i < len; i++) {
		c = qclass[p[i]];
		any |= c;
		esc += c & Q_ESC;
	}
	*esc_r = esc;
	return any;
}

/* RFC 9051 9: QUOTED-CHAR takes only valid UTF-8. */
static int
quotable(const char *s, size_t len, unsigned any, int opts)
{
	if (len > RESP_QUOTED_MAX || (any & Q_LIT))
		return 0;
	return !(any & Q_8BIT) || ((opts & RESP_UTF8) && utf8_valid(s, len));
}

int
resp_is_quotable(const char *s, size_t len, int opts)
{
	size_t	esc;

	if (len > RESP_QUOTED_MAX)
		return 0;
	return quotable(s, len, quote_scan(s, len, &esc), opts);
}

void
resp_literal(struct buf *b, const char *s, size_t len)
{
	char	hdr[BUF_FMTU_MAX + 4];
	size_t	n = 1;

	hdr[0] = '{';
	n += buf_fmtu(hdr + n, len);
	memcpy(hdr + n, "}\r\n", 3);
	add(b, hdr, n + 3);
	add(b, s, len);
}

void
resp_string(struct buf *b, const char *s, size_t len, int opts)
{
	size_t	 i, esc = 0;
	char	*o;

	if (len > RESP_QUOTED_MAX ||
	    !quotable(s, len, quote_scan(s, len, &esc), opts)) {
		resp_literal(b, s, len);
		return;
	}
	/* The quoted string's length is known: room once, written in
	 * place. */
	if (buf_reserve(b, len + esc + 2) == -1)
		fatalx("response too large");
	o = b->data + b->len;
	*o++ = '"';
	if (esc == 0) {
		memcpy(o, s, len);
		o += len;
	} else
		for (i = 0; i < len; i++) {
			if (qclass[(unsigned char)s[i]] & Q_ESC)
				*o++ = '\\';
			*o++ = s[i];
		}
	*o++ = '"';
	b->len = (size_t)(o - b->data);
	b->data[b->len] = '\0';
}

void
resp_nstring(struct buf *b, const char *s, size_t len, int opts)
{
	if (s == NULL)
		add(b, "NIL", 3);
	else
		resp_string(b, s, len, opts);
}

void
resp_astring(struct buf *b, const char *s, size_t len, int opts)
{
	if (resp_is_atom(s, len) && !(len == 3 && strncasecmp(s, "NIL", 3) == 0))
		add(b, s, len);
	else
		resp_string(b, s, len, opts);
}

void
resp_text(struct buf *b, const char *s, size_t len)
{
	size_t		i;
	unsigned char	c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			c = '?';
		add(b, &c, 1);
	}
}
