/*
 * modseq.c: mdimapd-state, modification sequences and expunge history
 * (see modseq.h for the format).
 *
 * Every process keeps the modseq of each message of its view. At each sync
 * it reads what others appended, then compares each message's flags with
 * the flags recorded with its modseq: a difference is a change nobody has
 * recorded yet (another program renamed the file, or our own STORE), and
 * gets a new modseq. Writers hold the uidlist lock and re-read the tail
 * first, so two processes that noticed the same change record it once.
 * One modseq is given to all the changes recorded together.
 *
 * A new modseq is max(highest + 1, now in microseconds): if the file is
 * deleted or loses its tail in a crash, modseqs still never go back.
 *
 * Expunges: a message that leaves the view is recorded "X uid modseq"
 * before the session forgets it (maildir_purge_gone). One that another
 * program deleted while nobody watched never was in any view: its message
 * record, read here with no message to go to, makes it an orphan, and an
 * orphan below UIDNEXT that no expunge record covers is recorded expunged
 * at the next write. A new file starts its history at its first modseq
 * (the floor E: what came before is unknown), and past
 * LIMIT_EXPUNGE_HISTORY ranges the older half is folded into the floor.
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "fdio.h"
#include "log.h"
#include "maildir.h"
#include "modseq.h"

#define STATE_TMP	"mdimapd-state.tmp"
#define LINE_MAX_LEN	256
/* Lines appended at once (modseq_sync()). */
#define MODSEQ_APPEND_PIECE	(256 * 1024)

static void
info_parse(const char *s, uint8_t *flags, uint32_t *kw)
{
	char	name[LINE_MAX_LEN + 8];
	size_t	bl, len = strlen(s);

	/* Not snprintf: this runs for every line of the file. */
	if (strcmp(s, "-") == 0 || len > LINE_MAX_LEN)
		len = 0;
	memcpy(name, "x:2,", 4);
	memcpy(name + 4, s, len);
	name[4 + len] = '\0';
	(void)maildir_name_parse(name, &bl, flags, kw);
}

/* A decimal number and the space after it; 0 or -1. */
static int
num_sp(const char **sp, unsigned long long *r)
{
	const char		*s = *sp;
	unsigned long long	 v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (~0ULL - 9) / 10)
			return -1;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	if (*s != ' ')
		return -1;
	*sp = s + 1;
	*r = v;
	return 0;
}

/* "<uid> <modseq> <info>" by hand: sscanf took most of a SELECT's time
 * with 100,000 lines. */
static int
msg_line(const char *s, unsigned long long *uid, unsigned long long *mod,
    char info[LINE_MAX_LEN])
{
	size_t	n;

	if (num_sp(&s, uid) == -1 || num_sp(&s, mod) == -1)
		return -1;
	for (n = 0; s[n] != '\0' && s[n] != ' ' && n < 250; n++)
		info[n] = s[n];
	info[n] = '\0';
	return n > 0 ? 0 : -1;
}

static void
info_write(struct buf *b, uint8_t flags, uint32_t kw)
{
	/* Maildir's letters (maildir.md): MF_* bit i is "DFPRST"[i]. */
	char	info[6 + KEYWORDS_MAX], *p = info;
	int	i;

	for (i = 0; i < 6; i++)
		if (flags & (1u << i))
			*p++ = "DFPRST"[i];
	for (i = 0; kw != 0 && i < KEYWORDS_MAX; i++, kw >>= 1)
		if (kw & 1)
			*p++ = (char)('a' + i);
	if (p == info)
		*p++ = '-';
	(void)buf_add(b, info, (size_t)(p - info));
}

