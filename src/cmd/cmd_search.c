/*
 * cmd_search.c: SEARCH and UID SEARCH (RFC 9051 6.4.4, RFC 3501 6.4.4),
 * with ESEARCH's RETURN options (RFC 4731) and SEARCHRES's SAVE and "$"
 * (RFC 5182).
 *
 * Each message is tried in three steps, each only when the one before
 * left the answer open: first the keys that need no file (flags,
 * keywords, numbers, sizes and dates the store has), then the header keys
 * with the file open, then the body and text keys (search_text.c). The
 * keys are evaluated in three-valued logic: a key that needs what is not
 * read yet is "unknown", and AND, OR, NOT settle without it when they can
 * ("FLAGGED BODY x" never opens an unflagged message).
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "cache.h"
#include "commands.h"
#include "condstore.h"
#include "fetch.h"
#include "hdrcache.h"
#include "io.h"
#include "log.h"
#include "maildir.h"
#include "msginfo.h"
#include "msgset.h"
#include "objectid.h"
#include "parser.h"
#include "resp.h"
#include "savedate.h"
#include "search.h"
#include "searchkey.h"
#include "seqset.h"
#include "session.h"

#define NO	0
#define YES	1
#define UNK	(-1)

/* Flush the response line being built past this. */
#define SEARCH_FLUSH	(64 * 1024)

struct sctx {
	struct session		*s;
	struct maildir		*m;
	size_t			 idx;
	struct search_msg	*sm;	/* NULL: the file is not read */
	int			 hdr_only;	/* cached header fields do */
	struct buf		 hdr;		/* a header read (hdr_only) */
	struct savedates	*sd;		/* for SAVED* (RFC 8514) */
	int			 have_date;
	long			 date_day;
};

static long
day_of(time_t t)
{
	return (long)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
}

/* RFC 9051 6.4.4: INTERNALDATE's day, disregarding time and timezone:
 * the day it was in the server's zone, as Dovecot compares. */
static long
internal_day(struct sctx *c)
{
	struct tm	tm;
	time_t		t = 0;

	if (!c->have_date) {
		(void)msginfo_date_get(c->s, c->idx, &t);
		(void)localtime_r(&t, &tm);
		c->date_day = day_of(t + tm.tm_gmtoff);
		c->have_date = 1;
	}
	return c->date_day;
}

/* RFC 8514 4.3: the save date's day, in the server's zone as for
 * BEFORE, ON and SINCE. */
static long
saved_day(struct sctx *c)
{
	struct tm	tm;
	time_t		t = 0;

	if (savedate_get(c->sd, c->m->msgs[c->idx].uid, &t) == -1)
		(void)msginfo_date_get(c->s, c->idx, &t);
	(void)localtime_r(&t, &tm);
	return day_of(t + tm.tm_gmtoff);
}

static int
flag_has(struct sctx *c, const struct skey *k)
{
	const struct mmsg	*msg = &c->m->msgs[c->idx];
	static const uint8_t	 bits[] = {
		[SKF_ANSWERED] = MF_ANSWERED, [SKF_DELETED] = MF_DELETED,
		[SKF_DRAFT] = MF_DRAFT, [SKF_FLAGGED] = MF_FLAGGED,
		[SKF_SEEN] = MF_SEEN,
	};

	if (k->flag == SKF_RECENT)
		return (msg->state & MSG_RECENT) != 0;
	return (msg->flags & bits[k->flag]) != 0;
}

static int
tri(int v)
{
	return v ? YES : NO;
}

