/*
 * mailbox.c: folder names and the operations that change the folder tree:
 * CREATE, DELETE, RENAME. Listing is in mailbox_list.c, subscriptions and
 * special uses in subscriptions.c.
 *
 * Crash safety and races. Other processes (the user's other sessions,
 * Dovecot, the MDA) work on the same Maildir, so nothing here assumes that
 * what it checked a moment ago still holds:
 *  - Work in progress is staged in the root's tmp/ (INBOX's, on the same
 *    file system, where no Maildir reader looks for folders; Dovecot lists
 *    anything at the root that starts with "."). Without a usable tmp/,
 *    it is staged at the root under "..mdimapd-...", a name no folder can
 *    have (no folder name starts with the separator).
 *  - A folder is created as tmp/mdimapd-create.<pid>.<random> (cur/ new/
 *    tmp/ and maildirfolder inside, fsynced), then renamed into place with
 *    RENAME_NOREPLACE: another process never sees half a folder, and two
 *    creators of one name cannot both succeed.
 *  - A folder is deleted by renaming it first to
 *    tmp/mdimapd-deleted.<pid>.<random>, then removing that tree. From the
 *    rename on, the folder is gone for everyone; what a crash leaves while
 *    removing is no folder, and a later DELETE removes it once it is
 *    MAILBOX_LEFTOVER_AGE old.
 *  - RENAME moves the folder, then each child, one rename(2) each, undoing
 *    what it did if one fails. Between the renames another process may see
 *    some children moved and some not; nothing is lost either way.
 *  - Renaming INBOX creates the new folder, then moves each message file
 *    from the root's cur/ and new/ with rename(2): every message is in one
 *    place or the other at every moment. INBOX's dovecot-uidlist stays
 *    (the new folder numbers the messages afresh: a new UIDVALIDITY) and
 *    its dovecot-keywords is copied, so keyword letters keep their meaning.
 * Nothing follows a symbolic link: every path is opened one component at a
 * time from the root fd with O_NOFOLLOW, and a folder must be a directory.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "fdio.h"
#include "log.h"
#include "mailbox.h"
#include "mutf7.h"
#include "quota.h"

/* log_warn, keeping errno for the caller's reply. */
#define warn_keep(...) do {						\
	int warn_errno_ = errno;					\
	log_warn(__VA_ARGS__);						\
	errno = warn_errno_;						\
} while (0)

/* Staging names: in tmp/, or at the root (see the top of the file). */
#define STAGE_TMP	"mdimapd-"
#define STAGE_ROOT	"..mdimapd-"
/* Nesting removed below a deleted folder (a Maildir needs 2). */
#define RM_DEPTH_MAX	16
/* dovecot-keywords copied when INBOX is renamed: 26 short lines. */
#define KEYWORDS_MAX_SIZE (64 * 1024)

const char *
mailbox_name_invalid(const char *name)
{
	size_t		 len = strlen(name), i;
	unsigned char	 c;

	if (len == 0)
		return "Empty name";
	if (len > MAILBOX_NAME_MAX)
		return "Name too long";
	for (i = 0; i < len; i++) {
		c = (unsigned char)name[i];
		if (c == '/')
			return "Contains '/'";
		if (c < 0x20 || c == 0x7f)
			return "Contains control characters";
		if (c >= 0x80)
			return "Contains 8-bit characters";
	}
	if (name[0] == MAILBOX_SEP)
		return "Begins with the hierarchy separator";
	if (name[len - 1] == MAILBOX_SEP)
		return "Ends with the hierarchy separator";
	if (strstr(name, "..") != NULL)
		return "Has adjacent hierarchy separators";
	if (!mutf7_valid(name, len))
		return "Not valid modified UTF-7";
	return NULL;
}

int
mailbox_is_inbox(const char *name)
{
	return strcasecmp(name, MAILBOX_INBOX) == 0;
}

