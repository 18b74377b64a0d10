/*
 * cmd_sort.c: SORT and UID SORT (RFC 5256), with DISPLAYFROM and
 * DISPLAYTO (RFC 5957, SORT=DISPLAY); what THREAD shares with them
 * (sort.h).
 *
 * The messages are those the search program matches (search_run, as
 * SEARCH finds them); for each, what the criteria need is read from its
 * header: subjects decoded (RFC 2047) and reduced to their base subject
 * (subject.c), addresses parsed (envelope.c), dates parsed (msgdate.c),
 * strings compared after i;unicode-casemap (RFC 5256 2: the collation).
 * The order itself is pure code: sortkey.c.
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
#include "msginfo.h"
#include "parser.h"
#include "search.h"
#include "searchkey.h"
#include "session.h"
#include "sort.h"
#include "sortkey.h"
#include "subject.h"

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

/* A message's header, read once, when a key needs it. */
struct hdr {
	struct buf	 b;		/* CRLF */
	int		 ok;
	int		 tried;
};

const char *
sort_header(struct session *s, size_t idx, struct buf *b, size_t *len_r)
{
	const char	*v;
	uint64_t	 raw;
	int		 fd;

	if ((v = hdrcache_get(s, idx, len_r)) != NULL)
		return v;
	buf_reset(b);
	if ((fd = maildir_open_msg(s->sel, idx)) == -1)
		return NULL;
	if (fetch_read_header(fd, b, &raw) == -1) {
		close(fd);
		return NULL;
	}
	close(fd);
	hdrcache_put(s, idx, b->data != NULL ? b->data : "", b->len);
	*len_r = b->len;
	return b->data != NULL ? b->data : "";
}

/* Into h: a copy, as SORT SIZE may call the cache between two fields. */
static int
hdr_read(struct session *s, size_t idx, struct hdr *h)
{
	const char	*v;
	size_t		 len;

	h->ok = 0;
	if ((v = sort_header(s, idx, &h->b, &len)) == NULL)
		return -1;
	if (v != h->b.data) {
		buf_reset(&h->b);
		if (buf_add(&h->b, v, len) == -1)
			return -1;
	}
	h->ok = 1;
	return 0;
}

