/*
 * fileid.c: stat with the birth time (see fileid.h). One statx call where
 * the kernel has it (Linux 4.11); fstatat and no birth time where it does
 * not, or a sandbox refuses it (ENOSYS, EPERM).
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "fileid.h"

static int	no_statx;

int
fileid_stat(int dirfd, const char *name, struct stat *st, struct fileid *id)
{
	struct statx	sx;
	int		flags = AT_SYMLINK_NOFOLLOW;

	if (name[0] == '\0')
		flags |= AT_EMPTY_PATH;
	memset(id, 0, sizeof(*id));
	if (!no_statx) {
		if (statx(dirfd, name, flags, STATX_BASIC_STATS | STATX_BTIME,
		    &sx) == 0) {
			memset(st, 0, sizeof(*st));
			st->st_dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
			st->st_ino = (ino_t)sx.stx_ino;
			st->st_mode = sx.stx_mode;
			st->st_nlink = sx.stx_nlink;
			st->st_uid = sx.stx_uid;
			st->st_gid = sx.stx_gid;
			st->st_size = (off_t)sx.stx_size;
			st->st_blksize = (blksize_t)sx.stx_blksize;
			st->st_blocks = (blkcnt_t)sx.stx_blocks;
			st->st_atim.tv_sec = sx.stx_atime.tv_sec;
			st->st_atim.tv_nsec = sx.stx_atime.tv_nsec;
			st->st_mtim.tv_sec = sx.stx_mtime.tv_sec;
			st->st_mtim.tv_nsec = sx.stx_mtime.tv_nsec;
			st->st_ctim.tv_sec = sx.stx_ctime.tv_sec;
			st->st_ctim.tv_nsec = sx.stx_ctime.tv_nsec;
			if (sx.stx_mask & STATX_BTIME) {
				id->btime_sec = sx.stx_btime.tv_sec;
				id->btime_nsec = sx.stx_btime.tv_nsec;
			}
			id->dev = (uint64_t)st->st_dev;
			id->ino = (uint64_t)st->st_ino;
			return 0;
		}
		if (errno != ENOSYS && errno != EPERM)
			return -1;
		no_statx = 1;
	}
	if (fstatat(dirfd, name, st, flags) == -1)
		return -1;
	id->dev = (uint64_t)st->st_dev;
	id->ino = (uint64_t)st->st_ino;
	return 0;
}

int
fileid_eq(const struct fileid *a, const struct fileid *b)
{
	return a->dev == b->dev && a->ino == b->ino &&
	    a->btime_sec == b->btime_sec && a->btime_nsec == b->btime_nsec;
}
