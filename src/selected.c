/*
 * selected.c: the selected mailbox of a session: SELECT/EXAMINE's
 * responses, and the untagged updates that tell the client what other
 * processes changed (RFC 9051 7.5.1, RFC 2180).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "commands.h"
#include "condstore.h"
#include "flags.h"
#include "log.h"
#include "cache.h"
#include "maildir.h"
#include "objectid.h"
#include "mailbox.h"
#include "msgset.h"
#include "session.h"

int
session_mailbox(struct session *s, const char *name, char *dir,
    size_t dirsize)
{
	if (mailbox_dirname(name, dir, dirsize) == -1) {
		session_no(s, "CANNOT", "Invalid mailbox name");
		return -1;
	}
	return 0;
}

void
session_no_errno(struct session *s, int err, const char *what)
{
	switch (err) {
	case EWOULDBLOCK:
		session_no(s, "INUSE", "%s: the mailbox is locked by another "
		    "process, try again", what);
		break;
	case ENOSPC:
		session_no(s, "OVERQUOTA", "%s: no space left", what);
		break;
	case EDQUOT:
		/* The Maildir++ quota (quota.c) or the file system's. */
		session_no(s, "OVERQUOTA", "%s: quota exceeded", what);
		break;
	case EACCES:
	case EPERM:
		session_no(s, "NOPERM", "%s: permission denied", what);
		break;
	default:
		errno = err;
		log_warn("%s", what);
		session_no(s, "SERVERBUG", "%s failed, see the server log",
		    what);
		break;
	}
}

/* Whether the open folder m (opened as dirname) is still the directory
 * dir: not renamed by another process since (then the name is another
 * folder's, or none). INBOX's directory is the root's, never renamed. */
