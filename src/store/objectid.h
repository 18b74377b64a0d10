/*
 * objectid.h: OBJECTID (RFC 8474) identifiers of folders and messages.
 *
 * MAILBOXID is "F" and the folder's GUID from its dovecot-uidlist header
 * (Dovecot's mailbox GUID): it goes with the folder through RENAME and is
 * new when the folder is made again (a new UIDVALIDITY, a new list).
 *
 * EMAILID is "M" and a hash of the message file's inode and birth time:
 * a flag change or MOVE renames the file and COPY hard-links it, so a
 * message keeps its EMAILID through them (RFC 8474 5.1), and no other file
 * has the same inode born at the same nanosecond. (Where the file system
 * keeps no birth time, its modification time and size stand in; COPY
 * between file systems, which copies the bytes, gives a new EMAILID.)
 *
 * THREADID is not offered: FETCH answers NIL and SEARCH THREADID matches
 * nothing, as RFC 8474 5.2 says.
 */
#ifndef MDIMAPD_OBJECTID_H
#define MDIMAPD_OBJECTID_H

#include <stddef.h>

struct maildir;

/* "F" or "M", at most 32 characters more, NUL. */
#define OBJECTID_MAX	40

void	objectid_mailbox(const struct maildir *, char out[OBJECTID_MAX]);
/* 0, or -1 (errno; ENOENT: the message is gone). */
int	objectid_email(struct maildir *, size_t idx, char out[OBJECTID_MAX]);

#endif
