/*
 * maildir_files.c: the files of a Maildir folder: message file names and
 * their flags (maildir.md), listing new/ and cur/ (regular files only:
 * symlinks, FIFOs and devices are skipped and logged, never opened), and
 * the folder's keywords in dovecot-keywords.
 */
#include <sys/stat.h>
#include <sys/vfs.h>

#include <linux/magic.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"
#include "maildir.h"
#include "maildir_int.h"

#define KEYWORDS_FILE	"dovecot-keywords"

/* --- directory times ----------------------------------------------- */

/* File systems whose times come from the kernel's clock in nanoseconds
 * (ext4 with large inodes, XFS, Btrfs, tmpfs): not NFS or FUSE, whose
 * times come from another machine's clock, nor FAT. */
int
maildir_fine_times(int fd)
{
	struct statfs	sf;

	if (fstatfs(fd, &sf) == -1)
		return 0;
	switch ((unsigned long)sf.f_type) {
	case EXT4_SUPER_MAGIC:
	case XFS_SUPER_MAGIC:
	case BTRFS_SUPER_MAGIC:
	case TMPFS_MAGIC:
		return 1;
	default:
		return 0;
	}
}

/*
 * Whether a directory's time mtime, read after the clock read now, can
 * be trusted to change at the directory's next change. A change in the
 * same tick of the kernel's coarse clock as the last one keeps the time,
 * so a time is trusted only once the clock has left its tick. Where that
 * cannot be known (times of another machine, or in whole seconds: ext4
 * with small inodes stamps tv_nsec 0), only once it is over two seconds
 * old, as Dovecot does. now is CLOCK_REALTIME_COARSE, the clock the
 * kernel stamps with (with multigrain stamps, a change after a stat gets
 * a finer, later time: later still).
 */
int
maildir_time_settled(const struct timespec *mtime,
    const struct timespec *now, int fine)
{
	if (now->tv_sec - mtime->tv_sec > 2)
		return 1;
	if (!fine || mtime->tv_nsec == 0)
		return 0;
	return mtime->tv_sec < now->tv_sec || (mtime->tv_sec ==
	    now->tv_sec && mtime->tv_nsec < now->tv_nsec);
}

/* --- file names ---------------------------------------------------- */

int
maildir_name_parse(const char *name, size_t *baselen_r, uint8_t *flags_r,
    uint32_t *kw_r)
{
	const char	*colon, *p;
	uint8_t		 flags = 0;
	uint32_t	 kw = 0;

	colon = strchr(name, ':');
	*baselen_r = colon != NULL ? (size_t)(colon - name) : strlen(name);
	if (*baselen_r == 0)
		return -1;
	if (colon != NULL && colon[1] == '2' && colon[2] == ',') {
		for (p = colon + 3; *p != '\0'; p++) {
			switch (*p) {
			case 'D': flags |= MF_DRAFT; break;
			case 'F': flags |= MF_FLAGGED; break;
			case 'P': flags |= MF_PASSED; break;
			case 'R': flags |= MF_ANSWERED; break;
			case 'S': flags |= MF_SEEN; break;
			case 'T': flags |= MF_DELETED; break;
			default:
				if (*p >= 'a' && *p <= 'z')
					kw |= 1u << (*p - 'a');
				break;
			}
		}
	}
	*flags_r = flags;
	*kw_r = kw;
	return 0;
}

