/*
 * maildir.c: an open Maildir folder and its sync with the disk.
 *
 * Sync, and why it is safe with other processes at work:
 * 1. Open dovecot-uidlist (no lock: see uidlist.c). Its new records are
 *    read after step 2, through this open file: they are what it held
 *    before the listing, and maybe more (maildir_uids.c).
 * 2. List new/ and then cur/. A message moves from new/ to cur/, never
 *    back, so listing new/ first cannot miss one that moves meanwhile
 *    (it may be listed twice, and then gets one UID). Only regular files
 *    count; symlinks, FIFOs and devices are skipped.
 * 3. Match each file to the view by base name (the part before ":2,"):
 *    known files may have new flags (another process renamed them); unknown
 *    files are matched to uidlist records of step 1, or are new.
 * 4. A known message whose file was not listed may be in the middle of a
 *    rename by another process (readdir may miss a file renamed while it
 *    runs): list again, and only a second miss makes it MSG_GONE.
 * 5. New files get UIDs under the uidlist lock, after re-reading the list
 *    (another process may have numbered them meanwhile), in delivery order
 *    (the time at the start of the name, then the name).
 * 6. Not read-only: files still in new/ move to cur/; this session is the
 *    one that moved them, so they are \Recent here (RFC 3501 2.3.2).
 * UIDs never go back: next_uid only grows, even if the list is replaced.
 *
 * Memory: at 100,000 messages the names are most of it. Each is held once,
 * in the view's namepool; a first sync lists straight into that pool and
 * the view adopts the listing's names; the uidlist's records are matched
 * as they are read, not held.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "bigmem.h"
#include "log.h"
#include "maildir.h"
#include "maildir_int.h"

/* --- sync ----------------------------------------------------------- */

/* Move a message from new/ to cur/; 1 if we moved it (it is \Recent). */
static int
move_to_cur(struct maildir *m, struct mmsg *msg)
{
	char	*to;

	to = maildir_name_make(msg->name, maildir_baselen(msg->name), msg->flags,
	    msg->keywords);
	if (renameat(m->newfd, msg->name, m->curfd, to) == -1) {
		free(to);
		return 0;	/* another process moved it: not ours */
	}
	maildir_msg_rename(m, msg, to);
	free(to);
	msg->state &= ~MSG_IN_NEW;
	return 1;
}

struct compact_iter {
	struct maildir	*m;
	size_t		 i;
	char		 base[1024];
};

static int
compact_next(void *arg, struct uidlist_rec *r)
{
	struct compact_iter	*it = arg;
	struct mmsg		*msg;
	size_t			 bl;

	while (it->i < it->m->n) {
		msg = &it->m->msgs[it->i++];
		bl = maildir_baselen(msg->name);
		if ((msg->state & MSG_GONE) || bl >= sizeof(it->base))
			continue;
		memcpy(it->base, msg->name, bl);
		it->base[bl] = '\0';
		r->uid = msg->uid;
		r->base = it->base;
		return 1;
	}
	return 0;
}

/*
 * The list keeps a line for every message ever numbered: rewrite it with
 * the messages there are, when the others outnumber them. Only if nobody
 * appended since our listing (their files may not be in our view).
 */
static void
compact(struct maildir *m)
{
	struct compact_iter	it;
	int			lockfd;

	if ((lockfd = uidlist_lock(m->dirfd)) == -1)
		return;
	if (uidlist_read(m->dirfd, &m->ul) == -1 || m->ul.n > 0 ||
	    m->ul.version != 3) {
		uidlist_unlock(m->dirfd, lockfd);
		return;
	}
	memset(&it, 0, sizeof(it));
	it.m = m;
	if (uidlist_rewrite(m->dirfd, lockfd, &m->ul, compact_next, &it) == -1)
		log_warn("%s: rewriting %s", m->name, UIDLIST_NAME);
}

/* Files left in tmp/ by a crashed writer: Maildir says 36 hours. By
 * ctime: APPEND sets a file's mtime to the message's date before linking. */
static void
tmp_clean(struct maildir *m)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	int		 fd;
	time_t		 now = time(NULL);

	if ((fd = dup(m->tmpfd)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || fstatat(m->tmpfd, de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(st.st_mode) ||
		    now - st.st_ctime < 36 * 3600)
			continue;
		(void)unlinkat(m->tmpfd, de->d_name, 0);
	}
	closedir(d);
}

