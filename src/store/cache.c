/*
 * cache.c: the per-folder message cache, mdimapd-cache (cache.h).
 *
 * Format: a header line "mdimapd-cache 2 V<uidvalidity>", then records
 *   <uid> <field> <key> <sum> <len>\n<len bytes>\n
 * key: 16 hex digits hashing the message's base name and file size; sum: 8
 * hex digits hashing the value (sum32). Later records win. (Version 1
 * summed a byte at a time; its files are started anew.)
 *
 * Writers append with O_APPEND, all their records in one writev() (each
 * field's together), so
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
 * Records' text: cache_text.c. Index: where the records are, by UID
 * (cache_recs.c), kept between processes in mdimapd-cache.idx
 * (cache_idx.c); the values stay in
 * the file, read when asked for through a window of CACHE_WINDOW bytes
 * per field: a command asks for its messages in UID order, and records of
 * a field written together lie together, so one pread() serves many of
 * them (while the records of another field it asks for lie elsewhere).
 */
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "dotlock.h"
#include "log.h"
#include "maildir.h"
#include "maildir_int.h"
#include "cache_int.h"

#define CACHE_LOCK		CACHE_FILE ".lock"
/* Records waiting for a write are written when they reach this. */
#define CACHE_PENDING_MAX	(1024 * 1024)
/* Bytes read at once to load the index. */
#define CACHE_CHUNK		(64 * 1024)
/* Bytes read at once to serve cache_get(). */
#define CACHE_WINDOW		(128 * 1024)
#define CACHE_MAGIC		"mdimapd-cache 2 V"

static void	write_pending(struct cache *);
static int	num_record(struct cache *, int, const char *, size_t);

/* The key of message idx's file: its base name and size (",S=" in the
 * base name, else the file's). 0 when the file cannot be found. */
