/*
 * cache_idx.c: the index of mdimapd-cache kept in mdimapd-cache.idx, so
 * that a process need not read the whole cache file (over 100 megabytes
 * at 100,000 messages) to learn where its records are, and reads the
 * places of one field's records only when a command asks for that field
 * (SORT (DATE) reads those of D, not of ENVELOPE and BODYSTRUCTURE).
 *
 * Format (numbers little-endian):
 *   16 bytes	"mdimapd-cidx 1\n", NUL-padded
 *   8		st_dev of the mdimapd-cache file indexed
 *   8		its st_ino
 *   8		bytes of it indexed (its records up to there)
 *   4		its UIDVALIDITY
 *   4		the UIDs the records are of
 *   8 x 12	for each field index (E B b W H I D, then one unused): its
 *		records, how many of them a later one supersedes, and
 *		cache_sum32() of its records' bytes
 *   4		cache_sum32() of the 148 bytes before
 *   4		zero
 *   16 each	the records, by field index, each field's in file order:
 *		8 bytes offset | value length << 40 | field index << 61,
 *		4 the UID, 4 the header line's length; but of a numeric field
 *		(W, I, D) 24 each, the values themselves (the newest of each
 *		UID), by UID ascending: 4 the UID, 4 zero, 8 the key, 8 the
 *		value (signed; INT64_MIN for "-")
 *
 * It is a cache of a cache: used only if its header is whole (its sum)
 * and of the very file open (device, inode, UIDVALIDITY, no longer than
 * the file), and a field's records only if their sum is right; else the
 * cache file is read from where the header's part ends, or from its start.
 * The cache file only grows until it is replaced (a new inode), so the
 * records named are still there, and those written after the part
 * indexed are read from the file as before (and win: they are newer).
 * Even so nothing is taken on its word: cache_get() checks each record's
 * line (field, key, sum and length) before its value is used.
 *
 * Written (into mdimapd-cache.idx.lock, taken with O_EXCL like the
 * cache's own lock, then renamed over) at the end of a command of a
 * process that read at least CACHE_IDX_MIN records from the cache file
 * itself. Not fsynced: a damaged one fails its sums.
 */
#include <sys/stat.h>

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
#define IDX_FIELDS	8
#define IDX_HEAD	(52 + IDX_FIELDS * 12 + 8)
#define IDX_ENTRY	16
#define IDX_ENTRY_NUM	CACHE_IDX_NUM	/* a numeric field's */
#define ENTRY(fi)	(cache_field_numeric(fi) ? IDX_ENTRY_NUM : IDX_ENTRY)
/* Records read from the cache file that make writing the index pay. */
#define CACHE_IDX_MIN	1024

void
cache_idx_drop(struct cache *c)
{
	if (c->idx_fd != -1)
		close(c->idx_fd);
	c->idx_fd = -1;
	memset(c->idx_sec, 0, sizeof(c->idx_sec));
}

int
cache_idx_load(struct cache *c, uint64_t size)
{
	struct stat	 st;
	unsigned char	 h[IDX_HEAD];
	uint64_t	 at = IDX_HEAD, total = 0;
	int		 fd, i;

	cache_idx_drop(c);
	fd = openat(c->m->dirfd, CACHE_IDX_FILE, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return 0;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size < IDX_HEAD || fd_read_all(fd, h, IDX_HEAD) == -1 ||
	    memcmp(h, CACHE_IDX_MAGIC, sizeof(CACHE_IDX_MAGIC) - 1) != 0 ||
	    cache_get32(h + IDX_HEAD - 8) != cache_sum32((char *)h, IDX_HEAD - 8) ||
	    cache_get64(h + 16) != c->id.dev ||
	    cache_get64(h + 24) != c->id.ino || cache_get64(h + 32) > size ||
	    cache_get32(h + 40) != c->m->uidvalidity)
		goto fail;
	for (i = 0; i < IDX_FIELDS; i++) {
		const unsigned char	*f = h + 48 + i * 12;

		total += cache_get32(f);
		if (cache_get32(f + 4) > cache_get32(f) || (i >= CACHE_FIELDS &&
		    cache_get32(f) != 0))
			goto fail;
		if (i < CACHE_FIELDS) {
			c->idx_sec[i].at = at;
			c->idx_sec[i].n = cache_get32(f);
			c->idx_sec[i].dead = cache_get32(f + 4);
			c->idx_sec[i].sum = cache_get32(f + 8);
			c->idx_sec[i].pending = c->idx_sec[i].n != 0;
		}
		at += (uint64_t)cache_get32(f) * (i < CACHE_FIELDS ? ENTRY(i) :
		    IDX_ENTRY);
	}
	if (total > CACHE_RECORDS_MAX || cache_get32(h + 44) > total ||
	    (uint64_t)st.st_size != at)
		goto fail;
	cache_recs_reserve(c, 0, cache_get32(h + 44));
	c->idx_fd = fd;
	c->idx_covered = cache_get64(h + 32);
	c->off = c->idx_covered;
	c->valid = 1;
	return 1;
fail:
	memset(c->idx_sec, 0, sizeof(c->idx_sec));
	close(fd);
	return 0;
}

