/*
 * t_envelope.c: address lists (RFC 5322 3.4 and its obsolete forms, with
 * the garbage real mail holds) to ENVELOPE's (name adl mailbox host)
 * lists, and the envelope of a header; ENVELOPE as written
 * (bodystructure.c), Sender and Reply-To defaulting to From the same
 * whether From is copied or written again, flushed or not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "bodystructure.h"
#include "buf.h"
#include "envelope.h"
#include "test.h"

static struct arena	*a;

static void
nstr(struct buf *b, const char *s)
{
	if (s == NULL)
		(void)buf_adds(b, "NIL");
	else
		(void)buf_printf(b, "\"%s\"", s);
}

/* (name adl mailbox host)... as one string; "NIL" for no address. */
static const char *
dump(const struct address *ad)
{
	static struct buf	b;

	buf_free(&b);
	buf_init(&b, 1 << 20);
	if (ad == NULL)
		(void)buf_adds(&b, "NIL");
	for (; ad != NULL; ad = ad->next) {
		(void)buf_addc(&b, '(');
		nstr(&b, ad->name);
		(void)buf_addc(&b, ' ');
		nstr(&b, ad->adl);
		(void)buf_addc(&b, ' ');
		nstr(&b, ad->mailbox);
		(void)buf_addc(&b, ' ');
		nstr(&b, ad->host);
		(void)buf_addc(&b, ')');
	}
	return b.data;
}

static const struct {
	const char	*in;
	const char	*want;
} cases[] = {
	{ "a@b.c", "(NIL NIL \"a\" \"b.c\")" },
	{ "  Alice  Example <alice@example.com>",
	  "(\"Alice Example\" NIL \"alice\" \"example.com\")" },
	{ "\"Doe, John\" <jd@x.y>, j@x.y",
	  "(\"Doe, John\" NIL \"jd\" \"x.y\")(NIL NIL \"j\" \"x.y\")" },
	{ "\"a \\\"q\\\" \\\\ b\" <q@x>", "(\"a \"q\" \\ b\" NIL \"q\" \"x\")" },
	/* a comment after a bare address names it */
	{ "a@b.c (Alice)", "(\"Alice\" NIL \"a\" \"b.c\")" },
	{ "(lead) Bob (mid) <bob@b.c> (trail)",
	  "(\"Bob\" NIL \"bob\" \"b.c\")" },
	{ "local(c)@(d)dom.ain", "(NIL NIL \"local\" \"dom.ain\")" },
	/* routes */
	{ "<@r1.net,@r2.net:u@b.c>",
	  "(NIL \"@r1.net,@r2.net\" \"u\" \"b.c\")" },
	{ "Name <@r1:u@b.c>", "(\"Name\" \"@r1\" \"u\" \"b.c\")" },
	/* quoted local parts keep their spaces, dots stay */
	{ "\"john doe\"@b.c", "(NIL NIL \"john doe\" \"b.c\")" },
	{ "john.\"q\".doe@b.c", "(NIL NIL \"john.q.doe\" \"b.c\")" },
	{ "john . doe @ b . c", "(NIL NIL \"john.doe\" \"b.c\")" },
	{ "x@[192.168.0.1]", "(NIL NIL \"x\" \"[192.168.0.1]\")" },
	/* groups */
	{ "Friends: a@b.c, \"Two\" <t@b.c>;",
	  "(NIL NIL \"Friends\" NIL)(NIL NIL \"a\" \"b.c\")"
	  "(\"Two\" NIL \"t\" \"b.c\")(NIL NIL NIL NIL)" },
	{ "undisclosed-recipients:;",
	  "(NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)" },
	{ "G: a@b.c", "(NIL NIL \"G\" NIL)(NIL NIL \"a\" \"b.c\")"
	  "(NIL NIL NIL NIL)" },
	{ "A:;, B: x@y;", "(NIL NIL \"A\" NIL)(NIL NIL NIL NIL)"
	  "(NIL NIL \"B\" NIL)(NIL NIL \"x\" \"y\")(NIL NIL NIL NIL)" },
	/* missing parts */
	{ "nodomain", "(NIL NIL \"nodomain\" \"MISSING_DOMAIN\")" },
	{ "user@", "(NIL NIL \"user\" \"MISSING_DOMAIN\")" },
	{ "@host", "(NIL NIL \"MISSING_MAILBOX\" \"host\")" },
	{ "<>", "(NIL NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\")" },
	{ "Name <>", "(\"Name\" NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\")" },
	/* nothing */
	{ "", "NIL" },
	{ " , ,, ", "NIL" },
	{ "(only a comment)", "NIL" },
	/* folded, CRLF: no line end reaches a string */
	{ "a@b.c,\r\n c@d.e", "(NIL NIL \"a\" \"b.c\")(NIL NIL \"c\" \"d.e\")" },
	{ "\"Long\r\n Name\" <n@x>", "(\"Long Name\" NIL \"n\" \"x\")" },
	/* garbage goes on to what follows */
	{ "<no-close@b.c, x@y", "(NIL NIL \"no-close\" \"b.c\")" },
	{ "a@b@c", "(NIL NIL \"a\" \"b\")(NIL NIL \"MISSING_MAILBOX\" \"c\")" },
	/* 8-bit bytes are atom characters; encoded words stay raw */
	{ "Ren\xe9 <r@b.c>", "(\"Ren\xe9\" NIL \"r\" \"b.c\")" },
	{ "=?UTF-8?Q?J=C3=BCrgen?= <j@b.c>",
	  "(\"=?UTF-8?Q?J=C3=BCrgen?=\" NIL \"j\" \"b.c\")" },
	/* phrases of one word, of a few, and of more than envelope.c
	 * joins without a buf (8); empty quoted words */
	{ "One <o@b.c>", "(\"One\" NIL \"o\" \"b.c\")" },
	{ "a b c d e f g h <w@b.c>",
	  "(\"a b c d e f g h\" NIL \"w\" \"b.c\")" },
	{ "a b c d e f g h i <w@b.c>",
	  "(\"a b c d e f g h i\" NIL \"w\" \"b.c\")" },
	{ "a \"b\" c d e f g h i j k l m n o p q r s <w@b.c>",
	  "(\"a b c d e f g h i j k l m n o p q r s\" NIL \"w\" \"b.c\")" },
	{ "a b c d e f g h i j k l m n o p q \"r s\"@b.c",
	  "(NIL NIL \"abcdefghijklmnopqr s\" \"b.c\")" },
	{ "a b \"c d\"@b.c", "(NIL NIL \"abc d\" \"b.c\")" },
	{ "\"\" <e@b.c>", "(NIL NIL \"e\" \"b.c\")" },
	{ "\"\" \"\" <e@b.c>", "(\" \" NIL \"e\" \"b.c\")" },
	{ "\"\"\"\"@b.c", "(NIL NIL \"MISSING_MAILBOX\" \"b.c\")" },
	{ "\"\" \"\" \"\" \"\" \"\" \"\" \"\" \"\" \"\" \"\" <e@b.c>",
	  "(\"         \" NIL \"e\" \"b.c\")" },
};