static int
eval(struct sctx *c, const struct skey *k)
{
	const struct mmsg	*msg = &c->m->msgs[c->idx];
	const struct skey	*ch;
	uint64_t		 size;
	int			 r, v;
	long			 day;

	switch (k->type) {
	case SK_ALL:
		return YES;
	case SK_AND:
		for (r = YES, ch = k->child; ch != NULL; ch = ch->next) {
			if ((v = eval(c, ch)) == NO)
				return NO;
			if (v == UNK)
				r = UNK;
		}
		return r;
	case SK_OR:
		if ((r = eval(c, k->child)) == YES)
			return YES;
		if ((v = eval(c, k->child->next)) == YES)
			return YES;
		return r == UNK || v == UNK ? UNK : NO;
	case SK_NOT:
		r = eval(c, k->child);
		return r == UNK ? UNK : !r;
	case SK_FLAG:
		return tri(flag_has(c, k) != k->neg);
	case SK_NEW:
		return tri((msg->state & MSG_RECENT) && !(msg->flags & MF_SEEN));
	case SK_KEYWORD:
		return tri((k->kw >= 0 && (msg->keywords & (1u << k->kw))) !=
		    k->neg);
	case SK_SEQ:
		if (k->set.saved)
			return tri(msgset_saved_has(c->s, msg->uid));
		return tri(seqset_contains(&k->set, (uint32_t)(c->idx + 1)));
	case SK_UID:
		if (k->set.saved)
			return tri(msgset_saved_has(c->s, msg->uid));
		return tri(seqset_contains(&k->set, msg->uid));
	case SK_EMAILID: {
		char	id[OBJECTID_MAX];

		return tri(objectid_email(c->m, c->idx, id) == 0 &&
		    strcmp(id, k->str) == 0);
	}
	case SK_THREADID:
		return NO;
	case SK_MODSEQ:
		return tri(c->m->msgs[c->idx].modseq >= k->size);
	case SK_LARGER:
	case SK_SMALLER:
		if (msginfo_vsize_get(c->s, c->idx, &size) == -1)
			size = 0;
		return tri(k->type == SK_LARGER ? size > k->size :
		    size < k->size);
	case SK_ALL_SAVEDATE:
		return YES;
	case SK_SAVEDBEFORE:
		return tri(saved_day(c) < k->day);
	case SK_SAVEDON:
		return tri(saved_day(c) == k->day);
	case SK_SAVEDSINCE:
		return tri(saved_day(c) >= k->day);
	case SK_BEFORE:
		return tri(internal_day(c) < k->day);
	case SK_ON:
		return tri(internal_day(c) == k->day);
	case SK_SINCE:
		return tri(internal_day(c) >= k->day);
	case SK_SENTBEFORE:
	case SK_SENTON:
	case SK_SENTSINCE:
		if (c->sm == NULL || !c->sm->hdr_done)
			return UNK;
		day = c->sm->sent_day;
		return tri(k->type == SK_SENTBEFORE ? day < k->day :
		    k->type == SK_SENTON ? day == k->day : day >= k->day);
	case SK_HEADER:
	case SK_BODY:
	case SK_TEXT:
		if (c->sm == NULL)
			return UNK;
		return c->sm->res[k->id] < 0 ? UNK : c->sm->res[k->id];
	}
	return NO;
}

/* Message idx's header into c->hdr (CRLF). */
static int
header_read(struct sctx *c, size_t idx)
{
	uint64_t	raw;
	int		fd, r;

	buf_reset(&c->hdr);
	if ((fd = maildir_open_msg(c->m, idx)) == -1)
		return -1;
	r = fetch_read_header(fd, &c->hdr, &raw);
	close(fd);
	return r;
}

/* Whether message idx matches root; -1 if its file could not be read
 * (gone: errno ENOENT). */
static int
match(struct sctx *c, const struct skey *root, struct search_text *t,
    size_t idx)
{
	struct search_msg	sm;
	const char		*v;
	size_t			len;
	int			r;

	c->idx = idx;
	c->sm = NULL;
	c->have_date = 0;
	if ((r = eval(c, root)) != UNK)
		return r;
	if (c->hdr_only && (v = hdrcache_get(c->s, idx, &len)) != NULL)
		search_msg_header_only(t, &sm, v, len);
	else if (c->hdr_only) {
		/* The header only, not the whole file; kept for next time. */
		if (header_read(c, idx) == -1)
			return -1;
		v = c->hdr.data != NULL ? c->hdr.data : "";
		hdrcache_put(c->s, idx, v, c->hdr.len);
		search_msg_header_only(t, &sm, v, c->hdr.len);
	} else if (search_msg_open(t, c->m, idx, &sm) == -1)
		return -1;
	c->sm = &sm;
	search_msg_header(t, &sm);
	if ((r = eval(c, root)) == UNK) {
		search_msg_body(t, &sm);
		r = eval(c, root);
	}
	search_msg_close(&sm);
	c->sm = NULL;
	return r == YES;
}

