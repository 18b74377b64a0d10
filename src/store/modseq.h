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
 *   mdimapd-state 1 V<uidvalidity> H<highest modseq> [E<floor>]
 *                                          header (version 1)
 *   <uid> <modseq> <info>                  message state: <info> is the
 *                                          Maildir flag letters ("-" none)
 *   X <uid>[:<uid>] <modseq>               expunged at that modseq
 * Later lines win. The file is rewritten (lock file, rename) when the
 * records outnumber the messages four to one, or when the expunge history
 * was summarised.
 *
 * The floor E: expunges at or below it are not known one by one (the
 * history began there, when the file was made, or older records were
 * summarised past LIMIT_EXPUNGE_HISTORY). Asked for expunges since a
 * modseq below E, the answer is every UID below UIDNEXT that is not in the
 * folder (RFC 7162 3.2.5.2, 3.2.6: UIDs that never existed may be
 * reported).
 *
 * A message whose record exists but that is missing from the folder at a
 * sync (deleted by another program while no mdimapd watched) is recorded
 * as expunged then, so a client that knew it hears of it.
 */
#ifndef MDIMAPD_MODSEQ_H
#define MDIMAPD_MODSEQ_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "fileid.h"

#define MODSEQ_FILE	"mdimapd-state"

struct maildir;

/* A range of UIDs with the modseq of its expunge. */
struct modseq_x {
	uint32_t	 lo, hi;
	uint64_t	 modseq;
};

struct modseq_state {
	uint64_t	 highest;	/* highest modseq in the file */
	uint64_t	 floor;		/* E: history below is summarised */
	int		 ok;		/* the last sync recorded everything */
	int		 summarised;	/* history cut: rewrite the file */
	uint32_t	 uidvalidity;
	struct fileid	 id;		/* the file read (id.ino 0: none) */
	off_t		 off;		/* read up to here */
	size_t		 lines;		/* records in the file */
	/* expunge history, in the order recorded (ascending modseq) */
	struct modseq_x	*x;
	size_t		 nx;
	size_t		 capx;
	/* UIDs with a message record that are not in the view (yet) */
	uint32_t	*orphans;
	size_t		 norphans;
	size_t		 caporphans;
};

/* Read the state of m's folder and give every message of the view its
 * modseq; record what changed since (flags renamed by other programs,
 * new messages, expunges). Sets ms.ok. Returns 0 or -1 (errno). */
int	modseq_sync(struct maildir *);
/* Record the messages of the view whose flags changed (own STORE): each
 * gets one new modseq (struct mmsg.modseq). */
int	modseq_record(struct maildir *);
void	modseq_free(struct modseq_state *);
/* A message left the view without its expunge recorded: record it at the
 * next sync. */
void	modseq_orphan_add(struct modseq_state *, uint32_t uid);

/*
 * HIGHESTMODSEQ of the view (RFC 7162 3.1.2.1, 6): the file's highest,
 * unless an expunge recorded in the history is of a message the view
 * still holds (not yet reported to the client, or not yet seen gone):
 * then one below the lowest such expunge, so a client that resumes from
 * it is told of it. 0 when the folder cannot keep modseqs (!ms.ok).
 * Messages' own modseqs are struct mmsg.modseq (what SEARCH MODSEQ
 * compares).
 */
uint64_t modseq_highest(struct maildir *);

/*
 * The UIDs expunged after modseq since (VANISHED (EARLIER), RFC 7162
 * 3.2.6), among uids (ascending, non-overlapping ranges; NULL: all) and
 * at or above minuid: ranges that hold no message of the view, below its
 * UIDNEXT. Calls fn for each range, in ascending order.
 */
void	modseq_vanished(struct maildir *, uint64_t since,
	    const struct modseq_x *uids, size_t nuids, uint32_t minuid,
	    void (*fn)(void *, uint32_t, uint32_t), void *arg);

/* Pure helpers (unit-tested): add an expunge to the history, summarising
 * the older half into the floor past LIMIT_EXPUNGE_HISTORY ranges. */
void	modseq_x_add(struct modseq_state *, uint32_t lo, uint32_t hi,
	    uint64_t modseq);

#endif
