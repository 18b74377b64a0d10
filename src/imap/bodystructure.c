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
add(struct buf *b, const char *s)
{
	if (buf_adds(b, s) == -1)
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

static void
maybe_flush(struct buf *b, void (*flush)(struct buf *))
{
	if (flush != NULL && b->len >= BODYSTRUCTURE_FLUSH)
		flush(b);
}

static void
addresses(struct buf *b, const struct address *ad, int opts,
    void (*flush)(struct buf *))
{
	if (ad == NULL) {
		add(b, "NIL");
		return;
	}
	add(b, "(");
	for (; ad != NULL; ad = ad->next) {
		add(b, "(");
		nstr(b, ad->name, opts);
		add(b, " ");
		nstr(b, ad->adl, opts);
		add(b, " ");
		nstr(b, ad->mailbox, opts);
		add(b, " ");
		nstr(b, ad->host, opts);
		add(b, ")");
		maybe_flush(b, flush);
	}
	add(b, ")");
}

void
imap_envelope_write(struct buf *b, const struct envelope *env, int opts,
    void (*flush)(struct buf *))
{
	add(b, "(");
	nstr(b, env->date, opts);
	add(b, " ");
	nstr(b, env->subject, opts);
	add(b, " ");
	addresses(b, env->from, opts, flush);
	add(b, " ");
	addresses(b, env->sender, opts, flush);
	add(b, " ");
	addresses(b, env->reply_to, opts, flush);
	add(b, " ");
	addresses(b, env->to, opts, flush);
	add(b, " ");
	addresses(b, env->cc, opts, flush);
	add(b, " ");
	addresses(b, env->bcc, opts, flush);
	add(b, " ");
	nstr(b, env->in_reply_to, opts);
	add(b, " ");
	nstr(b, env->message_id, opts);
	add(b, ")");
	maybe_flush(b, flush);
}

static void
params(struct buf *b, const struct mime_param *p, int opts)
{
	if (p == NULL) {
		add(b, "NIL");
		return;
	}
	add(b, "(");
	for (; p != NULL; p = p->next) {
		resp_string(b, p->name, strlen(p->name), opts);
		add(b, " ");
		resp_string(b, p->value, strlen(p->value), opts);
		if (p->next != NULL)
			add(b, " ");
	}
	add(b, ")");
}

/* body-fld-dsp SP body-fld-lang SP body-fld-loc */
static void
ext_common(struct buf *b, const struct mime_part *part, int opts)
{
	struct rfc822_lex	 lx;
	struct arena		*a;
	char			*tok;
	int			 n = 0;

	add(b, " ");
	if (part->disposition == NULL)
		add(b, "NIL");
	else {
		add(b, "(");
		nstr(b, part->disposition, opts);
		add(b, " ");
		params(b, part->disp_params, opts);
		add(b, ")");
	}
	add(b, " ");
	if (part->language == NULL)
		add(b, "NIL");
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
			add(b, n++ == 0 ? "(" : " ");
			resp_string(b, tok, strlen(tok), opts);
		}
		add(b, n > 0 ? ")" : "NIL");
		arena_free(&a);
	}
	add(b, " ");
	nstr(b, part->location, opts);
}

void
imap_bodystructure_write(struct buf *b, const struct mime_part *part,
    int extended, int opts, void (*flush)(struct buf *))
{
	const struct mime_part	*c;

	add(b, "(");
	if (part->is_multipart) {
		for (c = part->children; c != NULL; c = c->next)
			imap_bodystructure_write(b, c, extended, opts, flush);
		add(b, " ");
		nstr(b, part->subtype, opts);
		if (extended) {
			add(b, " ");
			params(b, part->params, opts);
			ext_common(b, part, opts);
		}
		add(b, ")");
		return;
	}
	nstr(b, part->type, opts);
	add(b, " ");
	nstr(b, part->subtype, opts);
	add(b, " ");
	params(b, part->params, opts);
	add(b, " ");
	nstr(b, part->id, opts);
	add(b, " ");
	nstr(b, part->description, opts);
	add(b, " ");
	nstr(b, part->encoding != NULL ? part->encoding : "7bit", opts);
	num(b, part->body_size);
	if (part->is_message) {
		add(b, " ");
		imap_envelope_write(b, part->env, opts, flush);
		add(b, " ");
		imap_bodystructure_write(b, part->children, extended, opts,
		    flush);
		num(b, part->body_lines);
	} else if (strcasecmp(part->type, "text") == 0)
		num(b, part->body_lines);
	if (extended) {
		add(b, " ");
		nstr(b, part->md5, opts);
		ext_common(b, part, opts);
	}
	add(b, ")");
	maybe_flush(b, flush);
}
