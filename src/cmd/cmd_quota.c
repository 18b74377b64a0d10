/*
 * cmd_quota.c: GETQUOTA, GETQUOTAROOT and SETQUOTA (RFC 9208), over the
 * Maildir++ quota of store/quota.c.
 *
 * A Maildir has one quota root, named "", covering every mailbox. It
 * exists only while a limit is in force (a setting, or the first line of
 * maildirsize): then GETQUOTAROOT names it and QUOTA lists the limited
 * resources (RFC 9208 4.2.1: a resource not listed is not limited);
 * without limits a mailbox has no quota root (4.2.2) and GETQUOTA ""
 * fails as for any unknown root. STORAGE is in units of 1024 octets
 * (5.1), rounded up, as Dovecot reports it; MESSAGE is exact (5.2).
 *
 * The limits belong to the administrator: SETQUOTA is refused (QUOTASET is
 * not advertised, 4.1.3). Enforcement (OVERQUOTA) is in the store, where
 * messages are saved and copied.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "commands.h"
#include "parser.h"
#include "quota.h"
#include "resp.h"
#include "session.h"

/* "* QUOTA "" (...)" for a quota in force. */
static void
quota_send(struct session *s, const struct quota *q)
{
	struct buf	*b = session_out(s);
	uint64_t	 used;
	int		 first = 1;

	(void)buf_adds(b, "* QUOTA \"\" (");
	if (q->limit_bytes != 0) {
		used = q->bytes > 0 ? (uint64_t)q->bytes : 0;
		(void)buf_printf(b, "STORAGE %llu %llu",
		    (unsigned long long)((used + 1023) / 1024),
		    (unsigned long long)((q->limit_bytes + 1023) / 1024));
		first = 0;
	}
	if (q->limit_count != 0)
		(void)buf_printf(b, "%sMESSAGE %llu %llu", first ? "" : " ",
		    (unsigned long long)(q->count > 0 ? q->count : 0),
		    (unsigned long long)q->limit_count);
	(void)buf_addc(b, ')');
	session_send_line(s);
}

/* The quota, or -1 with the NO sent. */
static int
quota_load(struct session *s, struct quota *q)
{
	int	r;

	if ((r = quota_get(s->rootfd, q)) == -1)
		session_no_errno(s, errno, "Reading the quota");
	return r;
}

void
cmd_getquota(struct session *s, struct imap_arg *args)
{
	struct quota	 q;
	const char	*root;
	int		 r;

	if (args == NULL || args->next != NULL ||
	    arg_get_astring(args, &root) == -1) {
		session_bad(s, NULL, "GETQUOTA needs a quota root");
		return;
	}
	if ((r = quota_load(s, &q)) == -1)
		return;
	if (r == 0 || *root != '\0') {
		session_no(s, "NONEXISTENT", "Quota root doesn't exist");
		return;
	}
	quota_send(s, &q);
	session_ok(s, NULL, "Getquota completed.");
}

void
cmd_getquotaroot(struct session *s, struct imap_arg *args)
{
	struct quota	 q;
	struct buf	*b;
	const char	*name, *stored;
	char		 dir[512];
	int		 r, bad;

	if (args == NULL || args->next != NULL ||
	    arg_get_astring(args, &name) == -1) {
		session_bad(s, NULL, "GETQUOTAROOT needs a mailbox name");
		return;
	}
	/* RFC 9208 4.1.2: the mailbox need not exist; the name must be
	 * one that could. */
	if ((stored = cmd_mailbox_arg(s, args, &bad)) == NULL) {
		cmd_mailbox_arg_fail(s, bad);
		return;
	}
	if (session_mailbox(s, stored, dir, sizeof(dir)) == -1)
		return;
	if ((r = quota_load(s, &q)) == -1)
		return;
	b = session_out(s);
	(void)buf_adds(b, "* QUOTAROOT ");
	resp_astring(b, name, strlen(name),
	    SESSION_UTF8(s) ? RESP_UTF8 : 0);
	if (r == 1)
		(void)buf_adds(b, " \"\"");
	session_send_line(s);
	if (r == 1)
		quota_send(s, &q);
	session_ok(s, NULL, "Getquotaroot completed.");
}

void
cmd_setquota(struct session *s, struct imap_arg *args)
{
	struct imap_arg	*a;
	const char	*root, *res;
	uint64_t	 limit;
	size_t		 n;

	/* RFC 9208 7: quota-root-name SP "(" [name SP number64 ...] ")" */
	if (args == NULL || args->next == NULL || args->next->next != NULL ||
	    arg_get_astring(args, &root) == -1 ||
	    arg_get_list(args->next, &a, &n) == -1 || n % 2 != 0)
		goto bad;
	for (; a != NULL; a = a->next->next)
		if (arg_get_atom(a, &res) == -1 ||
		    arg_get_number64(a->next, &limit) == -1)
			goto bad;
	/* 4.1.3: a limit may not be settable; these are the administrator's
	 * (RFC 5530 NOPERM), as in Dovecot. */
	session_no(s, "NOPERM", "Quota can be changed only by the "
	    "administrator");
	return;
bad:
	session_bad(s, NULL, "SETQUOTA needs a quota root and a list of "
	    "resource limits");
}
