/*
 * subscriptions.c: the two name lists kept at the Maildir root, and the
 * special uses a folder has by its name.
 *
 * "subscriptions" is Dovecot's file, so that both servers share one list.
 * Dovecot 2.3 writes a first line "V<TAB>2", an empty line, then one name
 * per line with the hierarchy separator written as a TAB:
 *
 *	V	2
 *
 *	Lists	foo
 *	INBOX
 *
 * Older files (Dovecot before 2.3, Courier-style) hold one name per line
 * as it is. Both are read; the 2.3 form is written. Lines that are not
 * valid names are never listed, but are written back as they were.
 *
 * "mdimapd-specialuse" is ours: the special-use attributes (RFC 6154)
 * given with CREATE name (USE (...)). Its first line is
 * "mdimapd-specialuse 1"; then one line per folder: the folder's name as
 * LIST shows it (modified UTF-7, "." as separator), a TAB, and its
 * attributes as LIST shows them, separated by spaces:
 *
 *	mdimapd-specialuse 1
 *	Outgoing	\Sent
 *	Old.2023	\Archive
 *
 * Attributes not known are ignored; a file with another first line is
 * left alone (read as empty, never rewritten). DELETE removes a folder's
 * line, RENAME renames the lines of the folder and its children.
 *
 * Both files are rewritten as Dovecot rewrites its own: create
 * "<file>.lock" with O_EXCL (a lock older than MAILBOX_LOCK_STALE seconds
 * is stale), read the file, write the new contents into the lock file,
 * fsync it and rename it over the file. Readers never lock and always see
 * a whole file; two writers never lose each other's change.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "dotlock.h"
#include "fdio.h"
#include "log.h"
#include "mailbox.h"

/* log_warn, keeping errno for the caller's reply. */
#define warn_keep(...) do {						\
	int warn_errno_ = errno;					\
	log_warn(__VA_ARGS__);						\
	errno = warn_errno_;						\
} while (0)

#define SUBS_FILE	"subscriptions"
#define SUBS_LOCK	"subscriptions.lock"
#define SUBS_HEADER	"V\t2"
#define USES_FILE	"mdimapd-specialuse"
#define USES_LOCK	"mdimapd-specialuse.lock"
#define USES_HEADER	"mdimapd-specialuse 1"

const struct mailbox_use mailbox_uses[] = {
	{ "\\All",	MBX_USE_ALL },
	{ "\\Archive",	MBX_USE_ARCHIVE },
	{ "\\Drafts",	MBX_USE_DRAFTS },
	{ "\\Flagged",	MBX_USE_FLAGGED },
	{ "\\Junk",	MBX_USE_JUNK },
	{ "\\Sent",	MBX_USE_SENT },
	{ "\\Trash",	MBX_USE_TRASH },
	{ NULL,		0 },
};

unsigned
mailbox_use_bit(const char *name)
{
	const struct mailbox_use	*u;

	for (u = mailbox_uses; u->name != NULL; u++)
		if (strcasecmp(u->name, name) == 0)
			return u->bit;
	return 0;
}

unsigned
mailbox_use_default(const char *name)
{
	static const struct mailbox_use	defaults[] = {
		{ "Archive",	MBX_USE_ARCHIVE },
		{ "Drafts",	MBX_USE_DRAFTS },
		{ "Junk",	MBX_USE_JUNK },
		{ "Sent",	MBX_USE_SENT },
		{ "Trash",	MBX_USE_TRASH },
	};
	size_t				i;

	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (strcasecmp(defaults[i].name, name) == 0)
			return defaults[i].bit;
	return 0;
}

