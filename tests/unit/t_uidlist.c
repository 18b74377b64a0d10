/*
 * t_uidlist.c: dovecot-uidlist reading (version 3 and 1, Dovecot 2.3's
 * in-place appends with a stale header, partial last lines, replaced
 * files), appending, rewriting, the lock, and the estimate of a file's
 * records and base names from its first block.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "uidlist.h"

static char	dir[] = "/tmp/t_uidlist.XXXXXX";
static int	dfd;

static void
put(const char *name, const char *text)
{
	int	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd == -1 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
}

static void
add(const char *name, const char *text)
{
	int	fd = openat(dfd, name, O_WRONLY | O_APPEND);

	if (fd == -1 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
}

static char *
get(const char *name)
{
	static char	buf[65536];
	int		fd = openat(dfd, name, O_RDONLY);
	ssize_t		n;

	if (fd == -1)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

struct it {
	const struct uidlist_rec	*recs;
	size_t				 n, i;
};

static int
next(void *arg, struct uidlist_rec *r)
{
	struct it	*it = arg;

	if (it->i == it->n)
		return 0;
	*r = it->recs[it->i++];
	return 1;
}

/* take(): the records of bases starting with "t", counted. */
static int
take_t(void *arg, uint32_t uid, const char *base, size_t len)
{
	int	*n = arg;

	(void)uid;
	if (len == 0 || base[0] != 't')
		return 0;
	(*n)++;
	return 1;
}

/* uidlist_open() + uidlist_read_fd(): records offered to take() first;
 * the file read is the one opened, even if replaced meanwhile. */
static void
test_read_fd(void)
{
	struct uidlist	ul;
	int		fd, taken = 0;

	uidlist_init(&ul);
	put("dovecot-uidlist.new", "3 V77 N1 Gabc\n1 :t1\n2 :k2:2,S\n3 :t3\n");
	CHECK(renameat(dfd, "dovecot-uidlist.new", dfd, "dovecot-uidlist") == 0);
	CHECK_INT(uidlist_open(dfd, &ul, &fd), 0);
	CHECK(fd != -1);
	/* The header is read at once, the records not yet. */
	CHECK_INT(ul.uidvalidity, 77);
	CHECK_INT(ul.replaced, 1);
	CHECK_INT(ul.n, 0);
	/* Replaced by another list before the records are read: the open
	 * file is read, as it was. */
	put("dovecot-uidlist.new", "3 V88 N1 Gabc\n9 :other\n");
	CHECK(renameat(dfd, "dovecot-uidlist.new", dfd, "dovecot-uidlist") == 0);
	CHECK_INT(uidlist_read_fd(fd, &ul, take_t, &taken), 0);
	CHECK_INT(taken, 2);
	CHECK_INT(ul.n, 1);
	CHECK_STR(ul.recs[0].base, "k2");
	CHECK_INT(ul.total, 3);
	CHECK_INT(ul.next_uid, 4);
	/* Then the new file is new to ul: read from its start. */
	uidlist_forget(&ul);
	CHECK_INT(uidlist_open(dfd, &ul, &fd), 0);
	CHECK(fd != -1);
	CHECK_INT(ul.uidvalidity, 88);
	CHECK_INT(uidlist_read_fd(fd, &ul, NULL, NULL), 0);
	CHECK_INT(ul.n, 1);
	CHECK_STR(ul.recs[0].base, "other");
	CHECK_INT(ul.next_uid, 10);
	/* Unchanged: nothing to read. */
	CHECK_INT(uidlist_open(dfd, &ul, &fd), 0);
	CHECK_INT(fd, -1);
	/* Appended to: only the new lines. */
	uidlist_forget(&ul);
	add("dovecot-uidlist", "10 :t10\n11 :x11\n");
	taken = 0;
	CHECK_INT(uidlist_open(dfd, &ul, &fd), 0);
	CHECK(fd != -1);
	CHECK_INT(ul.replaced, 0);
	CHECK_INT(uidlist_read_fd(fd, &ul, take_t, &taken), 0);
	CHECK_INT(taken, 1);
	CHECK_INT(ul.n, 1);
	CHECK_STR(ul.recs[0].base, "x11");
	CHECK_INT(ul.next_uid, 12);
	uidlist_free(&ul);

	/* A file without its header line yet: as if there were none. */
	uidlist_init(&ul);
	put("dovecot-uidlist.new", "3 V99");
	CHECK(renameat(dfd, "dovecot-uidlist.new", dfd, "dovecot-uidlist") == 0);
	CHECK_INT(uidlist_open(dfd, &ul, &fd), 0);
	CHECK_INT(fd, -1);
	CHECK_INT(ul.uidvalidity, 0);
	uidlist_free(&ul);
	CHECK(unlinkat(dfd, "dovecot-uidlist", 0) == 0);
}