/* Sequence sets resolved and keywords looked up once, before the loop. */
static void
prepare(struct session *s, struct skey *k)
{
	struct maildir	*m = s->sel;
	uint32_t	 max;

	for (; k != NULL; k = k->next) {
		switch (k->type) {
		case SK_SEQ:
		case SK_UID:
			if (k->set.saved)
				break;
			/* Numbers beyond EXISTS match nothing: Dovecot does
			 * not refuse them in SEARCH either. */
			max = k->type == SK_SEQ ? (uint32_t)m->n : m->n > 0 ?
			    m->msgs[m->n - 1].uid : 0;
			seqset_resolve(s->cmd_arena, &k->set, max, &k->set);
			break;
		case SK_KEYWORD:
			k->kw = maildir_keyword(m, k->str, 0);
			if (k->kw < 0)
				k->kw = -1;
			break;
		default:
			break;
		}
		prepare(s, k->child);
	}
}

/* The numbers a search answers with: UIDs after UID, else sequence
 * numbers. */
static uint32_t
number(const struct session *s, size_t idx)
{
	return s->uid_cmd ? s->sel->msgs[idx].uid : (uint32_t)(idx + 1);
}

/* RFC 7162 3.1.5: with MODSEQ in the program, the highest modseq of the
 * messages found goes with the answer (0: none found, nothing said). */
static uint64_t
found_modseq(const struct session *s, const size_t *found, size_t n)
{
	uint64_t	max = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		if (s->sel->msgs[found[i]].modseq > max)
			max = s->sel->msgs[found[i]].modseq;
	return max;
}

static void
answer_search(struct session *s, const size_t *found, size_t n,
    uint64_t modseq)
{
	struct buf	*b = session_out(s);
	size_t		 i;

	(void)buf_adds(b, "* SEARCH");
	for (i = 0; i < n; i++) {
		(void)buf_printf(b, " %u", number(s, found[i]));
		if (b->len > SEARCH_FLUSH) {
			io_write(b->data, b->len);
			buf_reset(b);
		}
	}
	if (modseq != 0)
		(void)buf_printf(b, " (MODSEQ %llu)",
		    (unsigned long long)modseq);
	session_send_line(s);
}

/* RFC 4731 3.1: "* ESEARCH (TAG "t") [UID] MIN MAX ALL COUNT", in the
 * order Dovecot writes them. */
static void
answer_esearch(struct session *s, unsigned ret, const size_t *found,
    size_t n, uint64_t modseq)
{
	struct buf	*b = session_out(s);
	struct seqset	 set;
	size_t		 i;
	char		*text;

	(void)buf_adds(b, "* ESEARCH (TAG ");
	resp_string(b, s->tag, strlen(s->tag), 0);
	(void)buf_addc(b, ')');
	if (s->uid_cmd)
		(void)buf_adds(b, " UID");
	if ((ret & SRET_MIN) && n > 0)
		(void)buf_printf(b, " MIN %u", number(s, found[0]));
	if ((ret & SRET_MAX) && n > 0)
		(void)buf_printf(b, " MAX %u", number(s, found[n - 1]));
	if ((ret & SRET_ALL) && n > 0) {
		memset(&set, 0, sizeof(set));
		set.r = arena_reallocarray(s->cmd_arena, NULL, 0, n,
		    sizeof(*set.r));
		for (i = 0; i < n; i++) {
			uint32_t v = number(s, found[i]);

			if (set.n > 0 && set.r[set.n - 1].hi + 1 == v)
				set.r[set.n - 1].hi = v;
			else {
				set.r[set.n].lo = set.r[set.n].hi = v;
				set.n++;
			}
		}
		text = seqset_format(s->cmd_arena, &set);
		(void)buf_adds(b, " ALL ");
		for (i = 0; text[i] != '\0'; i += SEARCH_FLUSH) {
			size_t k = strlen(text + i) < SEARCH_FLUSH ?
			    strlen(text + i) : SEARCH_FLUSH;

			(void)buf_add(b, text + i, k);
			io_write(b->data, b->len);
			buf_reset(b);
			if (k < SEARCH_FLUSH)
				break;
		}
	}
	if (ret & SRET_COUNT)
		(void)buf_printf(b, " COUNT %zu", n);
	if (modseq != 0)	/* RFC 7162 3.1.5 with RFC 4731 */
		(void)buf_printf(b, " MODSEQ %llu",
		    (unsigned long long)modseq);
	session_send_line(s);
}

