/*
 * fdio.c: see fdio.h.
 */
#include <errno.h>
#include <unistd.h>

#include "fdio.h"

int
fd_read_all(int fd, void *p, size_t n)
{
	char	*c = p;
	ssize_t	 r;

	while (n > 0) {
		r = read(fd, c, n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = 0;
			return -1;
		}
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

ssize_t
fd_read_upto(int fd, void *p, size_t n)
{
	char	*c = p;
	size_t	 len = 0;
	ssize_t	 r;

	while (len < n && (r = read(fd, c + len, n - len)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		len += (size_t)r;
	}
	return (ssize_t)len;
}

int
fd_write_all(int fd, const void *p, size_t n)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0) {
		w = write(fd, c, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}
