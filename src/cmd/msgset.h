/*
 * msgset.h: the messages a sequence set names in the selected mailbox, by
 * sequence number or (after UID) by UID.
 */
#ifndef MDIMAPD_MSGSET_H
#define MDIMAPD_MSGSET_H

#include <stddef.h>
#include <stdint.h>

struct session;
struct imap_arg;
struct seqset;

/*
 * Parse arg as a sequence set and list the view indexes it names, in
 * ascending order, into *idx_r (allocated from the command arena). A
 * message number beyond EXISTS is an error (RFC 9051 9); UIDs that do not
 * exist are simply left out. "$" is the saved search result (RFC 5182),
 * by UID or sequence number alike. Sends BAD and returns -1 on error.
 */
int	msgset_get(struct session *, struct imap_arg *arg, size_t **idx_r,
	    size_t *n_r);

/*
 * The search result variable (RFC 5182): SEARCH RETURN (SAVE) sets it, a
 * sequence set "$" names its messages (those still in the mailbox) in any
 * command. Kept as UIDs, so expunges take themselves out of it.
 */
/* Set it to uids[0..n) (ascending). */
void	msgset_save(struct session *, const uint32_t *uids, size_t n);
/* Empty it (SELECT, EXAMINE, CLOSE, UNSELECT, a failed SEARCH SAVE). */
void	msgset_save_reset(struct session *);
/* Whether uid is in it. */
int	msgset_saved_has(const struct session *, uint32_t uid);
/* It as a resolved set of UIDs, allocated from the command arena. */
void	msgset_saved_set(struct session *, struct seqset *out);

#endif