static void
test_addresses(void)
{
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		arena_reset(a);
		CHECK_STR(dump(address_parse(cases[i].in, strlen(cases[i].in),
		    a)), cases[i].want);
	}
}

/* Every prefix of every case, and some bytes alone: never a crash, and
 * never a CR or LF in a string. */
static void
test_prefixes(void)
{
	static const char	 junk[] = "<>\"()\\@,;:[] \r\n\t\x80";
	const struct address	*ad;
	char			 s[2];
	size_t			 i, n, bad = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (n = 0; n <= strlen(cases[i].in); n++) {
			arena_reset(a);
			for (ad = address_parse(cases[i].in, n, a); ad != NULL;
			    ad = ad->next)
				if ((ad->name != NULL && strpbrk(ad->name,
				    "\r\n") != NULL) || (ad->mailbox != NULL &&
				    strpbrk(ad->mailbox, "\r\n") != NULL))
					bad++;
		}
	for (i = 0; i < sizeof(junk) - 1; i++) {
		s[0] = junk[i];
		arena_reset(a);
		(void)address_parse(s, 1, a);
	}
	CHECK_INT(bad, 0);
}

static void
test_envelope(void)
{
	static const char	 hdr[] =
	    "Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
	    "Subject: first\n second line\n"
	    "Subject: ignored\n"
	    "From: a@b.c\n"
	    "Reply-To:\n"
	    "To: x@y.z,\n z@y.z\n"
	    "Message-ID:  <id@b.c>  \n"
	    "In-Reply-To: <p@b.c>\n"
	    "\n"
	    "To: body@not.header\n";
	struct envelope		*env;

	arena_reset(a);
	env = envelope_parse(hdr, sizeof(hdr) - 1, a);
	CHECK_STR(env->date, "Mon, 1 Jan 2024 10:00:00 +0000");
	CHECK_STR(env->subject, "first second line");
	CHECK_STR(dump(env->from), "(NIL NIL \"a\" \"b.c\")");
	/* RFC 9051 7.5.2: Sender, and an empty Reply-To, default to From */
	CHECK(env->sender == env->from);
	CHECK(env->reply_to == env->from);
	CHECK_STR(dump(env->to),
	    "(NIL NIL \"x\" \"y.z\")(NIL NIL \"z\" \"y.z\")");
	CHECK(env->cc == NULL && env->bcc == NULL);
	CHECK_STR(env->message_id, "<id@b.c>");
	CHECK_STR(env->in_reply_to, "<p@b.c>");

	arena_reset(a);
	env = envelope_parse("", 0, a);
	CHECK(env->date == NULL && env->subject == NULL &&
	    env->from == NULL && env->sender == NULL && env->to == NULL &&
	    env->message_id == NULL);
}

