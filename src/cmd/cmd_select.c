/*
 * cmd_select.c: SELECT, EXAMINE (RFC 9051 6.3.2, 6.3.3), CLOSE, UNSELECT
 * (RFC 3691), CHECK, EXPUNGE and UID EXPUNGE (RFC 4315), and the UID
 * prefix that runs FETCH, STORE, COPY, MOVE, SEARCH and EXPUNGE by UID.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "commands.h"
#include "condstore.h"
#include "log.h"
#include "maildir.h"
#include "msgset.h"
#include "parser.h"
#include "seqset.h"
#include "session.h"

static void
select_common(struct session *s, struct imap_arg *args, int readonly)
{
	struct select_params	 p;
	const char		*name;
	int			 bad;

	if (args == NULL || (name = cmd_mailbox_arg(s, args, &bad)) == NULL) {
		if (args != NULL && bad)
			cmd_mailbox_arg_fail(s, bad);
		else
			session_bad(s, NULL, "%s needs one mailbox name",
			    readonly ? "EXAMINE" : "SELECT");
		return;
	}
	/* RFC 4466 2.1, RFC 7162 3.1.8, 3.2.5: checked before anything
	 * changes */
	if (select_params_parse(s, args->next, &p) == -1)
		return;
	if (session_select(s, name, readonly, &p) == -1)
		return;
	session_ok(s, readonly ? "READ-ONLY" : "READ-WRITE", "%s completed.",
	    readonly ? "Examine" : "Select");
}

void
cmd_select(struct session *s, struct imap_arg *args)
{
	select_common(s, args, 0);
}

void
cmd_examine(struct session *s, struct imap_arg *args)
{
	select_common(s, args, 1);
}

void
cmd_close(struct session *s, struct imap_arg *args)
{
	if (args != NULL) {
		session_bad(s, NULL, "CLOSE takes no arguments");
		return;
	}
	/* RFC 9051 6.4.1: expunge silently, no untagged responses. */
	session_unselect(s, 1);
	session_ok(s, NULL, "Close completed.");
}

void
cmd_unselect(struct session *s, struct imap_arg *args)
{
	if (args != NULL) {
		session_bad(s, NULL, "UNSELECT takes no arguments");
		return;
	}
	session_unselect(s, 0);
	session_ok(s, NULL, "Unselect completed.");
}

void
cmd_check(struct session *s, struct imap_arg *args)
{
	if (args != NULL) {
		session_bad(s, NULL, "CHECK takes no arguments");
		return;
	}
	session_ok(s, NULL, "Check completed.");
}

static int
uid_in_set(void *arg, uint32_t uid)
{
	return seqset_contains(arg, uid);
}

void
cmd_expunge(struct session *s, struct imap_arg *args)
{
	struct seqset	 set, resolved;
	const char	*str;
	uint32_t	 max;
	size_t		 before = s->sel->gone;
	char		 code[64];

	if (s->sel->readonly) {
		session_no(s, "READ-ONLY", "Mailbox is read-only");
		return;
	}
	if (s->uid_cmd) {
		/* UID EXPUNGE set (RFC 4315 2.1) */
		if (args == NULL || args->next != NULL ||
		    arg_get_atom(args, &str) == -1 ||
		    seqset_parse(s->cmd_arena, str, strlen(str), &set) != 0) {
			session_bad(s, NULL, "UID EXPUNGE needs a UID set");
			return;
		}
		max = s->sel->n > 0 ? s->sel->msgs[s->sel->n - 1].uid : 0;
		if (set.saved)		/* RFC 5182: "$" */
			msgset_saved_set(s, &resolved);
		else
			seqset_resolve(s->cmd_arena, &set, max, &resolved);
		if (maildir_expunge(s->sel, uid_in_set, &resolved) == -1)
			log_warn("%s: expunge", s->sel->name);
	} else {
		if (args != NULL) {
			session_bad(s, NULL, "EXPUNGE takes no arguments");
			return;
		}
		if (maildir_expunge(s->sel, NULL, NULL) == -1)
			log_warn("%s: expunge", s->sel->name);
	}
	/* RFC 7162 3.2.7, 3.2.9: with QRESYNC, the modseq after them */
	if (s->sel->gone > before && (s->enabled & ENABLED_QRESYNC) &&
	    !s->nomodseq) {
		session_report(s);
		(void)snprintf(code, sizeof(code), "HIGHESTMODSEQ %llu",
		    (unsigned long long)modseq_highest(s->sel));
		session_ok(s, code, "Expunge completed.");
		return;
	}
	session_ok(s, NULL, "Expunge completed.");
}

void
cmd_uid(struct session *s, struct imap_arg *args)
{
	const struct command	*cmd;
	const char		*name;

	if (args == NULL || arg_get_atom(args, &name) == -1 ||
	    (cmd = command_find(name)) == NULL || !(cmd->flags & CMD_UID)) {
		session_bad(s, NULL, "UID needs FETCH, STORE, COPY, MOVE, SEARCH, "
		    "SORT, THREAD or EXPUNGE");
		return;
	}
	s->uid_cmd = 1;
	s->cmd = cmd;
	s->cmd_name = cmd->name;
	cmd->run(s, args->next);
}
