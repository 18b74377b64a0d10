/*
 * uidlist.h: Dovecot's dovecot-uidlist file, the UID <-> file map of a
 * Maildir folder (version 3 read and written, version 1 / Courier read).
 * Storage only: knows nothing of IMAP syntax or sessions.
 */
#ifndef MDIMAPD_UIDLIST_H
#define MDIMAPD_UIDLIST_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "fileid.h"

struct arena;

#define UIDLIST_NAME		"dovecot-uidlist"
#define UIDLIST_LOCK		"dovecot-uidlist.lock"
/* A lock older than this is stale (Dovecot: 2 minutes). */
#define UIDLIST_LOCK_STALE	120
/* How long to wait for another process's lock before giving up. */
#define UIDLIST_LOCK_WAIT	30

struct uidlist_rec {
	uint32_t	 uid;
	const char	*base;		/* file name before ":2," */
};

/*
 * The file's header, and the records read but not yet taken by the caller:
 * uidlist_read() appends what is new to recs, the caller merges them into
 * its own view and calls uidlist_forget(), so the list is never held twice.
 */
struct uidlist {
	struct arena	*a;		/* strings of recs */
	uint32_t	 uidvalidity;	/* 0: no file */
	uint32_t	 next_uid;	/* larger of header N and last UID + 1 */
	char		 guid[33];	/* hex, "" if none */
	int		 version;
	struct uidlist_rec *recs;	/* ascending UIDs */
	size_t		 n;
	size_t		 cap;
	size_t		 total;		/* records in the file */
	uint32_t	 last_uid;	/* of the last record read */
	int		 replaced;	/* last read started from scratch */
	struct fileid	 id;		/* the file read, for incremental reads */
	off_t		 off;		/* end of its last complete line */
	size_t		 bad_lines;
};

/* An empty list; uidlist_free() releases it. */
void	uidlist_init(struct uidlist *);
void	uidlist_free(struct uidlist *);
/* Drop the records read so far (the caller has taken them). */
void	uidlist_forget(struct uidlist *);

/*
 * Read what changed in the file in dirfd since the last call: nothing if
 * it is unchanged, the appended lines if it grew in place, all of it
 * (replaced = 1) if another file took its place. A missing file changes
 * nothing. Returns 0, or -1 with errno set (EINVAL: not a uidlist).
 */
int	uidlist_read(int dirfd, struct uidlist *);

/*
 * What the file open on fd holds, estimated from its size and the lines of
 * its first block without reading the rest: the number of records in
 * *nrecs_r, and the bytes of base names (returned). 0 and 0 if it cannot
 * tell (no complete record in the block).
 */
size_t	uidlist_estimate(int fd, size_t *nrecs_r);

/*
 * uidlist_read() in two steps, so that a caller can match the records
 * against a listing made in between without holding them all: the
 * records are those of the file as opened, and what was appended to it
 * since (a file is only appended to or replaced by a rename, so the open
 * file keeps what it held). uidlist_open() reads the header of a file
 * that is new to ul (replaced is then set) and gives *fd_r = -1 if there
 * is nothing to read. uidlist_read_fd() then offers each record to
 * take(arg, uid, base, baselen) (base is not NUL-terminated); the records
 * it does not take (returns 0) go into recs. It closes fd.
 */
typedef int uidlist_take_fn(void *, uint32_t, const char *, size_t);
int	uidlist_open(int dirfd, struct uidlist *, int *fd_r);
int	uidlist_read_fd(int fd, struct uidlist *, uidlist_take_fn *take,
	    void *arg);

/* Take the lock (waiting up to UIDLIST_LOCK_WAIT seconds, breaking a
 * stale one). Returns its fd, or -1 (errno EWOULDBLOCK when busy). The
 * caller then calls uidlist_read() to see what the last holder wrote. */
int	uidlist_lock(int dirfd);
/* Remove the lock. */
void	uidlist_unlock(int dirfd, int lockfd);

/*
 * Under the lock: append records for n new messages (UIDs from next_uid
 * up, ascending) to the file in place and fsync it; next_uid moves past
 * them, and they are added to recs like records read. With no file yet (uidvalidity 0) this fails with ENOENT: write
 * one with uidlist_rewrite() first. Returns 0 or -1 (errno).
 */
int	uidlist_append(int dirfd, struct uidlist *,
	    const struct uidlist_rec *, size_t n);

/*
 * Under the lock: write a whole new list (header from ul, records from
 * next(), called until it returns 0) into the lock file, fsync, rename it
 * over the list, fsync the directory. The lock is gone afterwards, either
 * way. Returns 0 or -1 (errno).
 */
int	uidlist_rewrite(int dirfd, int lockfd, struct uidlist *,
	    int (*next)(void *, struct uidlist_rec *), void *arg);

/* Under the lock: rewrite a version 1 (Courier) list as version 3, with
 * its UIDVALIDITY, records and next UID (appending version 3 lines to a
 * version 1 file would make them unreadable to its readers). The lock is
 * gone afterwards; ul reads the new file from scratch next time. */
int	uidlist_convert(int dirfd, int lockfd, struct uidlist *);

/* A new UIDVALIDITY: the time, but above anything given out before at
 * this Maildir root (dovecot-uidvalidity, kept as Dovecot keeps it). */
uint32_t uidlist_new_uidvalidity(int rootfd);
/* 32 hex digits of a new mailbox GUID. */
void	uidlist_new_guid(char guid[33]);

#endif