/* Index field fi's records from the file: 0, or -1 if they cannot be
 * (then they are parsed from the cache file: cache.c). */
static int
load_field(struct cache *c, int fi)
{
	struct cache_idx_sec	*sec = &c->idx_sec[fi];
	unsigned char		*d, *e;
	uint64_t		 w, off, prev = 0;
	size_t			 len, i, hl;
	uint32_t		 uid;
	int			 r = -1;

	sec->pending = 0;
	len = (size_t)sec->n * ENTRY(fi);
	if ((d = malloc(len)) == NULL)
		fatalx("out of memory");
	if (pread(c->idx_fd, d, len, (off_t)sec->at) != (ssize_t)len ||
	    cache_sum32((char *)d, len) != sec->sum)
		goto out;
	if (cache_field_numeric(fi)) {
		/* the values themselves, each the newest of its UID, by UID:
		 * kept as they are, looked up in place */
		r = cache_num_take(c, fi, d, sec->n);
		return r;
	}
	cache_recs_reserve(c, c->n + sec->n, 0);
	for (i = 0, e = d; i < sec->n; i++, e += IDX_ENTRY) {
		w = cache_get64(e);
		off = w & ((1ULL << CACHE_OFF_BITS) - 1);
		len = (size_t)(w >> CACHE_OFF_BITS & 0x1fffff);
		uid = cache_get32(e + 8);
		hl = cache_get32(e + 12);
		/* In file order, whole before the end indexed, of this
		 * field: else the rest is not used. */
		if (off < prev || off + hl + len + 1 > c->idx_covered ||
		    uid == 0 || (int)(w >> 61) != fi ||
		    cache_recs_link(c, uid, fi, off, len, hl, 1) == -1)
			goto out;
		prev = off + 1;
	}
	r = 0;
out:
	free(d);
	return r;
}

int
cache_idx_field(struct cache *c, int fi)
{
	if (c->idx_fd == -1 || !c->idx_sec[fi].pending)
		return 0;
	return load_field(c, fi);
}

size_t
cache_idx_left(const struct cache *c, size_t *dead)
{
	size_t	n = 0;
	int	fi;

	*dead = 0;
	for (fi = 0; c->idx_fd != -1 && fi < CACHE_FIELDS; fi++)
		if (c->idx_sec[fi].pending) {
			n += c->idx_sec[fi].n;
			*dead += c->idx_sec[fi].dead;
		}
	return n;
}

int
cache_idx_all(struct cache *c)
{
	int	fi, r = 0;

	for (fi = 0; fi < CACHE_FIELDS; fi++) {
		if (cache_idx_field(c, fi) == -1)
			r = -1;
		if (cache_field_numeric(fi))
			cache_num_thaw(c, fi);
	}
	return r;
}

/* A field's section being written: its place in the file, a piece of
 * it in memory, and the sum of what was written of it. */
struct sec_out {
	off_t		 at;
	unsigned char	 buf[16384 - 16384 % (IDX_ENTRY * IDX_ENTRY_NUM)];
	size_t		 len;
	uint64_t	 sum;
};

static int
sec_flush(int fd, struct sec_out *o)
{
	o->sum = cache_sum_add(o->sum, (char *)o->buf, o->len);
	if (pwrite(fd, o->buf, o->len, o->at) != (ssize_t)o->len)
		return -1;
	o->at += (off_t)o->len;
	o->len = 0;
	return 0;
}

/* Room for one more entry of n bytes in o (flushed when full). */
static unsigned char *
sec_entry(int fd, struct sec_out *o, size_t n, int *err)
{
	if (o->len + n > sizeof(o->buf) && sec_flush(fd, o) == -1) {
		*err = 1;
		o->len = 0;
	}
	o->len += n;
	return o->buf + o->len - n;
}

