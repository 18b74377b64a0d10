/*
 * resp.c: atoms, quoted strings and literals for responses (RFC 9051 4.3,
 * 9: quoted = DQUOTE *QUOTED-CHAR DQUOTE, QUOTED-CHAR excludes CR and LF,
 * and " and \ are escaped).
 *
 * The buf is sized by the caller for the largest response it builds; a
 * value that does not fit is a bug, so failure is fatal.
 */
#include <stdio.h>
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

int
resp_is_quotable(const char *s, size_t len, int opts)
{
	size_t		i;
	unsigned char	c;
	int		eight = 0;

	if (len > RESP_QUOTED_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\0' || c == '\r' || c == '\n')
			return 0;
		if (c >= 0x80) {
			if (!(opts & RESP_UTF8))
				return 0;
			eight = 1;
		}
	}
	/* RFC 9051 9: QUOTED-CHAR takes only valid UTF-8. */
	return !eight || utf8_valid(s, len);
}

void
resp_literal(struct buf *b, const char *s, size_t len)
{
	char	hdr[32];
	int	n;

	n = snprintf(hdr, sizeof(hdr), "{%zu}\r\n", len);
	add(b, hdr, (size_t)n);
	add(b, s, len);
}

void
resp_string(struct buf *b, const char *s, size_t len, int opts)
{
	size_t	i, start;

	if (!resp_is_quotable(s, len, opts)) {
		resp_literal(b, s, len);
		return;
	}
	add(b, "\"", 1);
	for (i = start = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\') {
			add(b, s + start, i - start);
			add(b, "\\", 1);
			start = i;
		}
	}
	add(b, s + start, len - start);
	add(b, "\"", 1);
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
