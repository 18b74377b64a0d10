/*
 * cache.c: the per-folder message cache, mdimapd-cache (cache.h).
 *
 * Format: a header line "mdimapd-cache 2 V<uidvalidity>", then records
 *   <uid> <field> <key> <sum> <len>\n<len bytes>\n
 * key: 16 hex digits hashing the message's base name and file size; sum: 8
 * hex digits hashing the value (sum32). Later records win. (Version 1
 * summed a byte at a time; its files are started anew.)
 *
 * Writers append with O_APPEND, all their records in one write(), so
 * records of processes writing at once never interleave on a local file
 * system; a process killed in the middle leaves a short record, which the
 * reader skips (the record after it is found again by its header line)
 * and the sum catches if a damaged record still parses. Nothing is locked
 * to read or append. When dead records (superseded, or of expunged
 * messages) outweigh live ones, the file is rewritten into
 * mdimapd-cache.lock (taken with O_EXCL, stale after CACHE_LOCK_STALE
 * seconds) and renamed over; a process holding the old file reads the new
 * one from scratch when it notices (another inode).
 *
 * Memory: an index entry of 32 bytes for each record; the values stay in
 * the file, read when asked for through a window of CACHE_WINDOW bytes
 * per field: a command asks for its messages in UID order, and records of
 * a field written together lie together, so one pread() serves many of
 * them (while the records of another field it asks for lie elsewhere).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "log.h"
#include "maildir.h"
#include "maildir_int.h"

#define CACHE_LOCK		CACHE_FILE ".lock"
#define CACHE_LOCK_STALE	120
/* Values larger than this are not cached. */
#define CACHE_VALUE_MAX		(1024 * 1024)
/* Records waiting for a write are written when they reach this. */
#define CACHE_PENDING_MAX	(4 * 1024 * 1024)
/* Fields a message can have records for (cache.h). */
#define CACHE_FIELDS		6
/* Longest header line of a record. */
#define CACHE_HEADER_MAX	80
/* Bytes read at once to serve cache_get(). */
#define CACHE_WINDOW		(128 * 1024)
#define CACHE_MAGIC		"mdimapd-cache 2 V"

struct crec {
	uint64_t	 off;		/* of the value in the file */
	uint64_t	 key;
	uint32_t	 uid;
	uint32_t	 len;
	uint32_t	 sum;
	uint8_t		 field;
};

struct cache {
	struct maildir	*m;
	int		 loaded;
	int		 fd;		/* the file read, or -1 */
	dev_t		 dev;
	ino_t		 ino;
	uint64_t	 off;		/* read up to here */
	int		 valid;		/* its header matches UIDVALIDITY */
	struct crec	*recs;		/* by uid, field, then offset */
	size_t		 n, cap;
	size_t		 dead;
	struct buf	 pending;
	struct crec	*pend;		/* records in pending (off: in it) */
	size_t		 npend, cappend;
	struct window {
		char		*data;	/* file bytes [off, off + len) */
		uint64_t	 off;
		size_t		 len, cap;
	}		 win[CACHE_FIELDS];	/* one per field */
};

static uint64_t
hash64(const char *p, size_t len, uint64_t h)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Bytes p[0..n) (n <= 8) as a little-endian number: the same sums on
 * every machine. */
static uint64_t
le64(const char *p, size_t n)
{
	const unsigned char	*u = (const unsigned char *)p;
	uint64_t		 w = 0;
	size_t			 i;

	for (i = 0; i < n; i++)
		w |= (uint64_t)u[i] << (8 * i);
	return w;
}

