/*
 * envelope.c: address lists and the envelope of a header (envelope.h).
 *
 * The address parser reads a phrase (words: atoms, dotted atoms, quoted
 * strings) and decides what it was by what follows it: ":" a group's
 * name, "<" a display name, "@" a local part, anything else a local part
 * with no domain. That covers RFC 5322 3.4 and its obsolete forms (routes,
 * unquoted dots in names) without backtracking, and makes progress on any
 * input: a byte nothing can use is skipped. A comment after an address
 * without a display name becomes its name ("user@host (Real Name)"), as
 * Dovecot does.
 */
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "envelope.h"
#include "mdlimits.h"
#include "rfc822.h"

/* Whether c (rfc822_peek()) ends a phrase: the end, a NUL, or a special
 * other than '"' and '.'. */
static int
phrase_end(int c)
{
	switch (c) {
	case -1: case '\0': case '<': case '>': case ':': case ';': case '@':
	case ',': case '[': case ']': case '\\': case '(': case ')':
		return 1;
	default:
		return 0;
	}
}

/* Words a phrase holds before they are joined in a buf rather than
 * straight into the arena (names have two or three). */
#define PHRASE_WORDS	8

/* Words of a phrase joined by sep into the arena; NULL when empty.
 * *nwords_r: how many words it had. */
static char *
phrase(struct rfc822_lex *lx, const char *sep, int *nwords_r)
{
	struct buf	 b;
	char		*w[PHRASE_WORDS], *r, *o;
	size_t		 wl[PHRASE_WORDS], seplen = strlen(sep), len = 0, i;
	int		 c, n = 0, k = 0, inbuf = 0;

	for (;;) {
		c = rfc822_peek(lx);
		if (c == '"')
			r = rfc822_quoted(lx);
		else if (phrase_end(c))
			break;
		else
			r = rfc822_atom(lx, 1);
		if (r == NULL)
			break;
		if (k == PHRASE_WORDS) {
			/* Many words: on in a buf. */
			if (!inbuf)
				buf_init(&b, (size_t)(lx->end - lx->p) * 2 +
				    len + 16);
			for (i = 0; i < (size_t)k; i++) {
				if ((inbuf || i > 0) && seplen > 0)
					(void)buf_add(&b, sep, seplen);
				(void)buf_add(&b, w[i], wl[i]);
			}
			inbuf = 1;
			k = 0;
		}
		w[k] = r;
		wl[k] = strlen(r);
		len += wl[k] + (n > 0 ? seplen : 0);
		k++;
		n++;
	}
	*nwords_r = n;
	if (n == 0 || len == 0)
		r = NULL;
	else if (n == 1)
		r = w[0];		/* in the arena already */
	else if (!inbuf) {
		o = r = arena_alloc(lx->a, len + 1);
		for (i = 0; i < (size_t)k; i++) {
			if (i > 0) {
				memcpy(o, sep, seplen);
				o += seplen;
			}
			memcpy(o, w[i], wl[i]);
			o += wl[i];
		}
	} else {
		for (i = 0; i < (size_t)k; i++) {
			if (seplen > 0)
				(void)buf_add(&b, sep, seplen);
			(void)buf_add(&b, w[i], wl[i]);
		}
		r = arena_strndup(lx->a, b.data, b.len);
	}
	if (inbuf)
		buf_free(&b);
	return r;
}

/* A domain: a dotted atom, with white space or comments around its dots
 * (obs-domain, RFC 5322 4.4), or a domain literal "[...]". */
static char *
domain(struct rfc822_lex *lx)
{
	const char	*start;
	char		*d, *w;

	if (rfc822_peek(lx) == '[') {
		start = lx->p;
		while (lx->p < lx->end && *lx->p != ']')
			lx->p++;
		if (lx->p < lx->end)
			lx->p++;
		return arena_strndup(lx->a, start, (size_t)(lx->p - start));
	}
	if ((d = rfc822_atom(lx, 1)) == NULL)
		return NULL;
	lx->comment = NULL;	/* one before the domain names nothing */
	while ((d[strlen(d) - 1] == '.' || rfc822_peek(lx) == '.') &&
	    (w = rfc822_atom(lx, 1)) != NULL)
		d = arena_printf(lx->a, "%s%s", d, w);
	return d;
}

static struct address *
addr_new(struct arena *a, const char *name, const char *adl,
    const char *mailbox, const char *host)
{
	struct address	*ad = arena_alloc(a, sizeof(*ad));

	ad->name = name;
	ad->adl = adl;
	ad->mailbox = mailbox != NULL ? mailbox : ADDRESS_MISSING_MAILBOX;
	ad->host = host != NULL ? host : ADDRESS_MISSING_DOMAIN;
	return ad;
}

