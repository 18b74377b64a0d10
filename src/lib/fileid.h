/*
 * fileid.h: which file a name or descriptor is. Device and inode number
 * are not enough: a file replaced by rename frees its inode, and ext4
 * gives that number to the next file it creates, soon. A list rewritten
 * twice between two reads can come back with the old number and the old
 * size, and be taken for the file read before. The birth time (statx
 * STATX_BTIME: ext4, XFS, Btrfs, tmpfs) tells the two apart; where the
 * file system keeps none it is 0 and only device and inode compare.
 */
#ifndef MDIMAPD_FILEID_H
#define MDIMAPD_FILEID_H

#include <sys/stat.h>

#include <stdint.h>

struct fileid {
	uint64_t	 dev;
	uint64_t	 ino;
	int64_t		 btime_sec;
	uint32_t	 btime_nsec;
};

/* fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW) that also fills id (name
 * "": the descriptor dirfd itself). 0, or -1 with errno. */
int	fileid_stat(int dirfd, const char *name, struct stat *st,
	    struct fileid *id);
int	fileid_eq(const struct fileid *, const struct fileid *);

#endif