/* The check of a value: eight bytes a step (the file's version 2). */
static uint32_t
sum32(const char *p, size_t len)
{
	uint64_t	h = 0x9e3779b97f4a7c15ULL ^ len;
	size_t		i = 0;

	for (; i + 8 <= len; i += 8) {
		h = (h ^ le64(p + i, 8)) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (i < len)
		h = (h ^ le64(p + i, len - i)) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return (uint32_t)h;
}

/* The key of message idx's file: its base name and size (",S=" in the
 * name, else the file's). 0 when the file cannot be found. */
static uint64_t
msg_key(struct maildir *m, size_t idx)
{
	struct mmsg	*msg = &m->msgs[idx];
	struct stat	 st;
	size_t		 bl = maildir_baselen(msg->name);
	uint64_t	 size = 0, h;

	if (maildir_name_size(msg->name, ",S=", &size) == 0)
		;
	else if (fstatat(msg->state & MSG_IN_NEW ? m->newfd : m->curfd,
	    msg->name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		size = (uint64_t)st.st_size;
	else
		return 0;
	h = hash64(msg->name, bl, 0xcbf29ce484222325ULL);
	h = hash64((const char *)&size, sizeof(size), h);
	return h != 0 ? h : 1;
}

static int
crec_cmp(const void *a, const void *b)
{
	const struct crec	*x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	if (x->field != y->field)
		return x->field < y->field ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static void
recs_add(struct cache *c, const struct crec *r)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 1024;
		c->recs = reallocarray(c->recs, c->cap, sizeof(*c->recs));
		if (c->recs == NULL)
			fatalx("out of memory");
	}
	c->recs[c->n++] = *r;
}

/*
 * Put the records read since from back in order: (uid, field, offset).
 * The file holds runs in order (a command writes its records by UID),
 * but a run of another field or of older messages can follow: the new
 * run is sorted if needed and merged, never inserted one by one (that is
 * quadratic). Then count the superseded records.
 */
static void
recs_order(struct cache *c, size_t from)
{
	struct crec	*tmp;
	size_t		 i, j, k, m;

	for (i = from + 1; i < c->n; i++)
		if (crec_cmp(&c->recs[i - 1], &c->recs[i]) > 0)
			break;
	if (i < c->n)
		qsort(c->recs + from, c->n - from, sizeof(*c->recs), crec_cmp);
	if (from > 0 && from < c->n &&
	    crec_cmp(&c->recs[from - 1], &c->recs[from]) > 0) {
		/* Merge from the back: only the new run is copied aside. */
		m = c->n - from;
		if ((tmp = reallocarray(NULL, m, sizeof(*tmp))) == NULL)
			fatalx("out of memory");
		memcpy(tmp, c->recs + from, m * sizeof(*tmp));
		for (i = from, j = m, k = c->n; j > 0; )
			if (i > 0 && crec_cmp(&c->recs[i - 1], &tmp[j - 1]) > 0)
				c->recs[--k] = c->recs[--i];
			else
				c->recs[--k] = tmp[--j];
		free(tmp);
	}
	c->dead = 0;
	for (i = 1; i < c->n; i++)
		if (c->recs[i - 1].uid == c->recs[i].uid &&
		    c->recs[i - 1].field == c->recs[i].field)
			c->dead++;
}

/* Exactly n lowercase hex digits at *pp, then a space. */
static int
hex_field(const char **pp, const char *end, size_t n, uint64_t *v_r)
{
	const char	*p = *pp;
	uint64_t	 v = 0;
	size_t		 i;
	int		 d;

	if ((size_t)(end - p) < n + 1 || p[n] != ' ')
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			d = p[i] - '0';
		else if (p[i] >= 'a' && p[i] <= 'f')
			d = p[i] - 'a' + 10;
		else
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	*pp = p + n + 1;
	*v_r = v;
	return 0;
}

/* Decimal digits at *pp (no sign, at most 10), up to stop. */
static int
dec_field(const char **pp, const char *end, char stop, uint64_t *v_r)
{
	const char	*p = *pp;
	uint64_t	 v = 0;
	size_t		 n = 0;

	for (; p < end && *p >= '0' && *p <= '9' && n < 10; p++, n++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (n == 0 || p == end || *p != stop)
		return -1;
	*pp = p + 1;
	*v_r = v;
	return 0;
}

/*
 * Parse a record header line "<uid> <field> <key> <sum> <len>\n" as
 * cache_put() writes it; returns its length with the LF, or 0.
 */
static size_t
header_parse(const char *p, size_t len, struct crec *r)
{
	const char	*q = p, *end = p + (len < CACHE_HEADER_MAX + 1 ? len :
			    CACHE_HEADER_MAX + 1);
	uint64_t	 uid, key, sum, vlen;

	if (dec_field(&q, end, ' ', &uid) == -1 || uid == 0 ||
	    uid > UINT32_MAX || end - q < 2 || q[1] != ' ')
		return 0;
	r->field = (uint8_t)q[0];
	q += 2;
	if (hex_field(&q, end, 16, &key) == -1 ||
	    hex_field(&q, end, 8, &sum) == -1 ||
	    dec_field(&q, end, '\n', &vlen) == -1 || vlen > CACHE_VALUE_MAX)
		return 0;
	r->uid = (uint32_t)uid;
	r->key = key;
	r->sum = (uint32_t)sum;
	r->len = (uint32_t)vlen;
	return (size_t)(q - p);
}

/* Read the records from c->off to the end of the file. */
static void
read_more(struct cache *c)
{
	struct buf	 b;
	char		 chunk[65536];
	struct crec	 r;
	ssize_t		 got;
	size_t		 pos, hl;
	uint64_t	 base = c->off;	/* file offset of b.data[0] */
	size_t		 from = c->n;

	buf_init(&b, CACHE_VALUE_MAX + sizeof(chunk) + CACHE_HEADER_MAX * 2);
	for (;;) {
		got = pread(c->fd, chunk, sizeof(chunk), (off_t)(base + b.len));
		if (got <= 0 || buf_add(&b, chunk, (size_t)got) == -1)
			break;
		pos = 0;
		if (base == 0 && !c->valid) {
			/* The header line. */
			const char	*nl = memchr(b.data, '\n', b.len);
			char		 want[64];

			if (nl == NULL)
				continue;
			(void)snprintf(want, sizeof(want), CACHE_MAGIC "%u",
			    c->m->uidvalidity);
			if ((size_t)(nl - b.data) != strlen(want) ||
			    memcmp(b.data, want, strlen(want)) != 0)
				break;	/* another UIDVALIDITY: not ours */
			c->valid = 1;
			pos = (size_t)(nl - b.data) + 1;
		}
		while (pos < b.len) {
			hl = header_parse(b.data + pos, b.len - pos, &r);
			if (hl == 0) {
				const char *nl = memchr(b.data + pos, '\n',
				    b.len - pos);

				if (nl == NULL && b.len - pos <=
				    CACHE_HEADER_MAX)
					break;	/* more to read */
				/* Not a record: find the next line. */
				pos = nl != NULL ? (size_t)(nl - b.data) + 1 :
				    b.len;
				continue;
			}
			if (pos + hl + r.len + 1 > b.len)
				break;		/* the value: read more */
			if (b.data[pos + hl + r.len] != '\n') {
				pos += hl;	/* damaged: resynchronise */
				continue;
			}
			r.off = base + pos + hl;
			recs_add(c, &r);
			pos += hl + r.len + 1;
		}
		c->off = base + pos;
		buf_consume(&b, pos);
		base += pos;
	}
	buf_free(&b);
	recs_order(c, from);
}

static void
load(struct cache *c)
{
	struct stat	st;

	c->loaded = 1;
	c->fd = openat(c->m->dirfd, CACHE_FILE, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC);
	if (c->fd == -1 || fstat(c->fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		if (c->fd != -1)
			close(c->fd);
		c->fd = -1;
		return;
	}
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	read_more(c);
}

struct cache *
cache_open(struct maildir *m)
{
	struct cache	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatalx("out of memory");
	c->m = m;
	c->fd = -1;
	buf_init(&c->pending, CACHE_PENDING_MAX + CACHE_VALUE_MAX +
	    CACHE_HEADER_MAX);
	return c;
}

void
cache_close(struct cache **cp)
{
	struct cache	*c = *cp;
	size_t		 i;

	if (c == NULL)
		return;
	cache_flush(c);
	if (c->fd != -1)
		close(c->fd);
	free(c->recs);
	free(c->pend);
	buf_free(&c->pending);
	for (i = 0; i < CACHE_FIELDS; i++)
		free(c->win[i].data);
	free(c);
	*cp = NULL;
}

/* The file's bytes [off, off + len), a value of field, through the
 * field's window. */
static const char *
window(struct cache *c, uint8_t field, uint64_t off, size_t len)
{
	static const char	 fields[] = "EBbWHI";
	const char		*f = memchr(fields, field, CACHE_FIELDS);
	struct window		*w = &c->win[f != NULL ? f - fields : 0];
	size_t			 want = len > CACHE_WINDOW ? len : CACHE_WINDOW;
	ssize_t			 got;

	if (w->data != NULL && off >= w->off && off + len <= w->off + w->len)
		return w->data + (off - w->off);
	if (w->cap < want) {
		free(w->data);
		if ((w->data = malloc(want)) == NULL)
			fatalx("out of memory");
		w->cap = want;
	}
	w->len = 0;
	if ((got = pread(c->fd, w->data, want, (off_t)off)) < (ssize_t)len)
		return NULL;
	w->off = off;
	w->len = (size_t)got;
	return w->data;
}

const char *
cache_get(struct cache *c, size_t idx, enum cache_field field,
    size_t *len_r)
{
	struct crec	*r = NULL;
	const char	*v;
	uint32_t	 uid = c->m->msgs[idx].uid;
	uint64_t	 key;
	size_t		 lo = 0, hi, mid;

	if (!c->loaded)
		load(c);
	/* The last record of (uid, field): binary search. */
	hi = c->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->recs[mid].uid < uid || (c->recs[mid].uid == uid &&
		    c->recs[mid].field <= (uint8_t)field))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && c->recs[lo - 1].uid == uid &&
	    c->recs[lo - 1].field == (uint8_t)field)
		r = &c->recs[lo - 1];
	/* (What this process put and has not written yet is not looked
	 * at: a command asks for each message's values once.) */
	if (r == NULL || (key = msg_key(c->m, idx)) != r->key)
		return NULL;
	if ((v = window(c, r->field, r->off, r->len)) == NULL ||
	    sum32(v, r->len) != r->sum)
		return NULL;
	*len_r = r->len;
	return v;
}

void
cache_put(struct cache *c, size_t idx, enum cache_field field,
    const char *data, size_t len)
{
	struct crec	 r;
	char		 hdr[CACHE_HEADER_MAX + 1];
	int		 hl;

	if (len > CACHE_VALUE_MAX || (r.key = msg_key(c->m, idx)) == 0)
		return;
	if (c->pending.len + len + CACHE_HEADER_MAX > CACHE_PENDING_MAX)
		cache_flush(c);
	r.uid = c->m->msgs[idx].uid;
	r.field = (uint8_t)field;
	r.len = (uint32_t)len;
	r.sum = sum32(data, len);
	hl = snprintf(hdr, sizeof(hdr), "%u %c %016llx %08x %zu\n", r.uid,
	    (char)field, (unsigned long long)r.key, r.sum, len);
	if (hl < 0 || (size_t)hl >= sizeof(hdr) ||
	    buf_add(&c->pending, hdr, (size_t)hl) == -1)
		return;
	r.off = c->pending.len;
	if (buf_add(&c->pending, data, len) == -1 ||
	    buf_addc(&c->pending, '\n') == -1) {
		c->pending.len = r.off - (size_t)hl;
		return;
	}
	if (c->npend == c->cappend) {
		c->cappend = c->cappend ? c->cappend * 2 : 256;
		c->pend = reallocarray(c->pend, c->cappend, sizeof(*c->pend));
		if (c->pend == NULL)
			fatalx("out of memory");
	}
	c->pend[c->npend++] = r;
}

/* Rewrite the file with the live records only. */
static void forget(struct cache *);

static void
compact(struct cache *c)
{
	struct maildir	*m = c->m;
	struct stat	 st;
	struct buf	 out;
	char		 hdr[CACHE_HEADER_MAX + 1];
	size_t		 i;
	int		 fd, hl;

	fd = openat(m->dirfd, CACHE_LOCK, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1 && errno == EEXIST &&
	    fstatat(m->dirfd, CACHE_LOCK, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    time(NULL) - st.st_mtime > CACHE_LOCK_STALE &&
	    unlinkat(m->dirfd, CACHE_LOCK, 0) == 0)
		fd = openat(m->dirfd, CACHE_LOCK, O_WRONLY | O_CREAT |
		    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1)
		return;		/* another process is at it */
	buf_init(&out, CACHE_PENDING_MAX + CACHE_VALUE_MAX + 2 *
	    CACHE_HEADER_MAX);
	(void)buf_printf(&out, CACHE_MAGIC "%u\n", m->uidvalidity);
	for (i = 0; i < c->n; i++) {
		struct crec	*r = &c->recs[i];
		ssize_t		 got;
		size_t		 at;

		/* The last of its (uid, field), for a message we have. */
		if ((i + 1 < c->n && c->recs[i + 1].uid == r->uid &&
		    c->recs[i + 1].field == r->field) ||
		    maildir_find_uid(m, r->uid) < 0)
			continue;
		hl = snprintf(hdr, sizeof(hdr), "%u %c %016llx %08x %u\n",
		    r->uid, (char)r->field, (unsigned long long)r->key,
		    r->sum, r->len);
		if (out.len + r->len + (size_t)hl + 1 > CACHE_PENDING_MAX) {
			if (write(fd, out.data, out.len) != (ssize_t)out.len)
				goto fail;
			buf_reset(&out);
		}
		(void)buf_add(&out, hdr, (size_t)hl);
		at = out.len;
		while (out.cap < at + r->len + 1)
			if (buf_addc(&out, 0) == -1)
				goto fail;
		out.len = at;
		got = pread(c->fd, out.data + at, r->len, (off_t)r->off);
		if (got != (ssize_t)r->len) {
			out.len = at - (size_t)hl;
			continue;
		}
		out.len = at + r->len;
		(void)buf_addc(&out, '\n');
	}
	if (write(fd, out.data, out.len) != (ssize_t)out.len ||
	    renameat(m->dirfd, CACHE_LOCK, m->dirfd, CACHE_FILE) == -1)
		goto fail;
	close(fd);
	buf_free(&out);
	forget(c);	/* the new file is read next time */
	return;
fail:
	log_warn("%s: %s", m->name, CACHE_LOCK);
	(void)unlinkat(m->dirfd, CACHE_LOCK, 0);
	close(fd);
	buf_free(&out);
}

/* Start the file anew (another UIDVALIDITY's, or not a cache): a header
 * line written into the lock file and renamed over. */
static int
start_file(struct cache *c)
{
	struct maildir	*m = c->m;
	char		 hdr[64];
	int		 fd, hl;

	fd = openat(m->dirfd, CACHE_LOCK, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1)
		return -1;
	hl = snprintf(hdr, sizeof(hdr), CACHE_MAGIC "%u\n", m->uidvalidity);
	if (write(fd, hdr, (size_t)hl) != hl ||
	    renameat(m->dirfd, CACHE_LOCK, m->dirfd, CACHE_FILE) == -1) {
		(void)unlinkat(m->dirfd, CACHE_LOCK, 0);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static void
forget(struct cache *c)
{
	size_t	i;

	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->loaded = c->valid = 0;
	c->off = 0;
	for (i = 0; i < CACHE_FIELDS; i++)
		c->win[i].len = 0;
	c->n = c->dead = 0;
}

void
cache_flush(struct cache *c)
{
	struct maildir	*m = c->m;
	struct stat	 st;
	int		 fd = -1;

	if (c->npend == 0)
		return;
	if (!c->loaded)
		load(c);
	if (c->fd != -1 && !c->valid) {
		if (start_file(c) == -1)
			goto out;
		forget(c);
		load(c);
	} else if (c->fd == -1) {
		if (start_file(c) == -1)
			goto out;
		load(c);
	}
	fd = openat(m->dirfd, CACHE_FILE, O_WRONLY | O_APPEND | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    write(fd, c->pending.data, c->pending.len) !=
	    (ssize_t)c->pending.len)
		goto out;
	/* Read what others wrote and ours: from scratch if the file was
	 * replaced since we read it. */
	if (c->fd == -1 || st.st_dev != c->dev || st.st_ino != c->ino) {
		forget(c);
		load(c);
	} else
		read_more(c);
out:
	if (fd != -1)
		close(fd);
	buf_reset(&c->pending);
	c->npend = 0;
	/* Superseded records outweigh live ones, or there are far more
	 * records than the view's messages can have (expunged ones). */
	if (c->loaded && c->fd != -1 && ((c->dead > 1000 &&
	    c->dead > c->n - c->dead) || c->n > CACHE_FIELDS * 2 * m->n +
	    1000))
		compact(c);
}
