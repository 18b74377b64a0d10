/*
 * msgid.c: finding and normalising msg-ids (RFC 5322 3.6.4, obs-id 4.5.4)
 * in Message-ID, In-Reply-To and References values, for THREAD REFERENCES
 * (RFC 5256 3). The rules are in msgid.h; two choices beyond Dovecot's:
 * a "<" inside an unquoted ID starts the search again there ("<junk
 * <a@b>" gives a@b), and an ID needs text on both sides of its "@".
 */
#include <string.h>

#include "arena.h"
#include "mdlimits.h"
#include "msgid.h"

/* What a normalised ID is built into: the caller's buffer of LIMIT_MSGID
 * bytes. An ID never needs more (each byte of it stands for a byte of the
 * input between its angle brackets); full is a guard all the same. */
struct idbuf {
	char		*s;
	size_t		 len;
	int		 full;
};

static void
idbuf_add(struct idbuf *ib, char c)
{
	if (ib->len == LIMIT_MSGID) {
		ib->full = 1;
		return;
	}
	ib->s[ib->len++] = c;
}

/* msgid_scan()'s quick way: what each byte is to it. */
enum {
	QC_TEXT,		/* part of the ID */
	QC_WSP,			/* dropped */
	QC_NUL,			/* makes the ID invalid */
	QC_STOP,		/* '>' ends it; '"', '(', '[' need parsing;
				 * '<' starts again */
};

static const unsigned char quick_class[256] = {
	['\0'] = QC_NUL,
	[' '] = QC_WSP, ['\t'] = QC_WSP, ['\r'] = QC_WSP, ['\n'] = QC_WSP,
	['>'] = QC_STOP, ['"'] = QC_STOP, ['('] = QC_STOP, ['['] = QC_STOP,
	['<'] = QC_STOP,
};

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 5322 3.2.3 atext, with RFC 6532's UTF-8. */
static int
is_atext(char c)
{
	unsigned char	u = (unsigned char)c;

	if (u >= 0x80 || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
	    (u >= '0' && u <= '9'))
		return 1;
	return u != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", u) != NULL;
}

/* Skip CFWS (RFC 5322 3.2.2), comments nested; NULL if one is open at
 * end. */
static const char *
cfws_skip(const char *p, const char *end)
{
	int	depth = 0;

	while (p < end) {
		if (depth == 0 && is_wsp(*p))
			p++;
		else if (*p == '(') {
			depth++;
			p++;
		} else if (depth > 0 && *p == ')') {
			depth--;
			p++;
		} else if (depth > 0 && *p == '\\')
			p += end - p >= 2 ? 2 : 1;
		else if (depth > 0)
			p++;
		else
			break;
	}
	return depth > 0 ? NULL : p;
}

/* A quoted string at p ('"'), its content (quoted-pairs resolved, line
 * ends of folding removed) added to ib; NULL if it does not end. */
static const char *
quoted_parse(const char *p, const char *end, struct idbuf *ib)
{
	for (p++; p < end; p++) {
		if (*p == '"')
			return p + 1;
		if (*p == '\0')
			return NULL;
		if (*p == '\\') {
			if (++p == end || *p == '\0')
				return NULL;
			idbuf_add(ib, *p);
		} else if (*p != '\r' && *p != '\n')
			idbuf_add(ib, *p);
	}
	return NULL;
}

/* A domain literal at p ('['), kept with its brackets, white space
 * removed; NULL if it does not end or holds a NUL or a '['. */
static const char *
literal_parse(const char *p, const char *end, struct idbuf *ib)
{
	idbuf_add(ib, '[');
	for (p++; p < end; p++) {
		if (*p == ']') {
			idbuf_add(ib, ']');
			return p + 1;
		}
		if (*p == '\0' || *p == '[')
			return NULL;
		if (*p == '\\') {
			if (++p == end || *p == '\0')
				return NULL;
			idbuf_add(ib, *p);
		} else if (!is_wsp(*p))
			idbuf_add(ib, *p);
	}
	return NULL;
}

/*
 * words *("." words), CFWS allowed around each part; quoted strings only
 * when quotes is set (id-left). NULL on a syntax error.
 */
static const char *
dotted_parse(const char *p, const char *end, struct idbuf *ib, int quotes)
{
	size_t	start;

	for (;;) {
		if ((p = cfws_skip(p, end)) == NULL || p == end)
			return NULL;
		start = ib->len;
		if (quotes && *p == '"') {
			if ((p = quoted_parse(p, end, ib)) == NULL)
				return NULL;
		} else {
			while (p < end && is_atext(*p))
				idbuf_add(ib, *p++);
			if (ib->len == start)
				return NULL;
		}
		if ((p = cfws_skip(p, end)) == NULL)
			return NULL;
		if (p == end || *p != '.')
			return p;
		idbuf_add(ib, '.');
		p++;
	}
}