void
modseq_x_add(struct modseq_state *ms, uint32_t lo, uint32_t hi,
    uint64_t modseq)
{
	struct modseq_x	*x;
	size_t		 ncap, i, drop;

	/* Appended in modseq order; merge with the last when adjacent. */
	if (ms->nx > 0) {
		x = &ms->x[ms->nx - 1];
		if (x->hi + 1 == lo && x->modseq <= modseq) {
			x->hi = hi;
			x->modseq = modseq;
			return;
		}
	}
	if (ms->nx == LIMIT_EXPUNGE_HISTORY) {
		/* Fold the older half into the floor (RFC 7162 5.3). */
		drop = LIMIT_EXPUNGE_HISTORY / 2;
		for (i = 0; i < drop; i++)
			if (ms->x[i].modseq > ms->floor)
				ms->floor = ms->x[i].modseq;
		memmove(ms->x, ms->x + drop, (ms->nx - drop) * sizeof(*ms->x));
		ms->nx -= drop;
		ms->summarised = 1;
	}
	if (ms->nx == ms->capx) {
		ncap = ms->capx == 0 ? 64 : ms->capx * 2;
		if ((x = reallocarray(ms->x, ncap, sizeof(*x))) == NULL)
			fatalx("out of memory");
		ms->x = x;
		ms->capx = ncap;
	}
	x = &ms->x[ms->nx++];
	x->lo = lo;
	x->hi = hi;
	x->modseq = modseq;
}

void
modseq_orphan_add(struct modseq_state *ms, uint32_t uid)
{
	uint32_t	*o;
	size_t		 ncap;

	if (ms->norphans == ms->caporphans) {
		ncap = ms->caporphans == 0 ? 16 : ms->caporphans * 2;
		if ((o = reallocarray(ms->orphans, ncap, sizeof(*o))) == NULL)
			fatalx("out of memory");
		ms->orphans = o;
		ms->caporphans = ncap;
	}
	ms->orphans[ms->norphans++] = uid;
}

void
modseq_free(struct modseq_state *ms)
{
	free(ms->x);
	free(ms->orphans);
	memset(ms, 0, sizeof(*ms));
}

static void
parse_line(struct maildir *m, char *line, int *valid)
{
	struct modseq_state	*ms = &m->ms;
	unsigned long long	 a, b, mod;
	unsigned int		 v;
	char			 info[LINE_MAX_LEN];
	long			 idx;
	struct mmsg		*msg;

	if (strncmp(line, "mdimapd-state ", 14) == 0) {
		unsigned long long h, e = 0;
		int	n = sscanf(line + 14, "1 V%u H%llu E%llu", &v, &h, &e);
		if (n < 2) {
			*valid = 0;	/* another version: start anew */
			return;
		}
		ms->uidvalidity = v;
		*valid = v == m->uidvalidity;
		if (*valid && h > ms->highest)
			ms->highest = h;
		if (*valid && e > ms->floor)
			ms->floor = e;
		return;
	}
	if (!*valid)
		return;
	ms->lines++;
	if (line[0] == 'X') {
		if (sscanf(line, "X %llu:%llu %llu", &a, &b, &mod) != 3) {
			if (sscanf(line, "X %llu %llu", &a, &mod) != 2)
				return;
			b = a;
		}
		if (a == 0 || b < a || b > UINT32_MAX)
			return;
		modseq_x_add(ms, (uint32_t)a, (uint32_t)b, mod);
		if (mod > ms->highest)
			ms->highest = mod;
		return;
	}
	if (msg_line(line, &a, &mod, info) == -1 || a == 0 || a > UINT32_MAX)
		return;
	if (mod > ms->highest)
		ms->highest = mod;
	if ((idx = maildir_find_uid(m, (uint32_t)a)) < 0) {
		modseq_orphan_add(ms, (uint32_t)a);
		return;
	}
	msg = &m->msgs[idx];
	if (mod >= msg->modseq) {
		msg->modseq = mod;
		info_parse(info, &msg->rec_flags, &msg->rec_keywords);
		maildir_msg_changed(m, (size_t)idx);
	}
}

/* Read what was appended since the last read (everything if the file is
 * new to us). Returns 0, or -1 (errno). A missing file is not an error.
 * *whole_r: the file ended with the last line read (no line being
 * written, or left unfinished by a crash), as far as this read knows. */