static struct buf	sent;	/* what flush_to_sent() sent */

static void
flush_to_sent(struct buf *b)
{
	(void)buf_add(&sent, b->data, b->len);
	buf_reset(b);
}

/* ENVELOPE of hdr as written whole (flush NULL) or in flushed pieces. */
static const char *
env_written(const char *hdr, size_t len, int flushed)
{
	static struct buf	out;
	struct buf		b;

	arena_reset(a);
	buf_init(&b, 64UL * 1024 * 1024);
	buf_free(&sent);
	buf_init(&sent, 64UL * 1024 * 1024);
	imap_envelope_write(&b, envelope_parse(hdr, len, a), 0,
	    flushed ? flush_to_sent : NULL);
	(void)buf_add(&sent, b.data, b.len);
	buf_free(&b);
	buf_free(&out);
	out = sent;
	memset(&sent, 0, sizeof(sent));
	return out.data;
}

static void
test_envelope_write(void)
{
	struct buf	 h1, h2;
	char		*w1, *w2;
	size_t		 i, n;

	/* From only, then From, Sender and Reply-To the same: one output.
	 * 16,000 addresses pass BODYSTRUCTURE_FLUSH (a flush inside From)
	 * and stay within LIMIT_HEADER_VALUE. */
	for (n = 1; n <= 16000; n += 15999) {
		buf_init(&h1, 64UL * 1024 * 1024);
		buf_init(&h2, 64UL * 1024 * 1024);
		(void)buf_adds(&h1, "Subject: s\nFrom: ");
		(void)buf_adds(&h1, "\"N\\\"0\" <u0@x.y>");
		for (i = 1; i < n; i++)
			(void)buf_adds(&h1, ",a@b");
		(void)buf_adds(&h1, "\n");
		(void)buf_add(&h2, h1.data, h1.len);
		(void)buf_add(&h2, "Sender: ", 8);
		(void)buf_add(&h2, h1.data + 17, h1.len - 17);
		(void)buf_add(&h2, "Reply-To: ", 10);
		(void)buf_add(&h2, h1.data + 17, h1.len - 17);
		(void)buf_adds(&h1, "To: t@x.y\n\n");
		(void)buf_adds(&h2, "To: t@x.y\n\n");
		w1 = strdup(env_written(h1.data, h1.len, 0));
		w2 = strdup(env_written(h2.data, h2.len, 0));
		CHECK(w1 != NULL && w2 != NULL && strcmp(w1, w2) == 0);
		CHECK_STR(env_written(h1.data, h1.len, 1), w1);
		CHECK_STR(env_written(h2.data, h2.len, 1), w1);
		if (n == 1)
			CHECK_STR(w1, "(NIL \"s\" "
			    "((\"N\\\"0\" NIL \"u0\" \"x.y\")) "
			    "((\"N\\\"0\" NIL \"u0\" \"x.y\")) "
			    "((\"N\\\"0\" NIL \"u0\" \"x.y\")) "
			    "((NIL NIL \"t\" \"x.y\")) NIL NIL NIL NIL)");
		else
			CHECK(strlen(w1) > 3 * BODYSTRUCTURE_FLUSH);
		free(w1);
		free(w2);
		buf_free(&h1);
		buf_free(&h2);
	}
}

/*
 * A field of thousands of quoted strings or comments, within
 * LIMIT_HEADER_VALUE, is parsed within a small part of the arena (each
 * took room for the rest of the value: 16,000 of them passed the 64 MB
 * limit, and the session ended).
 */
static void
test_many_quoted(void)
{
	struct buf		 h;
	const struct envelope	*env;
	size_t			 i;
	int			 k;

	for (k = 0; k < 2; k++) {
		buf_init(&h, 1024 * 1024);
		(void)buf_adds(&h, "From: ");
		for (i = 0; i < 16000; i++)
			(void)buf_adds(&h, k == 0 ? "\"x\"," : "(c)a@b,");
		(void)buf_adds(&h, "u@x.y\n\n");
		CHECK(h.len < 128 * 1024);
		arena_reset(a);
		env = envelope_parse(h.data, h.len, a);
		CHECK(env->from != NULL);
		CHECK(arena_used(a) < 8UL * 1024 * 1024);
		buf_free(&h);
	}
}

int
main(void)
{
	a = arena_new(64UL * 1024 * 1024);
	test_many_quoted();
	test_addresses();
	test_prefixes();
	test_envelope();
	test_envelope_write();
	arena_free(&a);
	return test_done("t_envelope");
}
