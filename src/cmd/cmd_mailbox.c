/*
 * cmd_mailbox.c: the commands on mailboxes as names (RFC 9051 6.3): CREATE
 * (with RFC 6154 USE), DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST
 * (RFC 5258 LIST-EXTENDED, RFC 5819 LIST-STATUS, RFC 6154 SPECIAL-USE),
 * LSUB (RFC 3501), NAMESPACE (RFC 2342) and STATUS (with RFC 8438 SIZE).
 * Valid in the authenticated and selected states.
 *
 * What is here: argument syntax, and turning the storage layer's results
 * (store/mailbox.h) into responses: names through resp_astring, the
 * response codes of RFC 5530, LIST attributes from the facts mailbox_list()
 * computes. What is not: anything about the file system.
 *
 * Names travel as sent (modified UTF-7, IMAP4rev1); once UTF8=ACCEPT is
 * enabled they are UTF-8 on the wire and converted both ways here.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "commands.h"
#include "condstore.h"
#include "log.h"
#include "mailbox.h"
#include "maildir.h"
#include "mutf7.h"
#include "parser.h"
#include "resp.h"
#include "session.h"

/* STATUS items (RFC 9051 6.3.11, RFC 8438), in response order. */
#define SI_MESSAGES	0x01
#define SI_RECENT	0x02
#define SI_UIDNEXT	0x04
#define SI_UIDVALIDITY	0x08
#define SI_UNSEEN	0x10
#define SI_SIZE		0x20
#define SI_DELETED	0x40	/* RFC 9208 4.1.4 */
#define SI_DELETED_STORAGE 0x80
#define SI_HIGHESTMODSEQ 0x100
#define SI_MAILBOXID	0x200	/* RFC 8474 4.3: a string, written last */

static const struct {
	const char	*name;
	unsigned	 bit;
} status_items[] = {
	{ "MESSAGES",	 SI_MESSAGES },
	{ "RECENT",	 SI_RECENT },
	{ "UIDNEXT",	 SI_UIDNEXT },
	{ "UIDVALIDITY", SI_UIDVALIDITY },
	{ "UNSEEN",	 SI_UNSEEN },
	{ "HIGHESTMODSEQ", SI_HIGHESTMODSEQ },	/* RFC 7162 3.1.7 */
	{ "SIZE",	 SI_SIZE },
	{ "DELETED",	 SI_DELETED },
	{ "DELETED-STORAGE", SI_DELETED_STORAGE },
	{ "MAILBOXID",	 SI_MAILBOXID },
};
#define NSTATUS_ITEMS	(sizeof(status_items) / sizeof(status_items[0]))

/* A LIST or LSUB command, parsed. */
struct list_cmd {
	int		  lsub;
	int		  extended;	/* RFC 5258 syntax was used */
	unsigned	  sel;		/* MBL_* selection options */
	int		  ret_subscribed, ret_children, ret_specialuse;
	unsigned	  status;	/* SI_*: RETURN (STATUS (...)) */
	const char	 *ref;
	const char	**pats;		/* as sent */
	size_t		  npats;
};

/*
 * A mailbox argument, as stored (modified UTF-7). NULL when it is not an
 * astring (the caller answers BAD) or not convertible (*bad_r set: the
 * caller answers NO).
 */
const char *
cmd_mailbox_arg(struct session *s, const struct imap_arg *a, int *bad_r)
{
	const char	*name;
	char		*conv;

	*bad_r = 0;
	if (arg_get_astring(a, &name) == -1)
		return NULL;
	if (!SESSION_UTF8(s))
		return name;
	if (mutf7_from_utf8(s->cmd_arena, name, strlen(name), &conv) == -1) {
		*bad_r = 1;
		return NULL;
	}
	return conv;
}

/* The answer when cmd_mailbox_arg() gave no name. */
void
cmd_mailbox_arg_fail(struct session *s, int bad)
{
	if (bad)
		session_no(s, "CANNOT", "Invalid mailbox name: Not valid UTF-8");
	else
		session_bad(s, NULL, "Invalid mailbox name syntax");
}