static int
state_read(struct maildir *m, int *valid, int *whole_r)
{
	struct modseq_state	*ms = &m->ms;
	struct stat		 st;
	struct fileid		 id;
	char			 chunk[65536], *nl, *line;
	struct buf		 b;
	ssize_t			 r;
	size_t			 start;
	int			 fd, full;

	*whole_r = 0;
	/* The same file as last read, no longer: nothing new, seen without
	 * opening it (each sync asks, and again under the lock). */
	if (ms->id.ino != 0 && fileid_stat(m->dirfd, MODSEQ_FILE, &st,
	    &id) == 0 && S_ISREG(st.st_mode) && fileid_eq(&id, &ms->id) &&
	    st.st_size == ms->off) {
		*whole_r = 1;
		return 0;
	}
	fd = openat(m->dirfd, MODSEQ_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		*valid = 0;
		return errno == ENOENT ? 0 : -1;
	}
	if (fileid_stat(fd, "", &st, &id) == -1) {
		close(fd);
		return -1;
	}
	full = !fileid_eq(&id, &ms->id) || st.st_size < ms->off;
	if (full) {
		ms->id = id;
		ms->off = 0;
		ms->lines = 0;
		ms->nx = 0;
		ms->floor = 0;
		ms->summarised = 0;
		*valid = 0;
	} else if (st.st_size == ms->off) {
		close(fd);
		*whole_r = 1;
		return 0;
	}
	buf_init(&b, LINE_MAX_LEN + sizeof(chunk));
	if (lseek(fd, ms->off, SEEK_SET) == -1)
		goto fail;
	while ((r = read(fd, chunk, sizeof(chunk))) > 0) {
		if (buf_add(&b, chunk, (size_t)r) == -1)
			buf_reset(&b);	/* an absurd line: drop it */
		for (start = 0; (nl = memchr(b.data + start, '\n',
		    b.len - start)) != NULL; start = (size_t)(nl - b.data) + 1) {
			*nl = '\0';
			line = b.data + start;
			parse_line(m, line, valid);
			ms->off += (off_t)(nl - line) + 1;
		}
		buf_consume(&b, start);
	}
	if (r == -1)
		goto fail;
	buf_free(&b);
	close(fd);
	return 0;
fail:
	buf_free(&b);
	close(fd);
	return -1;
}