char *
maildir_name_make(const char *base, size_t baselen, uint8_t flags,
    uint32_t kw)
{
	static const struct { uint8_t f; char c; } letters[] = {
		{ MF_DRAFT, 'D' }, { MF_FLAGGED, 'F' }, { MF_PASSED, 'P' },
		{ MF_ANSWERED, 'R' }, { MF_SEEN, 'S' }, { MF_DELETED, 'T' },
	};
	char	*s, *p;
	size_t	 i;

	if ((s = malloc(baselen + 3 + 6 + KEYWORDS_MAX + 1)) == NULL)
		fatalx("out of memory");
	memcpy(s, base, baselen);
	p = s + baselen;
	memcpy(p, ":2,", 3);
	p += 3;
	for (i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		if (flags & letters[i].f)
			*p++ = letters[i].c;
	for (i = 0; i < KEYWORDS_MAX; i++)
		if (kw & (1u << i))
			*p++ = (char)('a' + i);
	*p = '\0';
	return s;
}

struct keyed {
	unsigned long long	 t;
	struct entry		*e;
};

static int
keyed_cmp(const void *a, const void *b)
{
	const struct keyed	*x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return strcmp(x->e->name, y->e->name);
}

/*
 * Sort by time then name. Many entries (a first open): by time with a
 * radix sort of the seconds (stable, 16 bits a pass, only as many passes
 * as the times' span needs), then each run of equal times by name; few,
 * or a failed allocation: qsort.
 */
static void
keyed_sort(struct keyed *k, size_t n)
{
	struct keyed		*tmp, *src, *dst, *sw;
	unsigned long long	 lo = ULLONG_MAX, hi = 0, span;
	size_t			*count, i, j, sum, c;
	int			 shift;

	if (n < 1024 || (tmp = reallocarray(NULL, n, sizeof(*k))) == NULL) {
		qsort(k, n, sizeof(*k), keyed_cmp);
		return;
	}
	if ((count = calloc(65536, sizeof(*count))) == NULL) {
		free(tmp);
		qsort(k, n, sizeof(*k), keyed_cmp);
		return;
	}
	for (i = 0; i < n; i++) {
		if (k[i].t < lo)
			lo = k[i].t;
		if (k[i].t > hi)
			hi = k[i].t;
	}
	span = hi - lo;
	src = k;
	dst = tmp;
	for (shift = 0; shift < 64 && (shift == 0 || (span >> shift) != 0);
	    shift += 16) {
		memset(count, 0, 65536 * sizeof(*count));
		for (i = 0; i < n; i++)
			count[((src[i].t - lo) >> shift) & 0xffff]++;
		for (i = sum = 0; i < 65536; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[((src[i].t - lo) >> shift) & 0xffff]++] =
			    src[i];
		sw = src;
		src = dst;
		dst = sw;
	}
	if (src != k)
		memcpy(k, src, n * sizeof(*k));
	free(count);
	free(tmp);
	/* Equal times: by name. */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && k[j].t == k[i].t; j++)
			;
		if (j - i > 1)
			qsort(k + i, j - i, sizeof(*k), keyed_cmp);
	}
}

void
maildir_sort_delivery(struct entry **e, size_t n)
{
	struct keyed	*k;
	size_t		 i;

	if (n < 2)
		return;
	/* The time at the head of each name, parsed once, not per compare. */
	if ((k = reallocarray(NULL, n, sizeof(*k))) == NULL)
		fatalx("out of memory");
	for (i = 0; i < n; i++) {
		k[i].t = strtoull(e[i]->name, NULL, 10);
		k[i].e = e[i];
	}
	keyed_sort(k, n);
	for (i = 0; i < n; i++)
		e[i] = k[i].e;
	free(k);
}

size_t
maildir_hash_base(const char *s, size_t len)
{
	const uint64_t	k = 0x9e3779b97f4a7c15ULL;
	uint64_t	h = len * k, w;
	size_t		i;

	/* Eight bytes a step (names share long prefixes: all of them
	 * count), then a final mix so the low bits depend on every one. */
	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 32;
	}
	if (i < len) {
		/* the last 1..7 bytes: the 8 that end the name, shifted
		 * (no memcpy call of a variable length) */
		w = 0;
		if (len >= 8) {
			memcpy(&w, s + len - 8, 8);
			w >>= 8 * (8 - (len - i));
		} else
			memcpy(&w, s + i, len - i);
		h = (h ^ w) * k;
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (size_t)h;
}

size_t
maildir_baselen(const char *name)
{
	const char	*colon = strchr(name, ':');

	return colon != NULL ? (size_t)(colon - name) : strlen(name);
}

/* --- listing -------------------------------------------------------- */

void
maildir_scan_init(struct scan *sc, struct namepool *pool)
{
	memset(sc, 0, sizeof(*sc));
	sc->pool = pool;
}

