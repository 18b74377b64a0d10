/*
 * dotlock.c: lock files taken with O_EXCL (see dotlock.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "dotlock.h"
#include "log.h"

int
dotlock_take(int dirfd, const char *name, int stale, int wait)
{
	struct stat	st;
	struct timespec	ts;
	time_t		start = time(NULL), age;
	long		delay = 5 * 1000 * 1000;	/* 5 ms, doubling */
	int		fd;

	for (;;) {
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1 || errno != EEXIST)
			return fd;
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    (age = time(NULL) - st.st_mtime) > stale) {
			log_warnx("removing stale %s (%lld seconds old)", name,
			    (long long)age);
			/* (one that cannot be removed is as held) */
			if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
				continue;
		}
		if (time(NULL) - start >= wait) {
			errno = EWOULDBLOCK;
			return -1;
		}
		ts.tv_sec = 0;
		ts.tv_nsec = delay;
		(void)nanosleep(&ts, NULL);
		if (delay < 100 * 1000 * 1000)
			delay *= 2;
	}
}

void
dotlock_release(int dirfd, const char *name, int fd)
{
	int	saved = errno;

	(void)unlinkat(dirfd, name, 0);
	(void)close(fd);
	errno = saved;
}
