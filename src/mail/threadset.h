/*
 * threadset.h: the messages THREAD threads (RFC 5256 3), gathered one at
 * a time as the command reads them, then handed to thread.c. Pure code.
 *
 * Each Message-ID and base subject is kept once, in an intern.h table,
 * and a message holds their numbers; the tables go before the threading
 * starts, which needs only the numbers. What a message costs is then 32
 * bytes, 4 for each reference, and the strings not seen before.
 */
#ifndef MDIMAPD_THREADSET_H
#define MDIMAPD_THREADSET_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct arena;
struct thread_node;
struct thread_set;

/* An empty set that may hold at most about max bytes (the message that
 * takes it past max is refused). */
struct thread_set	*thread_set_new(size_t max);
void			 thread_set_free(struct thread_set **);

/*
 * Add the next message in mailbox order: the number to answer with (not
 * 0), the sent date, the subject key (subject_base() of the decoded
 * Subject, casemapped; subject may be NULL when subject_len is 0) and
 * whether subject_base() found a reply or forward, and the raw values of
 * Message-ID, References and In-Reply-To (each NULL when the field is
 * absent; they are read as msgid_first() and msgid_references() read
 * them; ORDEREDSUBJECT needs none of them). Returns 0, or -1 when the set
 * would grow past its maximum (the set is then unusable: free it).
 */
int			 thread_set_add(struct thread_set *, uint32_t id,
			    time_t date, const char *subject,
			    size_t subject_len, int reply, const char *msgid,
			    size_t msgid_len, const char *refs,
			    size_t refs_len, const char *irt, size_t irt_len);

/* How many messages were added. */
size_t			 thread_set_count(const struct thread_set *);

/*
 * The threads (thread.h), the tree in the arena. Either ends the adding:
 * the string tables are freed first; free the set afterwards.
 */
struct thread_node	*thread_set_references(struct thread_set *,
			    struct arena *);
struct thread_node	*thread_set_orderedsubject(struct thread_set *,
			    struct arena *);

#endif