/* A stored name as the client sees it. */
static void
name_write(struct session *s, struct buf *b, const char *name)
{
	char	*conv;

	if (SESSION_UTF8(s) &&
	    mutf7_to_utf8(s->cmd_arena, name, strlen(name), &conv) == 0) {
		resp_astring(b, conv, strlen(conv), RESP_UTF8);
		return;
	}
	resp_astring(b, name, strlen(name), 0);
}

/* NO for a system error (storage logged it; errno says what). */
static void
sys_fail(struct session *s)
{
	switch (errno) {
	case EDQUOT:
	case ENOSPC:
		session_no(s, "OVERQUOTA", "Not enough disk space");
		break;
	case EACCES:
	case EPERM:
	case EROFS:
		session_no(s, "NOPERM", "Permission denied");
		break;
	case EWOULDBLOCK:
		session_no(s, "INUSE", "Locked by another session, try again");
		break;
	case E2BIG:
		session_no(s, "LIMIT", "Too many mailboxes");
		break;
	default:
		session_no(s, "SERVERBUG", "Internal error, see the server log");
		break;
	}
}

static void
invalid(struct session *s, const char *name)
{
	const char	*why = mailbox_name_invalid(name);

	session_no(s, "CANNOT", "Invalid mailbox name: %s",
	    why != NULL ? why : "Name too long");
}

/* NO for a storage result other than MBX_OK. */
static void
mbx_fail(struct session *s, enum mailbox_result r, const char *name,
    const char *sent)
{
	switch (r) {
	case MBX_OK:
		break;
	case MBX_INVALID:
		invalid(s, name);
		break;
	case MBX_NONEXISTENT:
		session_no(s, "NONEXISTENT", "Mailbox doesn't exist: %s", sent);
		break;
	case MBX_EXISTS:
		session_no(s, "ALREADYEXISTS", "Mailbox already exists");
		break;
	case MBX_INBOX:
		session_no(s, "CANNOT", "INBOX can't be deleted");
		break;
	case MBX_INFERIOR:
		session_no(s, "CANNOT",
		    "Can't rename a mailbox into its own hierarchy");
		break;
	case MBX_ERROR:
		sys_fail(s);
		break;
	}
}

/* One mailbox argument and nothing else. */
static const char *
one_name(struct session *s, struct imap_arg *args)
{
	const char	*name;
	int		 bad;

	if (args == NULL || args->next != NULL) {
		session_bad(s, NULL, "%s takes one mailbox name", s->cmd_name);
		return NULL;
	}
	if ((name = cmd_mailbox_arg(s, args, &bad)) == NULL)
		cmd_mailbox_arg_fail(s, bad);
	return name;
}

/* RFC 6154 3 / RFC 4466 2.2: CREATE's "(USE (\Sent ...))". */
static int
create_params(struct session *s, struct imap_arg *list, unsigned *use_r)
{
	struct imap_arg	*p, *u, *attrs;
	const char	*attr;
	unsigned	 bit;
	size_t		 n;

	*use_r = 0;
	if (arg_get_list(list, &p, &n) == -1 || n == 0) {
		session_bad(s, NULL, "CREATE parameters must be a list");
		return -1;
	}
	for (; p != NULL; p = p->next->next) {
		if (!arg_is_atom(p, "USE") ||
		    arg_get_list(p->next, &attrs, &n) == -1) {
			session_bad(s, NULL, "Unknown CREATE parameter");
			return -1;
		}
		for (u = attrs; u != NULL; u = u->next) {
			if (arg_get_atom(u, &attr) == -1 || attr[0] != '\\') {
				session_bad(s, NULL, "USE takes a list of "
				    "special-use attributes");
				return -1;
			}
			bit = mailbox_use_bit(attr);
			if (!(bit & MBX_USE_SETTABLE)) {
				session_no(s, "USEATTR", "Special-use "
				    "attribute not supported: %s", attr);
				return -1;
			}
			*use_r |= bit;
		}
	}
	return 0;
}

