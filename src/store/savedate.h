/*
 * savedate.h: SAVEDATE (RFC 8514), the time a message was saved in the
 * folder it is in. mdimapd saves messages in three ways, APPEND, COPY and
 * MOVE, and records the time of each in the folder's file mdimapd-savedate
 * under the new UIDs (a UID is made once, by one process, so a record is
 * never replaced). A message without a record came another way, delivered
 * into new/ by the MDA, or placed there by another program: its save date
 * is its file's modification time, which for a delivery is when it came.
 * Either way a message's save date never changes while it stays there.
 *
 * Format: a header line "mdimapd-savedate 1 V<uidvalidity>", then lines
 * "<uid>[:<uid>] <seconds since 1970>", appended with O_APPEND in one
 * write. A file of another UIDVALIDITY is started anew. Deleting the file
 * turns the recorded times back into the files' modification times.
 */
#ifndef MDIMAPD_SAVEDATE_H
#define MDIMAPD_SAVEDATE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SAVEDATE_FILE	"mdimapd-savedate"

struct savedates;

/* Record time t for the UIDs uids[0..n) of the folder at dirfd. Failure
 * is logged; the messages then fall back to their files' times. */
void		  savedate_record(int dirfd, uint32_t uidvalidity,
		    const uint32_t *uids, size_t n, time_t t);
/* The records of the folder at dirfd (empty when there are none). */
struct savedates *savedate_load(int dirfd, uint32_t uidvalidity);
void		  savedate_free(struct savedates **);
/* The recorded time of uid: 0, or -1 if it has none. */
int		  savedate_get(const struct savedates *, uint32_t uid,
		    time_t *t_r);

#endif
