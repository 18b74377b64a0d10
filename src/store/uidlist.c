/*
 * uidlist.c: reading and writing dovecot-uidlist.
 *
 * Design, races and crash safety:
 * - Readers never lock. A writer either appends complete lines to the file
 *   in place (Dovecot 2.3 does the same, leaving the header's N behind) or
 *   writes a whole new file into the lock file and renames it over the old
 *   one, so a reader sees the old file or the new one, never a mix. A last
 *   line without its newline is a write in progress (or a crashed one): it
 *   is not read, and the next appender ends it first.
 * - Because of in-place appends, the next UID is the larger of the header's
 *   N and the last UID + 1; a partial last line's UID counts too, so a
 *   crashed writer's UID is never given out again.
 * - UIDs are handed out only under the lock, after re-reading the file, and
 *   the file is fsync()ed before anyone is told the UID: a crash can lose a
 *   UID that nobody saw, never reuse one somebody saw.
 * - The lock is a dotlock, dovecot-uidlist.lock, created O_EXCL. One older
 *   than UIDLIST_LOCK_STALE seconds is a dead writer's and is removed.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "dotlock.h"
#include "fdio.h"
#include "log.h"
#include "uidlist.h"

#define UIDLIST_LINE_MAX	(64 * 1024)
#define UIDLIST_ARENA_MAX	(1024UL * 1024 * 1024)
#define READ_CHUNK		(128 * 1024)

void
uidlist_init(struct uidlist *ul)
{
	memset(ul, 0, sizeof(*ul));
	ul->a = arena_new(UIDLIST_ARENA_MAX);
	ul->next_uid = 1;
}

void
uidlist_free(struct uidlist *ul)
{
	arena_free(&ul->a);
	free(ul->recs);
	memset(ul, 0, sizeof(*ul));
}

void
uidlist_forget(struct uidlist *ul)
{
	ul->n = 0;
	arena_reset(ul->a);
}

static int
parse_u32(const char *s, const char **end, uint32_t *r)
{
	uint64_t	v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	*end = s;
	*r = (uint32_t)v;
	return 0;
}

static int
parse_header(struct uidlist *ul, char *line)
{
	char		*tok, *save = NULL;
	const char	*end;
	uint32_t	 v;
	int		 i;

	ul->guid[0] = '\0';
	if (line[0] == '1' && line[1] == ' ') {
		/* Courier: "1 <uidvalidity> <next uid>" */
		ul->version = 1;
		if (parse_u32(line + 2, &end, &ul->uidvalidity) == -1 ||
		    *end != ' ' || parse_u32(end + 1, &end, &v) == -1)
			return -1;
		if (v > ul->next_uid)
			ul->next_uid = v;
		return 0;
	}
	if (line[0] != '3' || line[1] != ' ')
		return -1;
	ul->version = 3;
	for (i = 0, tok = strtok_r(line + 2, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save), i++) {
		switch (tok[0]) {
		case 'V':
			if (parse_u32(tok + 1, &end, &ul->uidvalidity) == -1 ||
			    *end != '\0')
				return -1;
			break;
		case 'N':
			if (parse_u32(tok + 1, &end, &v) == -1 || *end != '\0')
				return -1;
			if (v > ul->next_uid)
				ul->next_uid = v;
			break;
		case 'G':
			if (strlen(tok + 1) == 32)
				memcpy(ul->guid, tok + 1, 33);
			break;
		default:
			break;		/* fields we do not use */
		}
	}
	return ul->uidvalidity == 0 ? -1 : 0;
}

static void
rec_add(struct uidlist *ul, uint32_t uid, const char *base, size_t len)
{
	struct uidlist_rec	*r;
	size_t			 ncap;

	if (ul->n == ul->cap) {
		ncap = ul->cap == 0 ? 256 : ul->cap * 2;
		if ((r = reallocarray(ul->recs, ncap, sizeof(*r))) == NULL)
			fatalx("out of memory");
		ul->recs = r;
		ul->cap = ncap;
	}
	r = &ul->recs[ul->n++];
	r->uid = uid;
	r->base = arena_strndup(ul->a, base, len);
	ul->total++;
}