static int	status_get(struct session *, const char *, unsigned,
		    struct maildir_status *);

void
cmd_create(struct session *s, struct imap_arg *args)
{
	const char		*name;
	struct maildir_status	 st;
	unsigned		 use = 0;
	enum mailbox_result	 r;
	size_t			 len;
	int			 bad;
	char			 code[64];

	if (args == NULL || (args->next != NULL && args->next->next != NULL)) {
		session_bad(s, NULL, "CREATE takes a mailbox name and "
		    "optional parameters");
		return;
	}
	if ((name = cmd_mailbox_arg(s, args, &bad)) == NULL) {
		cmd_mailbox_arg_fail(s, bad);
		return;
	}
	if (args->next != NULL && create_params(s, args->next, &use) == -1)
		return;
	if ((r = mailbox_create(s->rootfd, name, use)) != MBX_OK) {
		/* The reason is the name's without the trailing separator. */
		len = strlen(name);
		if (r == MBX_INVALID && len > 1 && name[len - 1] == MAILBOX_SEP)
			name = arena_strndup(s->cmd_arena, name, len - 1);
		mbx_fail(s, r, name, args->str);
		return;
	}
	/* RFC 8474 4.1: the new folder's MAILBOXID (opening it makes its
	 * uidlist, and with it the GUID). */
	len = strlen(name);
	if (len > 1 && name[len - 1] == MAILBOX_SEP)	/* "a." made "a" */
		name = arena_strndup(s->cmd_arena, name, len - 1);
	if (status_get(s, name, 0, &st) == 0) {
		(void)snprintf(code, sizeof(code), "MAILBOXID (%s)",
		    st.mailboxid);
		session_ok(s, code, "Create completed.");
	} else
		session_ok(s, NULL, "Create completed.");
}

void
cmd_delete(struct session *s, struct imap_arg *args)
{
	const char		*name;
	enum mailbox_result	 r;

	if ((name = one_name(s, args)) == NULL)
		return;
	if ((r = mailbox_delete(s->rootfd, name)) != MBX_OK) {
		mbx_fail(s, r, name, args->str);
		return;
	}
	session_ok(s, NULL, "Delete completed.");
}

void
cmd_rename(struct session *s, struct imap_arg *args)
{
	const char		*from, *to;
	enum mailbox_result	 r;
	int			 bad1, bad2;

	if (args == NULL || args->next == NULL || args->next->next != NULL) {
		session_bad(s, NULL, "RENAME takes two mailbox names");
		return;
	}
	from = cmd_mailbox_arg(s, args, &bad1);
	to = cmd_mailbox_arg(s, args->next, &bad2);
	if (from == NULL || to == NULL) {
		cmd_mailbox_arg_fail(s, bad1 || bad2);
		return;
	}
	r = mailbox_rename(s->rootfd, from, to);
	if (r == MBX_INVALID && mailbox_name_invalid(from) == NULL)
		from = to;
	if (r != MBX_OK) {
		mbx_fail(s, r, from, args->str);
		return;
	}
	session_ok(s, NULL, "Rename completed.");
}

static void
subscribe(struct session *s, struct imap_arg *args, int on)
{
	const char		*name;
	enum mailbox_result	 r;
	int			 e;

	if ((name = one_name(s, args)) == NULL)
		return;
	if (mailbox_name_invalid(name) != NULL) {
		invalid(s, name);
		return;
	}
	/* RFC 9051 6.3.7: a server may refuse names that do not exist. */
	if (on && (e = mailbox_exists(s->rootfd, name)) != 1) {
		if (e == 0)
			mbx_fail(s, MBX_NONEXISTENT, name, args->str);
		else
			sys_fail(s);
		return;
	}
	if ((r = mailbox_subscribe(s->rootfd, name, on)) != MBX_OK) {
		mbx_fail(s, r, name, args->str);
		return;
	}
	session_ok(s, NULL, on ? "Subscribe completed." :
	    "Unsubscribe completed.");
}

