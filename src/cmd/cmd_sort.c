/*
 * cmd_sort.c: SORT, UID SORT, THREAD and UID THREAD (RFC 5256), with
 * DISPLAYFROM and DISPLAYTO (RFC 5957, SORT=DISPLAY).
 *
 * The messages are those the search program matches (search_run, as
 * SEARCH finds them); for each, what the criteria need is read from its
 * header: subjects decoded (RFC 2047) and reduced to their base subject
 * (subject.c), addresses parsed (envelope.c), dates parsed (msgdate.c),
 * strings compared after i;unicode-casemap (RFC 5256 2: the collation).
 * The orders and threads themselves are pure code: sortkey.c, thread.c.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "cache.h"
#include "casemap.h"
#include "commands.h"
#include "decode.h"
#include "envelope.h"
#include "fetch.h"
#include "hdrcache.h"
#include "io.h"
#include "log.h"
#include "maildir.h"
#include "mdlimits.h"
#include "mime.h"
#include "msgdate.h"
#include "msgid.h"
#include "parser.h"
#include "search.h"
#include "searchkey.h"
#include "session.h"
#include "sortkey.h"
#include "subject.h"
#include "thread.h"

/* Memory for one SORT or THREAD: per message a few short strings, and
 * for THREAD its references. */
#define SORT_ARENA_MAX	(256UL * 1024 * 1024)
/* Criteria in one SORT (each may be given once). */
#define SORT_CRIT_MAX	16
/* Flush the response line past this. */
#define SORT_FLUSH	(64 * 1024)

enum sort_by {
	BY_ARRIVAL, BY_CC, BY_DATE, BY_FROM, BY_SIZE, BY_SUBJECT, BY_TO,
	BY_DISPLAYFROM, BY_DISPLAYTO,
};

static const struct {
	const char	*name;
	enum sort_by	 by;
} sort_names[] = {
	{ "ARRIVAL", BY_ARRIVAL }, { "CC", BY_CC }, { "DATE", BY_DATE },
	{ "FROM", BY_FROM }, { "SIZE", BY_SIZE }, { "SUBJECT", BY_SUBJECT },
	{ "TO", BY_TO }, { "DISPLAYFROM", BY_DISPLAYFROM },
	{ "DISPLAYTO", BY_DISPLAYTO },
};

/* A message's header, read once. */
struct hdr {
	struct buf	 b;		/* CRLF */
	int		 ok;
};

/* The fields SORT and THREAD read are all among those the cache keeps:
 * from it when it has them, else from the file (and then kept). */
static int
hdr_read(struct session *s, size_t idx, struct hdr *h)
{
	const char	*v;
	uint64_t	 raw;
	size_t		 len;
	int		 fd;

	buf_reset(&h->b);
	h->ok = 0;
	if ((v = hdrcache_get(s, idx, &len)) != NULL) {
		if (buf_add(&h->b, v, len) == -1)
			return -1;
		h->ok = 1;
		return 0;
	}
	if ((fd = maildir_open_msg(s->sel, idx)) == -1)
		return -1;
	if (fetch_read_header(fd, &h->b, &raw) == -1) {
		close(fd);
		return -1;
	}
	close(fd);
	hdrcache_put(s, idx, h->b.data != NULL ? h->b.data : "", h->b.len);
	h->ok = 1;
	return 0;
}

static char *
field(struct arena *a, struct hdr *h, const char *name)
{
	if (!h->ok || h->b.len == 0)
		return NULL;
	return mime_header_get(h->b.data, h->b.len, name, a);
}

/* s casemapped (and RFC 2047-decoded first when decode) into the arena. */
static char *
key_text(struct arena *a, const char *s, size_t len, int decode,
    size_t *len_r)
{
	struct buf	d, c;
	char		*r;

	buf_init(&d, LIMIT_HEADER_VALUE * 4 + 64);
	buf_init(&c, LIMIT_HEADER_VALUE * 16 + 64);
	if (decode) {
		(void)decode_header(&d, s, len);
		s = d.data != NULL ? d.data : "";
		len = d.len;
	}
	(void)casemap_buf(&c, s, len);
	r = arena_strndup(a, c.data != NULL ? c.data : "", c.len);
	*len_r = c.len;
	buf_free(&d);
	buf_free(&c);
	return r;
}

/* The base subject of a header, casemapped (subject.h), and whether it
 * was a reply or forward. */
static char *
subject_sortkey(struct arena *a, struct hdr *h, size_t *len_r, int *reply_r)
{
	struct buf	 d, k;
	const char	*v = field(a, h, "subject");
	char		*r;

	buf_init(&d, LIMIT_HEADER_VALUE * 4 + 64);
	buf_init(&k, LIMIT_HEADER_VALUE * 16 + 64);
	subject_key(a, &d, &k, v, v != NULL ? strlen(v) : 0, reply_r);
	r = arena_strndup(a, k.data != NULL ? k.data : "", k.len);
	*len_r = k.len;
	buf_free(&d);
	buf_free(&k);
	return r;
}

