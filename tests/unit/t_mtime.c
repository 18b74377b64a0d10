/*
 * t_mtime.c: when a directory's time can be trusted to change at its next
 * change (maildir_time_settled), by rule and on this machine's /tmp.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "maildir_int.h"

/* Against a coarse clock at 1000000.5 s: a directory time, whether the
 * file system stamps in nanoseconds, and whether it is settled. */
static void
rules(void)
{
	static const struct {
		time_t	sec;
		long	nsec;
		int	fine, want;
	} t[] = {
		/* The same tick: the next change may keep the time. */
		{ 1000000, 500000000, 1, 0 },
		/* Stamped finer and later than the coarse clock
		 * (multigrain). */
		{ 1000000, 500000001, 1, 0 },
		{ 1000001, 0, 1, 0 },
		/* Before the tick: any later change is stamped later. */
		{ 1000000, 499999999, 1, 1 },
		{ 999999, 900000000, 1, 1 },
		/* Whole seconds (tv_nsec 0): two seconds, as for other
		 * file systems. */
		{ 999999, 0, 1, 0 },
		{ 999998, 0, 1, 0 },
		{ 999997, 0, 1, 1 },
		/* Times of another machine (NFS): two seconds. */
		{ 999999, 1, 0, 0 },
		{ 999998, 1, 0, 0 },
		{ 999997, 999999999, 0, 1 },
	};
	struct timespec	now, m;
	size_t		i;

	now.tv_sec = 1000000;
	now.tv_nsec = 500000000;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		m.tv_sec = t[i].sec;
		m.tv_nsec = t[i].nsec;
		CHECK_INT(maildir_time_settled(&m, &now, t[i].fine),
		    t[i].want);
	}
}

/*
 * The promise itself, on this machine: whenever a time is taken as
 * settled, the next change of the directory changes it. Changes follow
 * each other as fast as they can, with pauses of 2 ms (within or across
 * the clock's ticks) between some of them, and of 15 ms (across a tick
 * even at HZ 100) between a few.
 */
static void
this_machine(void)
{
	char		 dir[] = "/tmp/t_mtime.XXXXXX", name[32];
	struct timespec	 now;
	struct stat	 st, st2;
	int		 dfd, fd, fine, i, settled = 0, bad = 0;

	if (mkdtemp(dir) == NULL || (dfd = open(dir, O_RDONLY |
	    O_DIRECTORY)) == -1)
		abort();
	fine = maildir_fine_times(dfd);
	for (i = 0; i < 600; i++) {
		(void)snprintf(name, sizeof(name), "a%d", i);
		if ((fd = openat(dfd, name, O_WRONLY | O_CREAT, 0600)) == -1)
			abort();
		close(fd);
		if (i % 50 == 0)
			usleep(15000);	/* past a tick of HZ 100: settles */
		else if (i % 3 == 0)
			usleep(2000);
		(void)clock_gettime(CLOCK_REALTIME_COARSE, &now);
		if (fstat(dfd, &st) == -1)
			abort();
		if (!maildir_time_settled(&st.st_mtim, &now, fine))
			continue;
		settled++;
		if (unlinkat(dfd, name, 0) == -1 || fstat(dfd, &st2) == -1)
			abort();
		if (st2.st_mtim.tv_sec == st.st_mtim.tv_sec &&
		    st2.st_mtim.tv_nsec == st.st_mtim.tv_nsec)
			bad++;
	}
	CHECK_INT(bad, 0);
	/* On ext4, XFS, Btrfs or tmpfs some pauses leave the tick. */
	if (fine)
		CHECK(settled > 0);
	fprintf(stderr, "t_mtime: /tmp %s, %d of 600 times settled\n",
	    fine ? "stamps in ns" : "not known to stamp in ns", settled);
	for (i = 0; i < 600; i++) {
		(void)snprintf(name, sizeof(name), "a%d", i);
		(void)unlinkat(dfd, name, 0);
	}
	close(dfd);
	(void)rmdir(dir);
}

int
main(void)
{
	rules();
	this_machine();
	return test_done("t_mtime");
}
