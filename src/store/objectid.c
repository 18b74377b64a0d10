/*
 * objectid.c: MAILBOXID and EMAILID (objectid.h).
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "maildir.h"
#include "objectid.h"

void
objectid_mailbox(const struct maildir *m, char out[OBJECTID_MAX])
{
	struct stat	st;

	if (m->ul.guid[0] != '\0') {
		(void)snprintf(out, OBJECTID_MAX, "F%s", m->ul.guid);
		return;
	}
	/* No GUID in the list (a Courier one being read): the folder's
	 * inode, which RENAME keeps, and its UIDVALIDITY. */
	if (fstat(m->dirfd, &st) == -1)
		st.st_ino = 0;
	(void)snprintf(out, OBJECTID_MAX, "F%08x%016llx", m->uidvalidity,
	    (unsigned long long)st.st_ino);
}

static uint64_t
mix(uint64_t h, uint64_t v)
{
	size_t	i;

	for (i = 0; i < 8; i++, v >>= 8) {
		h ^= v & 0xff;
		h *= 0x100000001b3ULL;
	}
	return h;
}

int
objectid_email(struct maildir *m, size_t idx, char out[OBJECTID_MAX])
{
	struct statx	stx;
	uint64_t	a, b, t, n;
	int		fd, r;

	if ((fd = maildir_open_msg(m, idx)) == -1)
		return -1;
	r = statx(fd, "", AT_EMPTY_PATH, STATX_INO | STATX_BTIME |
	    STATX_MTIME | STATX_SIZE, &stx);
	close(fd);
	if (r == -1)
		return -1;
	if (stx.stx_mask & STATX_BTIME) {
		t = (uint64_t)stx.stx_btime.tv_sec;
		n = stx.stx_btime.tv_nsec;
	} else {
		t = (uint64_t)stx.stx_mtime.tv_sec;
		n = stx.stx_size;
	}
	a = mix(mix(mix(0xcbf29ce484222325ULL, stx.stx_ino), t), n);
	b = mix(mix(mix(0x84222325cbf29ce4ULL, n), t), stx.stx_ino);
	(void)snprintf(out, OBJECTID_MAX, "M%016llx%08llx",
	    (unsigned long long)a, (unsigned long long)(b & 0xffffffff));
	return 0;
}
