/*
 * quota.c: the Maildir++ quota file, maildirsize, at the Maildir root.
 *
 * The file is shared with every program that delivers or reads mail here
 * (maildrop, Dovecot's LDA and imap, Courier), so it follows the Maildir++
 * rules exactly:
 *
 * - Line 1 holds the limits ("<bytes>S,<count>C"); every further line is
 *   "<bytes> <count>", a change of usage, possibly negative. The usage is
 *   the sum of those lines. Sizes are what Maildir++ counts: the ",S="
 *   value of a file name where present, else the file's size; every file
 *   in cur/ and new/ of INBOX and of every folder counts (Trash too, as
 *   Dovecot counts it).
 * - A change is recorded by appending one line with O_APPEND in a single
 *   write(): concurrent writers never interleave, and no lock is taken.
 * - The file is recalculated from a scan of all folders when it is missing
 *   (and limits are configured), broken (a line that is not two numbers, a
 *   last line cut short by a crash, a negative sum), larger than
 *   QUOTA_FILE_MAX, written with limits other than the configured ones, or
 *   older than QUOTA_STALE while the user is over quota. This is what
 *   corrects the count after an MDA delivered into new/ without updating
 *   the file.
 * - A recalculation takes maildirsize.lock (O_EXCL, as Dovecot's dotlock;
 *   stale after QUOTA_LOCK_STALE), writes the limits and one usage line into
 *   it, fsyncs and renames it over maildirsize, so a reader sees the old
 *   file or the new one, never a part. When another process holds the lock
 *   the numbers scanned are used but not written. The mtimes of every cur/
 *   and new/ are taken before they are listed and compared after the scan;
 *   a folder that changed meanwhile means scanning again (at most
 *   QUOTA_SCAN_TRIES times, then the last scan is written: the next
 *   recalculation corrects it).
 *
 * What Maildir++ leaves open, left open here too: a change appended to the
 * file by a process whose message a concurrent recalculation has already
 * counted is counted twice until the next recalculation.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "dotlock.h"
#include "fdio.h"
#include "log.h"
#include "mdlimits.h"
#include "quota.h"

/* Usage or limits past this are garbage (sizes are 63-bit, RFC 9208 3.1.2). */
#define QUOTA_NUM_MAX	(INT64_MAX / 4)

/* --- pure ---------------------------------------------------------- */

/* Digits at *p (at most up to end) as a number <= QUOTA_NUM_MAX. */
static int
num_parse(const char **p, const char *end, uint64_t *r)
{
	const char	*s = *p;
	uint64_t	 v = 0;

	if (s == end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > QUOTA_NUM_MAX)
			return -1;
	}
	*p = s;
	*r = v;
	return 0;
}

int
quota_limits_parse(const char *line, size_t len, uint64_t *bytes_r,
    uint64_t *count_r)
{
	const char	*p = line, *end = line + len, *item;
	uint64_t	 v;
	int		 r = 0;

	*bytes_r = *count_r = 0;
	while (p < end) {
		item = p;
		if (num_parse(&p, end, &v) == -1 || p == end ||
		    !((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) ||
		    (p + 1 < end && p[1] != ',')) {
			/* Not "<digits><letter>": skip to the next item. */
			r = -1;
			p = item;
			while (p < end && *p != ',')
				p++;
		} else {
			if (*p == 'S' && v != 0)
				*bytes_r = v;
			else if (*p == 'C' && v != 0)
				*count_r = v;
			p++;
		}
		if (p < end)
			p++;	/* the comma */
	}
	return r;
}

size_t
quota_limits_format(char *buf, size_t size, uint64_t bytes, uint64_t count)
{
	int	n;

	if (bytes != 0 && count != 0)
		n = snprintf(buf, size, "%lluS,%lluC",
		    (unsigned long long)bytes, (unsigned long long)count);
	else if (bytes != 0)
		n = snprintf(buf, size, "%lluS", (unsigned long long)bytes);
	else if (count != 0)
		n = snprintf(buf, size, "%lluC", (unsigned long long)count);
	else
		n = snprintf(buf, size, "%s", "");
	if (n < 0 || (size_t)n >= size)
		fatalx("quota limits do not fit");
	return (size_t)n;
}

/* "<bytes> <count>": blanks around and between, signs allowed. */
static int
delta_parse(const char *p, const char *end, int64_t *b_r, int64_t *c_r)
{
	int64_t		 v[2];
	uint64_t	 u;
	int		 i, neg;

	for (i = 0; i < 2; i++) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		neg = p < end && *p == '-';
		if (p < end && (*p == '-' || *p == '+'))
			p++;
		if (num_parse(&p, end, &u) == -1)
			return -1;
		v[i] = neg ? -(int64_t)u : (int64_t)u;
		if (i == 0 && (p == end || (*p != ' ' && *p != '\t')))
			return -1;
	}
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	if (p != end)
		return -1;
	*b_r = v[0];
	*c_r = v[1];
	return 0;
}

