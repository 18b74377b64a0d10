/*
 * cmd_store.c: STORE and UID STORE (RFC 9051 6.4.6): FLAGS, +FLAGS, -FLAGS,
 * each with .SILENT, and the UNCHANGEDSINCE modifier (RFC 7162 3.1.3). A
 * flag change is a rename of the message file; new keywords are added to
 * dovecot-keywords, at most 26 per folder (the letters a..z a Maildir file
 * name can hold): beyond, NO [LIMIT].
 *
 * The changes are made first, then given one new modseq together, then
 * reported: with CONDSTORE on, each FETCH carries the MODSEQ (and, .SILENT
 * or not, a changed message is reported, RFC 7162 3.1.3, as Dovecot does:
 * only the ones that changed when .SILENT).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "arena.h"
#include "commands.h"
#include "condstore.h"
#include "flags.h"
#include "log.h"
#include "maildir.h"
#include "msgset.h"
#include "parser.h"
#include "seqset.h"
#include "session.h"

enum store_op {
	STORE_SET,
	STORE_ADD,
	STORE_REMOVE,
};

/* What happened to each message. */
#define ST_SKIP		0	/* gone, or the rename failed */
#define ST_SAME		1	/* stored, nothing changed */
#define ST_CHANGED	2
#define ST_MODIFIED	3	/* failed UNCHANGEDSINCE */

/* "(UNCHANGEDSINCE n)" (RFC 7162 3.1.3); BAD and -1 if it is not that. */
static int
store_mods(struct session *s, struct imap_arg *list, uint64_t *since)
{
	struct imap_arg	*a;
	size_t		 n;

	if (arg_get_list(list, &a, &n) == -1 || n != 2 ||
	    !arg_is_atom(a, "UNCHANGEDSINCE") ||
	    arg_get_number64(a->next, since) == -1) {
		session_bad(s, NULL, "Invalid STORE modifiers");
		return -1;
	}
	return condstore_need(s);
}

/* [MODIFIED set]: the numbers (UIDs after UID) of the messages that
 * failed UNCHANGEDSINCE, ascending. */
static char *
modified_code(struct session *s, const size_t *idx, const char *st,
    size_t n)
{
	struct seqset	 set;
	uint32_t	 v;
	size_t		 i;
	char		*text, *code;

	set.n = 0;
	set.saved = 0;
	set.r = arena_reallocarray(s->cmd_arena, NULL, 0, n + 1,
	    sizeof(*set.r));
	for (i = 0; i < n; i++) {
		if (st[i] != ST_MODIFIED)
			continue;
		v = s->uid_cmd ? s->sel->msgs[idx[i]].uid : (uint32_t)idx[i] + 1;
		if (set.n > 0 && set.r[set.n - 1].hi + 1 == v)
			set.r[set.n - 1].hi = v;
		else if (set.n == 0 || set.r[set.n - 1].hi < v) {
			set.r[set.n].lo = set.r[set.n].hi = v;
			set.n++;
		}
	}
	if (set.n == 0)
		return NULL;
	text = seqset_format(s->cmd_arena, &set);
	code = arena_alloc(s->cmd_arena, strlen(text) + 10);
	memcpy(code, "MODIFIED ", 9);
	memcpy(code + 9, text, strlen(text) + 1);
	return code;
}

