/*
 * modseq.h: our own per-folder state, the file mdimapd-state: a
 * modification sequence number (RFC 7162 MODSEQ) for every message, the
 * flags it had when it was given, and the history of expunged UIDs, for
 * CONDSTORE and QRESYNC. It is a cache in the sense of DESIGN.md: deleting
 * it loses the history, nothing else, and modseqs still never go back
 * (a new modseq is never below the current time in microseconds).
 *
 * Format (text, one record a line, appended in place under the uidlist
 * lock; a last line without its newline is ignored):
 *   mdimapd-state 1 V<uidvalidity> H<highest modseq>   header (version 1)
 *   <uid> <modseq> <info>                  message state: <info> is the
 *                                          Maildir flag letters ("-" none)
 *   X <uid>[:<uid>] <modseq>               expunged at that modseq
 * Later lines win. The file is rewritten (lock file, rename) when the
 * records outnumber the messages four to one.
 */
#ifndef MDIMAPD_MODSEQ_H
#define MDIMAPD_MODSEQ_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define MODSEQ_FILE	"mdimapd-state"

struct maildir;

struct modseq_state {
	uint64_t	 highest;	/* HIGHESTMODSEQ */
	uint32_t	 uidvalidity;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 off;		/* read up to here */
	size_t		 lines;		/* records in the file */
	/* expunge history: ranges of UIDs with the modseq of their last
	 * expunge, ascending by lo */
	struct modseq_x {
		uint32_t lo, hi;
		uint64_t modseq;
	}		*x;
	size_t		 nx;
	size_t		 capx;
};

/* Read the state of m's folder and give every message of the view its
 * modseq; record what changed since (flags renamed by other programs,
 * new messages, expunges). Returns 0 or -1 (errno). */
int	modseq_sync(struct maildir *);
/* Record the messages of the view whose flags changed (own STORE). */
int	modseq_record(struct maildir *);
void	modseq_free(struct modseq_state *);
/* UIDs expunged after modseq since (QRESYNC VANISHED): calls fn for each
 * range. */
void	modseq_vanished(const struct modseq_state *, uint64_t since,
	    void (*fn)(void *, uint32_t, uint32_t), void *arg);

#endif