void
cmd_subscribe(struct session *s, struct imap_arg *args)
{
	subscribe(s, args, 1);
}

void
cmd_unsubscribe(struct session *s, struct imap_arg *args)
{
	subscribe(s, args, 0);
}

void
cmd_namespace(struct session *s, struct imap_arg *args)
{
	if (args != NULL) {
		session_bad(s, NULL, "NAMESPACE takes no arguments");
		return;
	}
	/* RFC 2342: one personal namespace, no prefix, "." separator. */
	session_untagged(s, "NAMESPACE ((\"\" \"%c\")) NIL NIL", MAILBOX_SEP);
	session_ok(s, NULL, "Namespace completed.");
}

/* The status items of a list; BAD and -1 on error. */
static int
status_items_parse(struct session *s, struct imap_arg *list, unsigned *r)
{
	struct imap_arg	*a;
	const char	*item;
	size_t		 n, i;

	*r = 0;
	if (arg_get_list(list, &a, &n) == -1 || n == 0) {
		session_bad(s, NULL, "Status items must be a non-empty list");
		return -1;
	}
	for (; a != NULL; a = a->next) {
		if (arg_get_atom(a, &item) == -1) {
			session_bad(s, NULL, "Invalid status item");
			return -1;
		}
		for (i = 0; i < NSTATUS_ITEMS; i++)
			if (strcasecmp(item, status_items[i].name) == 0)
				break;
		if (i == NSTATUS_ITEMS) {
			session_bad(s, NULL, "Unknown status item: %s", item);
			return -1;
		}
		*r |= status_items[i].bit;
	}
	/* RFC 7162 3.1: a CONDSTORE enabling command */
	if (*r & SI_HIGHESTMODSEQ)
		condstore_enable(s);
	return 0;
}

/* "* STATUS name (...)"; name is written as given (already wire form
 * when raw, else converted). */
static void
status_send(struct session *s, const char *name, int raw, unsigned items,
    const struct maildir_status *st)
{
	struct buf	*b = session_out(s);
	uint64_t	 v[NSTATUS_ITEMS];
	size_t		 i;
	int		 first = 1;

	v[0] = st->messages;
	v[1] = st->recent;
	v[2] = st->uidnext;
	v[3] = st->uidvalidity;
	v[4] = st->unseen;
	v[5] = st->highestmodseq;
	v[6] = st->size;
	v[7] = st->deleted;
	v[8] = st->deleted_size;
	(void)buf_adds(b, "* STATUS ");
	if (raw)
		resp_astring(b, name, strlen(name),
		    SESSION_UTF8(s) ? RESP_UTF8 : 0);
	else
		name_write(s, b, name);
	(void)buf_adds(b, " (");
	for (i = 0; i < NSTATUS_ITEMS; i++)
		if ((items & status_items[i].bit) &&
		    status_items[i].bit != SI_MAILBOXID) {
			(void)buf_printf(b, "%s%s %llu", first ? "" : " ",
			    status_items[i].name, (unsigned long long)v[i]);
			first = 0;
		}
	if (items & SI_MAILBOXID)
		(void)buf_printf(b, "%sMAILBOXID (%s)", first ? "" : " ",
		    st->mailboxid);
	(void)buf_addc(b, ')');
	session_send_line(s);
}

/* The status of a valid name: 0, or -1 with errno (ENOENT: gone). */
static int
status_get(struct session *s, const char *name, unsigned items,
    struct maildir_status *st)
{
	char	dir[MAILBOX_NAME_MAX + 2];

	if (mailbox_dirname(name, dir, sizeof(dir)) == -1) {
		errno = ENOENT;
		return -1;
	}
	return maildir_status(s->rootfd, dir,
	    ((items & SI_SIZE) ? MST_SIZE : 0) |
	    ((items & SI_DELETED_STORAGE) ? MST_DELETED_SIZE : 0), st);
}