void
cmd_store(struct session *s, struct imap_arg *args)
{
	struct maildir	*m = s->sel;
	struct flagset	 fs;
	struct imap_arg	*vals, *a, *itemarg;
	struct buf	*b;
	const char	*item, *err, *p, *code;
	enum store_op	 op;
	size_t		*idx, n, i, nvals;
	uint64_t	 since = 0;
	uint32_t	 kw = 0;
	uint8_t		 oflags;
	uint32_t	 okw;
	char		*st;
	int		 silent, k, missing = 0, cond = 0;

	itemarg = args != NULL ? args->next : NULL;
	if (itemarg != NULL && itemarg->type == ARG_LIST) {
		if (store_mods(s, itemarg, &since) == -1)
			return;
		cond = 1;
		itemarg = itemarg->next;
	}
	if (itemarg == NULL || itemarg->next == NULL ||
	    arg_get_atom(itemarg, &item) == -1) {
		session_bad(s, NULL, "STORE needs a message set, an item and "
		    "flags");
		return;
	}
	p = item;
	op = STORE_SET;
	if (*p == '+' || *p == '-') {
		op = *p == '+' ? STORE_ADD : STORE_REMOVE;
		p++;
	}
	if (strcasecmp(p, "FLAGS") == 0)
		silent = 0;
	else if (strcasecmp(p, "FLAGS.SILENT") == 0)
		silent = 1;
	else {
		session_bad(s, NULL, "Unknown STORE item");
		return;
	}
	vals = itemarg->next;
	if (vals->type == ARG_LIST) {
		if (vals->next != NULL) {
			session_bad(s, NULL, "Too many arguments");
			return;
		}
		nvals = vals->n;
		vals = vals->child;
	} else {
		for (nvals = 0, a = vals; a != NULL; a = a->next)
			nvals++;
	}
	if (flags_parse(vals, nvals, &fs, &err) == -1) {
		session_bad(s, NULL, "%s", err);
		return;
	}
	if (msgset_get(s, args, &idx, &n) == -1)
		return;
	if (m->readonly) {
		session_no(s, "READ-ONLY", "Mailbox is read-only");
		return;
	}
	/* Keywords: removing an unknown one changes nothing; adding one
	 * needs a letter. */
	for (i = 0; i < fs.nkw; i++) {
		k = maildir_keyword(m, fs.kw[i], op != STORE_REMOVE);
		if (k >= 0) {
			kw |= 1u << k;
			continue;
		}
		if (op == STORE_REMOVE && k == -1)
			continue;
		if (k == -1) {
			session_no(s, "LIMIT", "At most %d keywords in one "
			    "mailbox", KEYWORDS_MAX);
			return;
		}
		session_no_errno(s, errno, "Storing keywords");
		return;
	}
	session_report_keywords(s);
	/* UNCHANGEDSINCE compares with the modseqs as they are now. */
	if (cond && maildir_sync(m, NULL) == -1)
		log_warn("%s: sync", m->name);
	st = arena_alloc(s->cmd_arena, n + 1);
	for (i = 0; i < n; i++) {
		struct mmsg *msg = &m->msgs[idx[i]];

		st[i] = ST_SKIP;
		if (msg->state & MSG_GONE) {
			missing = 1;
			continue;
		}
		/* RFC 7162 3.1.3 */
		if (cond && msg->modseq > since) {
			st[i] = ST_MODIFIED;
			continue;
		}
		oflags = msg->flags;
		okw = msg->keywords;
		switch (op) {
		case STORE_SET:
			/* \Passed (Maildir P) is not an IMAP flag: kept. */
			k = maildir_change_flags(m, idx[i],
			    MF_ALL & ~MF_PASSED, UINT32_MAX, fs.sys, kw);
			break;
		case STORE_ADD:
			k = maildir_change_flags(m, idx[i], 0, 0, fs.sys, kw);
			break;
		default:
			k = maildir_change_flags(m, idx[i], fs.sys, kw, 0, 0);
			break;
		}
		if (k == 1) {
			missing = 1;
			continue;
		}
		if (k == -1) {
			log_warn("%s: rename UID %u", m->name, msg->uid);
			missing = 1;
			continue;
		}
		st[i] = msg->flags != oflags || msg->keywords != okw ?
		    ST_CHANGED : ST_SAME;
	}
	/* One new modseq for all the changes, before they are reported. */
	if (modseq_record(m) == -1)
		log_warn("%s: %s", m->name, MODSEQ_FILE);
	for (i = 0; i < n; i++) {
		struct mmsg *msg = &m->msgs[idx[i]];

		if (st[i] == ST_SKIP || st[i] == ST_MODIFIED ||
		    (silent && (st[i] == ST_SAME || !s->condstore ||
		    s->nomodseq)))
			continue;
		b = session_out(s);
		condstore_fetch_open(s, b, idx[i]);
		if (silent) {
			/* RFC 7162 3.1.3: the MODSEQ alone */
			b->len--;
		} else {
			(void)buf_adds(b, "FLAGS ");
			flags_write(b, m, msg, !SESSION_REV2(s));
		}
		(void)buf_addc(b, ')');
		session_send_line(s);
	}
	code = cond ? modified_code(s, idx, st, n) : NULL;
	if (missing)
		session_no(s, code != NULL ? code : "EXPUNGEISSUED", "Some "
		    "messages were expunged by another session");
	else if (code != NULL)
		session_ok(s, code, "Conditional store failed.");
	else
		session_ok(s, NULL, "Store completed.");
}