static uint64_t
modseq_next(const struct modseq_state *ms)
{
	struct timeval	tv;
	uint64_t	now;

	gettimeofday(&tv, NULL);
	now = (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
	return ms->highest + 1 > now ? ms->highest + 1 : now;
}

static int
needs_record(const struct mmsg *msg)
{
	if (msg->state & MSG_GONE)
		return !(msg->state & MSG_X_RECORDED);
	return msg->modseq == 0 || msg->flags != msg->rec_flags ||
	    msg->keywords != msg->rec_keywords;
}


/* Under the lock: the whole file anew, for every message of the view. */
static int
state_rewrite(struct maildir *m, uint64_t mod)
{
	struct modseq_state	*ms = &m->ms;
	struct buf		 b;
	struct stat		 st;
	struct fileid		 id;
	size_t			 i;
	int			 fd, r = -1;

	buf_init(&b, SIZE_MAX / 2);
	(void)buf_printf(&b, "mdimapd-state 1 V%u H%llu E%llu\n",
	    m->uidvalidity, (unsigned long long)mod,
	    (unsigned long long)ms->floor);
	for (i = 0; i < ms->nx; i++) {
		if (ms->x[i].lo == ms->x[i].hi)
			(void)buf_printf(&b, "X %u %llu\n", ms->x[i].lo,
			    (unsigned long long)ms->x[i].modseq);
		else
			(void)buf_printf(&b, "X %u:%u %llu\n", ms->x[i].lo,
			    ms->x[i].hi, (unsigned long long)ms->x[i].modseq);
	}
	fd = openat(m->dirfd, STATE_TMP, O_WRONLY | O_CREAT | O_TRUNC |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1)
		goto out;
	for (i = 0; i < m->n; i++) {
		struct mmsg *msg = &m->msgs[i];
		if (msg->state & MSG_GONE)
			continue;
		(void)buf_addu(&b, msg->uid);
		(void)buf_addc(&b, ' ');
		(void)buf_addu(&b, msg->modseq);
		(void)buf_addc(&b, ' ');
		info_write(&b, msg->rec_flags, msg->rec_keywords);
		(void)buf_addc(&b, '\n');
		/* Written as it goes: not 100,000 lines in memory. */
		if (b.len >= 64 * 1024) {
			if (fd_write_all(fd, b.data, b.len) == -1)
				break;
			buf_reset(&b);
		}
	}
	if (i < m->n || fd_write_all(fd, b.data, b.len) == -1 ||
	    fileid_stat(fd, "", &st, &id) == -1 ||
	    renameat(m->dirfd, STATE_TMP, m->dirfd, MODSEQ_FILE) == -1) {
		(void)unlinkat(m->dirfd, STATE_TMP, 0);
		close(fd);
		goto out;
	}
	close(fd);
	ms->id = id;
	ms->off = st.st_size;
	ms->lines = ms->nx + m->n;
	ms->uidvalidity = m->uidvalidity;
	ms->summarised = 0;
	r = 0;
out:
	buf_free(&b);
	return r;
}

static int
x_cmp(const void *a, const void *b)
{
	const struct modseq_x	*x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* The expunge history after since (all of it for 0), as ascending,
 * merged UID ranges, in a new array. */
static struct modseq_x *
x_sorted(const struct modseq_state *ms, uint64_t since, size_t *n_r)
{
	struct modseq_x	*r;
	size_t		 i, n = 0;

	if ((r = reallocarray(NULL, ms->nx + 1, sizeof(*r))) == NULL)
		fatalx("out of memory");
	for (i = 0; i < ms->nx; i++)
		if (ms->x[i].modseq > since)
			r[n++] = ms->x[i];
	if (n > 1)
		qsort(r, n, sizeof(*r), x_cmp);
	for (i = 1, *n_r = n > 0; i < n; i++) {
		struct modseq_x *last = &r[*n_r - 1];
		if (r[i].lo <= last->hi || r[i].lo == last->hi + 1) {
			if (r[i].hi > last->hi)
				last->hi = r[i].hi;
		} else
			r[(*n_r)++] = r[i];
	}
	return r;
}

static int
x_covers(const struct modseq_x *r, size_t n, uint32_t uid)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (r[mid].hi < uid)
			lo = mid + 1;
		else if (r[mid].lo > uid)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

static int
uid_cmp(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The orphans (message records without a message in the view) that are
 * expunges to record now: below UIDNEXT (above it they may be messages
 * another process numbered after our listing) and not recorded yet. They
 * are moved to the front of ms->orphans; the count is returned. Orphans
 * that are in the view, or recorded, are dropped.
 */
static size_t
orphans_due(struct maildir *m)
{
	struct modseq_state	*ms = &m->ms;
	struct modseq_x		*r;
	size_t			 i, k, due = 0, nr;
	uint32_t		 next = maildir_uidnext(m), u;

	if (ms->norphans == 0)
		return 0;
	qsort(ms->orphans, ms->norphans, sizeof(*ms->orphans), uid_cmp);
	r = x_sorted(ms, 0, &nr);
	/* due ones first, then those kept for later, each once */
	for (i = k = 0; i < ms->norphans; i++) {
		u = ms->orphans[i];
		if ((k > 0 && ms->orphans[k - 1] == u) ||
		    maildir_find_uid(m, u) >= 0 || x_covers(r, nr, u))
			continue;
		ms->orphans[k++] = u;
	}
	ms->norphans = k;
	for (i = 0; i < k; i++) {
		u = ms->orphans[i];
		if (u < next) {
			ms->orphans[i] = ms->orphans[due];
			ms->orphans[due++] = u;
		}
	}
	free(r);
	return due;
}

/* Append b's lines to the state file (fd: -1 if it could not be
 * opened): kept in *werr if they could not be; b emptied. */
static void
append_piece(int fd, struct modseq_state *ms, struct buf *b, int *werr)
{
	if (*werr || b->len == 0 || fd_write_all(fd, b->data, b->len) == -1)
		*werr |= b->len > 0;
	else
		ms->off += (off_t)b->len;
	buf_reset(b);
}

int
modseq_sync(struct maildir *m)
{
	struct modseq_state	*ms = &m->ms;
	struct buf		 b;
	struct stat		 st;
	size_t			 i, from, need = 0, due, nrec;
	uint64_t		 mod;
	int			 lockfd, r = -1, fd, valid, whole, rewrite;
	int			 werr = 0;

	if (m->uidvalidity == 0) {
		ms->ok = 0;
		return 0;
	}
	valid = ms->id.ino != 0 && ms->uidvalidity == m->uidvalidity;
	if (state_read(m, &valid, &whole) == -1)
		goto fail;
	/* Only from the first message whose flags changed (maildir.c keeps
	 * ms_from), or all if some are gone; from the end, where new
	 * messages are: one is enough to know. */
	from = m->gone > 0 ? 0 : m->ms_from;
	for (i = m->n; i-- > from && need == 0;)
		if (needs_record(&m->msgs[i]))
			need++;
	need += orphans_due(m);
	if (need == 0 && valid && !ms->summarised) {
		m->ms_from = SIZE_MAX;
		ms->ok = 1;
		return 0;
	}
	if ((lockfd = uidlist_lock(m->dirfd)) == -1)
		goto fail;
	/* What others recorded while we waited. */
	if (state_read(m, &valid, &whole) == -1)
		goto out;
	mod = modseq_next(ms);
	if (!valid)
		ms->floor = mod;	/* history starts here */
	buf_init(&b, SIZE_MAX / 2);
	due = orphans_due(m);
	for (i = 0; i < due; i++) {
		/* Deleted while nobody watched (see modseq.h). */
		modseq_x_add(ms, ms->orphans[i], ms->orphans[i], mod);
		(void)buf_printf(&b, "X %u %llu\n", ms->orphans[i],
		    (unsigned long long)mod);
		ms->lines++;
	}
	if (due > 0) {
		memmove(ms->orphans, ms->orphans + due,
		    (ms->norphans - due) * sizeof(*ms->orphans));
		ms->norphans -= due;
	}
	from = m->gone > 0 || !valid ? 0 : m->ms_from;
	m->ms_from = SIZE_MAX;
	/* New, from another UIDVALIDITY, or mostly history: all of it is
	 * written anew (below). Else the lines are appended, a piece of
	 * MODSEQ_APPEND_PIECE at a time (a STORE on 100,000 messages makes
	 * megabytes of them); readers take whole lines only, and nobody else
	 * writes while we hold the lock. */
	for (i = from, nrec = 0; i < m->n; i++)
		nrec += needs_record(&m->msgs[i]);
	rewrite = !valid || ms->summarised || ms->lines + nrec > 4 * m->n +
	    1000;
	fd = -1;
	if (!rewrite) {
		fd = openat(m->dirfd, MODSEQ_FILE, O_WRONLY | O_APPEND |
		    O_NOFOLLOW | O_CLOEXEC);
		/* A crashed writer's unfinished line: end it first. (Read
		 * whole under the lock: there is none, nobody else writes.) */
		if (fd != -1 && !whole && fstat(fd, &st) == 0 &&
		    st.st_size > ms->off && fd_write_all(fd, "\n", 1) == 0)
			ms->off = st.st_size + 1;
		werr = fd == -1;
	}
	for (i = from; i < m->n; i++) {
		struct mmsg *msg = &m->msgs[i];

		if (!needs_record(msg))
			continue;
		if (msg->state & MSG_GONE) {
			modseq_x_add(ms, msg->uid, msg->uid, mod);
			msg->state |= MSG_X_RECORDED;
			msg->modseq = mod;
			if (!rewrite)
				(void)buf_printf(&b, "X %u %llu\n", msg->uid,
				    (unsigned long long)mod);
		} else {
			msg->modseq = mod;
			msg->rec_flags = msg->flags;
			msg->rec_keywords = msg->keywords;
			if (!rewrite) {
				(void)buf_addu(&b, msg->uid);
				(void)buf_addc(&b, ' ');
				(void)buf_addu(&b, mod);
				(void)buf_addc(&b, ' ');
				info_write(&b, msg->rec_flags,
				    msg->rec_keywords);
				(void)buf_addc(&b, '\n');
			}
		}
		ms->lines++;
		if (!rewrite && b.len >= MODSEQ_APPEND_PIECE)
			append_piece(fd, ms, &b, &werr);
	}
	if (rewrite) {
		if ((r = state_rewrite(m, mod)) == 0)
			ms->highest = mod;
	} else {
		append_piece(fd, ms, &b, &werr);
		if (!werr) {
			ms->highest = mod;
			r = 0;
		}
		if (fd != -1)
			close(fd);
	}
	buf_free(&b);
out:
	uidlist_unlock(m->dirfd, lockfd);
	ms->ok = r == 0;
	return r;
fail:
	ms->ok = 0;
	return -1;
}

int
modseq_record(struct maildir *m)
{
	return modseq_sync(m);
}

/* Whether the view holds a message of x's range that the client still
 * sees: gone but not reported yet, or whose file is not where it was. */
static int
x_held(struct maildir *m, const struct modseq_x *x)
{
	struct stat	 st;
	size_t		 lo = 0, hi = m->n, mid;
	struct mmsg	*msg;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (m->msgs[mid].uid < x->lo)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < m->n && m->msgs[lo].uid <= x->hi; lo++) {
		msg = &m->msgs[lo];
		if ((msg->state & MSG_GONE) || fstatat(msg->state &
		    MSG_IN_NEW ? m->newfd : m->curfd, msg->name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1)
			return 1;
	}
	return 0;
}

uint64_t
modseq_highest(struct maildir *m)
{
	struct modseq_state	*ms = &m->ms;
	uint64_t		 h = ms->highest;
	size_t			 i;

	if (!ms->ok)
		return 0;
	/* RFC 7162 6: never past an expunge the client was not told of. */
	for (i = 0; i < ms->nx; i++)
		if (ms->x[i].modseq <= h && x_held(m, &ms->x[i]))
			h = ms->x[i].modseq - 1;
	for (i = 0; i < m->n; i++)
		if ((m->msgs[i].state & MSG_GONE) &&
		    (m->msgs[i].state & MSG_X_RECORDED) &&
		    m->msgs[i].modseq <= h)
			h = m->msgs[i].modseq - 1;
	return h;
}

/* Emit [lo, hi] minus the view's UIDs. */
static void
emit_absent(struct maildir *m, uint32_t lo, uint32_t hi,
    void (*fn)(void *, uint32_t, uint32_t), void *arg)
{
	size_t		a = 0, b = m->n, mid;
	uint32_t	cur = lo;

	while (a < b) {
		mid = (a + b) / 2;
		if (m->msgs[mid].uid < lo)
			a = mid + 1;
		else
			b = mid;
	}
	for (; a < m->n && m->msgs[a].uid <= hi; a++) {
		if (m->msgs[a].uid > cur)
			fn(arg, cur, m->msgs[a].uid - 1);
		cur = m->msgs[a].uid + 1;
		if (cur == 0)
			return;		/* past UINT32_MAX */
	}
	if (cur != 0 && cur <= hi)
		fn(arg, cur, hi);
}

void
modseq_vanished(struct maildir *m, uint64_t since,
    const struct modseq_x *uids, size_t nuids, uint32_t minuid,
    void (*fn)(void *, uint32_t, uint32_t), void *arg)
{
	struct modseq_state	*ms = &m->ms;
	struct modseq_x		*r, all;
	size_t			 nr, i, j = 0;
	uint32_t		 next = maildir_uidnext(m), lo, hi;

	if (next <= 1)
		return;
	if (since < ms->floor) {
		/* Not known one by one: every UID that is not here. */
		all.lo = 1;
		all.hi = next - 1;
		all.modseq = 0;
		r = &all;
		nr = 1;
	} else
		r = x_sorted(ms, since, &nr);
	for (i = 0; i < nr; i++) {
		lo = r[i].lo > minuid ? r[i].lo : minuid;
		hi = r[i].hi < next ? r[i].hi : next - 1;
		if (lo > hi)
			continue;
		if (uids == NULL) {
			emit_absent(m, lo, hi, fn, arg);
			continue;
		}
		/* both ascending: walk the client's ranges along */
		while (j < nuids && uids[j].hi < lo)
			j++;
		for (size_t k = j; k < nuids && uids[k].lo <= hi; k++)
			emit_absent(m, uids[k].lo > lo ? uids[k].lo : lo,
			    uids[k].hi < hi ? uids[k].hi : hi, fn, arg);
	}
	if (r != &all)
		free(r);
}
