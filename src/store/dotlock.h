/*
 * dotlock.h: the lock files of a Maildir (dovecot-uidlist.lock,
 * maildirsize.lock, mdimapd-cache.lock, subscriptions.lock...), each taken
 * by creating it with O_EXCL, as Dovecot's dotlocks are, and released by
 * unlinking it. A lock file older than its stale limit was left by a
 * process that died: it is removed (and said in the log) and taken anew.
 */
#ifndef MDIMAPD_DOTLOCK_H
#define MDIMAPD_DOTLOCK_H

/* Take name in dirfd: its fd, or -1 (errno; EWOULDBLOCK: another process
 * holds it still after wait seconds, 0: do not wait). Waits 5 ms first,
 * doubling up to 100 ms. */
int	dotlock_take(int dirfd, const char *name, int stale, int wait);
/* Give it up unused: removed, fd closed (errno kept). */
void	dotlock_release(int dirfd, const char *name, int fd);

#endif