/* RFC 5256 2.2: the sent date, else INTERNALDATE. */
static time_t
sent_date(struct arena *a, struct maildir *m, size_t idx, struct hdr *h)
{
	const char	*v = field(a, h, "date");
	time_t		 t = 0;
	int		 tz;

	if (v != NULL && msgdate_parse(v, strlen(v), &t, &tz) == 0)
		return t;
	(void)maildir_internaldate(m, idx, &t);
	return t;
}

/* The key of an address criterion: the first address's mailbox (FROM,
 * TO, CC) or display name (DISPLAYFROM, DISPLAYTO), casemapped. */
static char *
address_key(struct arena *a, struct hdr *h, const char *name, int display,
    size_t *len_r)
{
	const char		*v = field(a, h, name), *s;
	const struct address	*ad;
	struct sortkey_addr	 sa;

	/* The first entry, a group's name too, as Dovecot sorts. */
	memset(&sa, 0, sizeof(sa));
	if (v != NULL && (ad = address_parse(v, strlen(v), a)) != NULL) {
		sa.name = ad->name;
		sa.mailbox = ad->mailbox;
		sa.host = ad->host;
	}
	if (display) {
		s = sortkey_addr_display(a, &sa);
		return key_text(a, s, strlen(s), 1, len_r);
	}
	s = sortkey_addr_mailbox(&sa);
	return key_text(a, s, strlen(s), 0, len_r);
}

static uint32_t
number(const struct session *s, size_t idx)
{
	return s->uid_cmd ? s->sel->msgs[idx].uid : (uint32_t)(idx + 1);
}

/* The search program after the charset (RFC 5256 3: charset SP
 * search-key *(SP search-key)); US-ASCII and UTF-8 only, as SEARCH. */
static int
program(struct session *s, struct imap_arg *charset, struct search_cmd *cmd)
{
	const char	*cs, *err;

	if (charset == NULL || charset->next == NULL ||
	    arg_get_astring(charset, &cs) == -1) {
		session_bad(s, NULL, "%s needs a charset and search keys",
		    s->cmd_name);
		return -1;
	}
	if (strcasecmp(cs, "UTF-8") != 0 && strcasecmp(cs, "US-ASCII") != 0) {
		session_no(s, "BADCHARSET (UTF-8 US-ASCII)",
		    "Unsupported charset");
		return -1;
	}
	switch (searchkey_parse(s->cmd_arena, charset->next, cmd, &err)) {
	case SKE_OK:
		break;
	case SKE_LIMIT:
		session_bad(s, "LIMIT", "%s", err);
		return -1;
	case SKE_CHARSET:
	default:
		session_bad(s, NULL, "%s", err);
		return -1;
	}
	if (cmd->ret_given || cmd->charset != NULL) {
		session_bad(s, NULL, "Invalid search program");
		return -1;
	}
	return 0;
}

/* Run the program; NULL after an answer of its own. */
static size_t *
matches(struct session *s, struct search_cmd *cmd, size_t *n_r)
{
	size_t	*found;

	if (search_run(s, cmd, &found, n_r) == -1) {
		session_no(s, "SERVERBUG", "Some messages could not be read, "
		    "see the server log");
		return NULL;
	}
	return found;
}

