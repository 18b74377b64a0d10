/*
 * throttle.c: one file per address under throttle_dir, holding
 * "<failures> <time of the first in this window>", locked with flock()
 * while it is read and rewritten. IPv6 addresses count by their /64, as
 * one host usually has a whole /64. Files are small; an address whose
 * window has passed starts again from zero.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <dirent.h>

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

/*
 * A file name for the address: IPv4 as is, IPv6 by its /64 (one host
 * usually has a whole /64), IPv4-mapped IPv6 as the IPv4 address.
 */
static void
key_for(const char *addr, char *key, size_t size)
{
	struct in6_addr	a6;
	struct in_addr	a4;
	const char	*p = addr;

	if (strncmp(p, "::ffff:", 7) == 0 && strchr(p + 7, ':') == NULL)
		p += 7;
	if (inet_pton(AF_INET, p, &a4) == 1) {
		(void)inet_ntop(AF_INET, &a4, key, (socklen_t)size);
		return;
	}
	if (inet_pton(AF_INET6, p, &a6) == 1) {
		(void)snprintf(key, size, "%02x%02x%02x%02x%02x%02x%02x%02x-64",
		    a6.s6_addr[0], a6.s6_addr[1], a6.s6_addr[2], a6.s6_addr[3],
		    a6.s6_addr[4], a6.s6_addr[5], a6.s6_addr[6], a6.s6_addr[7]);
		return;
	}
	strlcpy(key, "unknown", size);
}

/* Old entries go, so the directory does not grow with every address. */
static void
prune(void)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	time_t		 now = time(NULL);
	int		 dfd;

	if ((d = opendir(config.throttle_dir)) == NULL)
		return;
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && fstatat(dfd, de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    now - st.st_mtime > config.throttle_window)
			(void)unlinkat(dfd, de->d_name, 0);
	closedir(d);
}

static int
open_entry(const char *addr, int create)
{
	char	key[128], path[1024];
	int	fd;

	if (config.throttle_failures == 0 || strcmp(addr, "local") == 0)
		return -1;
	if (create && mkdir(config.throttle_dir, 0700) == -1 &&
	    errno != EEXIST) {
		log_warn("%s", config.throttle_dir);
		return -1;
	}
	key_for(addr, key, sizeof(key));
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", config.throttle_dir,
	    key) >= sizeof(path))
		return -1;
	if ((fd = open(path, (create ? O_RDWR | O_CREAT : O_RDONLY) |
	    O_NOFOLLOW | O_CLOEXEC, 0600)) == -1) {
		if (create || errno != ENOENT)
			log_warn("%s", path);
		return -1;
	}
	if (flock(fd, create ? LOCK_EX : LOCK_SH) == -1) {
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

	if ((fd = open_entry(addr, 0)) == -1)
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

	/* Old entries go first (never the one we are about to count). */
	prune();
	if ((fd = open_entry(addr, 1)) == -1)
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
