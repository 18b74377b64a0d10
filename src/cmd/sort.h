/*
 * sort.h: what SORT (cmd_sort.c) and THREAD (cmd_thread.c) share: the
 * search program after the charset, the messages it matches, the number
 * a message is answered with, and the header fields both read.
 */
#ifndef MDIMAPD_SORT_H
#define MDIMAPD_SORT_H

#include <stddef.h>
#include <stdint.h>

#include "mdlimits.h"

struct buf;
struct imap_arg;
struct search_cmd;
struct session;

/* Memory for one SORT or THREAD (mdlimits.h). */
#define SORT_ARENA_MAX	LIMIT_SORT_MEMORY

/* The search program after the charset (RFC 5256 3: charset SP
 * search-key *(SP search-key)); US-ASCII and UTF-8 only, as SEARCH.
 * Returns 0, or -1 after answering BAD or NO. */
int		 sort_program(struct session *, struct imap_arg *charset,
		    struct search_cmd *);

/* The indexes of the messages the program matches, in mailbox order, and
 * their count; NULL after answering NO. */
size_t		*sort_matches(struct session *, struct search_cmd *,
		    size_t *n_r);

/* Message idx's number in the answer: its UID for UID SORT and UID
 * THREAD, else its sequence number. */
uint32_t	 sort_number(const struct session *, size_t idx);

/*
 * The header fields SORT and THREAD read (all among those the cache
 * keeps) of message idx: from the cache when it has them (valid until the
 * next cache call), else the message's header read from its file into b
 * (and then kept in the cache). NULL when the file cannot be read.
 */
const char	*sort_header(struct session *, size_t idx, struct buf *b,
		    size_t *len_r);

#endif