static uint64_t
msg_key(struct maildir *m, size_t idx)
{
	struct mmsg	*msg = &m->msgs[idx];
	struct stat	 st;
	size_t		 bl = maildir_baselen(msg->name);
	uint64_t	 size, h;

	if (maildir_name_size_in(msg->name, bl, ",S=", &size) == -1) {
		if (fstatat(msg->state & MSG_IN_NEW ? m->newfd : m->curfd,
		    msg->name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			return 0;
		size = (uint64_t)st.st_size;
	}
	h = cache_hash64(msg->name, bl, size);
	return h != 0 ? h : 1;
}

#define KEY_AHEAD	16

/* The fields' letters, by index (cache.h). */
static const char	field_chars[CACHE_FIELDS + 1] = "EBbWHID";

/* The index of a field's letter, or -1 (another version's field). */
static int
field_index(char field)
{
	/* indices of "EBbWHID" (cache.h's fields), plus one */
	static const unsigned char	index1[256] = {
		['E'] = 1, ['B'] = 2, ['b'] = 3, ['W'] = 4, ['H'] = 5,
		['I'] = 6, ['D'] = 7,
	};

	return (int)index1[(unsigned char)field] - 1;
}

/* Read the records from c->off to the end of the file. */
static void
read_more(struct cache *c)
{
	struct buf	 b;
	struct rechdr	 r;
	ssize_t		 got;
	size_t		 pos, hl;
	uint64_t	 base = c->off;	/* file offset of b.data[0] */
	int		 fi;

	buf_init(&b, CACHE_VALUE_MAX + CACHE_CHUNK + CACHE_HEADER_MAX * 2);
	for (;;) {
		/* read in place, after what is left of the last chunk */
		if (buf_reserve(&b, CACHE_CHUNK) == -1 || (got = pread(c->fd,
		    b.data + b.len, CACHE_CHUNK, (off_t)(base + b.len))) <= 0)
			break;
		b.len += (size_t)got;
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
			hl = cache_header_parse(b.data + pos, b.len - pos, &r, 0);
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
			fi = field_index(r.field);
			if (fi >= 0 && cache_field_numeric(fi) ? num_record(c, fi,
			    b.data + pos, hl) == 0 :
			    cache_recs_link(c, r.uid, fi, base + pos, r.len, hl,
			    0) == 0)
				c->parsed++;
			pos += hl + r.len + 1;
		}
		c->off = base + pos;
		buf_consume(&b, pos);
		base += pos;
	}
	buf_free(&b);
}

static void
load(struct cache *c)
{
	struct stat	st;

	c->loaded = 1;
	c->fd = openat(c->m->dirfd, CACHE_FILE, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC);
	if (c->fd == -1 || fileid_stat(c->fd, "", &st, &c->id) == -1 ||
	    !S_ISREG(st.st_mode)) {
		if (c->fd != -1)
			close(c->fd);
		c->fd = -1;
		return;
	}
	(void)cache_idx_load(c, (uint64_t)st.st_size);
	read_more(c);
}

/* A damaged mdimapd-cache.idx: read the cache file from its start. */
static void
reread(struct cache *c)
{
	cache_idx_drop(c);
	cache_num_reset(c, 0);
	c->idx_covered = 0;
	c->n = c->dead = c->nuids = c->parsed = 0;
	if (c->slots != NULL)
		memset(c->slots, 0, c->hsize * sizeof(*c->slots));
	c->off = 0;
	c->valid = 0;
	read_more(c);
}

struct cache *
cache_open(struct maildir *m)
{
	struct cache	*c;
	size_t		 i;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatalx("out of memory");
	c->m = m;
	c->fd = c->idx_fd = -1;
	for (i = 0; i < CACHE_FIELDS; i++)
		buf_init(&c->pending[i], CACHE_PENDING_MAX + CACHE_VALUE_MAX +
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
	cache_idx_drop(c);
	cache_num_reset(c, 1);
	free(c->recs);
	free(c->slots);
	for (i = 0; i < CACHE_FIELDS; i++)
		buf_free(&c->pending[i]);
	for (i = 0; i < CACHE_FIELDS; i++)
		free(c->win[i].data);
	free(c);
	*cp = NULL;
}

/* Message idx's key: one for its several fields in a command (the view
 * does not change within one; cache_flush() ends it). */
static uint64_t
key_of(struct cache *c, size_t idx)
{
	/* Callers go through the view in order, and the names lie in the
	 * pool in the order the directory listed them: ask for one a few
	 * messages ahead now, so that it is in the CPU's cache by then. */
	if (idx + KEY_AHEAD < c->m->n)
		__builtin_prefetch(c->m->msgs[idx + KEY_AHEAD].name);
	if (c->key_name != c->m->msgs[idx].name || c->key_idx != idx) {
		c->key_last = msg_key(c->m, idx);
		c->key_name = c->m->msgs[idx].name;
		c->key_idx = idx;
	}
	return c->key_last;
}

/* The file's bytes [off, off + len), a value of the field of index fi,
 * through the field's window. */
static const char *
window(struct cache *c, unsigned fi, uint64_t off, size_t len)
{
	struct window	*w = &c->win[fi];
	size_t		 want = len > CACHE_WINDOW ? len : CACHE_WINDOW;
	ssize_t		 got;

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

/* Field fi's records, ready to be looked up: the file read, and the
 * field's part of mdimapd-cache.idx (a damaged one: the file read again
 * from its start). */
static void
field_ready(struct cache *c, int fi)
{
	if (!c->loaded)
		load(c);
	if (c->idx_fd != -1 && c->idx_sec[fi].pending &&
	    cache_idx_field(c, fi) == -1)
		reread(c);
}

const char *
cache_get(struct cache *c, size_t idx, enum cache_field field,
    size_t *len_r)
{
	struct crec	*r;
	struct rechdr	 h;
	const char	*v;
	int		 fi = field_index((char)field);

	if (fi == -1 || cache_field_numeric(fi))
		return NULL;
	field_ready(c, fi);
	r = cache_recs_find(c, c->m->msgs[idx].uid, (unsigned)fi);
	/* (What this process put and has not written yet is not looked
	 * at: a command asks for each message's values once.) */
	/* The record's own line, read again in full, must be the one the
	 * index placed (which may come from mdimapd-cache.idx: cache_idx.c)
	 * and fit the message's file as it is now. */
	if (r == NULL || (v = window(c, r->fi, r->off, r->hl + r->len)) ==
	    NULL || cache_header_parse(v, r->hl, &h, 1) != r->hl ||
	    h.uid != r->uid || h.field != (char)field || h.len != r->len ||
	    h.key != key_of(c, idx) || h.sum != cache_sum32(v + r->hl, r->len))
		return NULL;
	*len_r = r->len;
	return v + r->hl;
}

int
cache_get_num(struct cache *c, size_t idx, enum cache_field field,
    int64_t *v_r)
{
	const struct cnum	*e;
	int			 fi = field_index((char)field);

	if (fi == -1 || !cache_field_numeric(fi))
		return -1;
	field_ready(c, fi);
	if ((e = cache_num_find(c, fi, c->m->msgs[idx].uid)) == NULL ||
	    e->key != key_of(c, idx))
		return -1;
	if (e->val == CACHE_NUM_NONE)
		return 1;
	*v_r = e->val;
	return 0;
}

/* A record of a numeric field, whose header line (hl bytes, then the value
 * and its LF) is at line: its value kept if its sum is right. 0, or -1 if
 * not kept. */
static int
num_record(struct cache *c, int fi, const char *line, size_t hl)
{
	struct rechdr	h;
	int64_t		v;

	if (cache_header_parse(line, hl, &h, 1) != hl ||
	    cache_sum32(line + hl, h.len) != h.sum ||
	    cache_num_parse(line + hl, h.len, &v) == -1)
		return -1;
	cache_num_put(c, fi, h.uid, h.key, v, 0);
	return 0;
}

void
cache_put(struct cache *c, size_t idx, enum cache_field field,
    const char *data, size_t len)
{
	char		 hdr[CACHE_HEADER_MAX + 1];
	struct buf	*p;
	uint64_t	 key;
	size_t		 at, hl;
	int		 fi;

	if (len > CACHE_VALUE_MAX || (key = key_of(c, idx)) == 0)
		return;
	if ((fi = field_index((char)field)) == -1)
		return;
	if (c->pendlen + len + CACHE_HEADER_MAX > CACHE_PENDING_MAX)
		write_pending(c);
	p = &c->pending[fi];
	hl = cache_record_line(hdr, c->m->msgs[idx].uid, (char)field, key, data, len);
	if (buf_add(p, hdr, hl) == -1)
		return;
	at = p->len;
	if (buf_add(p, data, len) == -1 || buf_addc(p, '\n') == -1) {
		p->len = at - hl;
		return;
	}
	c->pendlen += hl + len + 1;
	c->npend++;
}

int
cache_lock(int dirfd, const char *name)
{
	return dotlock_take(dirfd, name, CACHE_LOCK_STALE, 0);
}

/* Rewrite the file with the live records only. */
static void forget(struct cache *);

static void
compact(struct cache *c)
{
	struct maildir	*m = c->m;
	struct buf	 out;
	size_t		 i;
	int		 fd, fi;

	if ((fd = cache_lock(m->dirfd, CACHE_LOCK)) == -1)
		return;		/* another process is at it */
	if (cache_idx_all(c) == -1)
		reread(c);
	buf_init(&out, CACHE_PENDING_MAX + CACHE_VALUE_MAX + 2 *
	    CACHE_HEADER_MAX);
	(void)buf_printf(&out, CACHE_MAGIC "%u\n", m->uidvalidity);
	for (i = 0; i < c->n; i++) {
		struct crec	*r = &c->recs[i];
		struct rechdr	 h;
		size_t		 rl = r->hl + r->len + 1;
		long		 idx;

		/* The newest of its (uid, field), for a message we have,
		 * that fits its file as it is now: copied as it is. */
		if (cache_recs_find(c, r->uid, r->fi) != r ||
		    (idx = maildir_find_uid(m, r->uid)) < 0)
			continue;
		if (out.len + rl > CACHE_PENDING_MAX) {
			if (write(fd, out.data, out.len) != (ssize_t)out.len)
				goto fail;
			buf_reset(&out);
		}
		if (buf_reserve(&out, rl) == -1 || pread(c->fd, out.data +
		    out.len, rl, (off_t)r->off) != (ssize_t)rl ||
		    cache_header_parse(out.data + out.len, r->hl, &h, 1) != r->hl ||
		    h.key != msg_key(m, (size_t)idx) ||
		    cache_sum32(out.data + out.len + r->hl, r->len) != h.sum ||
		    out.data[out.len + rl - 1] != '\n')
			continue;
		out.len += rl;
	}
	/* The numeric values kept, each the newest of its UID: their
	 * records written again as cache_put() wrote them. */
	for (fi = 0; fi < CACHE_FIELDS; fi++)
		for (i = 0; i < c->num[fi].n; i++) {
			const struct cnum	*e = &c->num[fi].e[i];
			char			 hdr[CACHE_HEADER_MAX + 1];
			char			 v[BUF_FMTU_MAX + 2];
			size_t			 hl, vl;
			long			 idx;

			if ((idx = maildir_find_uid(m, e->uid)) < 0 ||
			    e->key != msg_key(m, (size_t)idx))
				continue;
			if (out.len + CACHE_HEADER_MAX + sizeof(v) >
			    CACHE_PENDING_MAX) {
				if (write(fd, out.data, out.len) !=
				    (ssize_t)out.len)
					goto fail;
				buf_reset(&out);
			}
			vl = cache_num_format(v, e->val);
			hl = cache_record_line(hdr, e->uid, field_chars[fi], e->key,
			    v, vl);
			(void)buf_add(&out, hdr, hl);
			(void)buf_add(&out, v, vl);
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
	dotlock_release(m->dirfd, CACHE_LOCK, fd);
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

	if ((fd = cache_lock(m->dirfd, CACHE_LOCK)) == -1)
		return -1;
	hl = snprintf(hdr, sizeof(hdr), CACHE_MAGIC "%u\n", m->uidvalidity);
	if (write(fd, hdr, (size_t)hl) != hl ||
	    renameat(m->dirfd, CACHE_LOCK, m->dirfd, CACHE_FILE) == -1) {
		dotlock_release(m->dirfd, CACHE_LOCK, fd);
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
	cache_idx_drop(c);
	cache_num_reset(c, 0);
	c->idx_covered = 0;
	c->loaded = c->valid = 0;
	c->off = 0;
	for (i = 0; i < CACHE_FIELDS; i++)
		c->win[i].len = 0;
	c->nuids = 0;
	if (c->slots != NULL)
		memset(c->slots, 0, c->hsize * sizeof(*c->slots));
	c->n = c->dead = c->parsed = 0;
}

/* Append what was put to the file. */
static void
write_pending(struct cache *c)
{
	struct maildir	*m = c->m;
	struct stat	 st;
	struct fileid	 id;
	struct iovec	 iov[CACHE_FIELDS];
	size_t		 n, dead, i;
	int		 fd = -1, niov;

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
	/* Each field's records together (a later command asking for one
	 * field reads its values through one window), in one writev(). */
	for (i = 0, niov = 0; i < CACHE_FIELDS; i++)
		if (c->pending[i].len > 0) {
			iov[niov].iov_base = c->pending[i].data;
			iov[niov++].iov_len = c->pending[i].len;
		}
	fd = openat(m->dirfd, CACHE_FILE, O_WRONLY | O_APPEND | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC);
	if (fd == -1 || fileid_stat(fd, "", &st, &id) == -1 ||
	    !S_ISREG(st.st_mode) || writev(fd, iov, niov) !=
	    (ssize_t)c->pendlen)
		goto out;
	/* Read what others wrote and ours: from scratch if the file was
	 * replaced since we read it. */
	if (c->fd == -1 || !fileid_eq(&id, &c->id)) {
		forget(c);
		load(c);
	} else
		read_more(c);
out:
	if (fd != -1)
		close(fd);
	for (i = 0; i < CACHE_FIELDS; i++)
		buf_reset(&c->pending[i]);
	c->npend = c->pendlen = 0;
	/* Superseded records outweigh live ones, or there are far more
	 * records than the view's messages can have (expunged ones). */
	n = c->n + cache_num_count(c) + cache_idx_left(c, &dead);
	dead += c->dead;
	if (c->loaded && c->fd != -1 && ((dead > 1000 && dead > n - dead) ||
	    n > CACHE_FIELDS * 2 * m->n + 1000))
		compact(c);
}

void
cache_flush(struct cache *c)
{
	c->key_name = NULL;
	write_pending(c);
	cache_idx_save(c);
}