/* "<" [route ":"] addr-spec ">", after the "<". */
static struct address *
angle(struct rfc822_lex *lx, char *name)
{
	struct buf	 route;
	char		*local, *host = NULL, *adl = NULL, *d;
	int		 c, n;

	buf_init(&route, (size_t)(lx->end - lx->p) + 16);
	/* obs-route: "@a,@b:" */
	while ((c = rfc822_peek(lx)) == '@' || c == ',') {
		lx->p++;
		if (c == '@') {
			if (route.len > 0)
				(void)buf_addc(&route, ',');
			(void)buf_addc(&route, '@');
			if ((d = domain(lx)) != NULL)
				(void)buf_adds(&route, d);
		}
	}
	if (route.len > 0 && c == ':') {
		lx->p++;
		adl = arena_strndup(lx->a, route.data, route.len);
	}
	buf_free(&route);
	local = phrase(lx, "", &n);
	if (rfc822_peek(lx) == '@') {
		lx->p++;
		host = domain(lx);
	}
	/* Whatever else is inside the brackets is dropped. */
	while (lx->p < lx->end && *lx->p != '>')
		lx->p++;
	if (lx->p < lx->end)
		lx->p++;
	return addr_new(lx->a, name, adl, local, host);
}

/* One mailbox (RFC 5322 3.4), or NULL if nothing was there. In a group,
 * ";" ends it. */
static struct address *
mailbox(struct rfc822_lex *lx, char *words)
{
	char	*host;
	int	 c;

	lx->comment = NULL;
	c = rfc822_peek(lx);
	if (c == '<') {
		lx->p++;
		return angle(lx, words);
	}
	if (c == '@') {
		lx->p++;
		host = domain(lx);
	} else
		host = NULL;
	if (words == NULL && host == NULL && c != '@')
		return NULL;
	/* A comment right after the address names it. */
	(void)rfc822_peek(lx);
	return addr_new(lx->a, lx->comment != NULL && *lx->comment != '\0' ?
	    lx->comment : NULL, NULL, words, host);
}

struct address *
address_parse(const char *s, size_t len, struct arena *a)
{
	struct rfc822_lex	 lx;
	struct address		*head = NULL, **tail = &head, *ad;
	const char		*before;
	char			*words;
	int			 c, n, in_group = 0;

	rfc822_lex_init(&lx, s, len, a);
	while ((c = rfc822_peek(&lx)) != -1) {
		before = lx.p;
		if (c == ',') {
			lx.p++;
			continue;
		}
		if (c == ';') {
			lx.p++;
			if (in_group) {
				*tail = addr_new(a, NULL, NULL, NULL, NULL);
				(*tail)->mailbox = (*tail)->host = NULL;
				tail = &(*tail)->next;
				in_group = 0;
			}
			continue;
		}
		words = phrase(&lx, " ", &n);
		if (rfc822_peek(&lx) == '@' && words != NULL && n > 1) {
			/* The words were a local part: read again, joined
			 * without spaces outside quotes ("john doe"@x). */
			lx.p = before;
			words = phrase(&lx, "", &n);
		}
		if (rfc822_peek(&lx) == ':' && !in_group) {
			lx.p++;
			*tail = addr_new(a, NULL, NULL, words != NULL ? words :
			    "", NULL);
			(*tail)->host = NULL;
			tail = &(*tail)->next;
			in_group = 1;
			continue;
		}
		if ((ad = mailbox(&lx, words)) != NULL) {
			*tail = ad;
			tail = &ad->next;
		}
		if (lx.p == before)
			lx.p++;		/* nothing could use it */
	}
	if (in_group) {
		*tail = addr_new(a, NULL, NULL, NULL, NULL);
		(*tail)->mailbox = (*tail)->host = NULL;
	}
	return head;
}

struct envelope *
envelope_parse(const char *hdr, size_t len, struct arena *a)
{
#define NAME(s)	{ s, sizeof(s) - 1 }
	static const struct {
		const char	*s;
		size_t		 len;
	} names[] = {
		NAME("date"), NAME("subject"), NAME("from"), NAME("sender"),
		NAME("reply-to"), NAME("to"), NAME("cc"), NAME("bcc"),
		NAME("in-reply-to"), NAME("message-id"),
	};
#undef NAME
	struct envelope		*env = arena_alloc(a, sizeof(*env));
	struct rfc822_field_iter it;
	struct rfc822_field	 f;
	struct address		**addrs[] = {
		NULL, NULL, &env->from, &env->sender, &env->reply_to,
		&env->to, &env->cc, &env->bcc, NULL, NULL,
	};
	char			**strs[] = {
		&env->date, &env->subject, NULL, NULL, NULL, NULL, NULL,
		NULL, &env->in_reply_to, &env->message_id,
	};
	int			 seen[10] = { 0 };
	size_t			 i;
	char			*v;

	rfc822_fields_begin(&it, hdr, len);
	while (rfc822_fields_next(&it, &f)) {
		/* the length and the first letter (ASCII case) first */
		for (i = 0; i < 10; i++)
			if (names[i].len == f.namelen &&
			    names[i].s[0] == ((unsigned char)f.name[0] | 0x20) &&
			    strncasecmp(names[i].s, f.name, f.namelen) == 0)
				break;
		/* The first of a repeated field counts. */
		if (i == 10 || seen[i]++)
			continue;
		if (strs[i] != NULL)
			*strs[i] = rfc822_unfold(f.raw, f.rawlen, a);
		else {
			/* Unfolded first: a quoted string or comment left
			 * open must not carry the line end into a name. */
			v = rfc822_unfold(f.raw, f.rawlen, a);
			*addrs[i] = address_parse(v, strlen(v), a);
		}
	}
	/* RFC 9051 7.5.2: Sender and Reply-To default to From. */
	if (env->sender == NULL)
		env->sender = env->from;
	if (env->reply_to == NULL)
		env->reply_to = env->from;
	return env;
}
