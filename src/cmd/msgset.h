/*
 * msgset.h: the messages a sequence set names in the selected mailbox, by
 * sequence number or (after UID) by UID.
 */
#ifndef MDIMAPD_MSGSET_H
#define MDIMAPD_MSGSET_H

#include <stddef.h>

struct session;
struct imap_arg;

/*
 * Parse arg as a sequence set and list the view indexes it names, in
 * ascending order, into *idx_r (allocated from the command arena). A
 * message number beyond EXISTS is an error (RFC 9051 9); UIDs that do not
 * exist are simply left out. Sends BAD and returns -1 on error.
 */
int	msgset_get(struct session *, struct imap_arg *arg, size_t **idx_r,
	    size_t *n_r);

#endif