void
cmd_sort(struct session *s, struct imap_arg *args)
{
	struct maildir		*m = s->sel;
	struct search_cmd	 cmd;
	struct sortkey_crit	 crit[SORT_CRIT_MAX];
	enum sort_by		 by[SORT_CRIT_MAX];
	struct sortkey_val	*vals;
	struct imap_arg		*list, *a;
	struct arena		*sa;
	struct hdr		 h;
	struct buf		*b;
	const char		*name;
	size_t			*found, *order, n, nl, nc = 0, i, j, k;
	int			 reverse = 0, reply;

	if (args == NULL || arg_get_list(args, &list, &nl) == -1 || nl == 0) {
		session_bad(s, NULL, "SORT needs a list of sort criteria");
		return;
	}
	for (a = list, i = 0; i < nl; i++, a = a->next) {
		if (arg_get_atom(a, &name) == -1)
			goto bad;
		if (strcasecmp(name, "REVERSE") == 0 && !reverse) {
			reverse = 1;
			continue;
		}
		for (k = 0; k < sizeof(sort_names) / sizeof(sort_names[0]);
		    k++)
			if (strcasecmp(name, sort_names[k].name) == 0)
				break;
		if (k == sizeof(sort_names) / sizeof(sort_names[0]) ||
		    nc == SORT_CRIT_MAX)
			goto bad;
		by[nc] = sort_names[k].by;
		crit[nc].kind = by[nc] == BY_ARRIVAL || by[nc] == BY_DATE ||
		    by[nc] == BY_SIZE ? SORTKEY_NUM : SORTKEY_STR;
		crit[nc].reverse = reverse;
		reverse = 0;
		nc++;
	}
	if (reverse || nc == 0)
		goto bad;
	if (program(s, args->next, &cmd) == -1 ||
	    (found = matches(s, &cmd, &n)) == NULL)
		return;

	sa = arena_new(SORT_ARENA_MAX);
	vals = arena_reallocarray(sa, NULL, 0, n * nc + 1, sizeof(*vals));
	buf_init(&h.b, 4 * 1024 * 1024);
	for (i = 0; i < n; i++) {
		size_t		 idx = found[i];
		int		 need_hdr = 0;
		uint64_t	 size;
		time_t		 t;

		for (j = 0; j < nc; j++)
			if (by[j] != BY_ARRIVAL && by[j] != BY_SIZE)
				need_hdr = 1;
		h.ok = 0;
		if (need_hdr)
			(void)hdr_read(s, idx, &h);	/* gone: keys empty */
		for (j = 0; j < nc; j++) {
			struct sortkey_val *v = &vals[i * nc + j];

			switch (by[j]) {
			case BY_ARRIVAL:
				t = 0;
				(void)maildir_internaldate(m, idx, &t);
				v->num = (int64_t)t;
				break;
			case BY_DATE:
				v->num = (int64_t)sent_date(sa, m, idx, &h);
				break;
			case BY_SIZE:
				size = 0;
				(void)maildir_vsize(m, idx, &size);
				v->num = (int64_t)size;
				break;
			case BY_SUBJECT:
				v->str = subject_sortkey(sa, &h, &v->len, &reply);
				break;
			case BY_FROM:
			case BY_TO:
			case BY_CC:
				v->str = address_key(sa, &h, by[j] == BY_FROM ?
				    "from" : by[j] == BY_TO ? "to" : "cc", 0,
				    &v->len);
				break;
			case BY_DISPLAYFROM:
			case BY_DISPLAYTO:
				v->str = address_key(sa, &h,
				    by[j] == BY_DISPLAYFROM ? "from" : "to", 1,
				    &v->len);
				break;
			}
		}
	}
	buf_free(&h.b);
	order = sortkey_sort(sa, crit, nc, vals, n);
	b = session_out(s);
	(void)buf_adds(b, "* SORT");
	for (i = 0; i < n; i++) {
		(void)buf_printf(b, " %u", number(s, found[order[i]]));
		if (b->len > SORT_FLUSH) {
			io_write(b->data, b->len);
			buf_reset(b);
		}
	}
	session_send_line(s);
	arena_free(&sa);
	if (s->cache != NULL)
		cache_flush(s->cache);
	session_ok(s, NULL, "Sort completed.");
	return;
bad:
	session_bad(s, NULL, "Invalid sort criteria");
}

void
cmd_thread(struct session *s, struct imap_arg *args)
{
	struct maildir		*m = s->sel;
	struct search_cmd	 cmd;
	struct thread_msg	*tm;
	struct thread_node	*root;
	struct arena		*sa;
	struct hdr		 h;
	struct buf		*b, out;
	const char		*alg, *v, *refs, *irt;
	char			**ids;
	size_t			*found, n, i;
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
	if (program(s, args->next, &cmd) == -1 ||
	    (found = matches(s, &cmd, &n)) == NULL)
		return;

	sa = arena_new(SORT_ARENA_MAX);
	tm = arena_reallocarray(sa, NULL, 0, n + 1, sizeof(*tm));
	buf_init(&h.b, 4 * 1024 * 1024);
	for (i = 0; i < n; i++) {
		size_t	idx = found[i];

		(void)hdr_read(s, idx, &h);	/* gone: no fields */
		tm[i].id = number(s, idx);
		tm[i].date = sent_date(sa, m, idx, &h);
		tm[i].subject = subject_sortkey(sa, &h, &tm[i].subject_len,
		    &tm[i].reply);
		if (!references)
			continue;
		v = field(sa, &h, "message-id");
		tm[i].msgid = v != NULL ? msgid_first(sa, v, strlen(v)) : NULL;
		refs = field(sa, &h, "references");
		irt = field(sa, &h, "in-reply-to");
		tm[i].nrefs = msgid_references(sa, refs, refs != NULL ?
		    strlen(refs) : 0, irt, irt != NULL ? strlen(irt) : 0, &ids);
		tm[i].refs = ids;
	}
	buf_free(&h.b);
	root = references ? thread_references(sa, tm, n) :
	    thread_orderedsubject(sa, tm, n);
	buf_init(&out, SORT_ARENA_MAX);
	if (thread_write(sa, &out, root) == -1) {
		buf_free(&out);
		arena_free(&sa);
		session_no(s, "LIMIT", "The threads do not fit in a response");
		return;
	}
	b = session_out(s);
	(void)buf_adds(b, out.len > 0 ? "* THREAD " : "* THREAD");
	io_write(b->data, b->len);
	buf_reset(b);
	io_write(out.data != NULL ? out.data : "", out.len);
	session_send_line(s);
	buf_free(&out);
	arena_free(&sa);
	if (s->cache != NULL)
		cache_flush(s->cache);
	session_ok(s, NULL, "Thread completed.");
}