int
quota_file_parse(const char *buf, size_t len, struct quota *q)
{
	const char	*p, *end = buf + len, *nl;
	int64_t		 b, c;
	int		 r = 0;

	memset(q, 0, sizeof(*q));
	if (len == 0)
		return -1;
	if ((nl = memchr(buf, '\n', len)) == NULL) {
		(void)quota_limits_parse(buf, len, &q->limit_bytes,
		    &q->limit_count);
		return 1;
	}
	if (quota_limits_parse(buf, (size_t)(nl - buf), &q->limit_bytes,
	    &q->limit_count) == -1)
		r = 1;
	for (p = nl + 1; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return 1;	/* cut short: ignored */
		if (delta_parse(p, nl, &b, &c) == -1 ||
		    q->bytes + b > QUOTA_NUM_MAX || q->bytes + b < -QUOTA_NUM_MAX ||
		    q->count + c > QUOTA_NUM_MAX || q->count + c < -QUOTA_NUM_MAX) {
			r = 1;
			continue;
		}
		q->bytes += b;
		q->count += c;
	}
	if (q->bytes < 0 || q->count < 0)
		r = 1;
	return r;
}

int
quota_name_size(const char *name, uint64_t *size_r)
{
	const char	*p, *colon = strchr(name, ':'), *end;

	end = colon != NULL ? colon : name + strlen(name);
	for (p = name; (p = strstr(p, ",S=")) != NULL && p < end; p++) {
		p += 3;
		if (num_parse(&p, end, size_r) == 0 && (p == end || *p == ','))
			return 0;
		return -1;
	}
	return -1;
}

int
quota_exceeds(const struct quota *q, uint64_t bytes, uint64_t count)
{
	uint64_t	ub = q->bytes > 0 ? (uint64_t)q->bytes : 0;
	uint64_t	uc = q->count > 0 ? (uint64_t)q->count : 0;

	if (q->limit_bytes != 0 && ub + bytes > q->limit_bytes)
		return 1;
	if (q->limit_count != 0 && uc + count > q->limit_count)
		return 1;
	return 0;
}

/* --- scanning ------------------------------------------------------ */

/* The mtimes of a folder's cur/ and new/ as the scan found them. */
struct stamp {
	char		*dir;
	struct timespec	 mt[2];
};

struct stamps {
	struct stamp	*s;
	size_t		 n;
	size_t		 cap;
};

static const char *const subdirs[2] = { "cur", "new" };

int
quota_msg_size(int dirfd, const char *name, uint64_t *size_r)
{
	struct stat	st;

	if (quota_name_size(name, size_r) == 0)
		return 0;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	*size_r = (uint64_t)st.st_size;
	return 0;
}

/* The messages of one cur/ or new/; mt_r gets its mtime before listing.
 * A missing directory is empty (ENOENT, mtime zero). */
static int
sub_scan(int dirfd, const char *sub, int64_t *bytes, int64_t *count,
    struct timespec *mt_r)
{
	struct stat	 st;
	struct dirent	*de;
	DIR		*d;
	uint64_t	 size;
	int		 fd;