void
cache_idx_save(struct cache *c)
{
	struct maildir	*m = c->m;
	struct sec_out	*o;
	unsigned char	 h[IDX_HEAD], *e;
	uint32_t	 count[IDX_FIELDS] = { 0 }, dead[IDX_FIELDS] = { 0 };
	off_t		 at = IDX_HEAD;
	size_t		 i;
	int		 fd, fi, pass, err = 0;

	if (c->fd == -1 || !c->valid || c->parsed < CACHE_IDX_MIN ||
	    cache_idx_all(c) == -1)
		return;
	if ((fd = cache_lock(m->dirfd, CACHE_IDX_LOCK)) == -1)
		return;		/* another process is writing it */
	for (i = 0; i < c->n; i++) {
		count[c->recs[i].fi]++;
		if (cache_recs_newest(c, &c->recs[i]) != &c->recs[i])
			dead[c->recs[i].fi]++;
	}
	/* Written a piece of each field's section at a time (the whole
	 * index is megabytes: not held in memory), the header last. */
	if ((o = calloc(IDX_FIELDS, sizeof(*o))) == NULL)
		fatalx("out of memory");
	for (fi = 0; fi < IDX_FIELDS; fi++) {
		if (fi < CACHE_FIELDS && cache_field_numeric(fi))
			count[fi] = (uint32_t)c->num[fi].n;
		o[fi].at = at;
		o[fi].sum = cache_sum_start((size_t)count[fi] * (fi <
		    CACHE_FIELDS ? ENTRY(fi) : IDX_ENTRY));
		at += (off_t)count[fi] * (fi < CACHE_FIELDS ? ENTRY(fi) :
		    IDX_ENTRY);
	}
	/* The records by field, each field's in file order: c->recs holds
	 * those of the index read (each field's in order) after those read
	 * from the file after the part it covered, so those first. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < c->n; i++) {
			const struct crec	*r = &c->recs[i];

			if ((r->off < c->idx_covered) != (pass == 0))
				continue;
			e = sec_entry(fd, &o[r->fi], IDX_ENTRY, &err);
			cache_put64(e, (uint64_t)r->off | (uint64_t)r->len <<
			    CACHE_OFF_BITS | (uint64_t)r->fi << 61);
			cache_put32(e + 8, r->uid);
			cache_put32(e + 12, r->hl);
		}
	/* The numeric values, each the newest of its UID, by UID. */
	for (fi = 0; fi < CACHE_FIELDS; fi++) {
		struct cnumtab	*t = &c->num[fi];

		if (!cache_field_numeric(fi))
			continue;
		cache_num_sort(c, fi);
		for (i = 0; i < t->n; i++) {
			const struct cnum	*v = &t->e[i];

			e = sec_entry(fd, &o[fi], IDX_ENTRY_NUM, &err);
			cache_put32(e, v->uid);
			cache_put32(e + 4, 0);
			cache_put64(e + 8, v->key);
			cache_put64(e + 16, (uint64_t)v->val);
		}
	}
	memset(h, 0, sizeof(h));
	memcpy(h, CACHE_IDX_MAGIC, sizeof(CACHE_IDX_MAGIC) - 1);
	cache_put64(h + 16, c->id.dev);
	cache_put64(h + 24, c->id.ino);
	cache_put64(h + 32, c->off);
	cache_put32(h + 40, m->uidvalidity);
	cache_put32(h + 44, (uint32_t)c->nuids);
	for (fi = 0; fi < IDX_FIELDS; fi++) {
		if (o[fi].len > 0 && sec_flush(fd, &o[fi]) == -1)
			err = 1;
		cache_put32(h + 48 + fi * 12, count[fi]);
		cache_put32(h + 52 + fi * 12, dead[fi]);
		cache_put32(h + 56 + fi * 12, cache_sum_end(o[fi].sum));
	}
	free(o);
	cache_put32(h + IDX_HEAD - 8, cache_sum32((char *)h, IDX_HEAD - 8));
	if (err || pwrite(fd, h, IDX_HEAD, 0) != IDX_HEAD ||
	    renameat(m->dirfd, CACHE_IDX_LOCK, m->dirfd, CACHE_IDX_FILE) == -1) {
		log_warn("%s: %s", m->name, CACHE_IDX_LOCK);
		(void)unlinkat(m->dirfd, CACHE_IDX_LOCK, 0);
	}
	close(fd);
	c->parsed = 0;
}
