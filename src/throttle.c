/*
 * throttle.c: one file per address under throttle_dir, holding
 * "<failures> <time of the first in this window>", locked with flock()
 * while it is read and rewritten. IPv6 addresses count by their /64, as
 * one host usually has a whole /64. Files are small; an address whose
 * window has passed starts again from zero.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "throttle.h"

/* A file name for the address: hex digits and dots only. */
static void
key_for(const char *addr, char *key, size_t size)
{
	size_t		i, o = 0, colons = 0;
	unsigned char	c;

	for (i = 0; addr[i] != '\0' && o + 3 < size; i++) {
		c = (unsigned char)addr[i];
		if (c == ':' && ++colons == 4)
			break;		/* IPv6: the first 64 bits */
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F') || c == '.')
			key[o++] = (char)c;
		else
			key[o++] = '_';
	}
	key[o] = '\0';
	if (o == 0)
		strlcpy(key, "unknown", size);
}

static int
open_entry(const char *addr)
{
	char	key[128], path[1024];
	int	fd;

	if (config.throttle_failures == 0 || strcmp(addr, "local") == 0)
		return -1;
	if (mkdir(config.throttle_dir, 0700) == -1 && errno != EEXIST) {
		log_warn("%s", config.throttle_dir);
		return -1;
	}
	key_for(addr, key, sizeof(key));
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", config.throttle_dir,
	    key) >= sizeof(path))
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) == -1) {
		log_warn("%s", path);
		return -1;
	}
	if (flock(fd, LOCK_EX) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
entry_read(int fd, long *count, long long *first)
{
	char	buf[64];
	ssize_t	n;

	*count = 0;
	*first = 0;
	if ((n = pread(fd, buf, sizeof(buf) - 1, 0)) <= 0)
		return;
	buf[n] = '\0';
	if (sscanf(buf, "%ld %lld", count, first) != 2 ||
	    time(NULL) - *first > config.throttle_window || *count < 0)
		*count = 0;
}

int
throttle_blocked(const char *addr)
{
	long		count;
	long long	first;
	int		fd;

	if ((fd = open_entry(addr)) == -1)
		return 0;
	entry_read(fd, &count, &first);
	close(fd);
	return count >= config.throttle_failures;
}

void
throttle_fail(const char *addr)
{
	char		buf[64];
	long		count;
	long long	first;
	int		fd, n;

	if ((fd = open_entry(addr)) == -1)
		return;
	entry_read(fd, &count, &first);
	if (count == 0)
		first = (long long)time(NULL);
	count++;
	n = snprintf(buf, sizeof(buf), "%ld %lld\n", count, first);
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)n, 0) != n)
		log_warn("throttle %s", addr);
	close(fd);
}