/* Read it the first time a key asks (gone: no fields). */
static void
hdr_need(struct session *s, size_t idx, struct hdr *h)
{
	if (!h->tried) {
		h->tried = 1;
		(void)hdr_read(s, idx, h);
	}
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

/* The base subject of a header, casemapped (subject.h), into a (what
 * it takes to make it, into ta). */
static char *
subject_sortkey(struct arena *a, struct arena *ta, struct hdr *h,
    size_t *len_r)
{
	struct buf	 d, k;
	const char	*v = field(ta, h, "subject");
	char		*r;
	int		 reply;

	buf_init(&d, LIMIT_HEADER_VALUE * 4 + 64);
	buf_init(&k, LIMIT_HEADER_VALUE * 16 + 64);
	subject_key(ta, &d, &k, v, v != NULL ? strlen(v) : 0, &reply);
	r = arena_strndup(a, k.data != NULL ? k.data : "", k.len);
	*len_r = k.len;
	buf_free(&d);
	buf_free(&k);
	return r;
}

/* RFC 5256 2.2: the sent date, else INTERNALDATE. The Date: field's
 * time (or its absence) is kept in the cache: a later SORT (DATE) needs
 * neither the header nor the date parser. */
static time_t
sent_date(struct arena *ta, struct session *s, size_t idx, struct hdr *h)
{
	const char	*v;
	time_t		 t = 0;
	int		 tz;

	if (msginfo_sentdate_get(s, idx, &t) == 1)
		return t;
	hdr_need(s, idx, h);
	if (!h->ok) {
		(void)msginfo_date_get(s, idx, &t);	/* gone */
		return t;
	}
	v = field(ta, h, "date");
	if (v != NULL && msgdate_parse(v, strlen(v), &t, &tz) == 0) {
		msginfo_sentdate_put(s, idx, &t);
		return t;
	}
	msginfo_sentdate_put(s, idx, NULL);
	(void)msginfo_date_get(s, idx, &t);
	return t;
}

/* The key of an address criterion: the first address's mailbox (FROM,
 * TO, CC) or display name (DISPLAYFROM, DISPLAYTO), casemapped, into a
 * (what it takes to find it, into ta). */
static char *
address_key(struct arena *a, struct arena *ta, struct hdr *h,
    const char *name, int display, size_t *len_r)
{
	const char		*v = field(ta, h, name), *s;
	const struct address	*ad;
	struct sortkey_addr	 sa;

	/* The first entry, a group's name too, as Dovecot sorts. */
	memset(&sa, 0, sizeof(sa));
	if (v != NULL && (ad = address_parse(v, strlen(v), ta)) != NULL) {
		sa.name = ad->name;
		sa.mailbox = ad->mailbox;
		sa.host = ad->host;
	}
	if (display) {
		s = sortkey_addr_display(ta, &sa);
		return key_text(a, s, strlen(s), 1, len_r);
	}
	s = sortkey_addr_mailbox(&sa);
	return key_text(a, s, strlen(s), 0, len_r);
}

uint32_t
sort_number(const struct session *s, size_t idx)
{
	return s->uid_cmd ? s->sel->msgs[idx].uid : (uint32_t)(idx + 1);
}

int
sort_program(struct session *s, struct imap_arg *charset, struct search_cmd *cmd)
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

size_t *
sort_matches(struct session *s, struct search_cmd *cmd, size_t *n_r)
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
	struct search_cmd	 cmd;
	struct sortkey_crit	 crit[SORT_CRIT_MAX];
	enum sort_by		 by[SORT_CRIT_MAX];
	struct sortkey_val	*vals;
	struct imap_arg		*list, *a;
	struct arena		*sa, *ta;
	struct hdr		 h;
	struct buf		*b;
	const char		*name;
	size_t			*found, *order, n, nl, nc = 0, i, j, k;
	int			 reverse = 0;

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
	if (sort_program(s, args->next, &cmd) == -1 ||
	    (found = sort_matches(s, &cmd, &n)) == NULL)
		return;

	sa = arena_new(SORT_ARENA_MAX);
	/* what making one message's keys takes, dropped after it */
	ta = arena_new(SORT_ARENA_MAX);
	vals = arena_reallocarray(sa, NULL, 0, n * nc + 1, sizeof(*vals));
	buf_init(&h.b, 4 * 1024 * 1024);
	for (i = 0; i < n; i++) {
		size_t		 idx = found[i];
		uint64_t	 size;
		time_t		 t;

		arena_reset(ta);
		h.ok = h.tried = 0;	/* read when a key needs it */
		for (j = 0; j < nc; j++) {
			struct sortkey_val *v = &vals[i * nc + j];

			if (by[j] != BY_ARRIVAL && by[j] != BY_SIZE &&
			    by[j] != BY_DATE)
				hdr_need(s, idx, &h);	/* gone: keys empty */
			switch (by[j]) {
			case BY_ARRIVAL:
				t = 0;
				(void)msginfo_date_get(s, idx, &t);
				v->num = (int64_t)t;
				break;
			case BY_DATE:
				v->num = (int64_t)sent_date(ta, s, idx, &h);
				break;
			case BY_SIZE:
				size = 0;
				(void)msginfo_vsize_get(s, idx, &size);
				v->num = (int64_t)size;
				break;
			case BY_SUBJECT:
				v->str = subject_sortkey(sa, ta, &h, &v->len);
				break;
			case BY_FROM:
			case BY_TO:
			case BY_CC:
				v->str = address_key(sa, ta, &h, by[j] == BY_FROM ?
				    "from" : by[j] == BY_TO ? "to" : "cc", 0,
				    &v->len);
				break;
			case BY_DISPLAYFROM:
			case BY_DISPLAYTO:
				v->str = address_key(sa, ta, &h,
				    by[j] == BY_DISPLAYFROM ? "from" : "to", 1,
				    &v->len);
				break;
			}
		}
	}
	buf_free(&h.b);
	arena_free(&ta);
	order = sortkey_sort(sa, crit, nc, vals, n);
	b = session_out(s);
	(void)buf_adds(b, "* SORT");
	for (i = 0; i < n; i++) {
		(void)buf_addc(b, ' ');
		(void)buf_addu(b, sort_number(s, found[order[i]]));
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
