/*
 * maildir_uids.c: UIDs for a folder's files: matching listed files to the
 * records of dovecot-uidlist, and numbering new files under its lock.
 *
 * Matching holds the records only as long as it takes to read them: the
 * sync opens the list before listing the folder (so it sees every record
 * that was there before the listing; see uidlist.h), lists, and then reads
 * the records one by one through that file, each looked up among the
 * listed files the view does not know. Only the records that match no
 * file are kept (an expunged file's, or one delivered after the listing);
 * at 100,000 messages this is what keeps the list from being held next
 * to the listing.
 *
 * Numbering (maildir_assign) is done under the lock, after reading the
 * list again: a file another process numbered meanwhile keeps its UID. A
 * folder without a list gets one with all its files, in delivery order
 * (the time at the start of the name, then the name).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "maildir.h"
#include "maildir_int.h"

/* --- records kept from earlier reads -------------------------------- */

static int
rec_cmp_base(const void *a, const void *b)
{
	return strcmp(((const struct uidlist_rec *)a)->base,
	    ((const struct uidlist_rec *)b)->base);
}

const struct uidlist_rec *
maildir_recs_find(const struct uidlist_rec *recs, size_t n, const char *name)
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

struct uidlist_rec *
maildir_recs_sorted(struct maildir *m, size_t *n_r)
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

/* --- matching records as they are read ------------------------------ */

struct match {
	struct maildir	*m;
	struct scan	*sc;
	uint32_t	*slot;		/* entry index + 1, open addressing */
	size_t		 mask;
	uint32_t	*order;		/* entries matched, in UID order */
	size_t		 norder;
};

static int
base_eq(const char *name, const char *base, size_t len)
{
	return strncmp(name, base, len) == 0 &&
	    (name[len] == '\0' || name[len] == ':');
}

static int
match_take(void *arg, uint32_t uid, const char *base, size_t len)
{
	struct match	*mt = arg;
	struct entry	*e;
	size_t		 i;
	int		 found = 0;

	/*
	 * Every entry of the base: a file moved from new/ to cur/ while we
	 * listed is listed twice, and both must get its UID (one of them
	 * left without would be numbered again).
	 */
	for (i = maildir_hash_base(base, len) & mt->mask; mt->slot[i] != 0;
	    i = (i + 1) & mt->mask) {
		e = &mt->sc->e[mt->slot[i] - 1];
		if (!base_eq(e->name, base, len))
			continue;
		if (e->uid != 0)
			return 0;	/* a second record for it: kept */
		e->uid = uid;
		e->ordered = 1;
		mt->order[mt->norder++] = mt->slot[i] - 1;
		found = 1;
	}
	/* Else a file the view knows: nothing to learn. */
	return found || maildir_hash_find(mt->m, base, len) >= 0;
}

int
maildir_match_records(struct maildir *m, int fd, struct scan *sc,
    uint32_t **order_r, size_t *norder_r)
{
	struct match	mt;
	size_t		i, j, n = 0, size = 16;
	int		r;

	for (i = 0; i < sc->n; i++)
		if (!sc->e[i].known)
			n++;
	while (size < n * 2)
		size *= 2;
	mt.m = m;
	mt.sc = sc;
	mt.mask = size - 1;
	mt.norder = 0;
	if ((mt.slot = calloc(size, sizeof(*mt.slot))) == NULL ||
	    (mt.order = reallocarray(NULL, n + 1, sizeof(*mt.order))) == NULL)
		fatalx("out of memory");
	for (i = 0; i < sc->n; i++) {
		if (sc->e[i].known)
			continue;
		j = maildir_hash_base(sc->e[i].name, maildir_baselen(sc->e[i].name)) &
		    mt.mask;
		while (mt.slot[j] != 0)
			j = (j + 1) & mt.mask;
		mt.slot[j] = (uint32_t)i + 1;
	}
	r = uidlist_read_fd(fd, &m->ul, match_take, &mt);
	free(mt.slot);
	*order_r = mt.order;
	*norder_r = mt.norder;
	return r;
}

/* --- numbering ------------------------------------------------------ */

struct rewrite_iter {
	struct entry	**e;
	size_t		  n;
	size_t		  i;
	char		  base[1024];
};

