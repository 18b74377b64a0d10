/*
 * peer.h: who is on the other end of fd 0, for logs and the cleartext
 * policy: the socket's peer address, or what the launcher put in the
 * environment (stunnel: REMOTE_HOST; tcpserver: TCPREMOTEIP), or "local"
 * for a pipe or terminal.
 */
#ifndef MDIMAPD_PEER_H
#define MDIMAPD_PEER_H

#include <stddef.h>

/*
 * Writes a printable address into buf; returns 1 if the peer is on this
 * host (loopback address, or no network at all), else 0. *proxied_r (may
 * be NULL) tells whether the client came through stunnel: REMOTE_HOST is
 * set and fd 0 is not a socket from elsewhere (xinetd sets REMOTE_HOST
 * too, but hands us the client's own socket).
 */
int	peer_describe(int fd, char *buf, size_t size, int *proxied_r);

#endif
