/*
 * maildir_ops.c: what is done to messages of an open folder: flags (a
 * rename), reading, sizes, expunge (unlink), delivery (tmp/ then cur/) and
 * copy (hard links). Every write goes to tmp/ first and is fsync()ed before
 * it is linked in; UIDs are handed out under the uidlist lock with the file
 * already in cur/, so a crash leaves a message with or without a UID (it
 * gets one at the next sync), never a UID without its message.
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crlf.h"
#include "fdio.h"
#include "log.h"
#include "maildir.h"
#include "objectid.h"
#include "maildir_int.h"
#include "quota.h"

struct maildir_save {
	struct maildir	*m;		/* the folder: its tmp/ and cur/ */
	int		 fd;
	char		*base;
	uint64_t	 size;		/* written so far */
	uint64_t	 vsize;		/* the same with CRLF line ends */
	int		 prev_cr;	/* the last byte written was a CR */
};

char *
maildir_unique_base(void)
{
	static unsigned	 counter;
	static char	 host[256];
	struct timeval	 tv;
	char		*s, *p, *h;
	size_t		 i;

	if (host[0] == '\0') {
		if (gethostname(host, sizeof(host) - 1) == -1 || host[0] == '\0')
			strlcpy(host, "localhost", sizeof(host));
		host[sizeof(host) - 1] = '\0';
	}
	/* "/" and ":" cannot be in the host part (maildir.md). */
	if ((h = malloc(strlen(host) * 4 + 1)) == NULL)
		fatalx("out of memory");
	for (i = 0, p = h; host[i] != '\0'; i++) {
		if (host[i] == '/')
			p += snprintf(p, 5, "\\057");
		else if (host[i] == ':')
			p += snprintf(p, 5, "\\072");
		else
			*p++ = host[i];
	}
	*p = '\0';
	gettimeofday(&tv, NULL);
	if (asprintf(&s, "%lld.M%06ldP%ldQ%u.%s", (long long)tv.tv_sec,
	    (long)tv.tv_usec, (long)getpid(), ++counter, h) == -1)
		fatalx("out of memory");
	free(h);
	return s;
}

/* Find the message's file again after another process renamed it. */
int
maildir_relocate(struct maildir *m, size_t idx)
{
	struct mmsg	*msg = &m->msgs[idx];
	size_t		 bl = maildir_baselen(msg->name);
	int		 fds[2] = { m->curfd, m->newfd }, i, dfd;
	DIR		*d;
	struct dirent	*de;

	for (i = 0; i < 2; i++) {
		if ((dfd = dup(fds[i])) == -1)
			return -1;
		if ((d = fdopendir(dfd)) == NULL) {
			close(dfd);
			return -1;
		}
		rewinddir(d);
		while ((de = readdir(d)) != NULL) {
			if (maildir_baselen(de->d_name) != bl ||
			    memcmp(de->d_name, msg->name, bl) != 0)
				continue;
			maildir_msg_rename(m, msg, de->d_name);
			if (i == 1) {
				msg->state |= MSG_IN_NEW;
				if (idx < m->new_from)
					m->new_from = idx;
			} else
				msg->state &= ~MSG_IN_NEW;
			(void)maildir_name_parse(msg->name, &bl, &msg->flags,
			    &msg->keywords);
			maildir_msg_changed(m, idx);
			closedir(d);
			return 0;
		}
		closedir(d);
	}
	errno = ENOENT;
	return 1;
}

int
maildir_change_flags(struct maildir *m, size_t idx, uint8_t clear,
    uint32_t clear_kw, uint8_t set, uint32_t set_kw)
{
	struct mmsg	*msg = &m->msgs[idx];
	struct stat	 st;
	char		*to;
	uint8_t		 flags;
	uint32_t	 keywords;
	int		 tries, r;

	if (msg->state & MSG_GONE)
		return 1;
	for (tries = 0; tries < 3; tries++) {
		/* From the flags the file has now: another process may have
		 * renamed it since our last sync (found by relocate). */
		flags = (uint8_t)((msg->flags & ~clear) | set);
		keywords = (msg->keywords & ~clear_kw) | set_kw;
		if (msg->flags == flags && msg->keywords == keywords &&
		    !(msg->state & MSG_IN_NEW)) {
			/* Nothing to do, if the name we know is still the
			 * file's: else its flags changed behind us. */
			if (fstatat(m->curfd, msg->name, &st,
			    AT_SYMLINK_NOFOLLOW) == 0)
				return 0;
			if (errno != ENOENT)
				return -1;
			if ((r = maildir_relocate(m, idx)) != 0)
				return r;
			continue;
		}
		to = maildir_name_make(msg->name, maildir_baselen(msg->name),
		    flags, keywords);
		if (renameat(msg->state & MSG_IN_NEW ? m->newfd : m->curfd,
		    msg->name, m->curfd, to) == 0) {
			maildir_msg_rename(m, msg, to);
			free(to);
			msg->flags = flags;
			msg->keywords = keywords;
			maildir_msg_changed(m, idx);
			msg->state &= ~MSG_IN_NEW;
			return 0;
		}
		free(to);
		if (errno != ENOENT)
			return -1;
		if ((r = maildir_relocate(m, idx)) != 0)
			return r;
	}
	errno = EAGAIN;
	return -1;
}

