/*
 * cmd_condstore.c: CONDSTORE and QRESYNC (RFC 7162) in the commands:
 * SELECT/EXAMINE's CONDSTORE and QRESYNC parameters and their answers
 * (HIGHESTMODSEQ or NOMODSEQ, VANISHED (EARLIER), FETCH of what changed),
 * FETCH's CHANGEDSINCE and VANISHED modifiers, and the UID and MODSEQ that
 * untagged FETCH responses carry once a client is CONDSTORE-aware. STORE's
 * UNCHANGEDSINCE is in cmd_store.c, the VANISHED that replaces EXPUNGE in
 * selected.c. What a modseq is and how expunges are remembered is the
 * store's business (store/modseq.h).
 *
 * Where the RFC leaves room, Dovecot's answers are followed: the texts of
 * the response codes, the order UID FLAGS MODSEQ in QRESYNC's FETCH, and
 * seq-match-data used only when the expunge history does not reach back to
 * the client's modseq (RFC 7162 5.3: "this data can be ignored").
 */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "commands.h"
#include "condstore.h"
#include "flags.h"
#include "maildir.h"
#include "parser.h"
#include "seqset.h"
#include "session.h"

/* A VANISHED line is sent and another begun past this many bytes. */
#define VANISHED_LINE_MAX	(64 * 1024)

void
condstore_enable(struct session *s)
{
	if (s->condstore)
		return;
	s->condstore = 1;
	/* RFC 7162 3.1: the first enabling command with a mailbox
	 * selected tells its HIGHESTMODSEQ (or that there is none). */
	if (s->sel == NULL)
		return;
	if (s->nomodseq)
		session_untagged(s, "OK [NOMODSEQ] No permanent modsequences");
	else
		session_untagged(s, "OK [HIGHESTMODSEQ %llu] Highest",
		    (unsigned long long)modseq_highest(s->sel));
}

int
condstore_need(struct session *s)
{
	condstore_enable(s);
	if (s->sel != NULL && s->nomodseq) {
		/* RFC 7162 3.1.2.2 */
		session_bad(s, NULL, "Mailbox doesn't support mod-sequences");
		return -1;
	}
	return 0;
}

/* A sequence set without "*" and "$" (RFC 7162 7: known-uids...). */
static int
set_arg(struct session *s, struct imap_arg *a, struct seqset *r)
{
	const char	*str;
	size_t		 i;

	if (arg_get_atom(a, &str) == -1 ||
	    seqset_parse(s->cmd_arena, str, strlen(str), r) != 0 || r->saved)
		return -1;
	for (i = 0; i < r->n; i++)
		if (r->r[i].lo == SEQ_STAR || r->r[i].hi == SEQ_STAR)
			return -1;
	return 0;
}

static int
qresync_parse(struct session *s, struct imap_arg *list,
    struct select_params *p)
{
	struct imap_arg	*a, *m;
	size_t		 n, mn;

	if (arg_get_list(list, &a, &n) == -1 || n < 2 || n > 4 ||
	    arg_get_nznumber(a, &p->uidvalidity) == -1 ||
	    arg_get_number64(a->next, &p->modseq) == -1)
		return -1;
	a = a->next->next;
	if (a != NULL && a->type != ARG_LIST) {
		if (set_arg(s, a, &p->uids) == -1)
			return -1;
		a = a->next;
	}
	if (a != NULL) {
		/* seq-match-data: two sets of the same size */
		if (a->next != NULL || arg_get_list(a, &m, &mn) == -1 ||
		    mn != 2 || set_arg(s, m, &p->match_seqs) == -1 ||
		    set_arg(s, m->next, &p->match_uids) == -1)
			return -1;
	}
	p->qresync = 1;
	return 0;
}

int
select_params_parse(struct session *s, struct imap_arg *arg,
    struct select_params *p)
{
	struct imap_arg	*a;
	size_t		 n;

	memset(p, 0, sizeof(*p));
	if (arg == NULL)
		return 0;
	if (arg->next != NULL || arg_get_list(arg, &a, &n) == -1) {
		session_bad(s, NULL, "Invalid SELECT parameters");
		return -1;
	}
	for (; a != NULL; a = a->next) {
		if (arg_is_atom(a, "CONDSTORE"))
			p->condstore = 1;
		else if (arg_is_atom(a, "QRESYNC")) {
			/* RFC 7162 3.2.5: only after ENABLE QRESYNC */
			if (!(s->enabled & ENABLED_QRESYNC)) {
				session_bad(s, NULL, "QRESYNC not enabled");
				return -1;
			}
			if (p->qresync || qresync_parse(s, a->next, p) == -1) {
				session_bad(s, NULL, "Invalid QRESYNC "
				    "parameters");
				return -1;
			}
			a = a->next;
		} else {
			session_bad(s, NULL, "Unknown SELECT parameter");
			return -1;
		}
	}
	return 0;
}

