/*
 * rfc822.c: header fields and the lexical tokens of their values (see
 * rfc822.h). Tolerant as mail readers must be: 8-bit bytes are atom
 * characters, an unterminated comment or quoted string ends at the end of
 * the value, nothing is ever read past the end.
 */
#include <string.h>

#include "arena.h"
#include "mdlimits.h"
#include "rfc822.h"

void
rfc822_fields_begin(struct rfc822_field_iter *it, const char *hdr,
    size_t len)
{
	it->p = hdr;
	it->end = hdr + len;
}

/* The length of the line at p, its LF included. */
static size_t
line_len(const char *p, const char *end)
{
	const char	*nl = memchr(p, '\n', (size_t)(end - p));

	return nl != NULL ? (size_t)(nl - p) + 1 : (size_t)(end - p);
}

int
rfc822_fields_next(struct rfc822_field_iter *it, struct rfc822_field *f)
{
	const char	*p, *colon, *name;
	size_t		 len;

	while (it->p < it->end) {
		p = it->p;
		len = line_len(p, it->end);
		/* The empty line ending the header. */
		if (p[0] == '\n' || (p[0] == '\r' && len == 2)) {
			it->p = it->end;
			return 0;
		}
		it->p += len;
		if (p[0] == ' ' || p[0] == '\t')
			continue;	/* continuation of a skipped line */
		if ((colon = memchr(p, ':', len)) == NULL)
			continue;
		name = p;
		/* Continuation lines belong to the field. */
		while (it->p < it->end && (it->p[0] == ' ' ||
		    it->p[0] == '\t'))
			it->p += line_len(it->p, it->end);
		f->name = name;
		f->namelen = (size_t)(colon - name);
		while (f->namelen > 0 && (name[f->namelen - 1] == ' ' ||
		    name[f->namelen - 1] == '\t'))
			f->namelen--;
		f->raw = colon + 1;
		f->rawlen = (size_t)(it->p - f->raw);
		return 1;
	}
	return 0;
}

static int
is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *
rfc822_unfold(const char *raw, size_t len, struct arena *a)
{
	const char	*p = raw, *end, *cr, *lf, *stop;
	char		*out, *o;

	if (len > LIMIT_HEADER_VALUE)
		len = LIMIT_HEADER_VALUE;
	/* Outer white space (with the line ends in it) first, then the CRs
	 * and LFs inside, a run of bytes between them at a time: most
	 * values are one line, copied whole. */
	end = raw + len;
	while (p < end && is_fws(*p))
		p++;
	while (end > p && is_fws(end[-1]))
		end--;
	cr = memchr(p, '\r', (size_t)(end - p));
	lf = memchr(p, '\n', (size_t)(end - p));
	if (cr == NULL && lf == NULL)
		return arena_strndup(a, p, (size_t)(end - p));
	o = out = arena_alloc(a, (size_t)(end - p) + 1);
	for (;;) {
		stop = cr == NULL ? lf : lf == NULL || cr < lf ? cr : lf;
		if (stop == NULL)
			stop = end;
		memcpy(o, p, (size_t)(stop - p));
		o += stop - p;
		if (stop == end)
			break;
		p = stop + 1;
		if (stop == cr)
			cr = memchr(p, '\r', (size_t)(end - p));
		else
			lf = memchr(p, '\n', (size_t)(end - p));
	}
	*o = '\0';
	return out;
}

void
rfc822_lex_init(struct rfc822_lex *lx, const char *s, size_t len,
    struct arena *a)
{
	lx->p = s;
	lx->end = s + len;
	lx->a = a;
	lx->comment = NULL;
}

void
rfc822_skip_cfws(struct rfc822_lex *lx)
{
	const char	*start, *q;
	char		*c;
	size_t		 o;
	int		 depth;

	for (;;) {
		while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' ||
		    *lx->p == '\r' || *lx->p == '\n'))
			lx->p++;
		if (lx->p == lx->end || *lx->p != '(')
			return;
		start = ++lx->p;
		/* Room for this comment only, not the rest of the value:
		 * a field of many comments stays within the arena. */
		for (q = start, depth = 1; q < lx->end; q++) {
			if (*q == '\\' && q + 1 < lx->end)
				q++;
			else if (*q == '(')
				depth++;
			else if (*q == ')' && --depth == 0)
				break;
		}
		c = arena_alloc(lx->a, (size_t)(q - start) + 1);
		o = 0;
		for (depth = 1; lx->p < lx->end; lx->p++) {
			if (*lx->p == '\\' && lx->p + 1 < lx->end) {
				c[o++] = *++lx->p;
				continue;
			}
			if (*lx->p == '(')
				depth++;
			else if (*lx->p == ')' && --depth == 0)
				break;
			/* folding: RFC 5322 2.2.3 unfolds by removing CRLF */
			if (*lx->p != '\r' && *lx->p != '\n')
				c[o++] = *lx->p;
		}
		if (lx->p < lx->end)
			lx->p++;
		c[o] = '\0';
		lx->comment = c;
	}
}

