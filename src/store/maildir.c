/*
 * maildir.c: an open Maildir folder and its sync with the disk.
 *
 * Sync, and why it is safe with other processes at work:
 * 1. Read what is new in dovecot-uidlist (no lock: see uidlist.c).
 * 2. List new/ and then cur/. A message moves from new/ to cur/, never
 *    back, so listing new/ first cannot miss one that moves meanwhile.
 *    Only regular files count; symlinks, FIFOs and devices are skipped.
 * 3. Match each file to the view by base name (the part before ":2,"):
 *    known files may have new flags (another process renamed them); unknown
 *    files are matched to uidlist records read in step 1, or are new.
 * 4. A known message whose file was not listed may be in the middle of a
 *    rename by another process (readdir may miss a file renamed while it
 *    runs): list again, and only a second miss makes it MSG_GONE.
 * 5. New files get UIDs under the uidlist lock, after re-reading the list
 *    (another process may have numbered them meanwhile), in delivery order
 *    (the time at the start of the name, then the name).
 * 6. Not read-only: files still in new/ move to cur/; this session is the
 *    one that moved them, so they are \Recent here (RFC 3501 2.3.2).
 * UIDs never go back: next_uid only grows, even if the list is replaced.
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
#include "log.h"
#include "maildir.h"
#include "maildir_int.h"

static struct uidlist_rec *sorted_recs(struct maildir *, size_t *);
static const struct uidlist_rec *recs_find(const struct uidlist_rec *, size_t,
    const char *);

/* --- the base name -> view index hash ------------------------------- */