/* The n-th number of an unresolved, "*"-free set (ascending as given);
 * 0 past its end. Walks from the state in *ri, *off. */
static uint32_t
set_next(const struct seqset *set, size_t *ri, uint64_t *off)
{
	uint32_t	lo, hi, v;

	while (*ri < set->n) {
		lo = set->r[*ri].lo;
		hi = set->r[*ri].hi;
		if (lo > hi) {
			v = lo;
			lo = hi;
			hi = v;
		}
		if (lo + *off <= hi) {
			v = (uint32_t)(lo + *off);
			(*off)++;
			return v;
		}
		(*ri)++;
		*off = 0;
	}
	return 0;
}

/*
 * RFC 7162 3.2.5.2: the pairs of (message number, UID) the client gives
 * that match the view, up to the first that does not: no UID up to the
 * last matching one needs reporting. Returns the lowest UID to report.
 */
static uint32_t
match_minuid(const struct maildir *m, const struct select_params *p)
{
	size_t		ri = 0, ui = 0;
	uint64_t	ro = 0, uo = 0;
	uint32_t	seq, uid, min = 1;

	for (;;) {
		seq = set_next(&p->match_seqs, &ri, &ro);
		uid = set_next(&p->match_uids, &ui, &uo);
		if (seq == 0 || uid == 0 || seq > m->n ||
		    m->msgs[seq - 1].uid != uid || uid == UINT32_MAX)
			return min;
		min = uid + 1;
	}
}

struct vanished_out {
	struct session	*s;
	const char	*head;
	uint32_t	 lo, hi;	/* pending range; lo 0: none */
	int		 any;
};

static void
vanished_flush(struct vanished_out *v, int last)
{
	struct buf	*b = session_out(v->s);

	if (v->lo != 0) {
		if (b->len == 0)
			(void)buf_adds(b, v->head);
		else
			(void)buf_addc(b, ',');
		if (v->lo == v->hi)
			(void)buf_printf(b, "%u", v->lo);
		else
			(void)buf_printf(b, "%u:%u", v->lo, v->hi);
		v->lo = 0;
	}
	if (b->len > 0 && (last || b->len > VANISHED_LINE_MAX))
		session_send_line(v->s);
}

static void
vanished_range(void *arg, uint32_t lo, uint32_t hi)
{
	struct vanished_out	*v = arg;

	if (v->lo != 0 && v->hi + 1 == lo) {
		v->hi = hi;
		return;
	}
	vanished_flush(v, 0);
	v->lo = lo;
	v->hi = hi;
}

/* "* VANISHED (EARLIER) ..." for uids (resolved, or NULL: all) after
 * since, from minuid up. */
static void
vanished_earlier(struct session *s, const struct seqset *uids,
    uint64_t since, uint32_t minuid)
{
	struct vanished_out	 v;
	struct modseq_x		*r = NULL;
	size_t			 i;

	memset(&v, 0, sizeof(v));
	v.s = s;
	v.head = "* VANISHED (EARLIER) ";
	if (uids != NULL) {
		if (uids->n == 0)
			return;
		r = arena_reallocarray(s->cmd_arena, NULL, 0, uids->n,
		    sizeof(*r));
		for (i = 0; i < uids->n; i++) {
			r[i].lo = uids->r[i].lo;
			r[i].hi = uids->r[i].hi;
		}
	}
	buf_reset(session_out(s));
	modseq_vanished(s->sel, since, r, uids != NULL ? uids->n : 0, minuid,
	    vanished_range, &v);
	vanished_flush(&v, 1);
}