int
mailbox_name_canon(const char *name, char *out, size_t outsize)
{
	size_t	len = strlen(name);

	if (mailbox_name_invalid(name) != NULL || len >= outsize)
		return -1;
	memcpy(out, name, len + 1);
	/* The first component "inbox" in any case is INBOX. */
	if (len >= 5 && strncasecmp(out, MAILBOX_INBOX, 5) == 0 &&
	    (out[5] == '\0' || out[5] == MAILBOX_SEP))
		memcpy(out, MAILBOX_INBOX, 5);
	return 0;
}

int
mailbox_dirname(const char *name, char *out, size_t outsize)
{
	if (outsize == 0 || mailbox_name_invalid(name) != NULL)
		return -1;
	if (mailbox_is_inbox(name)) {
		out[0] = '\0';
		return 0;
	}
	if (outsize < 2 || mailbox_name_canon(name, out + 1, outsize - 1) == -1)
		return -1;
	out[0] = '.';
	return 0;
}

/* Whether dirname names a real directory (not a symbolic link): 1, 0, or
 * -1 on a system error. */
static int
is_dir(int rootfd, const char *dirname)
{
	struct stat	st;

	if (fstatat(rootfd, dirname, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	return S_ISDIR(st.st_mode) ? 1 : 0;
}

int
mailbox_exists(int rootfd, const char *name)
{
	char	dir[MAILBOX_NAME_MAX + 2];

	if (mailbox_dirname(name, dir, sizeof(dir)) == -1)
		return 0;
	if (dir[0] == '\0')
		return 1;
	return is_dir(rootfd, dir);
}

/*
 * The folder name of a root directory entry, or NULL if the entry is not
 * a folder's: it must be "." + a valid canonical name other than INBOX
 * (".Inbox.x" or ".a..b" are not folders: no name leads there).
 */
const char *
mailbox_entry_name(const char *d_name)
{
	char	canon[MAILBOX_NAME_MAX + 1];

	if (d_name[0] != '.' || mailbox_is_inbox(d_name + 1) ||
	    mailbox_name_canon(d_name + 1, canon, sizeof(canon)) == -1 ||
	    strcmp(canon, d_name + 1) != 0)
		return NULL;
	return d_name + 1;
}

int
mailbox_folders(int rootfd, struct arena *a, char ***names_r, size_t *n_r)
{
	DIR		 *d;
	struct dirent	 *de;
	const char	 *name;
	char		**v = NULL;
	size_t		  n = 0, cap = 0;
	int		  fd, isdir, saved;

	*names_r = NULL;
	*n_r = 0;
	if ((fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if ((name = mailbox_entry_name(de->d_name)) == NULL)
			continue;
		if (de->d_type == DT_DIR)
			isdir = 1;
		else if (de->d_type == DT_UNKNOWN)
			isdir = is_dir(fd, de->d_name) == 1;
		else
			isdir = 0;	/* symbolic links included */
		if (!isdir)
			continue;
		if (n >= MAILBOX_LIST_MAX) {
			closedir(d);
			errno = E2BIG;
			return -1;
		}
		if (n == cap) {
			v = arena_reallocarray(a, v, cap, cap ? cap * 2 : 64,
			    sizeof(*v));
			cap = cap ? cap * 2 : 64;
		}
		v[n++] = arena_strdup(a, name);
	}
	saved = errno;
	closedir(d);
	if (saved != 0) {
		errno = saved;
		return -1;
	}
	*names_r = v;
	*n_r = n;
	return 0;
}

/* rename(2) that refuses to replace: an existing empty directory would
 * otherwise be replaced silently. */
static int
rename_noreplace(int fromfd, const char *from, int tofd, const char *to)
{
	struct stat	st;

#ifdef RENAME_NOREPLACE
	if (renameat2(fromfd, from, tofd, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
#endif
	/* The file system cannot: check, then rename (a small race). */
	if (fstatat(tofd, to, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	if (errno != ENOENT)
		return -1;
	return renameat(fromfd, from, tofd, to);
}

/* Remove name under parentfd and everything below it, never following a
 * symbolic link. Returns 0 or -1 (what could be removed is). */
static int
rm_tree(int parentfd, const char *name, int depth)
{
	DIR		*d;
	struct dirent	*de;
	int		 fd, rc = 0;

	fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOTDIR || errno == ELOOP)
			return unlinkat(parentfd, name, 0) == -1 &&
			    errno != ENOENT ? -1 : 0;
		return errno == ENOENT ? 0 : -1;
	}
	if (depth >= RM_DEPTH_MAX || (d = fdopendir(fd)) == NULL) {
		close(fd);
		errno = ELOOP;
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN) {
			if (rm_tree(fd, de->d_name, depth + 1) == -1)
				rc = -1;
		} else if (unlinkat(fd, de->d_name, 0) == -1 && errno != ENOENT)
			rc = -1;
	}
	closedir(d);
	if (unlinkat(parentfd, name, AT_REMOVEDIR) == -1 && errno != ENOENT)
		rc = -1;
	return rc;
}

/* Remove what crashed CREATEs and DELETEs left in dirfd (entries named
 * prefix...), once it is old enough that no live process works on it. */
static void
leftovers_remove(int dirfd, const char *prefix)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	int		 fd;
	time_t		 now = time(NULL);

	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISDIR(st.st_mode) ||
		    now - st.st_mtime < MAILBOX_LEFTOVER_AGE)
			continue;
		log_info("removing leftover %s", de->d_name);
		if (rm_tree(fd, de->d_name, 0) == -1)
			warn_keep("remove %s", de->d_name);
	}
	closedir(d);
}

/*
 * Where to stage: the root's tmp/ (root_only 0), else the root itself.
 * Returns a directory fd (to close) and a fresh name in name_r.
 */
static int
stage_open(int rootfd, int root_only, const char *what, char *name_r,
    size_t size)
{
	int	fd = -1;

	if (!root_only)
		fd = openat(rootfd, "tmp", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	(void)snprintf(name_r, size, "%s%s.%ld.%08x", fd != -1 ? STAGE_TMP :
	    STAGE_ROOT, what, (long)getpid(), arc4random());
	if (fd == -1)
		fd = dup(rootfd);
	return fd;
}

/* Make an empty folder named tmp: cur/ new/ tmp/ maildirfolder. */
static int
folder_build(int rootfd, const char *tmp)
{
	static const char	*const subdirs[] = { "cur", "new", "tmp" };
	size_t			 i;
	int			 fd, ffd, saved;

	if (mkdirat(rootfd, tmp, 0700) == -1)
		return -1;
	if ((fd = openat(rootfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		goto fail;
	for (i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++)
		if (mkdirat(fd, subdirs[i], 0700) == -1)
			goto fail;
	if ((ffd = openat(fd, "maildirfolder", O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600)) == -1)
		goto fail;
	close(ffd);
	if (fsync(fd) == -1)
		goto fail;
	close(fd);
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	(void)rm_tree(rootfd, tmp, 0);
	errno = saved;
	return -1;
}

/* Create the folder canon (valid, canonical, not INBOX). */
static enum mailbox_result
create_one(int rootfd, const char *canon)
{
	char	dir[MAILBOX_NAME_MAX + 2], tmp[64];
	int	sfd, root_only, saved;

	(void)mailbox_dirname(canon, dir, sizeof(dir));
	for (root_only = 0; root_only < 2; root_only++) {
		if ((sfd = stage_open(rootfd, root_only, "create", tmp,
		    sizeof(tmp))) == -1 || folder_build(sfd, tmp) == -1) {
			warn_keep("create folder %s", dir);
			if (sfd != -1)
				close(sfd);
			return MBX_ERROR;
		}
		if (rename_noreplace(sfd, tmp, rootfd, dir) == 0) {
			close(sfd);
			(void)fsync(rootfd);
			return MBX_OK;
		}
		saved = errno;
		(void)rm_tree(sfd, tmp, 0);
		close(sfd);
		errno = saved;
		if (errno != EXDEV)
			break;
	}
	if (errno == EEXIST || errno == ENOTEMPTY)
		return MBX_EXISTS;
	warn_keep("rename %s to %s", tmp, dir);
	return MBX_ERROR;
}

/* Create the missing superiors of canon: "A" and "A.B" for "A.B.C". */
static enum mailbox_result
create_parents(int rootfd, const char *canon)
{
	char			 parent[MAILBOX_NAME_MAX + 1];
	const char		*p;
	enum mailbox_result	 r;
	int			 e;

	for (p = strchr(canon, MAILBOX_SEP); p != NULL;
	    p = strchr(p + 1, MAILBOX_SEP)) {
		memcpy(parent, canon, (size_t)(p - canon));
		parent[p - canon] = '\0';
		if (mailbox_is_inbox(parent))
			continue;
		if ((e = mailbox_exists(rootfd, parent)) == 1)
			continue;
		if (e == -1) {
			warn_keep("stat folder %s", parent);
			return MBX_ERROR;
		}
		r = create_one(rootfd, parent);
		if (r != MBX_OK && r != MBX_EXISTS)
			return r;
	}
	return MBX_OK;
}

/* Remove the folder dir: rename it out of the way, then remove it. */
static enum mailbox_result
delete_dir(int rootfd, const char *dir)
{
	char	tmp[64];
	int64_t	bytes = 0, count = 0;
	int	sfd, root_only, rc, fd;

	for (root_only = 0; root_only < 2; root_only++) {
		if ((sfd = stage_open(rootfd, root_only, "deleted", tmp,
		    sizeof(tmp))) == -1) {
			warn_keep("delete %s", dir);
			return MBX_ERROR;
		}
		if ((rc = rename_noreplace(rootfd, dir, sfd, tmp)) == 0)
			break;
		close(sfd);
		if (errno != EXDEV)
			break;
	}
	if (rc == -1) {
		if (errno == ENOENT)
			return MBX_NONEXISTENT;
		warn_keep("rename %s to %s", dir, tmp);
		return MBX_ERROR;
	}
	/* Out of sight now: what it held leaves the quota (maildirsize). */
	if ((fd = openat(sfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) != -1) {
		if (quota_folder_usage(fd, &bytes, &count) == -1)
			bytes = count = 0;
		close(fd);
	}
	if (rm_tree(sfd, tmp, 0) == -1)
		warn_keep("remove deleted folder %s (as %s)", dir, tmp);
	close(sfd);
	quota_add(rootfd, -bytes, -count);
	return MBX_OK;
}

enum mailbox_result
mailbox_create(int rootfd, const char *name, unsigned use)
{
	char			 given[MAILBOX_NAME_MAX + 2];
	char			 canon[MAILBOX_NAME_MAX + 1], dir[sizeof(canon) + 1];
	size_t			 len = strlen(name);
	enum mailbox_result	 r;
	int			 e, saved;

	/* RFC 9051 6.3.4: "A." declares A as a parent; the name is A. */
	if (len > MAILBOX_NAME_MAX + 1)
		return MBX_INVALID;
	memcpy(given, name, len + 1);
	if (len > 0 && given[len - 1] == MAILBOX_SEP)
		given[len - 1] = '\0';
	if (mailbox_name_canon(given, canon, sizeof(canon)) == -1)
		return MBX_INVALID;
	if (mailbox_is_inbox(canon))
		return MBX_EXISTS;
	if ((e = mailbox_exists(rootfd, canon)) == 1)
		return MBX_EXISTS;
	if (e == -1) {
		warn_keep("stat folder %s", canon);
		return MBX_ERROR;
	}
	if ((r = create_parents(rootfd, canon)) != MBX_OK)
		return r;
	if ((r = create_one(rootfd, canon)) != MBX_OK)
		return r;
	/* Set its uses, or clear what an earlier folder of that name had
	 * (deleted by another program). RFC 6154 3: if the use cannot be
	 * set, the folder must not be created. */
	if (mailbox_uses_set(rootfd, canon, use) == -1) {
		saved = errno;
		warn_keep("special-use of %s", canon);
		if (use != 0) {
			(void)mailbox_dirname(canon, dir, sizeof(dir));
			(void)delete_dir(rootfd, dir);
			errno = saved;
			return MBX_ERROR;
		}
	}
	return MBX_OK;
}

enum mailbox_result
mailbox_delete(int rootfd, const char *name)
{
	char			 canon[MAILBOX_NAME_MAX + 1], dir[sizeof(canon) + 1];
	enum mailbox_result	 r;
	int			 e, fd;

	if (mailbox_name_canon(name, canon, sizeof(canon)) == -1)
		return MBX_INVALID;
	if (mailbox_is_inbox(canon))
		return MBX_INBOX;
	(void)mailbox_dirname(canon, dir, sizeof(dir));
	if ((e = is_dir(rootfd, dir)) == 0)
		return MBX_NONEXISTENT;
	if (e == -1) {
		warn_keep("stat folder %s", dir);
		return MBX_ERROR;
	}
	if ((r = delete_dir(rootfd, dir)) != MBX_OK)
		return r;
	if (mailbox_uses_set(rootfd, canon, 0) == -1)
		warn_keep("special-use of deleted %s", canon);
	if ((fd = openat(rootfd, "tmp", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) != -1) {
		leftovers_remove(fd, STAGE_TMP);
		close(fd);
	}
	leftovers_remove(rootfd, STAGE_ROOT);
	return MBX_OK;
}

/* Copy INBOX's dovecot-keywords into the folder dfd (keyword letters in
 * the moved file names keep their meaning). */
static int
keywords_copy(int rootfd, int dfd)
{
	char		 buf[KEYWORDS_MAX_SIZE], tmp[64];
	struct stat	 st;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd, tfd, out, saved;

	fd = openat(rootfd, "dovecot-keywords", O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size >= (off_t)sizeof(buf)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if ((n = fd_read_upto(fd, buf, sizeof(buf))) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	len = (size_t)n;
	close(fd);
	/* Written in the folder's tmp/, then renamed into place. */
	if ((tfd = stage_open(dfd, 0, "keywords", tmp, sizeof(tmp))) == -1)
		return -1;
	if ((out = openat(tfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		saved = errno;
		close(tfd);
		errno = saved;
		return -1;
	}
	if (write(out, buf, len) != (ssize_t)len || fsync(out) == -1 ||
	    close(out) == -1 ||
	    rename_noreplace(tfd, tmp, dfd, "dovecot-keywords") == -1) {
		saved = errno;
		(void)unlinkat(tfd, tmp, 0);
		close(tfd);
		errno = saved;
		return -1;
	}
	close(tfd);
	return 0;
}

/* Move the regular files of INBOX's sub (cur or new) into dfd's. */
static int
messages_move(int rootfd, int dfd, const char *sub)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	int		 from, to, rc = 0;

	if ((from = openat(rootfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	if ((to = openat(dfd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || (d = fdopendir(from)) == NULL) {
		if (to != -1)
			close(to);
		close(from);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (de->d_type != DT_REG && (de->d_type != DT_UNKNOWN ||
		    fstatat(from, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode)))
			continue;
		if (rename_noreplace(from, de->d_name, to, de->d_name) == -1 &&
		    errno != ENOENT) {
			warn_keep("move INBOX/%s/%s", sub, de->d_name);
			rc = -1;
			break;
		}
	}
	closedir(d);
	if (fsync(to) == -1)
		rc = -1;
	close(to);
	return rc;
}

/* RFC 9051 6.3.6: INBOX's messages move to a new folder; INBOX stays. */
static enum mailbox_result
rename_inbox(int rootfd, const char *to)
{
	char			 dir[MAILBOX_NAME_MAX + 2];
	enum mailbox_result	 r;
	int			 dfd;

	if ((r = mailbox_create(rootfd, to, 0)) != MBX_OK)
		return r;
	(void)mailbox_dirname(to, dir, sizeof(dir));
	if ((dfd = openat(rootfd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		warn_keep("open %s", dir);
		return MBX_ERROR;
	}
	if (keywords_copy(rootfd, dfd) == -1)
		warn_keep("copy dovecot-keywords to %s", dir);
	if (messages_move(rootfd, dfd, "new") == -1 ||
	    messages_move(rootfd, dfd, "cur") == -1) {
		close(dfd);
		return MBX_ERROR;
	}
	close(dfd);
	return MBX_OK;
}

enum mailbox_result
mailbox_rename(int rootfd, const char *from, const char *to)
{
	char			 f[MAILBOX_NAME_MAX + 1], t[MAILBOX_NAME_MAX + 1];
	char			 fdir[MAILBOX_NAME_MAX + 2], tdir[sizeof(fdir)];
	char			**names, **old = NULL, **new = NULL;
	struct arena		*a;
	enum mailbox_result	 r = MBX_OK;
	size_t			 n, i, nkids = 0, done = 0, flen;
	int			 e, saved;

	if (mailbox_name_canon(from, f, sizeof(f)) == -1 ||
	    mailbox_name_canon(to, t, sizeof(t)) == -1)
		return MBX_INVALID;
	if (mailbox_is_inbox(t) || strcmp(f, t) == 0)
		return MBX_EXISTS;
	if (mailbox_is_inbox(f))
		return rename_inbox(rootfd, t);
	flen = strlen(f);
	if (strncmp(t, f, flen) == 0 && t[flen] == MAILBOX_SEP)
		return MBX_INFERIOR;
	if ((e = mailbox_exists(rootfd, f)) != 1)
		return e == 0 ? MBX_NONEXISTENT : MBX_ERROR;
	if ((e = mailbox_exists(rootfd, t)) != 0)
		return e == 1 ? MBX_EXISTS : MBX_ERROR;

	/* The children, and their new names, all checked first. */
	a = arena_new(64 * 1024 * 1024);
	if (mailbox_folders(rootfd, a, &names, &n) == -1) {
		warn_keep("list folders");
		r = MBX_ERROR;
		goto out;
	}
	old = arena_reallocarray(a, NULL, 0, n + 1, sizeof(*old));
	new = arena_reallocarray(a, NULL, 0, n + 1, sizeof(*new));
	for (i = 0; i < n; i++) {
		if (strncmp(names[i], f, flen) != 0 || names[i][flen] != MAILBOX_SEP)
			continue;
		old[nkids] = arena_printf(a, ".%s", names[i]);
		new[nkids] = arena_printf(a, ".%s%s", t, names[i] + flen);
		if (strlen(new[nkids]) > MAILBOX_NAME_MAX + 1) {
			r = MBX_INVALID;
			goto out;
		}
		if ((e = is_dir(rootfd, new[nkids])) != 0) {
			r = e == 1 ? MBX_EXISTS : MBX_ERROR;
			goto out;
		}
		nkids++;
	}
	if ((r = create_parents(rootfd, t)) != MBX_OK)
		goto out;
	(void)mailbox_dirname(f, fdir, sizeof(fdir));
	(void)mailbox_dirname(t, tdir, sizeof(tdir));
	if (rename_noreplace(rootfd, fdir, rootfd, tdir) == -1) {
		r = errno == ENOENT ? MBX_NONEXISTENT : errno == EEXIST ||
		    errno == ENOTEMPTY ? MBX_EXISTS : MBX_ERROR;
		if (r == MBX_ERROR)
			warn_keep("rename %s to %s", fdir, tdir);
		goto out;
	}
	for (done = 0; done < nkids; done++)
		if (rename_noreplace(rootfd, old[done], rootfd, new[done]) == -1 &&
		    errno != ENOENT)
			break;
	if (done < nkids) {
		/* Put back what moved. */
		saved = errno;
		warn_keep("rename %s to %s", old[done], new[done]);
		r = saved == EEXIST || saved == ENOTEMPTY ? MBX_EXISTS :
		    MBX_ERROR;
		while (done-- > 0)
			(void)rename_noreplace(rootfd, new[done], rootfd,
			    old[done]);
		(void)rename_noreplace(rootfd, tdir, rootfd, fdir);
		errno = saved;
		goto out;
	}
	(void)fsync(rootfd);
	if (mailbox_uses_move(rootfd, f, t) == -1)
		warn_keep("special-use of renamed %s", f);
out:
	saved = errno;
	arena_free(&a);
	errno = saved;
	return r;
}