void
cmd_status(struct session *s, struct imap_arg *args)
{
	struct maildir_status	 st;
	const char		*name;
	unsigned		 items;
	int			 bad, e;

	if (args == NULL || args->next == NULL || args->next->next != NULL) {
		session_bad(s, NULL, "STATUS takes a mailbox name and a list "
		    "of status items");
		return;
	}
	if ((name = cmd_mailbox_arg(s, args, &bad)) == NULL) {
		cmd_mailbox_arg_fail(s, bad);
		return;
	}
	if (status_items_parse(s, args->next, &items) == -1)
		return;
	if (mailbox_name_invalid(name) != NULL) {
		invalid(s, name);
		return;
	}
	if ((e = mailbox_exists(s->rootfd, name)) != 1) {
		if (e == 0)
			mbx_fail(s, MBX_NONEXISTENT, name, args->str);
		else
			sys_fail(s);
		return;
	}
	if (status_get(s, name, items, &st) == -1) {
		if (errno == ENOENT)
			mbx_fail(s, MBX_NONEXISTENT, name, args->str);
		else {
			e = errno;
			log_warn("status %s", name);
			errno = e;
			sys_fail(s);
		}
		return;
	}
	status_send(s, args->str, 1, items, &st);
	session_ok(s, NULL, "Status completed.");
}

/* A list-mailbox (RFC 9051 9): an atom that may hold "%", "*" and "]",
 * or a string. */
static int
pattern_arg(struct session *s, const struct imap_arg *a, const char **r)
{
	char	*conv;

	if (a == NULL)
		return -1;
	if (a->type == ARG_ATOM) {
		if (strchr(a->str, '\\') != NULL)
			return -1;
		*r = a->str;
	} else if (arg_get_string(a, r) == -1)
		return -1;
	if (SESSION_UTF8(s) &&
	    mutf7_from_utf8(s->cmd_arena, *r, strlen(*r), &conv) == 0)
		*r = conv;
	return 0;
}

/* RFC 5258 3: "(" options ")" before the reference. */
static int
list_select_opts(struct session *s, struct imap_arg *list,
    struct list_cmd *q)
{
	struct imap_arg	*o;
	size_t		 n;

	(void)arg_get_list(list, &o, &n);
	for (; o != NULL; o = o->next) {
		if (arg_is_atom(o, "SUBSCRIBED"))
			q->sel |= MBL_SUBSCRIBED;
		else if (arg_is_atom(o, "RECURSIVEMATCH"))
			q->sel |= MBL_RECURSIVEMATCH;
		else if (arg_is_atom(o, "SPECIAL-USE"))
			q->sel |= MBL_SPECIALUSE;
		else if (!arg_is_atom(o, "REMOTE")) {
			/* REMOTE: we have no remote mailboxes. */
			session_bad(s, NULL, "Unknown LIST selection option");
			return -1;
		}
	}
	/* RFC 5258 3.1: only with an option it can modify. */
	if ((q->sel & MBL_RECURSIVEMATCH) && !(q->sel & MBL_SUBSCRIBED)) {
		session_bad(s, NULL, "RECURSIVEMATCH needs SUBSCRIBED");
		return -1;
	}
	return 0;
}

/* RFC 5258 3.2, RFC 5819, RFC 6154: RETURN (options). */
static int
list_return_opts(struct session *s, struct imap_arg *list,
    struct list_cmd *q)
{
	struct imap_arg	*o;
	size_t		 n;