/* RFC 5182 2.4: SAVE with only MIN and/or MAX saves just those. */
static void
save(struct session *s, unsigned ret, const size_t *found, size_t n)
{
	uint32_t	*uids, two[2];
	size_t		 i, k = 0;

	if (!(ret & (SRET_ALL | SRET_COUNT)) && (ret & (SRET_MIN | SRET_MAX))) {
		if (n > 0 && (ret & SRET_MIN))
			two[k++] = s->sel->msgs[found[0]].uid;
		if (n > 0 && (ret & SRET_MAX) && (k == 0 || n > 1))
			two[k++] = s->sel->msgs[found[n - 1]].uid;
		msgset_save(s, two, k);
		return;
	}
	uids = arena_reallocarray(s->cmd_arena, NULL, 0, n + 1, sizeof(*uids));
	for (i = 0; i < n; i++)
		uids[i] = s->sel->msgs[found[i]].uid;
	msgset_save(s, uids, n);
}

int
search_run(struct session *s, struct search_cmd *cmd, size_t **found_r,
    size_t *n_r)
{
	struct search_text	*t;
	struct sctx		 c;
	struct maildir		*m = s->sel;
	size_t			*found, n = 0, i;
	int			 r, failed = 0;

	prepare(s, cmd->root);
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.m = m;
	t = search_text_new(s->cmd_arena, cmd);
	c.hdr_only = search_text_header_only(t, hdrcache_covers);
	buf_init(&c.hdr, FETCH_HEADER_MAX * 2);
	if (cmd->uses_savedate)
		c.sd = savedate_load(m->dirfd, m->uidvalidity);
	found = arena_reallocarray(s->cmd_arena, NULL, 0, m->n + 1,
	    sizeof(*found));
	for (i = 0; i < m->n; i++) {
		if ((r = match(&c, cmd->root, t, i)) == 1)
			found[n++] = i;
		else if (r == -1 && errno != ENOENT && errno != ELOOP &&
		    errno != EINVAL) {
			log_warn("%s: SEARCH reading UID %u", m->name,
			    m->msgs[i].uid);
			failed = 1;
		}
	}
	search_text_free(t);
	buf_free(&c.hdr);
	savedate_free(&c.sd);
	if (s->cache != NULL)
		cache_flush(s->cache);
	*found_r = found;
	*n_r = n;
	return failed ? -1 : 0;
}

void
cmd_search(struct session *s, struct imap_arg *args)
{
	struct search_cmd	 cmd;
	const char		*err;
	size_t			*found, n = 0;
	int			 esearch;

	switch (searchkey_parse(s->cmd_arena, args, &cmd, &err)) {
	case SKE_OK:
		break;
	case SKE_CHARSET:
		if (cmd.ret & SRET_SAVE)
			msgset_save_reset(s);
		session_no(s, "BADCHARSET (UTF-8 US-ASCII)", "Unsupported "
		    "charset");
		return;
	case SKE_LIMIT:
		session_bad(s, "LIMIT", "%s", err);
		return;
	default:
		session_bad(s, NULL, "%s", err);
		return;
	}
	/* MODSEQ enables CONDSTORE; a folder without modseqs refuses it
	 * (RFC 7162 3.1.5). */
	if (cmd.uses_modseq && condstore_need(s) == -1)
		return;
	/* The one place IMAP4rev2 changes SEARCH: ESEARCH always. */
	esearch = cmd.ret_given || (s->enabled & ENABLED_IMAP4REV2);
	if (!cmd.ret_given && esearch)
		cmd.ret = SRET_ALL;
	if (search_run(s, &cmd, &found, &n) == -1) {
		if (cmd.ret & SRET_SAVE)
			msgset_save_reset(s);
		session_no(s, "SERVERBUG", "Some messages could not be read, "
		    "see the server log");
		return;
	}
	if (cmd.ret & SRET_SAVE)
		save(s, cmd.ret, found, n);
	if (!esearch)
		answer_search(s, found, n, cmd.uses_modseq ?
		    found_modseq(s, found, n) : 0);
	else if (cmd.ret != SRET_SAVE)
		/* RFC 5182 1: SAVE alone suppresses the answer */
		answer_esearch(s, cmd.ret, found, n, cmd.uses_modseq &&
		    (cmd.ret & (SRET_ALL | SRET_MIN | SRET_MAX)) ?
		    found_modseq(s, found, n) : 0);
	session_ok(s, NULL, "Search completed%s.", (cmd.ret & SRET_SAVE) ?
	    ", result saved" : "");
}