int
maildir_open_msg(struct maildir *m, size_t idx)
{
	struct stat	st;

	return maildir_open_msg_stat(m, idx, &st);
}

int
maildir_open_msg_stat(struct maildir *m, size_t idx, struct stat *st_r)
{
	struct mmsg	*msg = &m->msgs[idx];
	int		 fd, tries, r;

	for (tries = 0; tries < 3; tries++) {
		fd = openat(msg->state & MSG_IN_NEW ? m->newfd : m->curfd,
		    msg->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd != -1) {
			if (st_r != NULL && (fstat(fd, st_r) == -1 ||
			    !S_ISREG(st_r->st_mode))) {
				close(fd);
				errno = EINVAL;
				return -1;
			}
			return fd;
		}
		if (errno != ENOENT)
			return -1;
		if ((r = maildir_relocate(m, idx)) != 0)
			return -1;
	}
	errno = ENOENT;
	return -1;
}

int
maildir_name_size(const char *name, const char *key, uint64_t *r)
{
	return maildir_name_size_in(name, maildir_baselen(name), key, r);
}

int
maildir_name_size_in(const char *name, size_t bl, const char *key,
    uint64_t *r)
{
	const char	*p;
	size_t		 kl, n = 0, i;
	uint64_t	 v = 0;
	unsigned	 d;

	/* The first key in the base name (found by its first byte: a
	 * comma, rare in names), then its digits. (The key, a few bytes,
	 * compared by hand: this runs for every message of a SORT.) */
	for (kl = 0; key[kl] != '\0'; kl++)
		;
	for (p = name; (p = memchr(p, key[0], bl - (size_t)(p - name))) !=
	    NULL; p++) {
		if (bl - (size_t)(p - name) < kl)
			continue;
		for (i = 1; i < kl && p[i] == key[i]; i++)
			;
		if (i == kl)
			break;
	}
	if (p == NULL)
		return -1;
	for (p += kl; (d = (unsigned)(unsigned char)*p - '0') <= 9; p++, n++) {
		/* (19 digits cannot overflow: only past them, a check) */
		if (n >= 19 && v > (UINT64_MAX - d) / 10)
			return -1;	/* too large to be a size */
		v = v * 10 + d;
	}
	if (n == 0)
		return -1;	/* no digits */
	*r = v;
	return 0;
}

int
maildir_vsize(struct maildir *m, size_t idx, uint64_t *r)
{
	struct mmsg	*msg = &m->msgs[idx];
	char		 buf[65536];
	ssize_t		 n;
	uint64_t	 size = 0;
	int		 fd, prev_cr = 0;

	if (msg->vsize != 0 || maildir_name_size(msg->name, ",W=", &msg->vsize) == 0) {
		*r = msg->vsize;
		return 0;
	}
	if ((fd = maildir_open_msg(m, idx)) == -1)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		size += (uint64_t)n + crlf_extra(buf, (size_t)n,
		    &prev_cr);
	close(fd);
	if (n == -1)
		return -1;
	msg->vsize = size;
	*r = size;
	return 0;
}