	if (arg_get_list(list, &o, &n) == -1) {
		session_bad(s, NULL, "RETURN needs a list of options");
		return -1;
	}
	for (; o != NULL; o = o->next) {
		if (arg_is_atom(o, "SUBSCRIBED"))
			q->ret_subscribed = 1;
		else if (arg_is_atom(o, "CHILDREN"))
			q->ret_children = 1;
		else if (arg_is_atom(o, "SPECIAL-USE"))
			q->ret_specialuse = 1;
		else if (arg_is_atom(o, "STATUS")) {
			if (status_items_parse(s, o->next, &q->status) == -1)
				return -1;
			o = o->next;
		} else {
			session_bad(s, NULL, "Unknown LIST return option");
			return -1;
		}
	}
	return 0;
}

/*
 * LIST [(sel)] ref pattern-or-(patterns) [RETURN (ret)]; LSUB ref pattern.
 * BAD and -1 on a syntax error.
 */
static int
list_parse(struct session *s, struct imap_arg *a, struct list_cmd *q)
{
	struct imap_arg	*p;
	char		*conv;
	size_t		 n;

	if (!q->lsub && a != NULL && a->type == ARG_LIST) {
		q->extended = 1;
		if (list_select_opts(s, a, q) == -1)
			return -1;
		a = a->next;
	}
	if (a == NULL || a->next == NULL || arg_get_astring(a, &q->ref) == -1) {
		session_bad(s, NULL, "%s needs a reference and a mailbox "
		    "pattern", s->cmd_name);
		return -1;
	}
	if (SESSION_UTF8(s) &&
	    mutf7_from_utf8(s->cmd_arena, q->ref, strlen(q->ref), &conv) == 0)
		q->ref = conv;
	a = a->next;
	if (!q->lsub && a->type == ARG_LIST) {
		q->extended = 1;
		(void)arg_get_list(a, &p, &n);
	} else {
		p = a;
		n = 1;
	}
	q->pats = arena_reallocarray(s->cmd_arena, NULL, 0, n + 1,
	    sizeof(*q->pats));
	for (q->npats = 0; q->npats < n; q->npats++, p = p->next)
		if (pattern_arg(s, p, &q->pats[q->npats]) == -1) {
			session_bad(s, NULL, "Invalid mailbox pattern");
			return -1;
		}
	a = a->next;
	if (a != NULL && !q->lsub && arg_is_atom(a, "RETURN") &&
	    a->next != NULL && a->next->next == NULL) {
		q->extended = 1;
		return list_return_opts(s, a->next, q);
	}
	if (a != NULL) {
		session_bad(s, NULL, "Unexpected %s arguments", s->cmd_name);
		return -1;
	}
	return 0;
}

/* One LIST/LSUB line, and STATUS after it when asked for. */
static void
list_send(struct session *s, const struct list_cmd *q,
    const struct mailbox_entry *e)
{
	const struct mailbox_use	*u;
	struct maildir_status		 st;
	struct buf			*b;
	int				 first = 1, status = 0;

#define ATTR(x)	do {							\
	(void)buf_adds(b, first ? (x) : " " x);				\
	first = 0;							\
} while (0)

	if (q->status != 0 && (e->flags & MBE_SELECTED) &&
	    !(e->flags & MBE_NONEXISTENT)) {
		/* RFC 5819 2: no STATUS, and \Noselect, if it fails. */
		status = status_get(s, e->name, q->status, &st) == 0 ? 1 : -1;
		if (status == -1 && errno != ENOENT)
			log_warn("status %s", e->name);
	}
	b = session_out(s);
	(void)buf_adds(b, q->lsub ? "* LSUB (" : "* LIST (");
	if (q->lsub) {
		/* RFC 3501 6.3.9: the parents "%" stops at are \Noselect. */
		if (!(e->flags & MBE_SUBSCRIBED))
			ATTR("\\Noselect");
	} else if (!q->extended) {
		if (e->flags & MBE_NONEXISTENT)
			ATTR("\\Noselect");
		if (e->flags & MBE_CHILDREN)
			ATTR("\\HasChildren");
		else
			ATTR("\\HasNoChildren");
	} else {
		if ((e->flags & MBE_SUBSCRIBED) &&
		    (q->ret_subscribed || (q->sel & MBL_SUBSCRIBED)))
			ATTR("\\Subscribed");
		if (e->flags & MBE_NONEXISTENT)
			ATTR("\\NonExistent");
		else if (status == -1)
			ATTR("\\Noselect");
		if (q->ret_children && (e->flags & MBE_CHILDREN))
			ATTR("\\HasChildren");
		else if (q->ret_children)
			ATTR("\\HasNoChildren");
	}
	if (!q->lsub && (!q->extended || q->ret_specialuse ||
	    (q->sel & MBL_SPECIALUSE)))
		for (u = mailbox_uses; u->name != NULL; u++)
			if (e->use & u->bit) {
				if (!first)
					(void)buf_addc(b, ' ');
				(void)buf_adds(b, u->name);
				first = 0;
			}
