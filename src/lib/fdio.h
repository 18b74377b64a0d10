/*
 * fdio.h: whole reads and writes on a file descriptor, retried on EINTR
 * and short counts. For files and the monitor's socketpair; the client's
 * fds go through io.c.
 */
#ifndef MDIMAPD_FDIO_H
#define MDIMAPD_FDIO_H

#include <sys/types.h>

#include <stddef.h>

/* All n bytes, or -1 (errno; a short read at EOF is -1 with errno 0). */
int	fd_read_all(int fd, void *p, size_t n);
/* Up to n bytes, fewer at EOF: the count, or -1 (errno). */
ssize_t	fd_read_upto(int fd, void *p, size_t n);
int	fd_write_all(int fd, const void *p, size_t n);

#endif