int
rfc822_peek(struct rfc822_lex *lx)
{
	rfc822_skip_cfws(lx);
	return lx->p < lx->end ? (unsigned char)*lx->p : -1;
}

/*
 * What ends a span, a bit per character class: SPAN_ATOM, the specials
 * of RFC 5322 3.2.3 but '.'; SPAN_DOT, '.'; SPAN_TOKEN, the tspecials of
 * RFC 2045 5.1. Controls, space, DEL and 8-bit bytes are handled apart.
 */
#define SPAN_ATOM	0x1
#define SPAN_DOT	0x2
#define SPAN_TOKEN	0x4

static const unsigned char	stop_class[128] = {
	['('] = SPAN_ATOM | SPAN_TOKEN, [')'] = SPAN_ATOM | SPAN_TOKEN,
	['<'] = SPAN_ATOM | SPAN_TOKEN, ['>'] = SPAN_ATOM | SPAN_TOKEN,
	['['] = SPAN_ATOM | SPAN_TOKEN, [']'] = SPAN_ATOM | SPAN_TOKEN,
	[':'] = SPAN_ATOM | SPAN_TOKEN, [';'] = SPAN_ATOM | SPAN_TOKEN,
	['@'] = SPAN_ATOM | SPAN_TOKEN, ['\\'] = SPAN_ATOM | SPAN_TOKEN,
	[','] = SPAN_ATOM | SPAN_TOKEN, ['"'] = SPAN_ATOM | SPAN_TOKEN,
	['.'] = SPAN_DOT, ['/'] = SPAN_TOKEN, ['?'] = SPAN_TOKEN,
	['='] = SPAN_TOKEN,
};

/* The characters up to one of the classes stops (or a control, space,
 * DEL); 8-bit bytes are taken. */
static char *
span(struct rfc822_lex *lx, unsigned stops)
{
	const unsigned char	*p, *end = (const unsigned char *)lx->end;
	const char		*start;

	rfc822_skip_cfws(lx);
	start = lx->p;
	for (p = (const unsigned char *)lx->p; p < end; p++)
		if (*p <= ' ' || *p == 0x7f ||
		    (*p < 0x80 && (stop_class[*p] & stops)))
			break;
	lx->p = (const char *)p;
	if (lx->p == start)
		return NULL;
	return arena_strndup(lx->a, start, (size_t)(lx->p - start));
}

char *
rfc822_atom(struct rfc822_lex *lx, int dot)
{
	/* RFC 5322 3.2.3: specials */
	return span(lx, dot ? SPAN_ATOM : SPAN_ATOM | SPAN_DOT);
}

char *
rfc822_token(struct rfc822_lex *lx)
{
	/* RFC 2045 5.1: tspecials */
	return span(lx, SPAN_TOKEN);
}

char *
rfc822_quoted(struct rfc822_lex *lx)
{
	const char	*q;
	char		*out;
	size_t		 o = 0;

	rfc822_skip_cfws(lx);
	if (lx->p == lx->end || *lx->p != '"')
		return NULL;
	lx->p++;
	/* Room for this string only (see rfc822_skip_cfws()). */
	for (q = lx->p; q < lx->end && *q != '"'; q++)
		if (*q == '\\' && q + 1 < lx->end)
			q++;
	out = arena_alloc(lx->a, (size_t)(q - lx->p) + 1);
	for (; lx->p < lx->end && *lx->p != '"'; lx->p++) {
		if (*lx->p == '\\' && lx->p + 1 < lx->end)
			lx->p++;
		else if (*lx->p == '\r' || *lx->p == '\n')
			continue;	/* folding (RFC 5322 2.2.3) */
		out[o++] = *lx->p;
	}
	if (lx->p < lx->end)
		lx->p++;
	out[o] = '\0';
	return out;
}