static int
still_named(struct session *s, const struct maildir *m,
    const char *dirname, const char *dir)
{
	struct stat	a, b;

	if (strcmp(dir, dirname) != 0)
		return 0;
	return *dir == '\0' || (fstat(m->dirfd, &a) == 0 &&
	    fstatat(s->rootfd, dir, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	    a.st_ino == b.st_ino && a.st_dev == b.st_dev);
}

struct maildir *
session_dest(struct session *s, const char *dir)
{
	if (s->sel != NULL && still_named(s, s->sel, s->sel_dirname, dir))
		return s->sel;
	if (s->dest != NULL) {
		/* Renamed or deleted and made anew since: open it again. */
		if (still_named(s, s->dest, s->dest_dirname, dir))
			return s->dest;
		maildir_close(&s->dest);
		free(s->dest_dirname);
		s->dest_dirname = NULL;
	}
	if ((s->dest = maildir_open(s->rootfd, dir, dir,
	    MAILDIR_LIGHT)) == NULL)
		return NULL;
	if ((s->dest_dirname = strdup(dir)) == NULL)
		fatalx("out of memory");
	return s->dest;
}

static void
report_flags_defined(struct session *s)
{
	struct buf	*b = session_out(s);
	struct maildir	*m = s->sel;

	(void)buf_adds(b, "* FLAGS (");
	flags_write_defined(b, m);
	(void)buf_addc(b, ')');
	session_send_line(s);
	if (m->readonly) {
		session_untagged(s, "OK [PERMANENTFLAGS ()] Read-only mailbox.");
		return;
	}
	(void)buf_adds(b, "* OK [PERMANENTFLAGS (");
	flags_write_defined(b, m);
	/* "\*": new keywords may be created while there is room. */
	if (maildir_keyword_count(m) < KEYWORDS_MAX)
		(void)buf_adds(b, " \\*");
	(void)buf_adds(b, ")] Flags permitted.");
	session_send_line(s);
}

void
session_report_keywords(struct session *s)
{
	if (s->sel->kw_changed) {
		report_flags_defined(s);
		s->sel->kw_changed = 0;
	}
}

/* "* VANISHED uids" for the messages gone from the view (their expunges
 * are recorded by the sync that found them). */
static void
report_vanished(struct session *s)
{
	struct maildir	*m = s->sel;
	struct buf	*b = session_out(s);
	size_t		 i, j;
	int		 first = 1;

	for (i = 0; i < m->n; i = j) {
		if (!(m->msgs[i].state & MSG_GONE)) {
			j = i + 1;
			continue;
		}
		/* a run of gone messages: consecutive UIDs make a range */
		for (j = i + 1; j < m->n && (m->msgs[j].state & MSG_GONE) &&
		    m->msgs[j].uid == m->msgs[j - 1].uid + 1; j++)
			;
		if (b->len > 64 * 1024) {
			session_send_line(s);
			first = 1;
		}
		(void)buf_adds(b, first ? "* VANISHED " : ",");
		first = 0;
		if (j - i == 1)
			(void)buf_printf(b, "%u", m->msgs[i].uid);
		else
			(void)buf_printf(b, "%u:%u", m->msgs[i].uid,
			    m->msgs[j - 1].uid);
	}
	if (!first)
		session_send_line(s);
}

void
session_report(struct session *s)
{
	struct maildir		*m = s->sel;
	struct maildir_changes	 ch;
	struct buf		*b;
	size_t			 i, expunged = 0;
	int			 may_expunge;

	if (maildir_sync(m, &ch) == -1) {
		if (errno == ESTALE)
			session_bye(s, NULL, "Mailbox UIDVALIDITY changed",
			    "uidvalidity changed", 1);
		log_warn("%s: sync", m->name);
		return;
	}
	may_expunge = s->cmd == NULL || !(s->cmd->flags & CMD_NO_EXPUNGE) ||
	    s->uid_cmd;
	if (may_expunge && m->gone > 0) {
		if ((s->enabled & ENABLED_QRESYNC) && !s->nomodseq)
			report_vanished(s);	/* RFC 7162 3.2.10.2 */
		else {
			/* From the top down, each number is right as it is
			 * sent. */
			for (i = m->n; i-- > 0;)
				if (m->msgs[i].state & MSG_GONE)
					session_untagged(s, "%zu EXPUNGE",
					    i + 1);
		}
		for (i = 0; i < m->n; i++)
			if (m->msgs[i].state & MSG_GONE)
				expunged++;
		maildir_purge_gone(m);
		s->exists -= expunged;
	}
	session_report_keywords(s);
	for (i = 0; i < m->n && ch.flags > 0; i++) {
		if (!(m->msgs[i].state & MSG_FLAGS_CHANGED) ||
		    (m->msgs[i].state & MSG_GONE))
			continue;
		b = session_out(s);
		condstore_fetch_open(s, b, i);
		(void)buf_adds(b, "FLAGS ");
		flags_write(b, m, &m->msgs[i], !SESSION_REV2(s));
		(void)buf_addc(b, ')');
		session_send_line(s);
	}
	/* RFC 7162 6: expunges held back (and FETCH responses may have
	 * carried higher modseqs): the modseq a client may resume from. */
	if (m->gone > 0 && (s->enabled & ENABLED_QRESYNC) && !s->nomodseq)
		session_untagged(s, "OK [HIGHESTMODSEQ %llu] Highest",
		    (unsigned long long)modseq_highest(m));
	maildir_clear_changed(m);
	if (m->n != s->exists) {
		session_untagged(s, "%zu EXISTS", m->n);
		s->exists = m->n;
	}
	if (m->recent != s->recent) {
		if (!SESSION_REV2(s))
			session_untagged(s, "%zu RECENT", m->recent);
		s->recent = m->recent;
	}
}

void
session_unselect(struct session *s, int expunge)
{
	/* RFC 5182 2.1: the search result goes with the mailbox */
	msgset_save_reset(s);
	if (s->sel == NULL)
		return;
	if (expunge && !s->sel->readonly)
		(void)maildir_expunge(s->sel, NULL, NULL);
	cache_close(&s->cache);
	maildir_close(&s->sel);
	free(s->sel_dirname);
	s->sel_dirname = NULL;
	s->state = STATE_AUTH;
	s->exists = s->recent = 0;
	s->nomodseq = 0;
}

int
session_select(struct session *s, const char *name, int readonly,
    const struct select_params *p)
{
	char		 dir[512], title[128], oid[OBJECTID_MAX];
	struct maildir	*m;
	size_t		 i;

	if (s->sel != NULL) {
		/* RFC 7162 3.2.11, as Dovecot: say the old one is closed. */
		session_unselect(s, 0);
		session_untagged(s, "OK [CLOSED] Previous mailbox closed.");
	}
	if (session_mailbox(s, name, dir, sizeof(dir)) == -1)
		return -1;
	if ((m = maildir_open(s->rootfd, dir, name, readonly)) == NULL) {
		if (errno == ENOENT)
			session_no(s, "NONEXISTENT", "Mailbox doesn't exist: %s",
			    name);
		else
			session_no_errno(s, errno, "Opening the mailbox");
		return -1;
	}
	s->sel = m;
	if ((s->sel_dirname = strdup(dir)) == NULL)
		fatalx("out of memory");
	/* ps shows who reads what: "mdimapd: user [address] mailbox". */
	log_escape(title, sizeof(title), name, strlen(name));
	setproctitle("%s [%s] %s", s->user, s->remote, title);
	s->state = STATE_SELECTED;
	m->kw_changed = 0;
	report_flags_defined(s);
	session_untagged(s, "%zu EXISTS", m->n);
	s->exists = m->n;
	s->recent = m->recent;
	if (SESSION_REV2(s))
		/* RFC 9051 6.3.2: a LIST response for the mailbox; no
		 * RECENT and no UNSEEN code (E.11, E.12). */
		cmd_mailbox_list_one(s, name);
	else {
		session_untagged(s, "%zu RECENT", m->recent);
		for (i = 0; i < m->n; i++)
			if (!(m->msgs[i].flags & MF_SEEN)) {
				session_untagged(s, "OK [UNSEEN %zu] First "
				    "unseen.", i + 1);
				break;
			}
	}
	session_untagged(s, "OK [UIDVALIDITY %u] UIDs valid", m->uidvalidity);
	session_untagged(s, "OK [UIDNEXT %u] Predicted next UID",
	    maildir_uidnext(m));
	objectid_mailbox(m, oid);	/* RFC 8474 4.2 */
	session_untagged(s, "OK [MAILBOXID (%s)] Ok", oid);
	select_params_report(s, p);
	return 0;
}