/* One record line (no newline), offered to take() first. Bad lines are
 * counted and skipped. */
static void
parse_record(struct uidlist *ul, const char *line, size_t len,
    uidlist_take_fn *take, void *arg)
{
	const char	*p, *base, *colon;
	uint32_t	 uid;

	if (parse_u32(line, &p, &uid) == -1 || uid == 0 || *p != ' ') {
		ul->bad_lines++;
		return;
	}
	p++;
	if (ul->version == 1) {
		base = p;
		colon = memchr(base, ':', len - (size_t)(base - line));
	} else {
		/* "<uid> [<key><value> ...] :<base>" */
		while (*p != ':' && *p != '\0') {
			if ((p = strchr(p, ' ')) == NULL) {
				ul->bad_lines++;
				return;
			}
			p++;
		}
		if (*p != ':') {
			ul->bad_lines++;
			return;
		}
		base = p + 1;
		colon = memchr(base, ':', len - (size_t)(base - line));
	}
	len = colon != NULL ? (size_t)(colon - base) : len -
	    (size_t)(base - line);
	if (len == 0 || memchr(base, '/', len) != NULL) {
		ul->bad_lines++;
		return;
	}
	if (uid <= ul->last_uid) {
		/* Out of order or repeated: never let it move UIDs back. */
		ul->bad_lines++;
		return;
	}
	if (take == NULL || !take(arg, uid, base, len))
		rec_add(ul, uid, base, len);
	else
		ul->total++;
	ul->last_uid = uid;
	if (uid >= ul->next_uid)
		ul->next_uid = uid + 1;
}

/*
 * Read from fd at ul->off to the end, parsing complete lines; with
 * header_only, just the header line.
 */
static int
read_lines(int fd, struct uidlist *ul, int need_header, int header_only,
    uidlist_take_fn *take, void *arg)
{
	struct buf	 b;
	char		 chunk[READ_CHUNK];
	ssize_t		 r;
	size_t		 start, i;
	char		*nl;

	buf_init(&b, UIDLIST_LINE_MAX + READ_CHUNK);
	if (lseek(fd, ul->off, SEEK_SET) == -1)
		goto fail;
	for (;;) {
		r = read(fd, chunk, sizeof(chunk));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			goto fail;
		if (r == 0)
			break;
		if (buf_add(&b, chunk, (size_t)r) == -1) {
			errno = EINVAL;	/* a line beyond any sane size */
			goto fail;
		}
		for (start = 0; (nl = memchr(b.data + start, '\n',
		    b.len - start)) != NULL; start = i) {
			i = (size_t)(nl - b.data) + 1;
			*nl = '\0';
			if (need_header) {
				if (parse_header(ul, b.data + start) == -1) {
					errno = EINVAL;
					goto fail;
				}
				need_header = 0;
			} else if (nl > b.data + start)
				parse_record(ul, b.data + start,
				    (size_t)(nl - (b.data + start)), take, arg);
			ul->off += (off_t)(i - start);
			if (header_only) {
				buf_free(&b);
				return 0;
			}
		}
		buf_consume(&b, start);
	}
	if (!need_header && b.len > 0) {
		/* A line being written, or left by a crashed writer: its UID
		 * is taken either way. */
		const char	*end;
		uint32_t	 uid;

		if (parse_u32(b.data, &end, &uid) == 0 && uid >= ul->next_uid &&
		    uid < UINT32_MAX)
			ul->next_uid = uid + 1;
	}
	buf_free(&b);
	return 0;
fail:
	buf_free(&b);
	return -1;
}

