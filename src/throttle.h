/*
 * throttle.h: failed logins per remote address, shared by every mdimapd
 * process on the machine through small files in throttle_dir (root's), so
 * that reconnecting does not reset the count. Used by the root monitor.
 */
#ifndef MDIMAPD_THROTTLE_H
#define MDIMAPD_THROTTLE_H

/* Whether addr has had throttle_failures failures within the window. */
int	throttle_blocked(const char *addr);
/* Count one failure for addr. */
void	throttle_fail(const char *addr);

#endif
