/*
 * bodystructure.c: ENVELOPE, BODY and BODYSTRUCTURE (bodystructure.h).
 *
 * Choices where RFC 9051 leaves room, as Dovecot makes them: type,
 * subtype, parameter names and values as the message writes them; a
 * missing Content-Transfer-Encoding is "7bit"; Content-Language is always
 * a list; a group is (NIL NIL "name" NIL) ... (NIL NIL NIL NIL).
 */
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "bodystructure.h"
#include "buf.h"
#include "envelope.h"
#include "log.h"
#include "mime.h"
#include "resp.h"
#include "rfc822.h"

static void
nil(struct buf *b)
{
	if (buf_add(b, "NIL", 3) == -1)
		fatalx("response too large");
}

static void
addc(struct buf *b, char c)
{
	if (buf_addc(b, c) == -1)
		fatalx("response too large");
}

/* A space and a number. */
static void
num(struct buf *b, unsigned long long v)
{
	if (buf_addc(b, ' ') == -1 || buf_addu(b, v) == -1)
		fatalx("response too large");
}

static void
nstr(struct buf *b, const char *s, int opts)
{
	resp_nstring(b, s, s != NULL ? strlen(s) : 0, opts);
}

/* 1 if it flushed. */
static int
maybe_flush(struct buf *b, void (*flush)(struct buf *))
{
	if (flush != NULL && b->len >= BODYSTRUCTURE_FLUSH) {
		flush(b);
		return 1;
	}
	return 0;
}

/* 1 if it flushed. */
static int
addresses(struct buf *b, const struct address *ad, int opts,
    void (*flush)(struct buf *))
{
	int	flushed = 0;

	if (ad == NULL) {
		nil(b);
		return 0;
	}
	addc(b, '(');
	for (; ad != NULL; ad = ad->next) {
		addc(b, '(');
		nstr(b, ad->name, opts);
		addc(b, ' ');
		nstr(b, ad->adl, opts);
		addc(b, ' ');
		nstr(b, ad->mailbox, opts);
		addc(b, ' ');
		nstr(b, ad->host, opts);
		addc(b, ')');
		flushed |= maybe_flush(b, flush);
	}
	addc(b, ')');
	return flushed;
}

/*
 * Sender and Reply-To: most often the From list itself (envelope.h),
 * written at b->data[start..end) just before: copied from there unless a
 * flush sent it already. 1 if it flushed.
 */
static int
addresses_from(struct buf *b, const struct address *ad,
    const struct address *from, size_t start, size_t end, int flushed,
    int opts, void (*flush)(struct buf *))
{
	if (ad == NULL || ad != from || flushed)
		return addresses(b, ad, opts, flush);
	if (buf_reserve(b, end - start) == -1)
		fatalx("response too large");
	memcpy(b->data + b->len, b->data + start, end - start);
	b->len += end - start;
	b->data[b->len] = '\0';
	return maybe_flush(b, flush);
}

void
imap_envelope_write(struct buf *b, const struct envelope *env, int opts,
    void (*flush)(struct buf *))
{
	size_t	start, end;
	int	flushed;

	addc(b, '(');
	nstr(b, env->date, opts);
	addc(b, ' ');
	nstr(b, env->subject, opts);
	addc(b, ' ');
	start = b->len;
	flushed = addresses(b, env->from, opts, flush);
	end = b->len;
	addc(b, ' ');
	flushed |= addresses_from(b, env->sender, env->from, start, end,
	    flushed, opts, flush);
	addc(b, ' ');
	(void)addresses_from(b, env->reply_to, env->from, start, end,
	    flushed, opts, flush);
	addc(b, ' ');
	addresses(b, env->to, opts, flush);
	addc(b, ' ');
	addresses(b, env->cc, opts, flush);
	addc(b, ' ');
	addresses(b, env->bcc, opts, flush);
	addc(b, ' ');
	nstr(b, env->in_reply_to, opts);
	addc(b, ' ');
	nstr(b, env->message_id, opts);
	addc(b, ')');
	maybe_flush(b, flush);
}

static void
params(struct buf *b, const struct mime_param *p, int opts)
{
	if (p == NULL) {
		nil(b);
		return;
	}
	addc(b, '(');
	for (; p != NULL; p = p->next) {
		resp_string(b, p->name, strlen(p->name), opts);
		addc(b, ' ');
		resp_string(b, p->value, strlen(p->value), opts);
		if (p->next != NULL)
			addc(b, ' ');
	}
	addc(b, ')');
}

/* body-fld-dsp SP body-fld-lang SP body-fld-loc */
static void
ext_common(struct buf *b, const struct mime_part *part, int opts)
{
	struct rfc822_lex	 lx;
	struct arena		*a;
	char			*tok;
	int			 n = 0;

	addc(b, ' ');
	if (part->disposition == NULL)
		nil(b);
	else {
		addc(b, '(');
		nstr(b, part->disposition, opts);
		addc(b, ' ');
		params(b, part->disp_params, opts);
		addc(b, ')');
	}
	addc(b, ' ');
	if (part->language == NULL)
		nil(b);
	else {
		/* "en, de (comment)" -> ("en" "de") */
		a = arena_new(strlen(part->language) * 2 + 4096);
		rfc822_lex_init(&lx, part->language, strlen(part->language),
		    a);
		while (rfc822_peek(&lx) != -1) {
			if ((tok = rfc822_token(&lx)) == NULL) {
				lx.p++;
				continue;
			}
			addc(b, n++ == 0 ? '(' : ' ');
			resp_string(b, tok, strlen(tok), opts);
		}
		if (n > 0)
			addc(b, ')');
		else
			nil(b);
		arena_free(&a);
	}
	addc(b, ' ');
	nstr(b, part->location, opts);
}

void
imap_bodystructure_write(struct buf *b, const struct mime_part *part,
    int extended, int opts, void (*flush)(struct buf *))
{
	const struct mime_part	*c;

	addc(b, '(');
	if (part->is_multipart) {
		for (c = part->children; c != NULL; c = c->next)
			imap_bodystructure_write(b, c, extended, opts, flush);
		addc(b, ' ');
		nstr(b, part->subtype, opts);
		if (extended) {
			addc(b, ' ');
			params(b, part->params, opts);
			ext_common(b, part, opts);
		}
		addc(b, ')');
		return;
	}
	nstr(b, part->type, opts);
	addc(b, ' ');
	nstr(b, part->subtype, opts);
	addc(b, ' ');
	params(b, part->params, opts);
	addc(b, ' ');
	nstr(b, part->id, opts);
	addc(b, ' ');
	nstr(b, part->description, opts);
	addc(b, ' ');
	nstr(b, part->encoding != NULL ? part->encoding : "7bit", opts);
	num(b, part->body_size);
	if (part->is_message) {
		addc(b, ' ');
		imap_envelope_write(b, part->env, opts, flush);
		addc(b, ' ');
		imap_bodystructure_write(b, part->children, extended, opts,
		    flush);
		num(b, part->body_lines);
	} else if (strcasecmp(part->type, "text") == 0)
		num(b, part->body_lines);
	if (extended) {
		addc(b, ' ');
		nstr(b, part->md5, opts);
		ext_common(b, part, opts);
	}
	addc(b, ')');
	maybe_flush(b, flush);
}