static int
rewrite_next(void *arg, struct uidlist_rec *r)
{
	struct rewrite_iter	*it = arg;
	struct entry		*e;
	size_t			 bl;

	while (it->i < it->n) {
		entry_prefetch(it->e, it->i, it->n);
		e = it->e[it->i++];
		bl = maildir_baselen(e->name);
		if (bl >= sizeof(it->base))
			continue;
		memcpy(it->base, e->name, bl);
		it->base[bl] = '\0';
		r->uid = e->uid;
		r->base = it->base;
		return 1;
	}
	return 0;
}

/*
 * Under the lock, with no uidlist: number every file in the folder, in
 * delivery order, and write the list. With all, the files are those of
 * all (the caller's listing of the whole folder, sorted), and they get
 * their UIDs (files delivered since will be numbered by a later sync);
 * else the folder is listed here, and the view reads the list at its next
 * sync. The lock is gone afterwards.
 */
int
maildir_uidlist_create(struct maildir *m, int lockfd, struct entry **all,
    size_t n)
{
	struct scan		 sc;
	struct rewrite_iter	 it;
	struct entry		**e = all;
	size_t			 i;
	int			 r, saved;

	maildir_scan_init(&sc, NULL);
	if (all == NULL) {
		if (maildir_scan_all(m, &sc) == -1) {
			saved = errno;
			maildir_scan_free(&sc);
			uidlist_unlock(m->dirfd, lockfd);
			errno = saved;
			return -1;
		}
		if ((e = reallocarray(NULL, sc.n + 1, sizeof(*e))) == NULL)
			fatalx("out of memory");
		for (i = 0; i < sc.n; i++)
			e[i] = &sc.e[i];
		n = sc.n;
		maildir_sort_delivery(e, n);
	}
	for (i = 0; i < n; i++)
		e[i]->uid = m->ul.next_uid++;
	memset(&it, 0, sizeof(it));
	it.e = e;
	it.n = n;
	m->ul.uidvalidity = uidlist_new_uidvalidity(m->rootfd);
	r = uidlist_rewrite(m->dirfd, lockfd, &m->ul, rewrite_next, &it);
	saved = errno;
	if (all == NULL) {
		free(e);
		maildir_scan_free(&sc);
		/* Make the next uidlist_read() read it all into the view. */
		memset(&m->ul.id, 0, sizeof(m->ul.id));
	} else if (r == -1) {
		for (i = 0; i < n; i++)
			e[i]->uid = 0;
	}
	errno = saved;
	return r;
}

/*
 * Give UIDs to files already in the folder (e, in this order), under the
 * lock, into e[i]->uid (0 if a file could not be numbered). all: e is the
 * whole folder as listed (see maildir_uidlist_create).
 */