#undef ATTR
	(void)buf_printf(b, ") \"%c\" ", MAILBOX_SEP);
	name_write(s, b, e->name);
	if ((e->flags & MBE_CHILDINFO) && !q->lsub)
		(void)buf_adds(b, " (CHILDINFO (\"SUBSCRIBED\"))");
	session_send_line(s);
	if (status == 1)
		status_send(s, e->name, 0, q->status, &st);
}

static void
list_run(struct session *s, struct imap_arg *args, int lsub)
{
	struct list_cmd		 q;
	struct mailbox_entry	*v;
	const char		**pats;
	struct buf		*b;
	size_t			 n, i, k;
	unsigned		 opts;

	memset(&q, 0, sizeof(q));
	q.lsub = lsub;
	if (list_parse(s, args, &q) == -1)
		return;
	/* RFC 9051 6.3.9: basic LIST ref "" asks for the separator. */
	if (!q.extended && q.npats == 1 && q.pats[0][0] == '\0') {
		if (!lsub) {
			b = session_out(s);
			(void)buf_printf(b, "* LIST (\\Noselect) \"%c\" ",
			    MAILBOX_SEP);
			name_write(s, b, mailbox_list_root(s->cmd_arena, q.ref));
			session_send_line(s);
		}
		session_ok(s, NULL, lsub ? "Lsub completed." :
		    "List completed.");
		return;
	}
	/* The canonical patterns; empty ones are ignored (RFC 5258). */
	pats = arena_reallocarray(s->cmd_arena, NULL, 0, q.npats + 1,
	    sizeof(*pats));
	for (i = k = 0; i < q.npats; i++)
		if (q.pats[i][0] != '\0' && (pats[k] = mailbox_pattern(
		    s->cmd_arena, q.ref, q.pats[i])) != NULL)
			k++;
	opts = q.sel;
	if (lsub)
		opts = MBL_SUBSCRIBED | MBL_RECURSIVEMATCH;
	if (q.ret_subscribed)
		opts |= MBL_WANT_SUBSCRIBED;
	if (k > 0 && mailbox_list(s->rootfd, s->cmd_arena, pats, k, opts,
	    &v, &n) == -1) {
		sys_fail(s);
		return;
	}
	for (i = 0; k > 0 && i < n; i++)
		list_send(s, &q, &v[i]);
	session_ok(s, NULL, lsub ? "Lsub completed." : "List completed.");
}

void
cmd_mailbox_list_one(struct session *s, const char *name)
{
	struct list_cmd		 q;
	struct mailbox_entry	*v;
	const char		*pat;
	size_t			 n, i;

	memset(&q, 0, sizeof(q));
	if ((pat = mailbox_pattern(s->cmd_arena, "", name)) == NULL ||
	    mailbox_list(s->rootfd, s->cmd_arena, &pat, 1, 0, &v, &n) == -1)
		return;
	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0) {
			list_send(s, &q, &v[i]);
			break;
		}
}

void
cmd_list(struct session *s, struct imap_arg *args)
{
	list_run(s, args, 0);
}

void
cmd_lsub(struct session *s, struct imap_arg *args)
{
	list_run(s, args, 1);
}
