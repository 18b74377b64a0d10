/*
 * maildir_watch.c: inotify watches on a selected folder's cur/ and new/,
 * so that a sync reads what changed instead of listing the directories
 * again (a listing of 100,000 files after every command is what made an
 * APPEND into a large selected folder slow).
 *
 * Each event names a file that appeared (created, linked, renamed into)
 * or disappeared (unlinked, renamed away). The events of one sync are
 * grouped by base name, in order; for each base the file is looked for
 * under the last name it appeared as, then under the name the view knows:
 * whatever exists now is the truth (so our own renames, seen again, change
 * nothing). A base whose file cannot be found is gone if its last event
 * was an unlink; if it was a rename away (another process moving it, or a
 * rename whose other half is not read yet), the caller lists everything,
 * as it does when the kernel's queue overflowed or inotify is unavailable.
 *
 * A watch starts only when it pays: at the first sync that must list the
 * folder again (something changed since SELECT), or at IDLE. Ending one
 * costs the kernel a grace period (10-20 ms at exit or at the next
 * SELECT), which a session that only reads would pay for nothing.
 */
#include <sys/inotify.h>
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "maildir.h"
#include "maildir_int.h"

/* No IN_DONT_FOLLOW: the watch is set through /proc/self/fd/N, a link to
 * the directory already open (no name is looked up again). */
#define WATCH_MASK	(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | \
			 IN_ONLYDIR)

struct wev {
	char	*name;
	size_t	 baselen;
	size_t	 seq;
	int	 in_new;
	int	 appear;	/* else disappear */
	int	 unlink;	/* IN_DELETE */
};

void
maildir_watch_start(struct maildir *m)
{
	char	path[64];

	if (m->inofd != -1 || m->nowatch)
		return;
	m->watched = 0;		/* until a listing after this */
	m->inofd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (m->inofd == -1) {
		m->nowatch = 1;
		return;
	}
	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", m->curfd);
	m->wd_cur = inotify_add_watch(m->inofd, path, WATCH_MASK);
	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", m->newfd);
	m->wd_new = inotify_add_watch(m->inofd, path, WATCH_MASK);
	if (m->wd_cur == -1 || m->wd_new == -1) {
		close(m->inofd);
		m->inofd = -1;
		m->nowatch = 1;
	}
}

int
maildir_watch_begin(struct maildir *m)
{
	if (m->inofd != -1 || m->nowatch || m->light)
		return 0;
	maildir_watch_start(m);
	return m->inofd != -1;
}

void
maildir_watch_stop(struct maildir *m)
{
	if (m->inofd != -1)
		close(m->inofd);
	m->inofd = -1;
}

static int
wev_cmp(const void *a, const void *b)
{
	const struct wev	*x = a, *y = b;
	size_t			 n = x->baselen < y->baselen ? x->baselen :
				    y->baselen;
	int			 c = memcmp(x->name, y->name, n);

	if (c != 0)
		return c;
	if (x->baselen != y->baselen)
		return x->baselen < y->baselen ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
wev_free(struct wev *ev, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(ev[i].name);
	free(ev);
}

/* A regular file named name in new/ (in_new) or cur/? */
static int
present(struct maildir *m, const char *name, int in_new)
{
	struct stat	st;

	return fstatat(in_new ? m->newfd : m->curfd, name, &st,
	    AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

int
maildir_watch_changes(struct maildir *m, struct scan *sc,
    size_t **gone_r, size_t *ngone_r, int *nothing_r)
{
	char			 buf[65536]
				    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ie;
	struct wev		*ev = NULL, *e;
	size_t			*gone;
	size_t			 nev = 0, cap = 0, i, j, k;
	ssize_t			 n;
	long			 idx;
	int			 full = 0;

	*nothing_r = 0;
	if (m->inofd == -1)
		return 0;
	for (;;) {
		n = read(m->inofd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (i = 0; i < (size_t)n; i += sizeof(*ie) + ie->len) {
			ie = (const struct inotify_event *)(buf + i);
			if (ie->mask & (IN_Q_OVERFLOW | IN_IGNORED)) {
				full = 1;
				continue;
			}
			if (ie->len == 0 || ie->name[0] == '.' ||
			    (ie->mask & IN_ISDIR))
				continue;
			if (nev == cap) {
				cap = cap == 0 ? 64 : cap * 2;
				if ((e = reallocarray(ev, cap, sizeof(*ev))) ==
				    NULL)
					fatalx("out of memory");
				ev = e;
			}
			e = &ev[nev];
			if ((e->name = strdup(ie->name)) == NULL)
				fatalx("out of memory");
			e->baselen = maildir_baselen(e->name);
			e->seq = nev;
			e->in_new = ie->wd == m->wd_new;
			e->appear = (ie->mask & (IN_CREATE | IN_MOVED_TO)) != 0;
			e->unlink = (ie->mask & IN_DELETE) != 0;
			nev++;
		}
		/* Room left for the longest event: the queue was empty (what
		 * comes after is for the next sync), no read for EAGAIN. */
		if ((size_t)n <= sizeof(buf) - sizeof(*ie) - NAME_MAX - 1) {
			n = 0;
			break;
		}
	}
	if (n == -1 && errno != EAGAIN) {
		log_warn("%s: inotify", m->name);
		full = 1;
	}
	if (full) {
		wev_free(ev, nev);
		return 0;
	}
	if (nev == 0) {
		*nothing_r = 1;
		return 1;
	}
	qsort(ev, nev, sizeof(*ev), wev_cmp);
	for (i = 0; i < nev; i = j) {
		for (j = i + 1; j < nev && ev[j].baselen == ev[i].baselen &&
		    memcmp(ev[j].name, ev[i].name, ev[i].baselen) == 0; j++)
			;
		/* The last name it appeared as, if it is there. */
		for (k = j; k-- > i;)
			if (ev[k].appear && present(m, ev[k].name,
			    ev[k].in_new))
				break;
		idx = maildir_hash_find(m, ev[i].name, ev[i].baselen);
		if (k != (size_t)-1 && k >= i && k < j) {
			maildir_scan_add(sc, ev[k].name, ev[k].in_new);
			continue;
		}
		/* Else the name the view knows, if still there. */
		if (idx >= 0) {
			struct mmsg *msg = &m->msgs[idx];

			if (present(m, msg->name, (msg->state & MSG_IN_NEW) != 0))
				continue;
			if (!ev[j - 1].unlink) {
				/* Renamed away, or the rest is not read yet. */
				wev_free(ev, nev);
				return 0;
			}
			if ((gone = reallocarray(*gone_r, *ngone_r + 1,
			    sizeof(*gone))) == NULL)
				fatalx("out of memory");
			gone[(*ngone_r)++] = (size_t)idx;
			*gone_r = gone;
		} else if (!ev[j - 1].unlink) {
			/* A file new to us, no longer where it appeared: moved
			 * on (another session took it from new/ to cur/), the
			 * events of that not read yet. Its record may be read
			 * now, and a file numbered after it seen: list all, so
			 * that both come in UID order, and it is not taken for
			 * gone and numbered again. */
			wev_free(ev, nev);
			return 0;
		}
	}
	wev_free(ev, nev);
	return 1;
}