static int
assign(struct maildir *m, struct entry **e, size_t n, int all)
{
	struct uidlist_rec	*recs, *sorted;
	const struct uidlist_rec *rec;
	size_t			 i, k, bl, nsorted;
	int			 lockfd, saved;

	if ((lockfd = uidlist_lock(m->dirfd)) == -1)
		return -1;
	if (uidlist_read(m->dirfd, &m->ul) == -1)
		goto fail;
	if (m->ul.uidvalidity == 0 && all) {
		/* No list yet: it is made of ours. */
		return maildir_uidlist_create(m, lockfd, e, n);
	} else if (m->ul.uidvalidity == 0) {
		/* No list yet: number everything, ours included. */
		if (maildir_uidlist_create(m, lockfd, NULL, 0) == -1)
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
	/* Records read so far, sorted once. */
	sorted = maildir_recs_sorted(m, &nsorted);
	for (i = k = 0; i < n; i++) {
		entry_prefetch(e, i, n);
		bl = maildir_baselen(e[i]->name);
		rec = maildir_recs_find(sorted, nsorted, e[i]->name);
		if (rec != NULL) {
			e[i]->uid = rec->uid;
			continue;
		}
		e[i]->uid = m->ul.next_uid + (uint32_t)k;
		recs[k].uid = e[i]->uid;
		recs[k].base = strndup(e[i]->name, bl);
		if (recs[k].base == NULL)
			fatalx("out of memory");
		k++;
	}
	free(sorted);
	if (k > 0 && uidlist_append(m->dirfd, &m->ul, recs, k) == -1) {
		saved = errno;
		for (i = 0; i < n; i++)
			e[i]->uid = 0;
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

int
maildir_assign(struct maildir *m, const char *const *names, size_t n,
    uint32_t *uids_r)
{
	struct entry	 *ent, **e;
	size_t		  i;
	int		  r;

	if ((ent = calloc(n + 1, sizeof(*ent))) == NULL ||
	    (e = calloc(n + 1, sizeof(*e))) == NULL)
		fatalx("out of memory");
	for (i = 0; i < n; i++) {
		ent[i].name = (char *)(uintptr_t)names[i];
		e[i] = &ent[i];
	}
	r = assign(m, e, n, 0);
	for (i = 0; i < n; i++)
		uids_r[i] = ent[i].uid;
	free(e);
	free(ent);
	return r;
}

/*
 * A file that a program that does not number files (a mail reader) moves
 * from new/ to cur/ while we list is listed twice. Returns NULL if every
 * base in e is once, else first[i]: NULL for the first entry of a base,
 * the first one for the others.
 */
static struct entry **
same_bases(struct entry **e, size_t n)
{
	struct entry	**first = NULL, *f;
	uint32_t	 *slot;
	size_t		  i, j, bl, size = 16;

	while (size < n * 2)
		size *= 2;
	if ((slot = calloc(size, sizeof(*slot))) == NULL)
		fatalx("out of memory");
	for (i = 0; i < n; i++) {
		entry_prefetch(e, i, n);
		bl = maildir_baselen(e[i]->name);
		for (j = maildir_hash_base(e[i]->name, bl) & (size - 1);
		    slot[j] != 0; j = (j + 1) & (size - 1)) {
			f = e[slot[j] - 1];
			if (base_eq(f->name, e[i]->name, bl))
				break;
		}
		if (slot[j] == 0) {
			slot[j] = (uint32_t)i + 1;
			continue;
		}
		if (first == NULL && (first = calloc(n, sizeof(*first))) == NULL)
			fatalx("out of memory");
		first[i] = e[slot[j] - 1];
	}
	free(slot);
	return first;
}

/*
 * Number new files, in delivery order (e is sorted so); all: they are
 * the whole folder. Their UIDs go into e[i]->uid (0: none yet).
 */
int
maildir_number_new(struct maildir *m, struct entry **e, size_t n, int all)
{
	struct uidlist_rec	*recs;
	const struct uidlist_rec *rec;
	struct entry		**first = NULL, **u = e;
	size_t			 i, nrecs, nu = n;
	int			 r;

	maildir_sort_delivery(e, n);
	/* One UID for a file listed twice: numbered once, as first[i]. */
	if (n > 1 && (first = same_bases(e, n)) != NULL) {
		if ((u = reallocarray(NULL, n, sizeof(*u))) == NULL)
			fatalx("out of memory");
		for (i = nu = 0; i < n; i++)
			if (first[i] == NULL)
				u[nu++] = e[i];
	}
	r = assign(m, u, nu, all);
	if (first != NULL) {
		for (i = 0; i < n; i++)
			if (first[i] != NULL)
				e[i]->uid = first[i]->uid;
		free(first);
		free(u);
	}
	if (r == -1)
		return -1;
	if (m->ul.id.ino == 0) {
		/* The list was just created: read it, and find our UIDs. */
		if (uidlist_read(m->dirfd, &m->ul) == -1)
			return -1;
		m->uidvalidity = m->ul.uidvalidity;
		recs = maildir_recs_sorted(m, &nrecs);
		for (i = 0; i < n; i++)
			if ((rec = maildir_recs_find(recs, nrecs, e[i]->name)) !=
			    NULL)
				e[i]->uid = rec->uid;
		free(recs);
	}
	return 0;
}

static int
uid_cmp(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int
maildir_records_above(const struct maildir *m, uint32_t max,
    struct entry **ours, size_t n)
{
	uint32_t	*uids;
	size_t		 i;
	int		 r = 0;

	if (m->ul.n == 0)
		return 0;
	if ((uids = reallocarray(NULL, n + 1, sizeof(*uids))) == NULL)
		fatalx("out of memory");
	for (i = 0; i < n; i++)
		uids[i] = ours[i]->uid;
	if (n > 0)
		qsort(uids, n, sizeof(*uids), uid_cmp);
	for (i = 0; i < m->ul.n && !r; i++)
		if (m->ul.recs[i].uid > max && (n == 0 ||
		    bsearch(&m->ul.recs[i].uid, uids, n, sizeof(*uids),
		    uid_cmp) == NULL))
			r = 1;
	free(uids);
	return r;
}