/* A list replaced twice between two reads, the second time by a file
 * with the first one's inode number (ext4 hands a freed number out
 * again soon) and size: it is a new file all the same, read whole. The
 * reuse cannot be forced: tried up to 200 times, and said when not had
 * (tmpfs, say, numbers inodes afresh). */
static void
test_inode_reused(void)
{
	struct uidlist	ul;
	struct stat	st, st2;
	int		i, fd;

	uidlist_init(&ul);
	put("dovecot-uidlist.new", "3 V5 N1 Gabc\n1 :aaaa\n");
	CHECK(renameat(dfd, "dovecot-uidlist.new", dfd, "dovecot-uidlist") == 0);
	CHECK_INT(uidlist_read(dfd, &ul), 0);
	CHECK_INT(ul.n, 1);
	CHECK_STR(ul.recs[0].base, "aaaa");
	uidlist_forget(&ul);
	CHECK(fstatat(dfd, "dovecot-uidlist", &st, 0) == 0);
	for (i = 0; i < 200; i++) {
		/* away: the number is freed; then a new file of that size */
		put("other", "x");
		CHECK(renameat(dfd, "other", dfd, "dovecot-uidlist") == 0);
		put("dovecot-uidlist.new", "3 V5 N1 Gabc\n2 :bbbb\n");
		CHECK(renameat(dfd, "dovecot-uidlist.new", dfd,
		    "dovecot-uidlist") == 0);
		CHECK(fstatat(dfd, "dovecot-uidlist", &st2, 0) == 0);
		if (st2.st_ino == st.st_ino)
			break;
	}
	if (i == 200) {
		fprintf(stderr, "t_uidlist: no inode number came back in 200 "
		    "tries here: the reuse case went untested\n");
		uidlist_free(&ul);
		return;
	}
	CHECK_INT(st2.st_size, st.st_size);
	CHECK_INT(uidlist_open(dfd, &ul, &fd), 0);
	CHECK(fd != -1);
	CHECK_INT(ul.replaced, 1);
	CHECK_INT(uidlist_read_fd(fd, &ul, NULL, NULL), 0);
	CHECK_INT(ul.n, 1);
	CHECK_STR(ul.n > 0 ? ul.recs[0].base : "", "bbbb");
	CHECK_INT(ul.next_uid, 3);
	uidlist_free(&ul);
	CHECK(unlinkat(dfd, "dovecot-uidlist", 0) == 0);
}

/* uidlist_estimate(): exact when the file is all in the sample; scaled
 * from the sample when it is larger; extension fields not counted as
 * names; nothing to tell from a header alone. */
static void
test_estimate(void)
{
	char	 line[128];
	size_t	 n, bases;
	int	 fd, i;

	put("dovecot-uidlist", "3 V1 N4 G3085f01b7f11094c501100008c4a11c1\n"
	    "1 :1700000000.M1P1Q1.host\n"
	    "2 W120 S100 :1700000001.M1P1Q2.host,S=100\n"
	    "3 :abc\n");
	CHECK((fd = openat(dfd, "dovecot-uidlist", O_RDONLY)) != -1);
	bases = uidlist_estimate(fd, &n);
	CHECK_INT(n, 3);
	CHECK_INT(bases, 22 + 28 + 3);
	close(fd);

	/* 1,000 lines of 54 bytes (39 of them the base): 8 KiB read. */
	put("dovecot-uidlist", "3 V1 N1001\n");
	for (i = 1; i <= 1000; i++) {
		(void)snprintf(line, sizeof(line), "%06d W1234 :%039d\n", i, i);
		add("dovecot-uidlist", line);
	}
	CHECK((fd = openat(dfd, "dovecot-uidlist", O_RDONLY)) != -1);
	bases = uidlist_estimate(fd, &n);
	CHECK_INT(n, 1000);
	CHECK_INT(bases, 1000 * 39);
	close(fd);

	put("dovecot-uidlist", "3 V1 N1\n");
	CHECK((fd = openat(dfd, "dovecot-uidlist", O_RDONLY)) != -1);
	CHECK_INT(uidlist_estimate(fd, &n), 0);
	CHECK_INT(n, 0);
	close(fd);
	CHECK(unlinkat(dfd, "dovecot-uidlist", 0) == 0);
}

