/*
 * msginfo.h: a message's RFC822.SIZE, INTERNALDATE and sent date without
 * its file when the name or the folder's cache knows them (msginfo.c).
 */
#ifndef MDIMAPD_MSGINFO_H
#define MDIMAPD_MSGINFO_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct mmsg;
struct session;
struct stat;

/* Whether the size is known without the file or the cache: in memory
 * already, or ",W=" in the name. */
int	msginfo_vsize_known(const struct mmsg *);
/* The size of message idx of the selected folder; -1 if its file could
 * not be read. Counted from the file, it is kept in the cache. */
int	msginfo_vsize_get(struct session *, size_t idx, uint64_t *);
/* Keep a size the name does not carry in the cache. */
void	msginfo_vsize_put(struct session *, size_t idx, uint64_t);
/* RFC822.SIZE v, just counted by a parse: kept in the view, and in the
 * cache unless it has it. */
void	msginfo_vsize_parsed(struct session *, size_t idx, uint64_t v);

/* The INTERNALDATE of message idx; -1 if its file could not be found
 * (errno as maildir_internaldate()). */
int	msginfo_date_get(struct session *, size_t idx, time_t *);
/* The same for a message whose file is open: st is its stat. */
int	msginfo_date_of(struct session *, size_t idx, const struct stat *,
	    time_t *);

/*
 * The sent date SORT (DATE) and THREAD order by (RFC 5256 2.2): 1 and
 * *t_r if the cache has it (the Date: field's time, or INTERNALDATE for a
 * message without a valid one), 0 if not: then the caller parses the
 * header and keeps what it found (t NULL: no valid Date: field).
 */
int	msginfo_sentdate_get(struct session *, size_t idx, time_t *t_r);
void	msginfo_sentdate_put(struct session *, size_t idx, const time_t *t);

#endif
