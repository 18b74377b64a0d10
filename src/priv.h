/*
 * priv.h: privileges. Every call checked, then verified (OpenSMTPD style).
 */
#ifndef MDIMAPD_PRIV_H
#define MDIMAPD_PRIV_H

/* Drop for good to the named user (groups, gid, uid), then check that root
 * cannot be regained. Fatal on any failure. */
void	priv_drop(const char *user);

#endif