/* Whether the directory has an entry besides "." and "..". */
static int
dir_has_entries(int fd)
{
	struct dirent	*de;
	DIR		*d;
	int		 dfd, found = 0;

	if ((dfd = dup(fd)) == -1)
		return 1;	/* as if: a watch costs only time */
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return 1;
	}
	rewinddir(d);
	while (!found && (de = readdir(d)) != NULL)
		found = strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0;
	closedir(d);
	return found;
}

static int
timespec_eq(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static int
entry_uid_cmp(const void *a, const void *b)
{
	const struct entry	*x = *(struct entry *const *)a;
	const struct entry	*y = *(struct entry *const *)b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/*
 * Entries by UID. The UIDs of a first open (or of many new files) are
 * close together: then each goes straight to its slot (a counting sort,
 * linear), which beats qsort's n log n calls on 100,000 of them; UIDs
 * spread wider, or repeated (the same file listed twice), go to qsort.
 */
static void
sort_by_uid(struct entry **e, size_t n)
{
	struct entry	**slot;
	uint32_t	  lo = UINT32_MAX, hi = 0;
	size_t		  i, span;

	for (i = 0; i < n; i++) {
		if (e[i]->uid < lo)
			lo = e[i]->uid;
		if (e[i]->uid > hi)
			hi = e[i]->uid;
	}
	span = (size_t)(hi - lo) + 1;
	if (span > 4 * n || (slot = calloc(span, sizeof(*slot))) == NULL) {
		qsort(e, n, sizeof(*e), entry_uid_cmp);
		return;
	}
	for (i = 0; i < n; i++) {
		if (slot[e[i]->uid - lo] != NULL) {
			free(slot);
			qsort(e, n, sizeof(*e), entry_uid_cmp);
			return;
		}
		slot[e[i]->uid - lo] = e[i];
	}
	for (i = n = 0; i < span; i++)
		if (slot[i] != NULL)
			e[n++] = slot[i];
	free(slot);
}

struct listed {
	struct maildir	*m;
	unsigned char	*seen;
};

/* A listed file the view knows by this very name: seen, nothing to do. */
static int
listed_known(void *arg, const char *name)
{
	struct listed	*lk = arg;
	long		 idx;

	idx = maildir_hash_find(lk->m, name, maildir_baselen(name));
	if (idx < 0 || strcmp(lk->m->msgs[idx].name, name) != 0)
		return 0;
	lk->seen[idx] = 1;
	return 1;
}

static void
view_gone(struct maildir *m, struct maildir_changes *ch, size_t i)
{
	struct mmsg	*msg = &m->msgs[i];

	if (msg->state & MSG_GONE)
		return;
	msg->state |= MSG_GONE;
	m->gone++;
	ch->gone++;
	if (msg->state & MSG_RECENT) {
		msg->state &= ~MSG_RECENT;
		m->recent--;
	}
}

int
maildir_sync(struct maildir *m, struct maildir_changes *ch)
{
	struct maildir_changes	 dummy;
	struct scan		 sc, sc2;
	struct uidlist_rec	*recs = NULL;
	const struct uidlist_rec *rec;
	struct entry		**fresh = NULL, **rest = NULL, *e;
	unsigned char		*seen = NULL;
	uint32_t		*order = NULL;
	size_t			*gone = NULL, ngone = 0;
	size_t			 i, j, nrecs, nfresh = 0, missing;
	size_t			 norder = 0, nrest = 0;
	size_t			 bl;
	uint32_t		 maxuid;
	long			 idx;
	uint8_t			 flags;
	uint32_t		 kw, olduv = m->uidvalidity;
	struct stat		 stc, stn;
	struct listed		 lk;
	struct timespec		 now;
	int			 pass, r = -1, saved, ulfd = -1, full = 0;
	int			 nothing, above;

	if (ch == NULL)
		ch = &dummy;
	memset(ch, 0, sizeof(*ch));
	maildir_scan_init(&sc, NULL);
	maildir_scan_init(&sc2, NULL);

	/* The list as it is now: its records are read after the listing,
	 * through ulfd (maildir_uids.c). */
	if (uidlist_open(m->dirfd, &m->ul, &ulfd) == -1)
		return -1;
	if (m->ul.uidvalidity != 0) {
		if (olduv != 0 && m->ul.uidvalidity != olduv) {
			errno = ESTALE;	/* UIDs mean other messages now */
			goto out;
		}
		m->uidvalidity = m->ul.uidvalidity;
	}
	maildir_keywords_read(m);

	/* Watched: what changed, without listing (maildir_watch.c). */
	if (m->inofd != -1 && m->watched) {
		if (maildir_watch_changes(m, &sc, &gone, &ngone,
		    &nothing) == 1) {
			if (nothing && m->ul.n == 0 && ulfd == -1) {
				r = 0;
				goto out;
			}
			for (i = 0; i < sc.n; i++)
				sc.e[i].known = maildir_hash_find(m, sc.e[i].name,
				    maildir_baselen(sc.e[i].name)) >= 0;
			goto listed;
		}
		free(gone);
		gone = NULL;
		ngone = 0;
		maildir_scan_free(&sc);
	}

	/*
	 * Nothing renamed, added or removed in cur/ or new/ since the last
	 * listing, and no new UIDs: nothing to do. The times are taken before
	 * listing, so a change during a listing is seen by the next sync.
	 */
	(void)clock_gettime(CLOCK_REALTIME_COARSE, &now);
	if (fstat(m->curfd, &stc) == -1 || fstat(m->newfd, &stn) == -1)
		goto out;
	if (m->synced && m->ul.n == 0 && ulfd == -1 &&
	    timespec_eq(&stc.st_mtim, &m->cur_mtime) &&
	    timespec_eq(&stn.st_mtim, &m->new_mtime)) {
		r = 0;
		goto out;
	}
	m->cur_mtime = stc.st_mtim;
	m->new_mtime = stn.st_mtim;
	/* File systems stamp times coarsely (ext4: a jiffy), so a change in
	 * the same tick as the last one keeps the time: trust a time only
	 * once the clock has moved past it (maildir_files.c). */
	m->synced = maildir_time_settled(&stc.st_mtim, &now, m->finetimes) &&
	    maildir_time_settled(&stn.st_mtim, &now, m->finetimes);

	/* Listing again, or a first listing that the next sync would have
	 * to repeat: times too recent to trust, or files to move out of new/
	 * (our own renames change the directories). Watch from now on
	 * (before the listing, so that nothing is missed), and later syncs
	 * read the changes instead of listing again. */
	if (m->listed || !m->synced ||
	    (!m->readonly && dir_has_entries(m->newfd)))
		maildir_watch_start(m);
	full = 1;
	for (pass = 0; pass < 2; pass++) {
		maildir_scan_free(&sc);
		/* An empty view takes the names of a listing as they are. */
		maildir_scan_init(&sc, m->n == 0 ? &m->names : NULL);
		/* In one chunk, in huge pages (namepool.h): about the
		 * uidlist's bases, each as "base:2,S" and its NUL in a slot
		 * rounded up to 8 bytes (8 more on average; a little under,
		 * as namepool_expect() asks). */
		if (m->n == 0 && pass == 0 && ulfd != -1) {
			size_t	bases, nbases;

			bases = uidlist_estimate(ulfd, &nbases);
			namepool_expect(&m->names, bases + nbases * 8);
		}
		free(seen);
		if ((seen = calloc(m->n + 1, 1)) == NULL)
			fatalx("out of memory");
		/* Files the view knows under the same name are seen, not
		 * kept: a listing holds only what is new or renamed. */
		lk.m = m;
		lk.seen = seen;
		sc.skip = listed_known;
		sc.skip_arg = &lk;
		if (maildir_scan_all(m, &sc) == -1)
			goto out;
		for (i = 0; i < sc.n; i++) {
			bl = maildir_baselen(sc.e[i].name);
			if ((idx = maildir_hash_find(m, sc.e[i].name, bl)) >= 0) {
				sc.e[i].known = 1;
				seen[idx] = 1;
			}
		}
		for (i = missing = 0; i < m->n; i++)
			if (!seen[i] && !(m->msgs[i].state & MSG_GONE))
				missing++;
		if (missing == 0)
			break;
	}
	m->watched = 1;
	m->listed = 1;

listed:
	/* Known files: flags renamed by others, moves to cur/. */
	for (i = 0; i < sc.n; i++) {
		if (!sc.e[i].known)
			continue;
		bl = maildir_baselen(sc.e[i].name);
		if ((idx = maildir_hash_find(m, sc.e[i].name, bl)) < 0)
			continue;
		struct mmsg *msg = &m->msgs[idx];
		if (strcmp(msg->name, sc.e[i].name) == 0)
			continue;
		(void)maildir_name_parse(sc.e[i].name, &bl, &flags, &kw);
		maildir_msg_rename(m, msg, sc.e[i].name);
		if (sc.e[i].in_new) {
			msg->state |= MSG_IN_NEW;
			if ((size_t)idx < m->new_from)
				m->new_from = (size_t)idx;
		} else
			msg->state &= ~MSG_IN_NEW;
		if (flags != msg->flags || kw != msg->keywords) {
			msg->flags = flags;
			msg->keywords = kw;
			maildir_msg_changed(m, (size_t)idx);
			if (!(msg->state & MSG_FLAGS_CHANGED)) {
				ch->flags++;
				m->changed++;
			}
			msg->state |= MSG_FLAGS_CHANGED;
		}
	}
	/* Vanished twice (or unlinked, as the watch saw): gone. */
	if (seen != NULL) {
		for (i = 0; i < m->n; i++)
			if (!seen[i])
				view_gone(m, ch, i);
	} else
		for (i = 0; i < ngone; i++)
			view_gone(m, ch, gone[i]);
	free(seen);
	seen = NULL;
	free(gone);
	gone = NULL;

	/*
	 * Unknown files: numbered already (in the records read now, or kept
	 * from before), or new (numbered now, under the lock, in delivery
	 * order).
	 */
	if (ulfd != -1) {
		i = (size_t)maildir_match_records(m, ulfd, &sc, &order,
		    &norder);
		ulfd = -1;
		if (i != 0)
			goto out;
	}
	if (m->ul.n > 0) {
		recs = maildir_recs_sorted(m, &nrecs);
		for (i = 0; i < sc.n; i++)
			if (!sc.e[i].known && sc.e[i].uid == 0 &&
			    (rec = maildir_recs_find(recs, nrecs,
			    sc.e[i].name)) != NULL)
				sc.e[i].uid = rec->uid;
		free(recs);
		recs = NULL;
	}
	/* Before numbering ours: a record above maxuid is another's. */
	maxuid = m->n > 0 ? m->msgs[m->n - 1].uid : 0;
	for (i = 0; i < sc.n; i++) {
		if (sc.e[i].known)
			continue;
		if (sc.e[i].uid > maxuid)
			maxuid = sc.e[i].uid;
		if (sc.e[i].uid == 0)
			nfresh++;
	}
	if (nfresh > 0) {
		if ((fresh = reallocarray(NULL, nfresh, sizeof(*fresh))) ==
		    NULL)
			fatalx("out of memory");
		for (i = nfresh = 0; i < sc.n; i++)
			if (!sc.e[i].known && sc.e[i].uid == 0)
				fresh[nfresh++] = &sc.e[i];
		if (maildir_number_new(m, fresh, nfresh, full && m->n == 0 &&
		    nfresh == sc.n) == -1)
			goto out;
	}
	/*
	 * Records of files our listing did not see: another process numbered
	 * a file delivered after we listed. Dropping the records would number
	 * those files again; adding what we found before them would put a
	 * higher UID before a lower one. List once more, then add all in UID
	 * order. Records still without a file were expunged before we saw
	 * them.
	 */
	above = maildir_records_above(m, maxuid, fresh, nfresh);
	free(fresh);
	fresh = NULL;
	if (above && maildir_scan_all(m, &sc2) == 0) {
		recs = maildir_recs_sorted(m, &nrecs);
		for (i = 0; i < sc2.n; i++) {
			if ((rec = maildir_recs_find(recs, nrecs,
			    sc2.e[i].name)) == NULL || rec->uid <= maxuid ||
			    maildir_hash_find(m, sc2.e[i].name,
			    maildir_baselen(sc2.e[i].name)) >= 0)
				continue;
			maildir_scan_add(&sc, sc2.e[i].name, sc2.e[i].in_new);
			sc.e[sc.n - 1].uid = rec->uid;
		}
		free(recs);
		recs = NULL;
		maildir_scan_free(&sc2);
	}
	/*
	 * Into the view, in UID order: the files matched as the records were
	 * read are in their order already; the others (numbered now, or
	 * matched to records read before) are sorted, and the two merged.
	 */
	for (i = 0; i < sc.n; i++)
		if (!sc.e[i].known && sc.e[i].uid != 0 && !sc.e[i].ordered)
			nrest++;
	if ((rest = reallocarray(NULL, nrest + 1, sizeof(*rest))) == NULL)
		fatalx("out of memory");
	for (i = nrest = 0; i < sc.n; i++)
		if (!sc.e[i].known && sc.e[i].uid != 0 && !sc.e[i].ordered)
			rest[nrest++] = &sc.e[i];
	if (nrest > 1)
		sort_by_uid(rest, nrest);
	maildir_view_reserve(m, norder + nrest);
	for (i = j = 0; i < norder || j < nrest;) {
		entry_prefetch(rest, j, nrest);
		if (i + 2 * ENTRY_AHEAD < norder)
			__builtin_prefetch(&sc.e[order[i + 2 * ENTRY_AHEAD]]);
		if (i + ENTRY_AHEAD < norder)
			__builtin_prefetch(sc.e[order[i + ENTRY_AHEAD]].name);
		if (j == nrest || (i < norder &&
		    sc.e[order[i]].uid < rest[j]->uid))
			e = &sc.e[order[i++]];
		else
			e = rest[j++];
		if (m->n > 0 && e->uid <= m->msgs[m->n - 1].uid) {
			/* The same file listed twice is no news; another
			 * below the last is. */
			if (e->uid < m->msgs[m->n - 1].uid)
				log_warnx("%s: %s has UID %u, below the "
				    "highest known: ignored", m->name,
				    e->name, e->uid);
			continue;
		}
		maildir_view_add(m, e, sc.pool == &m->names);
		ch->added++;
	}
	free(order);
	order = NULL;
	free(rest);
	rest = NULL;
	maildir_scan_free(&sc);
	uidlist_forget(&m->ul);
	if (m->uidvalidity == 0)
		m->uidvalidity = m->ul.uidvalidity;

	/* Take what is in new/ (RFC 3501 2.3.2: \Recent is ours): what was
	 * found there since the last time, not all the view every time. */
	for (i = m->new_from; i < m->n; i++) {
		struct mmsg *msg = &m->msgs[i];
		if (!(msg->state & MSG_IN_NEW) || (msg->state & MSG_GONE))
			continue;
		if (m->readonly || move_to_cur(m, msg)) {
			if (!(msg->state & MSG_RECENT)) {
				msg->state |= MSG_RECENT;
				m->recent++;
			}
		}
	}
	m->new_from = SIZE_MAX;
	if (modseq_sync(m) == -1)
		log_warn("%s: %s", m->name, MODSEQ_FILE);
	if (!m->readonly && m->ul.total > 2 * m->n + 1000)
		compact(m);
	r = 0;
out:
	saved = errno;
	if (ulfd != -1)
		close(ulfd);
	maildir_scan_free(&sc);
	maildir_scan_free(&sc2);
	free(recs);
	free(seen);
	free(gone);
	free(fresh);
	free(order);
	free(rest);
	maildir_view_compact(m);
	errno = saved;
	return r;
}

void
maildir_purge_gone(struct maildir *m)
{
	size_t	i, o;

	if (m->gone == 0)
		return;
	/* The expunges go into the history before they leave the view. */
	if (modseq_sync(m) == -1)
		log_warn("%s: %s", m->name, MODSEQ_FILE);
	for (i = o = 0; i < m->n; i++) {
		if (m->msgs[i].state & MSG_GONE) {
			/* not recorded (no state file): at a later sync */
			if (!(m->msgs[i].state & MSG_X_RECORDED))
				modseq_orphan_add(&m->ms, m->msgs[i].uid);
			namepool_drop(&m->names, m->msgs[i].name);
			continue;
		}
		m->msgs[o++] = m->msgs[i];
	}
	m->n = o;
	m->gone = 0;
	/* The indices moved. */
	if (m->new_from != SIZE_MAX)
		m->new_from = 0;
	if (m->ms_from != SIZE_MAX)
		m->ms_from = 0;
	maildir_hash_rebuild(m);
	maildir_view_compact(m);
}

void
maildir_clear_changed(struct maildir *m)
{
	size_t	i;

	if (m->changed == 0)
		return;
	for (i = 0; i < m->n; i++)
		m->msgs[i].state &= ~MSG_FLAGS_CHANGED;
	m->changed = 0;
}

long
maildir_find_uid(const struct maildir *m, uint32_t uid)
{
	size_t	lo = 0, hi = m->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (m->msgs[mid].uid == uid)
			return (long)mid;
		if (m->msgs[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

uint32_t
maildir_uidnext(const struct maildir *m)
{
	uint32_t	next = m->ul.next_uid;

	if (m->n > 0 && m->msgs[m->n - 1].uid >= next)
		next = m->msgs[m->n - 1].uid + 1;
	return next;
}

/* --- open and close ------------------------------------------------- */

static int
open_sub(int dirfd, const char *sub)
{
	return openat(dirfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
}

/* An empty folder has no list yet, but it has a UIDVALIDITY. */
static int
ensure_uidlist(struct maildir *m)
{
	int	lockfd;

	if ((lockfd = uidlist_lock(m->dirfd)) == -1)
		return -1;
	if (uidlist_read(m->dirfd, &m->ul) == -1) {
		uidlist_unlock(m->dirfd, lockfd);
		return -1;
	}
	if (m->ul.uidvalidity == 0) {
		if (maildir_uidlist_create(m, lockfd, NULL, 0) == -1)
			return -1;
	} else
		uidlist_unlock(m->dirfd, lockfd);
	/* Read what it wrote, or what another process did meanwhile. */
	if (maildir_sync(m, NULL) == -1)
		return -1;
	/* (a sync that finds nothing changed does not get there) */
	if (modseq_sync(m) == -1)
		log_warn("%s: %s", m->name, MODSEQ_FILE);
	return 0;
}

static int
record_drop(void *arg, uint32_t uid, const char *base, size_t len)
{
	(void)arg;
	(void)uid;
	(void)base;
	(void)len;
	return 1;
}

struct maildir *
maildir_open(int rootfd, const char *dirname, const char *name, int readonly)
{
	struct maildir	*m;
	int		 saved, ulfd;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		fatalx("out of memory");
	m->rootfd = rootfd;
	m->dirfd = m->curfd = m->newfd = m->tmpfd = m->inofd = -1;
	m->readonly = readonly != 0;
	uidlist_init(&m->ul);
	namepool_init(&m->names);
	if ((m->name = strdup(name)) == NULL)
		fatalx("out of memory");
	if (*dirname == '\0')
		m->dirfd = dup(rootfd);
	else
		m->dirfd = open_sub(rootfd, dirname);
	if (m->dirfd == -1 || (m->curfd = open_sub(m->dirfd, "cur")) == -1 ||
	    (m->newfd = open_sub(m->dirfd, "new")) == -1 ||
	    (m->tmpfd = open_sub(m->dirfd, "tmp")) == -1)
		goto fail;
	m->finetimes = maildir_fine_times(m->curfd) &&
	    maildir_fine_times(m->newfd);
	if (readonly == MAILDIR_LIGHT) {
		m->light = 1;
		/* For delivery: the uidlist's header and end, and keywords;
		 * no listing, no records (the files delivered here are new:
		 * only records written after this can name them). */
		if (uidlist_open(m->dirfd, &m->ul, &ulfd) == -1 ||
		    (ulfd != -1 && uidlist_read_fd(ulfd, &m->ul, record_drop,
		    NULL) == -1))
			goto fail;
		uidlist_forget(&m->ul);
		m->uidvalidity = m->ul.uidvalidity;
		maildir_keywords_read(m);
		return m;
	}
	if (maildir_sync(m, NULL) == -1)
		goto fail;
	if (m->uidvalidity == 0 && ensure_uidlist(m) == -1)
		goto fail;
	if (!readonly)
		tmp_clean(m);
	return m;
fail:
	saved = errno;
	maildir_close(&m);
	errno = saved == ELOOP || saved == ENOTDIR ? ENOENT : saved;
	return NULL;
}

void
maildir_close(struct maildir **mp)
{
	struct maildir	*m = *mp;
	size_t		 i;

	if (m == NULL)
		return;
	namepool_free(&m->names);
	for (i = 0; i < KEYWORDS_MAX; i++)
		free(m->keywords[i]);
	bigmem_free(m->msgs, m->cap * sizeof(*m->msgs));
	free(m->hash);
	free(m->name);
	uidlist_free(&m->ul);
	modseq_free(&m->ms);
	maildir_watch_stop(m);
	if (m->dirfd != -1)
		close(m->dirfd);
	if (m->curfd != -1)
		close(m->curfd);
	if (m->newfd != -1)
		close(m->newfd);
	if (m->tmpfd != -1)
		close(m->tmpfd);
	free(m);
	*mp = NULL;
}