void
maildir_scan_add(struct scan *sc, const char *name, int in_new)
{
	struct entry	*e;
	size_t		 ncap;

	if (sc->n == sc->cap) {
		ncap = sc->cap == 0 ? 256 : sc->cap * 2;
		if ((e = reallocarray(sc->e, ncap, sizeof(*e))) == NULL)
			fatalx("out of memory");
		sc->e = e;
		sc->cap = ncap;
	}
	e = &sc->e[sc->n++];
	e->name = namepool_add(sc->pool != NULL ? sc->pool : &sc->own, name,
	    strlen(name));
	e->uid = 0;
	e->in_new = in_new != 0;
	e->known = 0;
	e->ordered = 0;
	e->taken = 0;
}

void
maildir_scan_free(struct scan *sc)
{
	size_t	i;

	if (sc->pool != NULL)
		for (i = 0; i < sc->n; i++)
			if (!sc->e[i].taken)
				namepool_drop(sc->pool, sc->e[i].name);
	namepool_free(&sc->own);
	free(sc->e);
	maildir_scan_init(sc, NULL);
}

static int
scan_dir(struct maildir *m, int fd, int in_new, struct scan *sc)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	const char	*p;
	int		 dfd;

	if ((dfd = dup(fd)) == -1)
		return -1;
	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return -1;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		/* A control character (a newline!) cannot go into
		 * dovecot-uidlist's lines: such a file is no message. */
		for (p = de->d_name; *p != '\0' && (unsigned char)*p >= 0x20; p++)
			;
		if (*p != '\0') {
			log_warnx("%s: skipping a file whose name holds a "
			    "control character", m->name);
			continue;
		}
		if (de->d_type != DT_REG) {
			if (de->d_type != DT_UNKNOWN)
				goto skip;
			if (fstatat(fd, de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(st.st_mode))
				goto skip;
		}
		if (sc->skip == NULL || !sc->skip(sc->skip_arg, de->d_name))
			maildir_scan_add(sc, de->d_name, in_new);
		continue;
skip:
		if (de->d_type != DT_DIR)
			log_warnx("%s: skipping %s/%s: not a regular file",
			    m->name, in_new ? "new" : "cur", de->d_name);
	}
	closedir(d);
	return 0;
}

int
maildir_scan_all(struct maildir *m, struct scan *sc)
{
	if (scan_dir(m, m->newfd, 1, sc) == -1 ||
	    scan_dir(m, m->curfd, 0, sc) == -1)
		return -1;
	return 0;
}

/* --- keywords ------------------------------------------------------- */