void
select_params_report(struct session *s, const struct select_params *p)
{
	struct maildir	*m = s->sel;
	struct seqset	 vuids, fuids;
	struct buf	*b;
	uint32_t	 max, minuid = 1;
	size_t		 i;

	s->nomodseq = !m->ms.ok;
	if (p != NULL && (p->condstore || p->qresync))
		s->condstore = 1;
	if (!s->condstore)
		return;
	/* RFC 7162 3.1.2 */
	if (s->nomodseq) {
		session_untagged(s, "OK [NOMODSEQ] No permanent modsequences");
		return;
	}
	session_untagged(s, "OK [HIGHESTMODSEQ %llu] Highest",
	    (unsigned long long)modseq_highest(m));
	/* RFC 7162 3.2.5: another UIDVALIDITY, nothing to resume. */
	if (p == NULL || !p->qresync || p->uidvalidity != m->uidvalidity)
		return;
	max = m->n > 0 ? m->msgs[m->n - 1].uid : 0;
	if (p->uids.n > 0) {
		/* expunged UIDs may lie above the highest there is */
		seqset_resolve(s->cmd_arena, &p->uids, UINT32_MAX, &vuids);
		seqset_resolve(s->cmd_arena, &p->uids, max, &fuids);
	}
	if (p->match_seqs.n > 0 && p->modseq < m->ms.floor)
		minuid = match_minuid(m, p);
	/* RFC 7162 3.2.5.1: as UID FETCH uids (FLAGS) (CHANGEDSINCE modseq
	 * VANISHED) */
	vanished_earlier(s, p->uids.n > 0 ? &vuids : NULL, p->modseq, minuid);
	for (i = 0; i < m->n; i++) {
		struct mmsg *msg = &m->msgs[i];

		if (msg->modseq <= p->modseq || (p->uids.n > 0 &&
		    !seqset_contains(&fuids, msg->uid)))
			continue;
		b = session_out(s);
		(void)buf_printf(b, "* %zu FETCH (UID %u FLAGS ", i + 1,
		    msg->uid);
		flags_write(b, m, msg, !SESSION_REV2(s));
		(void)buf_printf(b, " MODSEQ (%llu))",
		    (unsigned long long)msg->modseq);
		session_send_line(s);
	}
}

int
fetch_mods_parse(struct session *s, struct imap_arg *list,
    struct fetch_mods *fm)
{
	struct imap_arg	*a;
	size_t		 n;

	memset(fm, 0, sizeof(*fm));
	if (arg_get_list(list, &a, &n) == -1 || n == 0) {
		session_bad(s, NULL, "Invalid FETCH modifiers");
		return -1;
	}
	for (; a != NULL; a = a->next) {
		if (arg_is_atom(a, "CHANGEDSINCE") && !fm->changedsince) {
			if (arg_get_number64(a->next, &fm->since) == -1) {
				session_bad(s, NULL, "Invalid CHANGEDSINCE");
				return -1;
			}
			fm->changedsince = 1;
			a = a->next;
		} else if (arg_is_atom(a, "VANISHED") && !fm->vanished &&
		    s->uid_cmd) {
			/* RFC 7162 3.2.6 */
			if (!(s->enabled & ENABLED_QRESYNC)) {
				session_bad(s, NULL, "QRESYNC not enabled");
				return -1;
			}
			fm->vanished = 1;
		} else {
			session_bad(s, NULL, "Unknown FETCH modifier");
			return -1;
		}
	}
	if (fm->vanished && !fm->changedsince) {
		session_bad(s, NULL, "VANISHED used without CHANGEDSINCE");
		return -1;
	}
	if (fm->changedsince && condstore_need(s) == -1)
		return -1;
	return 0;
}

void
fetch_mods_vanished(struct session *s, struct imap_arg *set, uint64_t since)
{
	struct seqset	 parsed, res;
	const char	*str;

	if (arg_get_atom(set, &str) == -1 || seqset_parse(s->cmd_arena, str,
	    strlen(str), &parsed) != 0)
		return;		/* msgset_get() checked it already */
	/* "*" and beyond: expunged UIDs may lie above the highest there is */
	seqset_resolve(s->cmd_arena, &parsed, UINT32_MAX, &res);
	vanished_earlier(s, &res, since, 1);
}

void
condstore_fetch_open(struct session *s, struct buf *b, size_t idx)
{
	const struct mmsg	*msg = &s->sel->msgs[idx];

	(void)buf_printf(b, "* %zu FETCH (", idx + 1);
	/* RFC 9051 E.21: IMAP4rev2's unsolicited FETCH carry the UID */
	if (s->uid_cmd || (s->enabled & (ENABLED_QRESYNC | ENABLED_IMAP4REV2)))
		(void)buf_printf(b, "UID %u ", msg->uid);
	if (s->condstore && !s->nomodseq)
		(void)buf_printf(b, "MODSEQ (%llu) ",
		    (unsigned long long)msg->modseq);
}

int
condstore_seen(struct session *s, size_t idx)
{
	(void)idx;
	if (!s->condstore || s->nomodseq)
		return 0;
	/* the new flags get their modseq before the response shows it */
	(void)modseq_record(s->sel);
	return 1;
}