int
uidlist_open(int dirfd, struct uidlist *ul, int *fd_r)
{
	struct stat	st;
	struct fileid	id;
	int		fd, saved;

	*fd_r = -1;
	ul->replaced = 0;
	/* The same file as last read, no longer: nothing to read, seen
	 * without opening it (every sync, and every UID handed out, asks). */
	if (ul->uidvalidity != 0) {
		if (fileid_stat(dirfd, UIDLIST_NAME, &st, &id) == -1) {
			if (errno == ENOENT)
				return 0;
		} else if (S_ISREG(st.st_mode) && fileid_eq(&id, &ul->id) &&
		    st.st_size == ul->off)
			return 0;
	}
	fd = openat(dirfd, UIDLIST_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT ? 0 : -1;
	if (fileid_stat(fd, "", &st, &id) == -1 || !S_ISREG(st.st_mode)) {
		saved = S_ISREG(st.st_mode) ? errno : EINVAL;
		close(fd);
		errno = saved;
		return -1;
	}
	if (fileid_eq(&id, &ul->id) && st.st_size >= ul->off &&
	    ul->uidvalidity != 0) {
		if (st.st_size == ul->off) {
			close(fd);
			return 0;
		}
	} else {
		/* Replaced: read it all. UIDs never go back (next_uid is
		 * kept), the records start over. */
		ul->replaced = 1;
		ul->off = 0;
		ul->total = 0;
		ul->last_uid = 0;
		ul->uidvalidity = 0;
		uidlist_forget(ul);
		ul->id = id;
		if (read_lines(fd, ul, 1, 1, NULL, NULL) == -1) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		if (ul->uidvalidity == 0) {
			/* No complete header: as if there were no list (it
			 * is read from the start again next time). */
			close(fd);
			return 0;
		}
	}
	*fd_r = fd;
	return 0;
}

int
uidlist_read_fd(int fd, struct uidlist *ul, uidlist_take_fn *take, void *arg)
{
	int	r, saved;

	r = read_lines(fd, ul, 0, 0, take, arg);
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

/* The first block is a sample of the lines: their share of base names. */
#define ESTIMATE_SAMPLE		8192

size_t
uidlist_estimate(int fd, size_t *nrecs_r)
{
	struct stat	 st;
	char		 buf[ESTIMATE_SAMPLE];
	const char	*p, *end, *nl, *base;
	ssize_t		 n;
	uint64_t	 body, lines = 0, bytes = 0, bases = 0;

	*nrecs_r = 0;
	if (fstat(fd, &st) == -1 || (n = pread(fd, buf, sizeof(buf), 0)) <= 0)
		return 0;
	end = buf + n;
	/* (a file that grew after the fstat: no guess) */
	if ((nl = memchr(buf, '\n', (size_t)n)) == NULL || n > st.st_size)
		return 0;
	body = (uint64_t)st.st_size - (uint64_t)(nl + 1 - buf);
	for (p = nl + 1; p < end && (nl = memchr(p, '\n',
	    (size_t)(end - p))) != NULL; p = nl + 1) {
		/* "<uid> [<key><value> ...] :<base>" (version 1: "<uid>
		 * <base>") */
		if ((base = memchr(p, ':', (size_t)(nl - p))) == NULL &&
		    (base = memchr(p, ' ', (size_t)(nl - p))) == NULL)
			continue;
		lines++;
		bytes += (uint64_t)(nl + 1 - p);
		bases += (uint64_t)(nl - base - 1);
	}
	if (lines == 0)
		return 0;
	*nrecs_r = (size_t)(body * lines / bytes);
	return (size_t)(body * bases / bytes);
}

int
uidlist_read(int dirfd, struct uidlist *ul)
{
	int	fd;

	if (uidlist_open(dirfd, ul, &fd) == -1)
		return -1;
	if (fd == -1)
		return 0;
	return uidlist_read_fd(fd, ul, NULL, NULL);
}

int
uidlist_lock(int dirfd)
{
	return dotlock_take(dirfd, UIDLIST_LOCK, UIDLIST_LOCK_STALE,
	    UIDLIST_LOCK_WAIT);
}

void
uidlist_unlock(int dirfd, int lockfd)
{
	if (lockfd == -1)
		return;
	dotlock_release(dirfd, UIDLIST_LOCK, lockfd);
}


/* A partial last line left by a crashed writer (st: fd's): its UID is
 * taken. */
static void
partial_line(int fd, const struct stat *st, struct uidlist *ul,
    int *partial_r)
{
	char		tail[32];
	ssize_t		r;
	const char	*end;
	uint32_t	uid;

	*partial_r = 0;
	if (st->st_size == ul->off)
		return;
	*partial_r = 1;
	r = pread(fd, tail, sizeof(tail) - 1, ul->off);
	if (r <= 0)
		return;
	tail[r] = '\0';
	if (parse_u32(tail, &end, &uid) == 0 && uid >= ul->next_uid &&
	    uid < UINT32_MAX)
		ul->next_uid = uid + 1;
}

int
uidlist_append(int dirfd, struct uidlist *ul, const struct uidlist_rec *recs,
    size_t n)
{
	struct buf	b;
	struct stat	st;
	struct fileid	id;
	size_t		i;
	int		fd, partial, saved;

	if (ul->uidvalidity == 0) {
		errno = ENOENT;
		return -1;
	}
	fd = openat(dirfd, UIDLIST_NAME, O_WRONLY | O_APPEND | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (fileid_stat(fd, "", &st, &id) == -1 || !fileid_eq(&id, &ul->id)) {
		/* Replaced since our read under the lock: cannot be. */
		close(fd);
		errno = ESTALE;
		return -1;
	}
	partial_line(fd, &st, ul, &partial);
	buf_init(&b, SIZE_MAX / 2);
	if (partial)
		(void)buf_addc(&b, '\n');
	for (i = 0; i < n; i++)
		(void)buf_printf(&b, "%u :%s\n", recs[i].uid, recs[i].base);
	if (fd_write_all(fd, b.data, b.len) == -1 || fsync(fd) == -1) {
		buf_free(&b);
		goto fail;
	}
	ul->off += (off_t)b.len;
	if (partial) {
		/* the garbage line is now complete: count it as read */
		if (fstat(fd, &st) == 0)
			ul->off = st.st_size;
	}
	buf_free(&b);
	/* The caller's view learns of them as of any other new record. */
	for (i = 0; i < n; i++) {
		rec_add(ul, recs[i].uid, recs[i].base, strlen(recs[i].base));
		ul->last_uid = recs[i].uid;
		if (recs[i].uid >= ul->next_uid)
			ul->next_uid = recs[i].uid + 1;
	}
	close(fd);
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int
uidlist_rewrite(int dirfd, int lockfd, struct uidlist *ul,
    int (*next)(void *, struct uidlist_rec *), void *arg)
{
	struct buf		 b;
	struct uidlist_rec	 r;
	struct stat		 st, old;
	struct fileid		 id;
	size_t			 total = 0;
	int			 saved;

	if (ul->guid[0] == '\0')
		uidlist_new_guid(ul->guid);
	buf_init(&b, SIZE_MAX / 2);
	(void)buf_printf(&b, "3 V%u N%u G%s\n", ul->uidvalidity, ul->next_uid,
	    ul->guid);
	while (next(arg, &r)) {
		(void)buf_addu(&b, r.uid);
		(void)buf_add(&b, " :", 2);
		(void)buf_adds(&b, r.base);
		(void)buf_addc(&b, '\n');
		total++;
		if (b.len >= 64 * 1024) {
			if (fd_write_all(lockfd, b.data, b.len) == -1)
				goto fail;
			buf_reset(&b);
		}
	}
	if (fd_write_all(lockfd, b.data, b.len) == -1 || fsync(lockfd) == -1 ||
	    fileid_stat(lockfd, "", &st, &id) == -1)
		goto fail;
	/* Readers (Dovecot) look at the mtime: it must grow. */
	if (fstatat(dirfd, UIDLIST_NAME, &old, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (old.st_mtim.tv_sec > st.st_mtim.tv_sec ||
	    (old.st_mtim.tv_sec == st.st_mtim.tv_sec &&
	    old.st_mtim.tv_nsec >= st.st_mtim.tv_nsec))) {
		struct timespec ts[2];

		ts[0] = st.st_atim;
		ts[1].tv_sec = old.st_mtim.tv_sec + 1;
		ts[1].tv_nsec = 0;
		if (futimens(lockfd, ts) == -1 || fstat(lockfd, &st) == -1)
			goto fail;
	}
	if (renameat(dirfd, UIDLIST_LOCK, dirfd, UIDLIST_NAME) == -1)
		goto fail;
	(void)fsync(dirfd);
	close(lockfd);
	buf_free(&b);
	ul->version = 3;
	ul->id = id;
	ul->off = st.st_size;
	ul->total = total;
	ul->last_uid = ul->next_uid - 1;
	return 0;
fail:
	saved = errno;
	buf_free(&b);
	uidlist_unlock(dirfd, lockfd);
	errno = saved;
	return -1;
}

struct convert_iter {
	const struct uidlist	*ul;
	size_t			 i;
};

static int
convert_next(void *arg, struct uidlist_rec *r)
{
	struct convert_iter	*it = arg;

	if (it->i == it->ul->n)
		return 0;
	*r = it->ul->recs[it->i++];
	return 1;
}

int
uidlist_convert(int dirfd, int lockfd, struct uidlist *ul)
{
	struct uidlist		full;
	struct convert_iter	it;
	int			r, saved;

	uidlist_init(&full);
	if (uidlist_read(dirfd, &full) == -1) {
		saved = errno;
		uidlist_free(&full);
		uidlist_unlock(dirfd, lockfd);
		errno = saved;
		return -1;
	}
	if (ul->next_uid > full.next_uid)
		full.next_uid = ul->next_uid;
	it.ul = &full;
	it.i = 0;
	r = uidlist_rewrite(dirfd, lockfd, &full, convert_next, &it);
	saved = errno;
	uidlist_free(&full);
	/* The caller reads the new file from scratch. */
	memset(&ul->id, 0, sizeof(ul->id));
	errno = saved;
	return r;
}

uint32_t
uidlist_new_uidvalidity(int rootfd)
{
	char		 buf[16], name[64];
	uint32_t	 last = 0, uv;
	ssize_t		 r;
	int		 fd;
	unsigned long	 v;
	char		*end;

	if ((fd = openat(rootfd, "dovecot-uidvalidity", O_RDONLY |
	    O_NOFOLLOW | O_CLOEXEC)) != -1) {
		r = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (r > 0) {
			buf[r] = '\0';
			v = strtoul(buf, &end, 16);
			if (end != buf && v <= UINT32_MAX)
				last = (uint32_t)v;
		}
	}
	uv = (uint32_t)time(NULL);
	if (uv <= last)
		uv = last + 1;
	if (uv == 0)
		uv = 1;
	/* Remember it, as Dovecot does: the value in hex, and a marker. */
	(void)snprintf(name, sizeof(name), "dovecot-uidvalidity.%08x", last);
	if (last != 0)
		(void)unlinkat(rootfd, name, 0);
	(void)snprintf(name, sizeof(name), "dovecot-uidvalidity.%08x", uv);
	if ((fd = openat(rootfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0400)) != -1)
		close(fd);
	(void)snprintf(buf, sizeof(buf), "%08x", uv);
	if ((fd = openat(rootfd, "dovecot-uidvalidity.tmp", O_WRONLY |
	    O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) != -1) {
		if (fd_write_all(fd, buf, strlen(buf)) == 0 && fsync(fd) == 0)
			(void)renameat(rootfd, "dovecot-uidvalidity.tmp",
			    rootfd, "dovecot-uidvalidity");
		close(fd);
	}
	return uv;
}

void
uidlist_new_guid(char guid[33])
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		raw[16];
	int			i;

	arc4random_buf(raw, sizeof(raw));
	for (i = 0; i < 16; i++) {
		guid[i * 2] = hex[raw[i] >> 4];
		guid[i * 2 + 1] = hex[raw[i] & 15];
	}
	guid[32] = '\0';
}
