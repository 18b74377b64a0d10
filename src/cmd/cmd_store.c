/*
 * cmd_store.c: STORE and UID STORE (RFC 9051 6.4.6): FLAGS, +FLAGS, -FLAGS,
 * each with .SILENT. A flag change is a rename of the message file; new
 * keywords are added to dovecot-keywords, at most 26 per folder (the
 * letters a..z a Maildir file name can hold): beyond, NO [LIMIT].
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "commands.h"
#include "flags.h"
#include "log.h"
#include "maildir.h"
#include "msgset.h"
#include "parser.h"
#include "session.h"

enum store_op {
	STORE_SET,
	STORE_ADD,
	STORE_REMOVE,
};

void
cmd_store(struct session *s, struct imap_arg *args)
{
	struct maildir	*m = s->sel;
	struct flagset	 fs;
	struct imap_arg	*vals, *a;
	struct buf	*b;
	const char	*item, *err, *p;
	enum store_op	 op;
	size_t		*idx, n, i, nvals;
	uint32_t	 kw = 0;
	int		 silent, k, missing = 0;

	if (args == NULL || args->next == NULL || args->next->next == NULL ||
	    arg_get_atom(args->next, &item) == -1) {
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
	vals = args->next->next;
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
	for (i = 0; i < n; i++) {
		struct mmsg *msg = &m->msgs[idx[i]];

		if (msg->state & MSG_GONE) {
			missing = 1;
			continue;
		}
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
		if (silent)
			continue;
		b = session_out(s);
		(void)buf_printf(b, "* %zu FETCH (", idx[i] + 1);
		if (s->uid_cmd)
			(void)buf_printf(b, "UID %u ", msg->uid);
		(void)buf_adds(b, "FLAGS ");
		flags_write(b, m, msg);
		(void)buf_addc(b, ')');
		session_send_line(s);
	}
	if (missing)
		session_no(s, "EXPUNGEISSUED", "Some messages were expunged "
		    "by another session");
	else
		session_ok(s, NULL, "Store completed.");
}