/* The slow way: RFC 5322 msg-id after its '<'; NULL if it is not one. */
static const char *
msgid_parse(const char *p, const char *end, struct idbuf *ib)
{
	size_t	left;

	if ((p = dotted_parse(p, end, ib, 1)) == NULL || p == end || *p != '@')
		return NULL;
	left = ib->len;
	idbuf_add(ib, '@');
	if ((p = cfws_skip(p + 1, end)) == NULL || p == end)
		return NULL;
	if (*p == '[')
		p = literal_parse(p, end, ib);
	else
		p = dotted_parse(p, end, ib, 0);
	if (p == NULL || (p = cfws_skip(p, end)) == NULL || p == end ||
	    *p != '>')
		return NULL;
	if (left == 0 || ib->len == left + 1)
		return NULL;
	return p + 1;
}

size_t
msgid_scan(const char **pp, const char *end, char *out)
{
	struct idbuf	 ib;
	const char	*p = *pp, *q, *r, *lim;
	int		 bad, c;

	memset(&ib, 0, sizeof(ib));
	ib.s = out;
	for (;;) {
		while (p < end && *p != '<')
			p++;
		if (p == end)
			break;
		p++;
		/* At most LIMIT_MSGID octets from '<' to '>'. */
		lim = end - p > LIMIT_MSGID - 1 ? p + LIMIT_MSGID - 1 : end;
		/* The quick way: nothing that needs parsing before '>'; the
		 * text without its white space is copied on the way (at most
		 * lim - p bytes: it fits). */
		bad = 0;
		ib.len = 0;
		ib.full = 0;
		for (q = p; q < lim; q++) {
			c = quick_class[(unsigned char)*q];
			if (c == QC_TEXT)
				out[ib.len++] = *q;
			else if (c == QC_STOP)
				break;
			else if (c == QC_NUL)
				bad = 1;
		}
		if (q == end)
			break;
		if (q == lim)
			continue;
		if (*q == '<') {
			p = q;
			continue;
		}
		if (*q == '>') {
			p = q + 1;
			/* Text on both sides of an '@'. */
			if (bad || ib.full || ib.len < 3 ||
			    memchr(ib.s, '@', ib.len) == NULL ||
			    ib.s[0] == '@' || ib.s[ib.len - 1] == '@')
				continue;
			*pp = p;
			return ib.len;
		}
		ib.len = 0;
		ib.full = 0;
		if ((r = msgid_parse(p, lim, &ib)) != NULL && !ib.full) {
			*pp = r;
			return ib.len;
		}
		/* Not an ID: look for the next '<' after this one. */
	}
	*pp = end;
	return 0;
}

char *
msgid_next(struct arena *a, const char **pp, const char *end)
{
	char	buf[LIMIT_MSGID];
	size_t	len;

	if ((len = msgid_scan(pp, end, buf)) == 0)
		return NULL;
	return arena_strndup(a, buf, len);
}

char *
msgid_first(struct arena *a, const char *value, size_t len)
{
	const char	*p = value;

	if (value == NULL)
		return NULL;
	return msgid_next(a, &p, value + len);
}

size_t
msgid_all(struct arena *a, const char *value, size_t len, char ***ids_r)
{
	const char	*p = value;
	char		**ids = NULL, *id;
	size_t		 n = 0, cap = 0, ncap;

	*ids_r = NULL;
	if (value == NULL)
		return 0;
	while ((id = msgid_next(a, &p, value + len)) != NULL) {
		if (n == cap) {
			ncap = cap == 0 ? 8 : cap * 2;
			ids = arena_reallocarray(a, ids, cap, ncap,
			    sizeof(*ids));
			cap = ncap;
		}
		ids[n++] = id;
	}
	*ids_r = ids;
	return n;
}

size_t
msgid_references(struct arena *a, const char *refs, size_t refs_len,
    const char *irt, size_t irt_len, char ***ids_r)
{
	size_t	 n;
	char	*id;

	if ((n = msgid_all(a, refs, refs_len, ids_r)) > 0)
		return n;
	if ((id = msgid_first(a, irt, irt_len)) == NULL)
		return 0;
	*ids_r = arena_alloc(a, sizeof(**ids_r));
	(*ids_r)[0] = id;
	return 1;
}