	memset(mt_r, 0, sizeof(*mt_r));
	if ((fd = openat(dirfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) == -1 || (d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	*mt_r = st.st_mtim;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || (de->d_type != DT_REG &&
		    de->d_type != DT_UNKNOWN))
			continue;
		if (de->d_type == DT_UNKNOWN && (fstatat(fd, de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(st.st_mode)))
			continue;
		/* Gone meanwhile (expunged, or renamed: the mtime shows). */
		if (quota_msg_size(fd, de->d_name, &size) == -1)
			continue;
		*bytes += (int64_t)size;
		(*count)++;
	}
	closedir(d);
	return 0;
}

int
quota_folder_usage(int dirfd, int64_t *bytes_r, int64_t *count_r)
{
	struct timespec	mt;
	int		i;

	*bytes_r = *count_r = 0;
	for (i = 0; i < 2; i++)
		if (sub_scan(dirfd, subdirs[i], bytes_r, count_r, &mt) == -1)
			return -1;
	return 0;
}

static void
stamps_free(struct stamps *st)
{
	size_t	i;

	for (i = 0; i < st->n; i++)
		free(st->s[i].dir);
	free(st->s);
	memset(st, 0, sizeof(*st));
}

/* Scan one folder ("" INBOX, ".A.B") into the sums, noting its stamps. */
static int
folder_scan(int rootfd, const char *dir, struct stamps *st, int64_t *bytes,
    int64_t *count)
{
	struct stamp	*s;
	int		 fd, i, saved;

	fd = *dir == '\0' ? dup(rootfd) : openat(rootfd, dir, O_RDONLY |
	    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	if (st->n == st->cap) {
		st->cap = st->cap == 0 ? 16 : st->cap * 2;
		if ((st->s = reallocarray(st->s, st->cap, sizeof(*st->s))) ==
		    NULL)
			fatalx("out of memory");
	}
	s = &st->s[st->n];
	if ((s->dir = strdup(dir)) == NULL)
		fatalx("out of memory");
	st->n++;
	for (i = 0; i < 2; i++)
		if (sub_scan(fd, subdirs[i], bytes, count, &s->mt[i]) == -1) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
	close(fd);
	return 0;
}

/* INBOX and every folder: the root's ".*" directories, except "." and
 * "..", and the "..*" names mdimapd stages deletions under. */
static int
scan_all(int rootfd, struct stamps *st, int64_t *bytes_r, int64_t *count_r)
{
	struct dirent	*de;
	DIR		*d;
	int		 fd, saved;

	*bytes_r = *count_r = 0;
	if (folder_scan(rootfd, "", st, bytes_r, count_r) == -1)
		return -1;
	if ((fd = dup(rootfd)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.' || de->d_name[1] == '\0' ||
		    de->d_name[1] == '.' || (de->d_type != DT_DIR &&
		    de->d_type != DT_UNKNOWN))
			continue;
		if (folder_scan(rootfd, de->d_name, st, bytes_r,
		    count_r) == -1) {
			saved = errno;
			closedir(d);
			errno = saved;
			return -1;
		}
	}
	closedir(d);
	return 0;
}

static int
ts_eq(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* Whether a folder's cur/ or new/ changed since its stamps were taken. */
static int
stamps_changed(int rootfd, const struct stamps *st)
{
	struct stat	 sb;
	struct timespec	 zero;
	size_t		 i;
	int		 j, fd;

	memset(&zero, 0, sizeof(zero));
	for (i = 0; i < st->n; i++) {
		fd = *st->s[i].dir == '\0' ? dup(rootfd) : openat(rootfd,
		    st->s[i].dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd == -1)
			return 1;
		for (j = 0; j < 2; j++) {
			if (fstatat(fd, subdirs[j], &sb, 0) == -1) {
				if (errno == ENOENT &&
				    ts_eq(&st->s[i].mt[j], &zero))
					continue;
				close(fd);
				return 1;
			}
			if (!ts_eq(&sb.st_mtim, &st->s[i].mt[j])) {
				close(fd);
				return 1;
			}
		}
		close(fd);
	}
	return 0;
}

/* --- the file -------------------------------------------------------- */

/* Recalculate q's usage from the folders and write the file with q's
 * limits (unless another process holds the lock). */
static int
recalc(int rootfd, struct quota *q)
{
	struct stamps	 st;
	char		 buf[128];
	size_t		 len;
	int64_t		 bytes, count;
	int		 lockfd, tries, r;

	memset(&st, 0, sizeof(st));
	/* Without the lock (held, or the root not writable) the numbers
	 * are still right to answer with. */
	if ((lockfd = dotlock_take(rootfd, QUOTA_LOCK, QUOTA_LOCK_STALE,
	    0)) == -1 && errno != EWOULDBLOCK)
		log_warn("%s", QUOTA_LOCK);
	for (tries = 1; ; tries++) {
		r = scan_all(rootfd, &st, &bytes, &count);
		if (r == -1 || tries >= QUOTA_SCAN_TRIES ||
		    !stamps_changed(rootfd, &st))
			break;
		stamps_free(&st);
	}
	stamps_free(&st);
	if (r == -1) {
		if (lockfd != -1)
			dotlock_release(rootfd, QUOTA_LOCK, lockfd);
		return -1;
	}
	q->bytes = bytes;
	q->count = count;
	if (lockfd == -1)
		return 0;
	len = quota_limits_format(buf, sizeof(buf), q->limit_bytes,
	    q->limit_count);
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "\n%lld %lld\n",
	    (long long)bytes, (long long)count);
	if (fd_write_all(lockfd, buf, len) == -1 || fsync(lockfd) == -1 ||
	    renameat(rootfd, QUOTA_LOCK, rootfd, QUOTA_FILE) == -1) {
		log_warn("writing %s", QUOTA_FILE);
		(void)unlinkat(rootfd, QUOTA_LOCK, 0);
	}
	close(lockfd);
	return 0;
}

/* The file's first QUOTA_FILE_MAX bytes into buf. */
static int
file_read(int rootfd, char *buf, size_t size, size_t *len_r,
    struct stat *st)
{
	ssize_t	n;
	int	fd, saved;

	if ((fd = openat(rootfd, QUOTA_FILE, O_RDONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	n = fd_read_upto(fd, buf, size);
	saved = errno;
	close(fd);
	if (n == -1) {
		errno = saved;
		return -1;
	}
	*len_r = (size_t)n;
	return 0;
}

/* The quota, recalculated when the rules above say so (the stale rule with
 * bytes and count about to be added). Returns 1, 0 (no limits), -1. */
static int
quota_read(int rootfd, struct quota *q, uint64_t bytes, uint64_t count)
{
	char		 buf[QUOTA_FILE_MAX];
	struct stat	 st;
	size_t		 len;
	uint64_t	 cb, cc;
	int		 redo = 0;

	cb = config.quota_storage > 0 ? (uint64_t)config.quota_storage : 0;
	cc = config.quota_messages > 0 ? (uint64_t)config.quota_messages : 0;
	memset(q, 0, sizeof(*q));
	if (file_read(rootfd, buf, sizeof(buf), &len, &st) == -1) {
		if (errno != ENOENT)
			return -1;
		if (cb == 0 && cc == 0)
			return 0;
		q->limit_bytes = cb;
		q->limit_count = cc;
		return recalc(rootfd, q) == -1 ? -1 : 1;
	}
	if (quota_file_parse(buf, len, q) != 0 || st.st_size > QUOTA_FILE_MAX)
		redo = 1;
	if ((cb != 0 || cc != 0) && (q->limit_bytes != cb ||
	    q->limit_count != cc)) {
		q->limit_bytes = cb;
		q->limit_count = cc;
		redo = 1;
	}
	if (q->limit_bytes == 0 && q->limit_count == 0) {
		memset(q, 0, sizeof(*q));
		return 0;
	}
	if (!redo && quota_exceeds(q, bytes, count) &&
	    time(NULL) - st.st_mtime > QUOTA_STALE)
		redo = 1;
	if (redo && recalc(rootfd, q) == -1)
		return -1;
	return 1;
}

int
quota_get(int rootfd, struct quota *q)
{
	return quota_read(rootfd, q, 0, 0);
}

int
quota_check(int rootfd, uint64_t bytes, uint64_t count)
{
	struct quota	q;
	int		r;

	if ((r = quota_read(rootfd, &q, bytes, count)) <= 0)
		return r;
	if (quota_exceeds(&q, bytes, count)) {
		errno = EDQUOT;
		return 1;
	}
	return 0;
}

void
quota_add(int rootfd, int64_t bytes, int64_t count)
{
	struct quota	q;
	struct stat	st;
	char		line[64];
	int		fd, n;

	if (bytes == 0 && count == 0)
		return;
	if ((fd = openat(rootfd, QUOTA_FILE, O_WRONLY | O_APPEND | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC)) == -1) {
		/* Created, counting this change, when limits are set (none
		 * configured: quota_read() would only find it missing). */
		if (errno != ENOENT)
			log_warn("%s", QUOTA_FILE);
		else if (config.quota_storage > 0 || config.quota_messages > 0)
			(void)quota_read(rootfd, &q, 0, 0);
		return;
	}
	n = snprintf(line, sizeof(line), "%lld %lld\n", (long long)bytes,
	    (long long)count);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		log_warnx("%s: not a regular file", QUOTA_FILE);
	else if (write(fd, line, (size_t)n) != n)
		log_warn("appending to %s", QUOTA_FILE);
	close(fd);
}