/* The whole file, NUL-terminated; a missing file is empty. */
static int
file_read(int rootfd, const char *file, struct arena *a, char **data_r,
    size_t *len_r)
{
	struct stat	 st;
	char		*p;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, saved;

	*data_r = arena_strdup(a, "");
	*len_r = 0;
	if ((fd = openat(rootfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > MAILBOX_FILE_MAX) {
		saved = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		close(fd);
		errno = saved;
		return -1;
	}
	/* Writers replace the file (rename), never write into it: its size
	 * is the size of what this fd reads. */
	p = arena_alloc(a, (size_t)st.st_size + 1);
	if ((n = fd_read_upto(fd, p, (size_t)st.st_size)) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	len = (size_t)n;
	close(fd);
	p[len] = '\0';
	*data_r = p;
	*len_r = len;
	return 0;
}

/* Write b into the lock file and rename it over file. */
static int
lock_commit(int rootfd, int fd, const char *lock, const char *file,
    const struct buf *b)
{
	if (fd_write_all(fd, b->data, b->len) == -1 || fsync(fd) == -1 ||
	    renameat(rootfd, lock, rootfd, file) == -1) {
		dotlock_release(rootfd, lock, fd);
		return -1;
	}
	(void)close(fd);
	return 0;
}

/* Next line of *p (cut at '\n'), or NULL at the end. */
static char *
next_line(char **p)
{
	char	*line = *p, *nl;

	if (*line == '\0')
		return NULL;
	if ((nl = strchr(line, '\n')) != NULL) {
		*nl = '\0';
		*p = nl + 1;
	} else
		*p = line + strlen(line);
	return line;
}

/* Every name in the file, decoded (TAB to "."), valid ones canonical;
 * valid_r[i] tells which are valid. */
static void
subs_parse(struct arena *a, char *data, char ***names_r,
    unsigned char **valid_r, size_t *n_r)
{
	char		 canon[MAILBOX_NAME_MAX + 1], *line, *q, **v;
	unsigned char	*valid;
	size_t		 n = 0, max = 1;
	int		 v2 = 0;

	for (q = data; *q != '\0'; q++)
		if (*q == '\n')
			max++;
	v = arena_reallocarray(a, NULL, 0, max, sizeof(*v));
	valid = arena_alloc(a, max);
	if (strncmp(data, SUBS_HEADER "\n", strlen(SUBS_HEADER) + 1) == 0) {
		v2 = 1;
		data += strlen(SUBS_HEADER) + 1;
	}
	while ((line = next_line(&data)) != NULL) {
		if (*line == '\0')
			continue;
		if (v2)
			for (q = line; *q != '\0'; q++)
				if (*q == '\t')
					*q = MAILBOX_SEP;
		if (mailbox_name_canon(line, canon, sizeof(canon)) == 0) {
			v[n] = arena_strdup(a, canon);
			valid[n] = 1;
		} else
			v[n] = line;
		n++;
	}
	*names_r = v;
	*valid_r = valid;
	*n_r = n;
}

int
mailbox_subscriptions(int rootfd, struct arena *a, char ***names_r,
    size_t *n_r)
{
	char		 *data, **v;
	unsigned char	 *valid;
	size_t		  len, n, i, j;

	*names_r = NULL;
	*n_r = 0;
	if (file_read(rootfd, SUBS_FILE, a, &data, &len) == -1)
		return -1;
	subs_parse(a, data, &v, &valid, &n);
	for (i = j = 0; i < n; i++)
		if (valid[i])
			v[j++] = v[i];
	*names_r = v;
	*n_r = j;
	return 0;
}

static int
subs_add_line(struct buf *b, const char *name)
{
	const char	*p;

	for (p = name; *p != '\0'; p++)
		if (buf_addc(b, *p == MAILBOX_SEP ? '\t' : *p) == -1)
			return -1;
	return buf_addc(b, '\n');
}

enum mailbox_result
mailbox_subscribe(int rootfd, const char *name, int on)
{
	char			  canon[MAILBOX_NAME_MAX + 1], *data, **v;
	unsigned char		 *valid;
	struct arena		 *a;
	struct buf		  b;
	size_t			  len, n, i;
	int			  fd, found = 0, rc = 0, saved;

	if (mailbox_name_canon(name, canon, sizeof(canon)) == -1)
		return MBX_INVALID;
	if ((fd = dotlock_take(rootfd, SUBS_LOCK, MAILBOX_LOCK_STALE,
	    MAILBOX_LOCK_WAIT)) == -1) {
		warn_keep("lock %s", SUBS_LOCK);
		return MBX_ERROR;
	}
	a = arena_new(4 * MAILBOX_FILE_MAX);
	buf_init(&b, MAILBOX_FILE_MAX);
	if (file_read(rootfd, SUBS_FILE, a, &data, &len) == -1) {
		rc = -1;
		goto done;
	}
	subs_parse(a, data, &v, &valid, &n);
	for (i = 0; i < n; i++)
		if (valid[i] && strcmp(v[i], canon) == 0)
			found = 1;
	if (found == on) {
		dotlock_release(rootfd, SUBS_LOCK, fd);
		fd = -1;
		goto done;
	}
	if (buf_adds(&b, SUBS_HEADER "\n\n") == -1)
		rc = -1;
	for (i = 0; i < n && rc == 0; i++)
		if (!(valid[i] && strcmp(v[i], canon) == 0) &&
		    subs_add_line(&b, v[i]) == -1)
			rc = -1;
	if (rc == 0 && on && subs_add_line(&b, canon) == -1)
		rc = -1;
	if (rc == -1)
		errno = EFBIG;
	else {
		rc = lock_commit(rootfd, fd, SUBS_LOCK, SUBS_FILE, &b);
		fd = -1;
	}
done:
	saved = errno;
	if (fd != -1)
		dotlock_release(rootfd, SUBS_LOCK, fd);
	buf_free(&b);
	arena_free(&a);
	if (rc == -1) {
		errno = saved;
		warn_keep("update %s", SUBS_FILE);
		errno = saved;
		return MBX_ERROR;
	}
	return MBX_OK;
}

/* The stored uses; an unknown first line reads as none, *ours_r = 0. */
static int
uses_load(int rootfd, struct arena *a, struct mailbox_use_rec **r,
    size_t *n_r, int *ours_r)
{
	struct mailbox_use_rec	*v;
	char			 canon[MAILBOX_NAME_MAX + 1], *data, *line;
	char			*tab, *attr, *q;
	size_t			 len, n = 0, max = 1;

	*r = NULL;
	*n_r = 0;
	*ours_r = 1;
	if (file_read(rootfd, USES_FILE, a, &data, &len) == -1)
		return -1;
	if (len == 0)
		return 0;
	if ((line = next_line(&data)) == NULL || strcmp(line, USES_HEADER) != 0) {
		*ours_r = 0;
		return 0;
	}
	for (q = data; *q != '\0'; q++)
		if (*q == '\n')
			max++;
	v = arena_reallocarray(a, NULL, 0, max, sizeof(*v));
	while ((line = next_line(&data)) != NULL) {
		if ((tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		if (mailbox_name_canon(line, canon, sizeof(canon)) == -1)
			continue;
		v[n].name = arena_strdup(a, canon);
		v[n].use = 0;
		for (attr = tab + 1; attr != NULL; ) {
			if ((q = strchr(attr, ' ')) != NULL)
				*q++ = '\0';
			v[n].use |= mailbox_use_bit(attr);
			attr = q;
		}
		if (v[n].use != 0)
			n++;
	}
	*r = v;
	*n_r = n;
	return 0;
}

int
mailbox_uses_read(int rootfd, struct arena *a, struct mailbox_use_rec **r,
    size_t *n_r)
{
	int	ours;

	return uses_load(rootfd, a, r, n_r, &ours);
}

/*
 * Rewrite the stored uses under the lock: set name's to use or, with to
 * not NULL, move name's and its children's to to. Without a change, the
 * file is left as it is.
 */
static int
uses_update(int rootfd, const char *name, unsigned use, const char *to)
{
	struct mailbox_use_rec	*v;
	struct arena		*a;
	struct buf		 b;
	const struct mailbox_use *u;
	size_t			 n, i, k, nlen = strlen(name);
	int			 fd, ours, changed = 0, found = 0, rc = -1, saved;

	if ((fd = dotlock_take(rootfd, USES_LOCK, MAILBOX_LOCK_STALE,
	    MAILBOX_LOCK_WAIT)) == -1)
		return -1;
	a = arena_new(4 * MAILBOX_FILE_MAX);
	buf_init(&b, MAILBOX_FILE_MAX);
	if (uses_load(rootfd, a, &v, &n, &ours) == -1)
		goto done;
	if (!ours) {
		errno = EINVAL;
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (to == NULL) {
			if (strcmp(v[i].name, name) == 0) {
				found = 1;
				changed |= v[i].use != use;
				v[i].use = use;
			}
			continue;
		}
		if (strncmp(v[i].name, name, nlen) != 0 ||
		    (v[i].name[nlen] != '\0' && v[i].name[nlen] != MAILBOX_SEP))
			continue;
		v[i].name = arena_printf(a, "%s%s", to, v[i].name + nlen);
		changed = 1;
		if (strlen(v[i].name) > MAILBOX_NAME_MAX)
			v[i].use = 0;
		/* A stale line for the new name goes. */
		for (k = 0; k < n; k++)
			if (k != i && strcmp(v[k].name, v[i].name) == 0)
				v[k].use = 0;
	}
	if (to == NULL && !found && use != 0) {
		v = arena_reallocarray(a, v, n, n + 1, sizeof(*v));
		v[n].name = arena_strdup(a, name);
		v[n++].use = use;
		changed = 1;
	}
	if (!changed) {
		rc = 0;
		goto done;
	}
	if (buf_adds(&b, USES_HEADER "\n") == -1)
		goto toobig;
	for (i = 0; i < n; i++) {
		if (v[i].use == 0)
			continue;
		if (buf_adds(&b, v[i].name) == -1)
			goto toobig;
		k = 0;
		for (u = mailbox_uses; u->name != NULL; u++)
			if ((v[i].use & u->bit) &&
			    buf_printf(&b, "%c%s", k++ ? ' ' : '\t',
			    u->name) == -1)
				goto toobig;
		if (buf_addc(&b, '\n') == -1)
			goto toobig;
	}
	rc = lock_commit(rootfd, fd, USES_LOCK, USES_FILE, &b);
	fd = -1;
	goto done;
toobig:
	errno = EFBIG;
done:
	saved = errno;
	if (fd != -1)
		dotlock_release(rootfd, USES_LOCK, fd);
	buf_free(&b);
	arena_free(&a);
	errno = saved;
	return rc;
}

/* Whether the stored uses mention name (or, with tree, its children). */
static int
uses_mention(int rootfd, const char *name, int tree, unsigned *use_r)
{
	struct mailbox_use_rec	*v;
	struct arena		*a;
	size_t			 n, i, len = strlen(name);
	int			 ours, found = -1, saved;

	*use_r = 0;
	a = arena_new(4 * MAILBOX_FILE_MAX);
	if (uses_load(rootfd, a, &v, &n, &ours) == 0) {
		found = 0;
		for (i = 0; i < n; i++)
			if (strncmp(v[i].name, name, len) == 0 &&
			    (v[i].name[len] == '\0' || (tree &&
			    v[i].name[len] == MAILBOX_SEP))) {
				found = 1;
				if (v[i].name[len] == '\0')
					*use_r = v[i].use;
			}
	}
	saved = errno;
	arena_free(&a);
	errno = saved;
	return found;
}

int
mailbox_uses_set(int rootfd, const char *name, unsigned use)
{
	unsigned	cur;

	/* Most folders have no line: no lock taken for them. */
	use &= MBX_USE_SETTABLE;
	if (uses_mention(rootfd, name, 0, &cur) == -1)
		return -1;
	if (cur == use)
		return 0;
	return uses_update(rootfd, name, use, NULL);
}

int
mailbox_uses_move(int rootfd, const char *from, const char *to)
{
	unsigned	cur;
	int		m;

	if ((m = uses_mention(rootfd, from, 1, &cur)) <= 0)
		return m;
	return uses_update(rootfd, from, 0, to);
}