void
maildir_keywords_read(struct maildir *m)
{
	FILE		*f;
	struct stat	 st;
	char		 line[512], *sp, *nl, *p, *old[KEYWORDS_MAX];
	long		 idx;
	int		 fd, i;

	/* Read again only when the file changed (every sync asks). */
	if (fstatat(m->dirfd, KEYWORDS_FILE, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    (st.st_ino == m->kw_ino && st.st_dev == m->kw_dev &&
	    st.st_size == m->kw_size &&
	    st.st_mtim.tv_sec == m->kw_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == m->kw_mtim.tv_nsec))
		return;
	if ((fd = openat(m->dirfd, KEYWORDS_FILE, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return;
	/* What is read is this file: its own times, not the name's. */
	if (fstat(fd, &st) == -1) {
		close(fd);
		return;
	}
	m->kw_dev = st.st_dev;
	m->kw_ino = st.st_ino;
	m->kw_size = st.st_size;
	m->kw_mtim = st.st_mtim;
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return;
	}
	for (i = 0; i < KEYWORDS_MAX; i++) {
		old[i] = m->keywords[i];
		m->keywords[i] = NULL;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((nl = strchr(line, '\n')) == NULL)
			continue;	/* too long, or unfinished */
		*nl = '\0';
		idx = strtol(line, &sp, 10);
		if (sp == line || *sp != ' ' || idx < 0 ||
		    idx >= KEYWORDS_MAX || sp[1] == '\0')
			continue;
		/* Only names we can send as atoms (RFC 9051 9 flag-keyword);
		 * another writer's garbage stays unused. */
		if (strpbrk(sp + 1, " (){%*\"\\]") != NULL)
			continue;
		for (p = sp + 1; *p != '\0'; p++)
			if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
				break;
		if (*p != '\0')
			continue;
		free(m->keywords[idx]);
		if ((m->keywords[idx] = strdup(sp + 1)) == NULL)
			fatalx("out of memory");
	}
	fclose(f);
	/* Another process defined a keyword: FLAGS and PERMANENTFLAGS
	 * (with or without \*) are to be sent again. */
	for (i = 0; i < KEYWORDS_MAX; i++) {
		if ((old[i] == NULL) != (m->keywords[i] == NULL) ||
		    (old[i] != NULL && strcmp(old[i], m->keywords[i]) != 0))
			m->kw_changed = 1;
		free(old[i]);
	}
}

static int
keywords_write(struct maildir *m)
{
	FILE		*f;
	struct stat	 st, old;
	int		 fd, i, ok;

	fd = openat(m->dirfd, KEYWORDS_FILE ".tmp", O_WRONLY | O_CREAT |
	    O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1)
		return -1;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -1;
	}
	for (i = 0; i < KEYWORDS_MAX; i++)
		if (m->keywords[i] != NULL)
			fprintf(f, "%d %s\n", i, m->keywords[i]);
	ok = fflush(f) == 0 && fsync(fd) == 0;
	/* Dovecot reads the file again only when its mtime moves. */
	if (ok && fstatat(m->dirfd, KEYWORDS_FILE, &old, AT_SYMLINK_NOFOLLOW) == 0
	    && fstat(fd, &st) == 0 && st.st_mtime <= old.st_mtime) {
		struct timespec ts[2];

		ts[0] = st.st_atim;
		ts[1].tv_sec = old.st_mtime + 1;
		ts[1].tv_nsec = 0;
		(void)futimens(fd, ts);
	}
	if (fclose(f) != 0)
		ok = 0;
	if (!ok || renameat(m->dirfd, KEYWORDS_FILE ".tmp", m->dirfd,
	    KEYWORDS_FILE) == -1) {
		(void)unlinkat(m->dirfd, KEYWORDS_FILE ".tmp", 0);
		return -1;
	}
	return 0;
}

static long
keyword_lookup(const struct maildir *m, const char *kw)
{
	int	i;

	for (i = 0; i < KEYWORDS_MAX; i++)
		if (m->keywords[i] != NULL && strcasecmp(m->keywords[i], kw) == 0)
			return i;
	return -1;
}

int
maildir_keyword(struct maildir *m, const char *kw, int create)
{
	long	idx;
	int	lockfd, i;

	if ((idx = keyword_lookup(m, kw)) >= 0 || !create)
		return (int)idx;
	/* Serialised with every other writer by the uidlist lock. */
	if ((lockfd = uidlist_lock(m->dirfd)) == -1)
		return -2;
	maildir_keywords_read(m);
	if ((idx = keyword_lookup(m, kw)) >= 0) {
		uidlist_unlock(m->dirfd, lockfd);
		m->kw_changed = 1;
		return (int)idx;
	}
	for (i = 0; i < KEYWORDS_MAX && m->keywords[i] != NULL; i++)
		;
	if (i == KEYWORDS_MAX) {
		uidlist_unlock(m->dirfd, lockfd);
		errno = ENOSPC;
		return -1;
	}
	if ((m->keywords[i] = strdup(kw)) == NULL)
		fatalx("out of memory");
	if (keywords_write(m) == -1) {
		free(m->keywords[i]);
		m->keywords[i] = NULL;
		uidlist_unlock(m->dirfd, lockfd);
		return -2;
	}
	uidlist_unlock(m->dirfd, lockfd);
	m->kw_changed = 1;
	return i;
}

size_t
maildir_keyword_count(const struct maildir *m)
{
	size_t	i, n = 0;

	for (i = 0; i < KEYWORDS_MAX; i++)
		if (m->keywords[i] != NULL)
			n++;
	return n;
}
