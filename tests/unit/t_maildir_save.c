/*
 * t_maildir_save.c: the sizes a delivery counts as it writes
 * (maildir_save_write): RFC822.SIZE with CRLF line ends of a file stored
 * with LF or mixed line ends, whatever the pieces it is written in (the
 * counting itself, crlf_extra: t_crlf). The names of saved files carry
 * ",S=" and ",W="; they must be what reading the file back gives.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crlf.h"
#include "maildir.h"
#include "test.h"

/* The extra bytes counted the slow way: the whole buffer at once, one
 * byte at a time. */
static uint64_t
extra_whole(const char *s, size_t n)
{
	uint64_t	e = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			e++;
	return e;
}

static char	dir[] = "/tmp/t_maildir_save.XXXXXX";
static int	rootfd;

/* The name of the one file in cur/ (and removes it), or NULL. */
static char *
take_cur(char *name, size_t size)
{
	DIR		*d;
	struct dirent	*de;
	int		 fd, found = 0;

	if ((fd = openat(rootfd, "cur", O_RDONLY | O_DIRECTORY)) == -1 ||
	    (d = fdopendir(fd)) == NULL)
		abort();
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(name, size, "%s", de->d_name);
		found++;
	}
	closedir(d);
	return found == 1 ? name : NULL;
}

/* Save text written in pieces of step bytes; the name's sizes must be
 * those of the file read back. */
static void
save(struct maildir *m, const char *text, size_t step)
{
	struct maildir_save	*sv;
	char			 name[512], path[600], buf[65536];
	size_t			 n = strlen(text), i, k;
	uint64_t		 s, w, want_w;
	uint32_t		 uv, uid;
	ssize_t			 r;
	int			 fd, cr = 0;

	if ((sv = maildir_save_begin(m)) == NULL)
		abort();
	for (i = 0; i < n; i += k) {
		k = n - i < step ? n - i : step;
		CHECK_INT(maildir_save_write(sv, text + i, k), 0);
	}
	CHECK_INT(maildir_save_commit(&sv, 0, NULL, 0, (time_t)-1, &uv,
	    &uid), 0);
	CHECK(sv == NULL);
	if (take_cur(name, sizeof(name)) == NULL) {
		CHECK(0);
		return;
	}
	CHECK_INT(maildir_name_size(name, ",S=", &s), 0);
	CHECK_INT(maildir_name_size(name, ",W=", &w), 0);
	snprintf(path, sizeof(path), "cur/%s", name);
	if ((fd = openat(rootfd, path, O_RDONLY)) == -1)
		abort();
	r = read(fd, buf, sizeof(buf));
	close(fd);
	want_w = (uint64_t)r + crlf_extra(buf, (size_t)r, &cr);
	CHECK_INT(s, n);
	CHECK_INT((uint64_t)r, n);
	CHECK_INT(w, want_w);
	CHECK_INT(w, n + extra_whole(text, n));
	(void)unlinkat(rootfd, path, 0);
}

static void
test_save(void)
{
	static const char *texts[] = {
		"Subject: a\n\nb\n",
		"Subject: a\r\n\r\nmixed\nends\r\n",
		"Subject: cr\n\nx\r\r\ny\r",
		"Subject: z\n\n\n\n\r\n\r",
	};
	struct maildir		*m;
	struct maildir_save	*sv;
	size_t			 i, step;
	char			 name[512];

	if (mkdtemp(dir) == NULL || (rootfd = open(dir, O_RDONLY)) == -1 ||
	    mkdirat(rootfd, "cur", 0700) == -1 ||
	    mkdirat(rootfd, "new", 0700) == -1 ||
	    mkdirat(rootfd, "tmp", 0700) == -1)
		abort();
	if ((m = maildir_open(rootfd, "", "INBOX", 0)) == NULL)
		abort();
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		for (step = 1; step <= strlen(texts[i]); step++)
			save(m, texts[i], step);
	/* Aborted: nothing left in tmp/ or cur/. */
	if ((sv = maildir_save_begin(m)) == NULL)
		abort();
	CHECK_INT(maildir_save_write(sv, "x\n", 2), 0);
	maildir_save_abort(&sv);
	CHECK(sv == NULL);
	CHECK(take_cur(name, sizeof(name)) == NULL);
	CHECK_INT(unlinkat(rootfd, "tmp", AT_REMOVEDIR), 0);
	maildir_close(&m);
}

static int
rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

int
main(void)
{
	test_save();
	CHECK_INT(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	return test_done("t_maildir_save");
}
