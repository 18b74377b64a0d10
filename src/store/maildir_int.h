/*
 * maildir_int.h: what the store's files share among themselves (not for
 * the layers above).
 */
#ifndef MDIMAPD_MAILDIR_INT_H
#define MDIMAPD_MAILDIR_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "namepool.h"

struct maildir;
struct uidlist_rec;

struct entry {
	char		*name;		/* in the listing's pool */
	uint32_t	 uid;		/* found for it by the sync; 0 none */
	uint8_t		 in_new;
	uint8_t		 known;		/* in the view already */
	uint8_t		 ordered;	/* in maildir_match_records()'s order */
	uint8_t		 taken;		/* the view took name (adopted) */
};

/*
 * Entries walked in another order than the listing's (delivery order, UID
 * order) meet themselves and their names at random places: each step
 * would wait for memory. e[i] asks for the entry 2 * ENTRY_AHEAD steps
 * ahead and the name ENTRY_AHEAD ahead (its entry is in by then).
 */
#define ENTRY_AHEAD	8
static inline void
entry_prefetch(struct entry *const *e, size_t i, size_t n)
{
	if (i + 2 * ENTRY_AHEAD < n)
		__builtin_prefetch(e[i + 2 * ENTRY_AHEAD]);
	if (i + ENTRY_AHEAD < n)
		__builtin_prefetch(e[i + ENTRY_AHEAD]->name);
}

/*
 * A listing (all zero: empty). Its names go into its own pool, or into
 * the view's:
 * a first sync lists straight into the view's pool, so that each name is
 * held once; maildir_scan_free() then drops the names the view did not
 * take.
 */
struct scan {
	struct entry	*e;
	size_t		 n;
	size_t		 cap;
	struct namepool	 own;
	struct namepool	*pool;		/* NULL (own), or the view's */
	/* If set, the names skip() returns 1 for are not kept. */
	int		(*skip)(void *, const char *name);
	void		*skip_arg;
};

/* Whether fd's file system stamps times from this machine's clock in
 * nanoseconds. */
int	maildir_fine_times(int fd);
/* Whether a directory time read after the coarse clock read now will
 * change at the next change (fine: maildir_fine_times()). */
int	maildir_time_settled(const struct timespec *mtime,
	    const struct timespec *now, int fine);
/* A hash of a base name, for the tables that look files up by base. */
size_t	maildir_hash_base(const char *, size_t);
/* Length of a file name's base (before ":"). */
size_t	maildir_baselen(const char *name);
/* Sort entries in delivery order: the seconds at the start of the name,
 * then the name. */
void	maildir_sort_delivery(struct entry **, size_t);
/* An empty listing, into pool (NULL: its own). */
void	maildir_scan_init(struct scan *, struct namepool *pool);
/* Add a name to a listing. */
void	maildir_scan_add(struct scan *, const char *name, int in_new);
/* List new/ then cur/ (regular files only) into sc. */
int	maildir_scan_all(struct maildir *, struct scan *);
void	maildir_scan_free(struct scan *);
/* The view (maildir_view.c): the index of a base name, or -1. */
long	maildir_hash_find(const struct maildir *, const char *, size_t);
/* Size the hash for the view's messages again. */
void	maildir_hash_rebuild(struct maildir *);
/* Room for more messages: exactly on a first sync, doubling after. */
void	maildir_view_reserve(struct maildir *, size_t more);
/* Add a listed file; adopt: its name is in the view's pool already. */
void	maildir_view_add(struct maildir *, struct entry *, int adopt);
/* Renames and expunges left dead names behind: copy the live ones. */
void	maildir_view_compact(struct maildir *);
/* inotify on cur/ and new/ (maildir_watch.c). */
void	maildir_watch_start(struct maildir *);
void	maildir_watch_stop(struct maildir *);
/*
 * The files that changed since the last call, as a partial listing in sc
 * (their current names), and the view indices of the messages that are
 * gone in *gone_r (to be freed), *ngone_r of them: 1, or 0 if everything
 * must be listed again. *nothing_r: nothing happened.
 */
int	maildir_watch_changes(struct maildir *, struct scan *,
	    size_t **gone_r, size_t *ngone_r, int *nothing_r);
/* UIDs (maildir_uids.c). Records kept in ul, sorted by base name for
 * maildir_recs_find(), which finds the record of a file name. */
struct uidlist_rec *maildir_recs_sorted(struct maildir *, size_t *n_r);
const struct uidlist_rec *maildir_recs_find(const struct uidlist_rec *,
	    size_t, const char *name);
/* Read the records through fd (from uidlist_open()) into the uid of the
 * entries of sc the view does not know; the records of no listed file are
 * kept in ul. *order_r gets the indices of the entries matched, in UID
 * order (to be freed). Closes fd. */
int	maildir_match_records(struct maildir *, int fd, struct scan *sc,
	    uint32_t **order_r, size_t *norder_r);
/* Under the lock, without a list: make one (see maildir_uids.c); all NULL:
 * of a listing made here. The lock is gone afterwards. */
int	maildir_uidlist_create(struct maildir *, int lockfd,
	    struct entry **all, size_t n);
/* Number new files (sorted into delivery order here) into e[i]->uid;
 * all: they are the whole folder. */
int	maildir_number_new(struct maildir *, struct entry **e, size_t n,
	    int all);
/* A record above max that is not one of ours: another process numbered
 * a file after our listing. */
int	maildir_records_above(const struct maildir *, uint32_t max,
	    struct entry **ours, size_t n);
/* (Re)read dovecot-keywords. */
void	maildir_keywords_read(struct maildir *);

#endif
