/*
 * listen.h: mdimapd --listen ADDR:PORT, a foreground accept loop that
 * forks one session per connection exactly as inetd would (for make demo
 * and for trying real clients; production uses inetd, xinetd, systemd or
 * stunnel).
 */
#ifndef MDIMAPD_LISTEN_H
#define MDIMAPD_LISTEN_H

/* Returns only in a child, with the connection on fds 0 and 1. */
void	listen_run(const char *addr);

#endif