int
maildir_internaldate(struct maildir *m, size_t idx, time_t *r)
{
	struct mmsg	*msg = &m->msgs[idx];
	struct stat	 st;
	int		 tries, rr;

	for (tries = 0; tries < 3; tries++) {
		if (fstatat(msg->state & MSG_IN_NEW ? m->newfd : m->curfd,
		    msg->name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			*r = st.st_mtime;
			return 0;
		}
		if (errno != ENOENT)
			return -1;
		if ((rr = maildir_relocate(m, idx)) != 0)
			return -1;
	}
	return -1;
}

int
maildir_expunge(struct maildir *m, int (*uids)(void *, uint32_t), void *arg)
{
	struct mmsg	*msg;
	size_t		 i;
	uint64_t	 size;
	int64_t		 bytes = 0, count = 0;
	int		 r = 0, rr;

	for (i = 0; i < m->n; i++) {
		msg = &m->msgs[i];
		if ((msg->state & MSG_GONE) || !(msg->flags & MF_DELETED))
			continue;
		if (uids != NULL && !uids(arg, msg->uid))
			continue;
		/* Its size for maildirsize, from the name or the file. */
		if (quota_msg_size(msg->state & MSG_IN_NEW ? m->newfd :
		    m->curfd, msg->name, &size) == -1)
			size = 0;
		if (unlinkat(msg->state & MSG_IN_NEW ? m->newfd : m->curfd,
		    msg->name, 0) == -1) {
			if (errno != ENOENT) {
				r = -1;
				continue;
			}
			/* Renamed meanwhile: look again, maybe undeleted
			 * (then it stays), maybe removed by another process
			 * (then the change to maildirsize is that one's). */
			if ((rr = maildir_relocate(m, i)) == -1)
				continue;
			if (rr == 0 && !(msg->flags & MF_DELETED))
				continue;
			if (rr == 0 && quota_msg_size(msg->state & MSG_IN_NEW ?
			    m->newfd : m->curfd, msg->name, &size) == -1)
				size = 0;
			if (rr == 1 || unlinkat(msg->state & MSG_IN_NEW ?
			    m->newfd : m->curfd, msg->name, 0) == -1) {
				if (rr == 0 && errno != ENOENT)
					continue;
				size = UINT64_MAX;
			}
		}
		if (size != UINT64_MAX) {
			bytes += (int64_t)size;
			count++;
		}
		msg->state |= MSG_GONE;
		if (msg->state & MSG_RECENT) {
			msg->state &= ~MSG_RECENT;
			m->recent--;
		}
		m->gone++;
	}
	if (m->gone > 0)
		(void)fsync(m->curfd);
	quota_add(m->rootfd, -bytes, -count);
	return r;
}

/* --- delivery ------------------------------------------------------- */

struct maildir_save *
maildir_save_begin(struct maildir *m)
{
	struct maildir_save	*sv;
	int			 tries;

	if ((sv = calloc(1, sizeof(*sv))) == NULL)
		fatalx("out of memory");
	sv->m = m;
	sv->fd = -1;
	/* The folder's own tmp/ (open since it was opened): no path to
	 * look up again for each message. */
	for (tries = 0; tries < 10; tries++) {
		free(sv->base);
		sv->base = maildir_unique_base();
		sv->fd = openat(m->tmpfd, sv->base, O_RDWR | O_CREAT |
		    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (sv->fd != -1 || errno != EEXIST)
			break;
	}
	if (sv->fd == -1) {
		free(sv->base);
		free(sv);
		return NULL;
	}
	return sv;
}

int
maildir_save_write(struct maildir_save *sv, const char *buf, size_t n)
{
	if (fd_write_all(sv->fd, buf, n) == -1)
		return -1;
	/* RFC822.SIZE counted as it is written: no reading it back. */
	sv->size += n;
	sv->vsize += n + crlf_extra(buf, n, &sv->prev_cr);
	return 0;
}

static void
save_free(struct maildir_save *sv)
{
	if (sv->fd != -1)
		close(sv->fd);
	free(sv->base);
	free(sv);
}

void
maildir_save_abort(struct maildir_save **svp)
{
	struct maildir_save	*sv = *svp;

	if (sv == NULL)
		return;
	if (sv->base != NULL && sv->fd != -1)
		(void)unlinkat(sv->m->tmpfd, sv->base, 0);
	save_free(sv);
	*svp = NULL;
}

int
maildir_save_commit(struct maildir_save **svp, uint8_t flags,
    const char *const *keywords, size_t nkeywords, time_t internaldate,
    uint32_t *uidvalidity_r, uint32_t *uid_r)
{
	struct maildir_save	*sv = *svp;
	struct maildir		*m = sv->m;
	struct timespec		 ts[2];
	uint32_t		 kw = 0;
	char			*base, *name;
	const char		*names[1];
	size_t			 i;
	int			 saved, idx;

	*svp = NULL;
	if (fsync(sv->fd) == -1)
		goto fail;
	if (internaldate != (time_t)-1) {
		ts[0].tv_sec = ts[1].tv_sec = internaldate;
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		if (futimens(sv->fd, ts) == -1)
			goto fail;
	}
	/* Over quota: EDQUOT, nothing saved (RFC 9208 4.3.1). */
	if (quota_check(m->rootfd, sv->size, 1) != 0)
		goto fail;
	for (i = 0; i < nkeywords; i++) {
		if ((idx = maildir_keyword(m, keywords[i], 1)) < 0) {
			if (idx == -1)
				errno = EMLINK;	/* no letter left for it */
			goto fail;
		}
		kw |= 1u << idx;
	}
	if (asprintf(&base, "%s,S=%llu,W=%llu", sv->base,
	    (unsigned long long)sv->size, (unsigned long long)sv->vsize) == -1)
		fatalx("out of memory");
	name = maildir_name_make(base, strlen(base), flags & MF_ALL, kw);
	free(base);
	if (linkat(m->tmpfd, sv->base, m->curfd, name, 0) == -1) {
		free(name);
		goto fail;
	}
	(void)fsync(m->curfd);
	(void)unlinkat(m->tmpfd, sv->base, 0);
	quota_add(m->rootfd, (int64_t)sv->size, 1);
	names[0] = name;
	if (maildir_assign(m, names, 1, uid_r) == -1) {
		/* The message is in; it gets its UID at the next sync. */
		saved = errno;
		free(name);
		*uidvalidity_r = m->uidvalidity;
		save_free(sv);
		errno = saved;
		return 1;
	}
	if (m->uidvalidity == 0)
		m->uidvalidity = m->ul.uidvalidity;
	*uidvalidity_r = m->uidvalidity;
	free(name);
	save_free(sv);
	return 0;
fail:
	saved = errno;
	*svp = sv;
	maildir_save_abort(svp);
	errno = saved;
	return -1;
}

int
maildir_copy(struct maildir *src, const size_t *idx, size_t n,
    struct maildir *d, int move, uint32_t *uidvalidity_r, uint32_t *uids_r)
{
	char		**names, *base, *s;
	uint64_t	 size = 0, vsize, total = 0;
	struct stat	 st;
	size_t		 i, k, j;
	uint32_t	 kw;
	int		 saved, ki, r = -1, fd;

	/* A copy must fit the quota whole, or nothing is copied (RFC 9208
	 * 4.3.1); a move within the Maildir changes no usage. */
	for (i = 0; !move && i < n; i++) {
		struct mmsg *msg = &src->msgs[idx[i]];
		if (quota_msg_size(msg->state & MSG_IN_NEW ? src->newfd :
		    src->curfd, msg->name, &size) == 0)
			total += size;
	}
	if (!move && quota_check(src->rootfd, total, n) != 0)
		return -1;
	total = 0;
	if ((names = calloc(n + 1, sizeof(*names))) == NULL)
		fatalx("out of memory");
	for (i = k = 0; i < n; i++) {
		struct mmsg *msg = &src->msgs[idx[i]];
		/* Keywords by name: the folders' letters differ. */
		kw = 0;
		for (j = 0; j < KEYWORDS_MAX; j++) {
			if (!(msg->keywords & (1u << j)) ||
			    src->keywords[j] == NULL)
				continue;
			if ((ki = maildir_keyword(d, src->keywords[j], 1)) >= 0)
				kw |= 1u << ki;
		}
		if (maildir_vsize(src, idx[i], &vsize) == -1)
			goto fail;
		if (fstatat(msg->state & MSG_IN_NEW ? src->newfd : src->curfd,
		    msg->name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			goto fail;
		size = (uint64_t)st.st_size;
		total += size;
		s = maildir_unique_base();
		if (asprintf(&base, "%s,S=%llu,W=%llu", s,
		    (unsigned long long)size, (unsigned long long)vsize) == -1)
			fatalx("out of memory");
		free(s);
		names[k] = maildir_name_make(base, strlen(base),
		    msg->flags, kw);
		free(base);
		if (move) {
			if (renameat(msg->state & MSG_IN_NEW ? src->newfd :
			    src->curfd, msg->name, d->curfd, names[k]) == -1) {
				free(names[k]);
				names[k] = NULL;
				goto fail;
			}
		} else if (linkat(msg->state & MSG_IN_NEW ? src->newfd :
		    src->curfd, msg->name, d->curfd, names[k], 0) == -1) {
			/* No hard links here (or across devices): copy. */
			if ((fd = maildir_open_msg(src, idx[i])) == -1)
				goto fail;
			r = 0;
			{
				int out = openat(d->tmpfd, names[k], O_WRONLY |
				    O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				    0600);
				char buf[65536];
				ssize_t rn;
				if (out == -1) {
					close(fd);
					goto fail;
				}
				while ((rn = read(fd, buf, sizeof(buf))) > 0)
					if (write(out, buf, (size_t)rn) != rn) {
						rn = -1;
						break;
					}
				/* INTERNALDATE is the file's mtime: keep it. */
				if (rn != -1 && fstat(fd, &st) == 0) {
					struct timespec ts[2];
					ts[0] = st.st_atim;
					ts[1] = st.st_mtim;
					(void)futimens(out, ts);
				}
				if (rn == -1 || fsync(out) == -1 ||
				    linkat(d->tmpfd, names[k], d->curfd,
				    names[k], 0) == -1)
					r = -1;
				(void)unlinkat(d->tmpfd, names[k], 0);
				close(out);
				close(fd);
			}
			if (r == -1)
				goto fail;
		}
		k++;
	}
	(void)fsync(d->curfd);
	if (move)
		(void)fsync(src->curfd);
	if (maildir_assign(d, (const char *const *)names, k, uids_r) == -1)
		goto fail;
	if (!move)
		quota_add(d->rootfd, (int64_t)total, (int64_t)k);
	if (move) {
		for (i = 0; i < n; i++) {
			struct mmsg *msg = &src->msgs[idx[i]];
			if (msg->state & MSG_GONE)
				continue;
			msg->state |= MSG_GONE;
			src->gone++;
			if (msg->state & MSG_RECENT) {
				msg->state &= ~MSG_RECENT;
				src->recent--;
			}
		}
	}
	*uidvalidity_r = d->uidvalidity != 0 ? d->uidvalidity :
	    d->ul.uidvalidity;
	r = 0;
	goto out;
fail:
	/* Undo: no half copy is left behind, and moved files go back. */
	saved = errno;
	for (i = 0; i < k; i++) {
		struct mmsg *msg = &src->msgs[idx[i]];
		if (!move)
			(void)unlinkat(d->curfd, names[i], 0);
		else if (renameat(d->curfd, names[i], msg->state & MSG_IN_NEW ?
		    src->newfd : src->curfd, msg->name) == -1)
			log_warn("%s: cannot move back %s", src->name,
			    names[i]);
	}
	errno = saved;
	r = -1;
out:
	saved = errno;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	errno = saved;
	return r;
}

int
maildir_status(int rootfd, const char *dirname, unsigned want,
    struct maildir_status *st)
{
	struct maildir	*m;
	struct mmsg	*msg;
	size_t		 i;
	uint64_t	 vsize, size;

	if ((m = maildir_open(rootfd, dirname, dirname, 1)) == NULL)
		return -1;
	memset(st, 0, sizeof(*st));
	st->messages = (uint32_t)m->n;
	st->recent = (uint32_t)m->recent;
	st->uidnext = maildir_uidnext(m);
	st->uidvalidity = m->uidvalidity;
	st->highestmodseq = modseq_highest(m);
	objectid_mailbox(m, st->mailboxid);
	for (i = 0; i < m->n; i++) {
		if (!(m->msgs[i].flags & MF_SEEN))
			st->unseen++;
		/* Without ,W= in the name a size means reading the file:
		 * only when SIZE is asked for. */
		if ((want & MST_SIZE) && maildir_vsize(m, i, &vsize) == 0)
			st->size += vsize;
		msg = &m->msgs[i];
		if (!(msg->flags & MF_DELETED))
			continue;
		st->deleted++;
		/* RFC 9208 4.1.4: what EXPUNGE would give back. */
		if ((want & MST_DELETED_SIZE) && quota_msg_size(msg->state &
		    MSG_IN_NEW ? m->newfd : m->curfd, msg->name, &size) == 0)
			st->deleted_size += size;
	}
	maildir_close(&m);
	return 0;
}
