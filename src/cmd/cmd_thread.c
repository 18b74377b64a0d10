/*
 * cmd_thread.c: THREAD and UID THREAD (RFC 5256 3), ORDEREDSUBJECT and
 * REFERENCES.
 *
 * The messages are those the search program matches (sort.h, as SORT
 * finds them). Each message's header fields are read once, from the
 * cache when it has them: one pass over the fields finds the first
 * Subject, Date, Message-ID, References and In-Reply-To; the subject is
 * reduced to its key (subject.h), the date parsed (msgdate.c, the
 * INTERNALDATE when there is none: RFC 5256 2.2). What the threading
 * needs is kept as numbers (threadset.h); the values themselves live in
 * an arena emptied after each message. The threads are pure code:
 * thread.c.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "cache.h"
#include "commands.h"
#include "header.h"
#include "io.h"
#include "maildir.h"
#include "mdlimits.h"
#include "msgdate.h"
#include "msginfo.h"
#include "parser.h"
#include "rfc822.h"
#include "search.h"
#include "searchkey.h"
#include "session.h"
#include "sort.h"
#include "subject.h"
#include "thread.h"
#include "threadset.h"

/* The fields read, ORDEREDSUBJECT's first. */
enum tfield {
	TF_SUBJECT, TF_DATE, TF_MSGID, TF_REFS, TF_IRT, TF_COUNT
};

static const struct {
	const char	*name;
	size_t		 len;
} tfields[TF_COUNT] = {
	{ "subject", 7 }, { "date", 4 }, { "message-id", 10 },
	{ "references", 10 }, { "in-reply-to", 11 },
};

/* What THREAD keeps across messages. */
struct thread_read {
	struct arena	*a;		/* one message's values */
	struct buf	 hdr;		/* a header read from its file */
	struct buf	 dec;		/* subject decoded */
	struct buf	 key;		/* subject key */
};

/* The first of each of the first nf fields of hdr[0..len), unfolded (RFC
 * 5322 2.2.3) as header_value() gives them: v[i] NULL for one that is
 * absent, else its value and length vl[i]. */
static void
thread_fields_get(struct arena *a, const char *hdr, size_t len, size_t nf,
    const char **v, size_t *vl)
{
	struct rfc822_field_iter it;
	struct rfc822_field	 f;
	size_t			 i, found = 0;

	for (i = 0; i < nf; i++) {
		v[i] = NULL;
		vl[i] = 0;
	}
	if (hdr == NULL || len == 0)
		return;
	rfc822_fields_begin(&it, hdr, len);
	while (found < nf && rfc822_fields_next(&it, &f))
		for (i = 0; i < nf; i++) {
			if (v[i] != NULL || f.namelen != tfields[i].len ||
			    (f.name[0] | 0x20) != tfields[i].name[0] ||
			    strncasecmp(f.name, tfields[i].name,
			    f.namelen) != 0)
				continue;
			v[i] = header_value(f.raw, f.rawlen, a, &vl[i]);
			found++;
			break;
		}
}

/* Message idx into the set; -1 when the set is full. */
static int
thread_read_msg(struct session *s, struct thread_read *r,
    struct thread_set *ts, size_t idx, int references)
{
	const char	*v[TF_COUNT], *hdr;
	size_t		 vl[TF_COUNT], len = 0;
	time_t		 t = 0;
	int		 tz, reply;

	arena_reset(r->a);
	hdr = sort_header(s, idx, &r->hdr, &len);	/* gone: no fields */
	thread_fields_get(r->a, hdr, len, references ? TF_COUNT : 2, v, vl);
	if (msginfo_sentdate_get(s, idx, &t) == 1)
		;	/* kept by an earlier SORT or THREAD */
	else if (v[TF_DATE] != NULL &&
	    msgdate_parse(v[TF_DATE], vl[TF_DATE], &t, &tz) == 0)
		msginfo_sentdate_put(s, idx, &t);
	else {
		msginfo_sentdate_put(s, idx, NULL);
		(void)msginfo_date_get(s, idx, &t);
	}
	subject_key(r->a, &r->dec, &r->key, v[TF_SUBJECT], vl[TF_SUBJECT],
	    &reply);
	if (!references)
		return thread_set_add(ts, sort_number(s, idx), t, r->key.data,
		    r->key.len, reply, NULL, 0, NULL, 0, NULL, 0);
	return thread_set_add(ts, sort_number(s, idx), t, r->key.data,
	    r->key.len, reply, v[TF_MSGID], vl[TF_MSGID], v[TF_REFS],
	    vl[TF_REFS], v[TF_IRT], vl[TF_IRT]);
}

/* The set of the messages found; NULL if it grew past its maximum. */
static struct thread_set *
thread_read_all(struct session *s, const size_t *found, size_t n,
    int references)
{
	struct thread_read	 r;
	struct thread_set	*ts;
	size_t			 i;

	ts = thread_set_new(SORT_ARENA_MAX);
	r.a = arena_new(LIMIT_ARENA);
	buf_init(&r.hdr, 4 * 1024 * 1024);
	buf_init(&r.dec, LIMIT_HEADER_VALUE * 4 + 64);
	buf_init(&r.key, LIMIT_HEADER_VALUE * 16 + 64);
	for (i = 0; i < n; i++)
		if (thread_read_msg(s, &r, ts, found[i], references) == -1) {
			thread_set_free(&ts);
			break;
		}
	buf_free(&r.hdr);
	buf_free(&r.dec);
	buf_free(&r.key);
	arena_free(&r.a);
	return ts;
}

void
cmd_thread(struct session *s, struct imap_arg *args)
{
	struct search_cmd	 cmd;
	struct thread_set	*ts;
	struct thread_node	*root;
	struct arena		*sa;
	struct buf		*b, out;
	const char		*alg;
	size_t			*found, n;
	int			 references;

	if (args == NULL || arg_get_atom(args, &alg) == -1) {
		session_bad(s, NULL, "THREAD needs an algorithm");
		return;
	}
	if (strcasecmp(alg, "REFERENCES") == 0)
		references = 1;
	else if (strcasecmp(alg, "ORDEREDSUBJECT") == 0)
		references = 0;
	else {
		session_bad(s, NULL, "Unknown threading algorithm");
		return;
	}
	if (sort_program(s, args->next, &cmd) == -1 ||
	    (found = sort_matches(s, &cmd, &n)) == NULL)
		return;

	ts = thread_read_all(s, found, n, references);
	if (s->cache != NULL)
		cache_flush(s->cache);
	if (ts == NULL) {
		session_no(s, "LIMIT", "Too much to thread");
		return;
	}
	sa = arena_new(SORT_ARENA_MAX);
	root = references ? thread_set_references(ts, sa) :
	    thread_set_orderedsubject(ts, sa);
	thread_set_free(&ts);
	buf_init(&out, SORT_ARENA_MAX);
	if (thread_write(sa, &out, root) == -1) {
		buf_free(&out);
		arena_free(&sa);
		session_no(s, "LIMIT", "The threads do not fit in a response");
		return;
	}
	arena_free(&sa);
	b = session_out(s);
	(void)buf_adds(b, out.len > 0 ? "* THREAD " : "* THREAD");
	io_write(b->data, b->len);
	buf_reset(b);
	io_write(out.data != NULL ? out.data : "", out.len);
	session_send_line(s);
	buf_free(&out);
	session_ok(s, NULL, "Thread completed.");
}