int
main(void)
{
	struct uidlist		 ul;
	struct uidlist_rec	 recs[2];
	struct it		 it;
	int			 lock, lock2;

	if (mkdtemp(dir) == NULL || (dfd = open(dir, O_RDONLY)) == -1)
		return 2;

	/* No file: empty, not an error. */
	uidlist_init(&ul);
	CHECK_INT(uidlist_read(dfd, &ul), 0);
	CHECK_INT(ul.uidvalidity, 0);
	CHECK_INT(ul.next_uid, 1);

	/* Version 3, Dovecot 2.3 style: header N behind the records. */
	put("dovecot-uidlist", "3 V1275660208 N1 G3085f01b7f11094c501100008c4a11c1\n"
	    "1 :1700000000.M1P1Q1.host\n"
	    "2 W120 :1700000001.M1P1Q2.host,S=100\n");
	CHECK_INT(uidlist_read(dfd, &ul), 0);
	CHECK_INT(ul.uidvalidity, 1275660208);
	CHECK_INT(ul.next_uid, 3);
	CHECK_INT(ul.n, 2);
	CHECK_STR(ul.recs[1].base, "1700000001.M1P1Q2.host,S=100");
	CHECK_STR(ul.guid, "3085f01b7f11094c501100008c4a11c1");
	uidlist_forget(&ul);

	/* Unchanged: nothing new. */
	CHECK_INT(uidlist_read(dfd, &ul), 0);
	CHECK_INT(ul.n, 0);
	CHECK_INT(ul.replaced, 0);

	/* Grown in place: only the new line; a partial line waits. */
	add("dovecot-uidlist", "5 :c\n7 :d");
	CHECK_INT(uidlist_read(dfd, &ul), 0);
	CHECK_INT(ul.n, 1);
	CHECK_INT(ul.recs[0].uid, 5);
	CHECK_INT(ul.next_uid, 8);	/* the partial line's 7 is taken */
	uidlist_forget(&ul);
	add("dovecot-uidlist", "\n");
	CHECK_INT(uidlist_read(dfd, &ul), 0);
	CHECK_INT(ul.n, 1);
	CHECK_INT(ul.recs[0].uid, 7);
	CHECK_INT(ul.next_uid, 8);
	uidlist_forget(&ul);

	/* Out of order and garbage lines are skipped; UIDs never go back. */
	add("dovecot-uidlist", "6 :e\nxyz\n9 :f\n");
	CHECK_INT(uidlist_read(dfd, &ul), 0);
	CHECK_INT(ul.n, 1);
	CHECK_INT(ul.recs[0].uid, 9);
	CHECK_INT(ul.bad_lines, 2);
	uidlist_forget(&ul);

	/* Append under the lock after a crashed writer's partial line: the
	 * partial line's UID is never handed out again. */
	add("dovecot-uidlist", "10 :partial");
	lock = uidlist_lock(dfd);
	CHECK(lock != -1);
	/* A second taker waits, then gives up (not tested for the full 30
	 * seconds: the lock file itself is checked). */
	CHECK(faccessat(dfd, "dovecot-uidlist.lock", F_OK, 0) == 0);
	CHECK_INT(uidlist_read(dfd, &ul), 0);
	recs[0].uid = ul.next_uid;
	recs[0].base = "new1";
	CHECK_INT(uidlist_append(dfd, &ul, recs, 1), 0);
	CHECK_INT(ul.recs[0].uid, 11);	/* not 10 */
	CHECK_INT(ul.next_uid, 12);
	uidlist_unlock(dfd, lock);
	CHECK(faccessat(dfd, "dovecot-uidlist.lock", F_OK, 0) == -1);
	CHECK(strstr(get("dovecot-uidlist"), "10 :partial\n11 :new1\n") != NULL);
	uidlist_forget(&ul);

	/* A stale lock (over 2 minutes old) is broken. */
	put("dovecot-uidlist.lock", "");
	{
		struct timespec ts[2] = { { 1000, 0 }, { 1000, 0 } };
		CHECK(utimensat(dfd, "dovecot-uidlist.lock", ts, 0) == 0);
	}
	lock2 = uidlist_lock(dfd);
	CHECK(lock2 != -1);

	/* Rewrite: the header carries the real next UID; the file is new. */
	recs[0].uid = 9;
	recs[0].base = "f";
	recs[1].uid = 11;
	recs[1].base = "new1";
	it.recs = recs;
	it.n = 2;
	it.i = 0;
	CHECK_INT(uidlist_rewrite(dfd, lock2, &ul, next, &it), 0);
	CHECK_STR(get("dovecot-uidlist"),
	    "3 V1275660208 N12 G3085f01b7f11094c501100008c4a11c1\n"
	    "9 :f\n11 :new1\n");
	CHECK(faccessat(dfd, "dovecot-uidlist.lock", F_OK, 0) == -1);

	/* Replaced by another writer: read from scratch, next UID kept. */
	put("dovecot-uidlist.new", "3 V1275660208 N2 G3085f01b7f11094c501100008c4a11c1\n"
	    "1 :a\n");
	CHECK(renameat(dfd, "dovecot-uidlist.new", dfd, "dovecot-uidlist") == 0);
	CHECK_INT(uidlist_read(dfd, &ul), 0);
	CHECK_INT(ul.replaced, 1);
	CHECK_INT(ul.n, 1);
	CHECK_INT(ul.next_uid, 12);
	uidlist_forget(&ul);

	/* Replaced by a file of the very same size: the name's inode tells,
	 * not the size (an unchanged list is seen without opening it). */
	put("dovecot-uidlist.new", "3 V1275660208 N2 G3085f01b7f11094c501100008c4a11c1\n"
	    "2 :b\n");
	CHECK(renameat(dfd, "dovecot-uidlist.new", dfd, "dovecot-uidlist") == 0);
	CHECK_INT(uidlist_read(dfd, &ul), 0);
	CHECK_INT(ul.replaced, 1);
	CHECK_INT(ul.n, 1);
	CHECK_INT(ul.recs[0].uid, 2);
	CHECK_STR(ul.recs[0].base, "b");
	uidlist_forget(&ul);
	/* ... and unchanged once more: nothing. */
	CHECK_INT(uidlist_read(dfd, &ul), 0);
	CHECK_INT(ul.replaced, 0);
	CHECK_INT(ul.n, 0);

	/* Replaced between the read under the lock and the append (by a
	 * writer that ignores the lock): the append refuses (ESTALE), and
	 * the file that took its place is left as it is. */
	lock = uidlist_lock(dfd);
	CHECK(lock != -1);
	CHECK_INT(uidlist_read(dfd, &ul), 0);
	put("dovecot-uidlist.new", "3 V1275660208 N2 G3085f01b7f11094c501100008c4a11c1\n"
	    "3 :c\n");
	CHECK(renameat(dfd, "dovecot-uidlist.new", dfd, "dovecot-uidlist") == 0);
	recs[0].uid = ul.next_uid;
	recs[0].base = "new2";
	errno = 0;
	CHECK_INT(uidlist_append(dfd, &ul, recs, 1), -1);
	CHECK_INT(errno, ESTALE);
	CHECK_STR(get("dovecot-uidlist"),
	    "3 V1275660208 N2 G3085f01b7f11094c501100008c4a11c1\n3 :c\n");
	uidlist_unlock(dfd, lock);
	uidlist_free(&ul);

	/* Version 1 (Courier). */
	uidlist_init(&ul);
	put("dovecot-uidlist.new", "1 1000 5\n3 1700000000.x:2,S\n4 y\n");
	CHECK(renameat(dfd, "dovecot-uidlist.new", dfd, "dovecot-uidlist") == 0);
	CHECK_INT(uidlist_read(dfd, &ul), 0);
	CHECK_INT(ul.version, 1);
	CHECK_INT(ul.uidvalidity, 1000);
	CHECK_INT(ul.n, 2);
	CHECK_STR(ul.recs[0].base, "1700000000.x");
	CHECK_INT(ul.next_uid, 5);
	uidlist_free(&ul);

	/* Not a uidlist. */
	uidlist_init(&ul);
	put("dovecot-uidlist.new", "hello\n");
	CHECK(renameat(dfd, "dovecot-uidlist.new", dfd, "dovecot-uidlist") == 0);
	CHECK_INT(uidlist_read(dfd, &ul), -1);
	uidlist_free(&ul);

	test_read_fd();
	test_inode_reused();
	test_estimate();

	/* UIDVALIDITY: increasing, remembered at the root. */
	{
		uint32_t a = uidlist_new_uidvalidity(dfd);
		uint32_t b = uidlist_new_uidvalidity(dfd);
		CHECK(a > 0);
		CHECK(b > a);
	}

	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 2;
	}
	return test_done("t_uidlist");
}
