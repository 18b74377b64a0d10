/*
 * cache_idx.c: the index of mdimapd-cache kept in mdimapd-cache.idx, so
 * that a process need not read the whole cache file (tens of megabytes at
 * 100,000 messages) to learn where its records are.
 *
 * Format (numbers little-endian):
 *   16 bytes	"mdimapd-cidx 1\n", NUL-padded
 *   8		st_dev of the mdimapd-cache file indexed
 *   8		its st_ino
 *   8		bytes of it indexed (its records up to there)
 *   4		its UIDVALIDITY
 *   4		n, the records
 *   4		the UIDs they are of
 *   4		the records superseded by a later one of the same UID and
 *		field
 *   n x 16	each record in file order: 8 bytes offset | value length
 *		<< 40 | field index << 61, 4 the UID, 4 the header line's
 *		length
 *   4		cache_sum32() of all the bytes before
 *
 * It is a cache of a cache: used only if it is whole (its sum) and of the
 * very file open (device, inode, UIDVALIDITY, no longer than the file),
 * else the file is read. The cache file only grows until it is replaced
 * (a new inode), so the records it names are still there; the records
 * written after it are read from the file as before. Even so nothing is
 * taken on its word: cache_get() checks each record's line (UID's field,
 * key, sum and length) before its value is used.
 *
 * Written (into mdimapd-cache.idx.lock, taken with O_EXCL like the cache's
 * own lock, then renamed over) when a process closes a cache of which it
 * read at least CACHE_IDX_MIN records from the file itself. Not fsynced:
 * a damaged one fails its sum.
 */
#include <sys/stat.h>

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "cache_int.h"
#include "fdio.h"
#include "log.h"
#include "maildir.h"

#define CACHE_IDX_FILE	CACHE_FILE ".idx"
#define CACHE_IDX_LOCK	CACHE_IDX_FILE ".lock"
#define CACHE_IDX_MAGIC	"mdimapd-cidx 1\n"
#define IDX_HEAD	56
#define IDX_ENTRY	16
/* Records read from the cache file that make writing the index pay. */
#define CACHE_IDX_MIN	1024

static uint64_t
get64(const unsigned char *p)
{
	uint64_t	v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static uint32_t
get32(const unsigned char *p)
{
	uint32_t	v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static void
put64(unsigned char *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

static void
put32(unsigned char *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

/* Drop what was indexed (the file is read instead). */
static void
unindex(struct cache *c)
{
	c->n = c->dead = c->nuids = 0;
	if (c->slots != NULL)
		memset(c->slots, 0, c->hsize * sizeof(*c->slots));
}

int
cache_idx_load(struct cache *c, uint64_t size)
{
	struct stat	 st;
	unsigned char	*d = NULL, *e;
	uint64_t	 covered, w, off, prev = 0;
	size_t		 flen, n, i;
	int		 fd;

	fd = openat(c->m->dirfd, CACHE_IDX_FILE, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return 0;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size < IDX_HEAD + 4 ||
	    (uint64_t)st.st_size > IDX_HEAD + 4 +
	    (uint64_t)CACHE_RECORDS_MAX * IDX_ENTRY ||
	    (st.st_size - IDX_HEAD - 4) % IDX_ENTRY != 0)
		goto fail;
	flen = (size_t)st.st_size;
	n = (flen - IDX_HEAD - 4) / IDX_ENTRY;
	if ((d = malloc(flen)) == NULL)
		fatalx("out of memory");
	if (fd_read_all(fd, d, flen) == -1 ||
	    memcmp(d, CACHE_IDX_MAGIC, sizeof(CACHE_IDX_MAGIC) - 1) != 0 ||
	    get64(d + 16) != (uint64_t)c->dev ||
	    get64(d + 24) != (uint64_t)c->ino ||
	    (covered = get64(d + 32)) > size ||
	    get32(d + 40) != c->m->uidvalidity || get32(d + 44) != n ||
	    get32(d + flen - 4) != cache_sum32((char *)d, flen - 4))
		goto fail;
	if (get32(d + 48) > n || get32(d + 52) > n)
		goto fail;
	cache_recs_reserve(c, n, get32(d + 48));
	/* Each record lies whole before the end indexed, after the last. */
	for (i = 0, e = d + IDX_HEAD; i < n; i++, e += IDX_ENTRY) {
		w = get64(e);
		off = w & ((1ULL << CACHE_OFF_BITS) - 1);
		if (off < prev || off + get32(e + 12) + (w >> 40 & 0x1fffff) +
		    1 > covered || get32(e + 8) == 0 ||
		    cache_recs_link(c, get32(e + 8), (int)(w >> 61), off,
		    (size_t)(w >> 40 & 0x1fffff), get32(e + 12), 0) == -1) {
			unindex(c);
			goto fail;
		}
		prev = off + 1;
	}
	close(fd);
	c->dead = get32(d + 52);
	free(d);
	c->off = covered;
	c->valid = 1;
	return 1;
fail:
	close(fd);
	free(d);
	return 0;
}

void
cache_idx_save(struct cache *c)
{
	struct maildir	*m = c->m;
	struct stat	 st;
	unsigned char	*d, *e;
	size_t		 flen, i;
	int		 fd;

	if (c->fd == -1 || !c->valid || c->parsed < CACHE_IDX_MIN)
		return;
	fd = openat(m->dirfd, CACHE_IDX_LOCK, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1 && errno == EEXIST &&
	    fstatat(m->dirfd, CACHE_IDX_LOCK, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    time(NULL) - st.st_mtime > CACHE_LOCK_STALE &&
	    unlinkat(m->dirfd, CACHE_IDX_LOCK, 0) == 0)
		fd = openat(m->dirfd, CACHE_IDX_LOCK, O_WRONLY | O_CREAT |
		    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1)
		return;		/* another process is writing it */
	flen = IDX_HEAD + c->n * IDX_ENTRY + 4;
	if ((d = calloc(1, flen)) == NULL)
		fatalx("out of memory");
	memcpy(d, CACHE_IDX_MAGIC, sizeof(CACHE_IDX_MAGIC) - 1);
	put64(d + 16, (uint64_t)c->dev);
	put64(d + 24, (uint64_t)c->ino);
	put64(d + 32, c->off);
	put32(d + 40, m->uidvalidity);
	put32(d + 44, (uint32_t)c->n);
	put32(d + 48, (uint32_t)c->nuids);
	put32(d + 52, (uint32_t)c->dead);
	for (i = 0, e = d + IDX_HEAD; i < c->n; i++, e += IDX_ENTRY) {
		put64(e, (uint64_t)c->recs[i].off |
		    (uint64_t)c->recs[i].len << 40 |
		    (uint64_t)c->recs[i].fi << 61);
		put32(e + 8, c->recs[i].uid);
		put32(e + 12, c->recs[i].hl);
	}
	put32(d + flen - 4, cache_sum32((char *)d, flen - 4));
	if (fd_write_all(fd, d, flen) == -1 ||
	    renameat(m->dirfd, CACHE_IDX_LOCK, m->dirfd, CACHE_IDX_FILE) == -1) {
		log_warn("%s: %s", m->name, CACHE_IDX_LOCK);
		(void)unlinkat(m->dirfd, CACHE_IDX_LOCK, 0);
	}
	close(fd);
	free(d);
	c->parsed = 0;
}