static size_t
hash_base(const char *s, size_t len)
{
	uint64_t	h = 1469598103934665603ULL;
	size_t		i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

static void
hash_insert(struct maildir *m, size_t idx)
{
	const char	*name = m->msgs[idx].name;
	size_t		 len = maildir_baselen(name);
	size_t		 i = hash_base(name, len) & (m->hashsize - 1);

	while (m->hash[i] != 0)
		i = (i + 1) & (m->hashsize - 1);
	m->hash[i] = idx + 1;
}

static void
hash_rebuild(struct maildir *m)
{
	size_t	i, want = 1024;

	while (want < m->n * 2 + 2)
		want *= 2;
	if (want != m->hashsize) {
		free(m->hash);
		m->hashsize = want;
		if ((m->hash = calloc(want, sizeof(*m->hash))) == NULL)
			fatalx("out of memory");
	} else
		memset(m->hash, 0, want * sizeof(*m->hash));
	for (i = 0; i < m->n; i++)
		hash_insert(m, i);
}

static long
hash_find(const struct maildir *m, const char *base, size_t len)
{
	size_t		 i, idx;
	const char	*name;

	if (m->hashsize == 0)
		return -1;
	i = hash_base(base, len) & (m->hashsize - 1);
	while ((idx = m->hash[i]) != 0) {
		name = m->msgs[idx - 1].name;
		if (maildir_baselen(name) == len && memcmp(name, base, len) == 0)
			return (long)(idx - 1);
		i = (i + 1) & (m->hashsize - 1);
	}
	return -1;
}

long
maildir_hash_find(const struct maildir *m, const char *base, size_t len)
{
	return hash_find(m, base, len);
}

static void
view_add(struct maildir *m, uint32_t uid, const char *name, int in_new)
{
	struct mmsg	*msg;
	size_t		 ncap, bl;

	if (m->n == m->cap) {
		ncap = m->cap == 0 ? 256 : m->cap * 2;
		if ((msg = reallocarray(m->msgs, ncap, sizeof(*msg))) == NULL)
			fatalx("out of memory");
		m->msgs = msg;
		m->cap = ncap;
	}
	msg = &m->msgs[m->n];
	memset(msg, 0, sizeof(*msg));
	msg->uid = uid;
	if ((msg->name = strdup(name)) == NULL)
		fatalx("out of memory");
	(void)maildir_name_parse(name, &bl, &msg->flags, &msg->keywords);
	if (in_new)
		msg->state |= MSG_IN_NEW;
	m->n++;
	if (m->n * 2 + 2 > m->hashsize)
		hash_rebuild(m);
	else
		hash_insert(m, m->n - 1);
}

/* --- UIDs ----------------------------------------------------------- */

struct rewrite_iter {
	struct entry	*e;
	uint32_t	*uids;
	size_t		 n;
	size_t		 i;
	char		 base[1024];
};

static int
rewrite_next(void *arg, struct uidlist_rec *r)
{
	struct rewrite_iter	*it = arg;
	size_t			 bl;

	while (it->i < it->n) {
		bl = maildir_baselen(it->e[it->i].name);
		r->uid = it->uids[it->i];
		it->i++;
		if (bl >= sizeof(it->base))
			continue;
		memcpy(it->base, it->e[it->i - 1].name, bl);
		it->base[bl] = '\0';
		r->base = it->base;
		return 1;
	}
	return 0;
}

/*
 * Under the lock, with no uidlist: number every file in the folder, in
 * delivery order, and write the list. The view reads it at its next sync.
 */
static int
uidlist_create(struct maildir *m, int lockfd)
{
	struct scan		 sc;
	struct rewrite_iter	 it;
	size_t			 i;
	int			 r, saved;

	memset(&sc, 0, sizeof(sc));
	if (maildir_scan_all(m, &sc) == -1) {
		saved = errno;
		maildir_scan_free(&sc);
		uidlist_unlock(m->dirfd, lockfd);
		errno = saved;
		return -1;
	}
	if (sc.n > 0)
		maildir_sort_delivery(sc.e, sc.n);
	memset(&it, 0, sizeof(it));
	it.e = sc.e;
	it.n = sc.n;
	if ((it.uids = calloc(sc.n + 1, sizeof(*it.uids))) == NULL)
		fatalx("out of memory");
	for (i = 0; i < sc.n; i++)
		it.uids[i] = m->ul.next_uid++;
	m->ul.uidvalidity = uidlist_new_uidvalidity(m->rootfd);
	r = uidlist_rewrite(m->dirfd, lockfd, &m->ul, rewrite_next, &it);
	saved = errno;
	free(it.uids);
	maildir_scan_free(&sc);
	/* Make the next uidlist_read() read it all into the view. */
	m->ul.ino = 0;
	m->ul.dev = 0;
	errno = saved;
	return r;
}

/*
 * Give UIDs to files already in the folder (names, in this order), under
 * the lock. Files that another process numbered meanwhile keep its UID.
 */
int
maildir_assign(struct maildir *m, const char *const *names, size_t n,
    uint32_t *uids_r)
{
	struct uidlist_rec	*recs, *sorted;
	const struct uidlist_rec *rec;
	size_t			 i, k, bl, nsorted;
	int			 lockfd, saved;
	uint32_t		 uid;

	if ((lockfd = uidlist_lock(m->dirfd)) == -1)
		return -1;
	if (uidlist_read(m->dirfd, &m->ul) == -1)
		goto fail;
	if (m->ul.uidvalidity == 0) {
		/* No list yet: number everything, ours included. */
		if (uidlist_create(m, lockfd) == -1)
			return -1;
		if ((lockfd = uidlist_lock(m->dirfd)) == -1)
			return -1;
		if (uidlist_read(m->dirfd, &m->ul) == -1)
			goto fail;
	} else if (m->ul.version == 1) {
		/* Courier's list: made version 3 before we append to it. */
		if (uidlist_convert(m->dirfd, lockfd, &m->ul) == -1)
			return -1;
		if ((lockfd = uidlist_lock(m->dirfd)) == -1)
			return -1;
		if (uidlist_read(m->dirfd, &m->ul) == -1)
			goto fail;
	}
	if ((recs = calloc(n + 1, sizeof(*recs))) == NULL)
		fatalx("out of memory");
	/* Records read so far, sorted once: a first open numbers 100,000
	 * files here. */
	sorted = sorted_recs(m, &nsorted);
	for (i = k = 0; i < n; i++) {
		bl = maildir_baselen(names[i]);
		rec = recs_find(sorted, nsorted, names[i]);
		uid = rec != NULL ? rec->uid : 0;
		if (uid == 0) {
			uid = m->ul.next_uid + (uint32_t)k;
			recs[k].uid = uid;
			recs[k].base = strndup(names[i], bl);
			if (recs[k].base == NULL)
				fatalx("out of memory");
			k++;
		}
		uids_r[i] = uid;
	}
	free(sorted);
	if (k > 0 && uidlist_append(m->dirfd, &m->ul, recs, k) == -1) {
		saved = errno;
		for (i = 0; i < k; i++)
			free((void *)(uintptr_t)recs[i].base);
		free(recs);
		uidlist_unlock(m->dirfd, lockfd);
		errno = saved;
		return -1;
	}
	for (i = 0; i < k; i++)
		free((void *)(uintptr_t)recs[i].base);
	free(recs);
	uidlist_unlock(m->dirfd, lockfd);
	/* With no view to take them, the records read are dropped. */
	if (m->light)
		uidlist_forget(&m->ul);
	return 0;
fail:
	saved = errno;
	uidlist_unlock(m->dirfd, lockfd);
	errno = saved;
	return -1;
}

/* --- sync ----------------------------------------------------------- */

static int
rec_cmp_base(const void *a, const void *b)
{
	return strcmp(((const struct uidlist_rec *)a)->base,
	    ((const struct uidlist_rec *)b)->base);
}

/* Find base in recs sorted by base; returns the record or NULL. */
static const struct uidlist_rec *
recs_find(const struct uidlist_rec *recs, size_t n, const char *name)
{
	size_t	lo = 0, hi = n, mid, bl = maildir_baselen(name);
	int	c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strncmp(recs[mid].base, name, bl);
		if (c == 0 && recs[mid].base[bl] != '\0')
			c = 1;
		if (c == 0)
			return &recs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

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
	free(msg->name);
	msg->name = to;
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

static int
timespec_eq(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

struct pending {
	uint32_t	 uid;
	const char	*name;
	int		 in_new;
};

static int
pending_cmp(const void *a, const void *b)
{
	const struct pending	*pa = a, *pb = b;

	return pa->uid < pb->uid ? -1 : pa->uid > pb->uid;
}

/* The records read so far, sorted by base name for recs_find(). */
static struct uidlist_rec *
sorted_recs(struct maildir *m, size_t *n_r)
{
	struct uidlist_rec	*recs;

	*n_r = m->ul.n;
	if ((recs = reallocarray(NULL, m->ul.n + 1, sizeof(*recs))) == NULL)
		fatalx("out of memory");
	if (m->ul.n > 0) {
		memcpy(recs, m->ul.recs, m->ul.n * sizeof(*recs));
		qsort(recs, m->ul.n, sizeof(*recs), rec_cmp_base);
	}
	return recs;
}

/*
 * The highest UID among the view and the pending files. A record above it
 * was given by another process after our listing, to a file we did not
 * list; records below it without a file are expunged messages.
 */
static uint32_t
known_max(const struct maildir *m, const struct pending *pend, size_t n)
{
	uint32_t	max = m->n > 0 ? m->msgs[m->n - 1].uid : 0;
	size_t		i;

	for (i = 0; i < n; i++)
		if (pend[i].uid > max)
			max = pend[i].uid;
	return max;
}

/* A record above max that is not one of ours (uids[0..n-1], just
 * numbered): another process numbered a file after our listing. */
static int
uid_cmp(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
records_above_others(const struct maildir *m, uint32_t max,
    const uint32_t *uids, size_t n)
{
	uint32_t	*ours;
	size_t		 i;
	int		 r = 0;

	if ((ours = reallocarray(NULL, n + 1, sizeof(*ours))) == NULL)
		fatalx("out of memory");
	if (n > 0) {
		memcpy(ours, uids, n * sizeof(*ours));
		qsort(ours, n, sizeof(*ours), uid_cmp);
	}
	for (i = 0; i < m->ul.n && !r; i++)
		if (m->ul.recs[i].uid > max && (n == 0 ||
		    bsearch(&m->ul.recs[i].uid, ours, n, sizeof(*ours),
		    uid_cmp) == NULL))
			r = 1;
	free(ours);
	return r;
}

/*
 * Number new files (names, with in_new alongside), in delivery order;
 * uids gets their UIDs in the order names ends up in.
 */
static int
number_new(struct maildir *m, const char **names, int *in_new, size_t n,
    uint32_t *uids)
{
	struct entry	*tmp;
	size_t		 i, nrecs;
	struct uidlist_rec *recs;
	const struct uidlist_rec *rec;

	if ((tmp = calloc(n + 1, sizeof(*tmp))) == NULL)
		fatalx("out of memory");
	for (i = 0; i < n; i++) {
		tmp[i].name = (char *)(uintptr_t)names[i];
		tmp[i].in_new = in_new[i];
	}
	maildir_sort_delivery(tmp, n);
	for (i = 0; i < n; i++) {
		names[i] = tmp[i].name;
		in_new[i] = tmp[i].in_new;
	}
	free(tmp);
	if (maildir_assign(m, names, n, uids) == -1)
		return -1;
	if (m->ul.ino == 0) {
		/* The list was just created: read it, and find our UIDs. */
		if (uidlist_read(m->dirfd, &m->ul) == -1)
			return -1;
		m->uidvalidity = m->ul.uidvalidity;
		recs = sorted_recs(m, &nrecs);
		for (i = 0; i < n; i++)
			if ((rec = recs_find(recs, nrecs, names[i])) != NULL)
				uids[i] = rec->uid;
		free(recs);
	}
	return 0;
}

int
maildir_sync(struct maildir *m, struct maildir_changes *ch)
{
	struct maildir_changes	 dummy;
	struct scan		 sc;
	struct uidlist_rec	*recs = NULL;
	const struct uidlist_rec *rec;
	struct pending		*pend = NULL;
	const char		**unknown = NULL;
	int			*unknown_new = NULL;
	struct scan		 sc2;
	uint32_t		*uids = NULL;
	unsigned char		*seen = NULL;
	size_t			 i, nrecs, npend = 0, nunknown = 0, missing;
	size_t			 nnew, bl;
	uint32_t		 maxuid;
	long			 idx;
	uint8_t			 flags;
	uint32_t		 kw, olduv = m->uidvalidity;
	struct stat		 stc, stn;
	time_t			 now;
	int			 pass, r = -1, saved;

	if (ch == NULL)
		ch = &dummy;
	memset(ch, 0, sizeof(*ch));
	memset(&sc, 0, sizeof(sc));

	if (uidlist_read(m->dirfd, &m->ul) == -1)
		return -1;
	if (m->ul.uidvalidity != 0) {
		if (olduv != 0 && m->ul.uidvalidity != olduv) {
			errno = ESTALE;	/* UIDs mean other messages now */
			return -1;
		}
		m->uidvalidity = m->ul.uidvalidity;
	}
	maildir_keywords_read(m);

	/* Watched: what changed, without listing (maildir_watch.c). */
	if (m->inofd != -1 && m->watched) {
		int	nothing;

		if ((seen = calloc(m->n + 1, 1)) == NULL)
			fatalx("out of memory");
		if (maildir_watch_changes(m, &sc, seen, &nothing) == 1) {
			if (nothing && m->ul.n == 0) {
				free(seen);
				return 0;
			}
			if ((unknown = calloc(sc.n + 1, sizeof(*unknown))) ==
			    NULL || (unknown_new = calloc(sc.n + 1,
			    sizeof(*unknown_new))) == NULL)
				fatalx("out of memory");
			for (i = 0; i < sc.n; i++)
				if (hash_find(m, sc.e[i].name,
				    maildir_baselen(sc.e[i].name)) < 0) {
					unknown_new[nunknown] = sc.e[i].in_new;
					unknown[nunknown++] = sc.e[i].name;
				}
			goto listed;
		}
		free(seen);
		seen = NULL;
		maildir_scan_free(&sc);
	}

	/*
	 * Nothing renamed, added or removed in cur/ or new/ since the last
	 * listing, and no new UIDs: nothing to do. The times are taken before
	 * listing, so a change during a listing is seen by the next sync.
	 */
	if (fstat(m->curfd, &stc) == -1 || fstat(m->newfd, &stn) == -1)
		return -1;
	if (m->synced && m->ul.n == 0 &&
	    timespec_eq(&stc.st_mtim, &m->cur_mtime) &&
	    timespec_eq(&stn.st_mtim, &m->new_mtime))
		return 0;
	m->cur_mtime = stc.st_mtim;
	m->new_mtime = stn.st_mtim;
	/* File systems stamp times coarsely (ext4: a jiffy), so a change in
	 * the same tick as the last one keeps the time: trust a time only
	 * once it is a few seconds old, as Dovecot does. */
	now = time(NULL);
	m->synced = now - stc.st_mtim.tv_sec > 2 && now - stn.st_mtim.tv_sec > 2;

	for (pass = 0; pass < 2; pass++) {
		maildir_scan_free(&sc);
		free(seen);
		if (maildir_scan_all(m, &sc) == -1)
			goto out;
		if ((seen = calloc(m->n + 1, 1)) == NULL)
			fatalx("out of memory");
		free(unknown);
		free(unknown_new);
		if ((unknown = calloc(sc.n + 1, sizeof(*unknown))) == NULL ||
		    (unknown_new = calloc(sc.n + 1, sizeof(*unknown_new))) ==
		    NULL)
			fatalx("out of memory");
		nunknown = 0;
		for (i = 0; i < sc.n; i++) {
			bl = maildir_baselen(sc.e[i].name);
			if ((idx = hash_find(m, sc.e[i].name, bl)) < 0) {
				unknown_new[nunknown] = sc.e[i].in_new;
				unknown[nunknown++] = sc.e[i].name;
				continue;
			}
			seen[idx] = 1;
		}
		for (i = missing = 0; i < m->n; i++)
			if (!seen[i] && !(m->msgs[i].state & MSG_GONE))
				missing++;
		if (missing == 0)
			break;
	}
	m->watched = 1;

listed:
	/* Known files: flags renamed by others, moves to cur/. */
	for (i = 0; i < sc.n; i++) {
		bl = maildir_baselen(sc.e[i].name);
		if ((idx = hash_find(m, sc.e[i].name, bl)) < 0)
			continue;
		struct mmsg *msg = &m->msgs[idx];
		if (strcmp(msg->name, sc.e[i].name) == 0)
			continue;
		(void)maildir_name_parse(sc.e[i].name, &bl, &flags, &kw);
		free(msg->name);
		if ((msg->name = strdup(sc.e[i].name)) == NULL)
			fatalx("out of memory");
		if (sc.e[i].in_new)
			msg->state |= MSG_IN_NEW;
		else
			msg->state &= ~MSG_IN_NEW;
		if (flags != msg->flags || kw != msg->keywords) {
			msg->flags = flags;
			msg->keywords = kw;
			if (!(msg->state & MSG_FLAGS_CHANGED))
				ch->flags++;
			msg->state |= MSG_FLAGS_CHANGED;
		}
	}
	/* Vanished twice: gone. */
	for (i = 0; i < m->n; i++)
		if (!seen[i] && !(m->msgs[i].state & MSG_GONE)) {
			m->msgs[i].state |= MSG_GONE;
			m->gone++;
			ch->gone++;
			if (m->msgs[i].state & MSG_RECENT) {
				m->msgs[i].state &= ~MSG_RECENT;
				m->recent--;
			}
		}

	/*
	 * Unknown files: numbered already (in the records read), or new
	 * (numbered now, under the lock, in delivery order).
	 */
	memset(&sc2, 0, sizeof(sc2));
	if ((pend = calloc(nunknown + 1, sizeof(*pend))) == NULL ||
	    (uids = calloc(nunknown + 1, sizeof(*uids))) == NULL)
		fatalx("out of memory");
	recs = sorted_recs(m, &nrecs);
	nnew = 0;
	for (i = 0; i < nunknown; i++) {
		if ((rec = recs_find(recs, nrecs, unknown[i])) != NULL) {
			pend[npend].uid = rec->uid;
			pend[npend].name = unknown[i];
			pend[npend].in_new = unknown_new[i];
			npend++;
		} else {
			unknown_new[nnew] = unknown_new[i];
			unknown[nnew++] = unknown[i];
		}
	}
	/* Before numbering ours: a record above this is another's. */
	maxuid = known_max(m, pend, npend);
	if (nnew > 0) {
		if (number_new(m, unknown, unknown_new, nnew, uids) == -1)
			goto out;
		for (i = 0; i < nnew; i++) {
			if (uids[i] == 0)
				continue;
			pend[npend].uid = uids[i];
			pend[npend].name = unknown[i];
			pend[npend].in_new = unknown_new[i];
			npend++;
		}
	}
	/*
	 * Records of files our listing did not see: another process numbered
	 * a file delivered after we listed. Dropping the records would number
	 * those files again; adding what we found before them would put a
	 * higher UID before a lower one. List once more, then add all in UID
	 * order. Records still without a file were expunged before we saw
	 * them.
	 */
	if (records_above_others(m, maxuid, uids, nnew)) {
		free(recs);
		recs = sorted_recs(m, &nrecs);
		if (maildir_scan_all(m, &sc2) == 0) {
			for (i = 0; i < sc2.n; i++) {
				if ((rec = recs_find(recs, nrecs,
				    sc2.e[i].name)) == NULL ||
				    rec->uid <= maxuid ||
				    hash_find(m, sc2.e[i].name,
				    maildir_baselen(sc2.e[i].name)) >= 0)
					continue;
				pend = reallocarray(pend, npend + 1,
				    sizeof(*pend));
				if (pend == NULL)
					fatalx("out of memory");
				pend[npend].uid = rec->uid;
				pend[npend].name = sc2.e[i].name;
				pend[npend].in_new = sc2.e[i].in_new;
				npend++;
			}
		}
	}
	free(recs);
	recs = NULL;
	if (npend > 0)
		qsort(pend, npend, sizeof(*pend), pending_cmp);
	for (i = 0; i < npend; i++) {
		if (m->n > 0 && pend[i].uid <= m->msgs[m->n - 1].uid) {
			log_warnx("%s: %s has UID %u, below the highest "
			    "known: ignored", m->name, pend[i].name,
			    pend[i].uid);
			continue;
		}
		view_add(m, pend[i].uid, pend[i].name, pend[i].in_new);
		ch->added++;
	}
	uidlist_forget(&m->ul);
	if (m->uidvalidity == 0)
		m->uidvalidity = m->ul.uidvalidity;

	/* Take what is in new/ (RFC 3501 2.3.2: \Recent is ours). */
	for (i = 0; i < m->n; i++) {
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
	if (modseq_sync(m) == -1)
		log_warn("%s: %s", m->name, MODSEQ_FILE);
	if (!m->readonly && m->ul.total > 2 * m->n + 1000)
		compact(m);
	r = 0;
out:
	saved = errno;
	maildir_scan_free(&sc);
	maildir_scan_free(&sc2);
	free(unknown_new);
	free(recs);
	free(seen);
	free(unknown);
	free(pend);
	free(uids);
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
			free(m->msgs[i].name);
			continue;
		}
		m->msgs[o++] = m->msgs[i];
	}
	m->n = o;
	m->gone = 0;
	hash_rebuild(m);
}

void
maildir_clear_changed(struct maildir *m)
{
	size_t	i;

	for (i = 0; i < m->n; i++)
		m->msgs[i].state &= ~MSG_FLAGS_CHANGED;
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
		if (uidlist_create(m, lockfd) == -1)
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

struct maildir *
maildir_open(int rootfd, const char *dirname, const char *name, int readonly)
{
	struct maildir	*m;
	int		 saved;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		fatalx("out of memory");
	m->rootfd = rootfd;
	m->dirfd = m->curfd = m->newfd = m->tmpfd = m->inofd = -1;
	m->readonly = readonly != 0;
	uidlist_init(&m->ul);
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
	if (readonly == MAILDIR_LIGHT) {
		m->light = 1;
		/* For delivery: the uidlist and keywords, no listing. */
		if (uidlist_read(m->dirfd, &m->ul) == -1)
			goto fail;
		uidlist_forget(&m->ul);
		m->uidvalidity = m->ul.uidvalidity;
		maildir_keywords_read(m);
		return m;
	}
	/* Watching starts before the first listing: nothing is missed. */
	maildir_watch_start(m);
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
	for (i = 0; i < m->n; i++)
		free(m->msgs[i].name);
	for (i = 0; i < KEYWORDS_MAX; i++)
		free(m->keywords[i]);
	free(m->msgs);
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
