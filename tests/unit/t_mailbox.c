/*
 * t_mailbox.c: unit tests for the mailbox storage layer (mailbox.c,
 * mailbox_list.c, subscriptions.c): name validation and directory names
 * (hostile names included), LIST pattern matching, the subscriptions file
 * in both of Dovecot's formats, the special-use file, and create, delete,
 * rename and list on a scratch Maildir, symbolic links included.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "mailbox.h"
#include "test.h"

static struct arena	*a;
static char		 dir[] = "/tmp/t_mailbox.XXXXXX";
static int		 rootfd;

/* name -> directory ("" INBOX), or NULL: invalid. */
static const struct {
	const char	*name;
	const char	*dir;
} names[] = {
	{ "INBOX",		"" },
	{ "inbox",		"" },
	{ "InBoX",		"" },
	{ "INBOX.sub",		".INBOX.sub" },
	{ "inbox.sub",		".INBOX.sub" },
	{ "iNbOx.Sub.x",	".INBOX.Sub.x" },
	{ "INBOXes",		".INBOXes" },
	{ "Inbox2.x",		".Inbox2.x" },
	{ "A",			".A" },
	{ "A.B.C",		".A.B.C" },
	{ "a b",		".a b" },
	{ "~x",			".~x" },
	{ "x%y*z",		".x%y*z" },
	{ "&Jjo-",		".&Jjo-" },
	{ "&-",			".&-" },
	{ "caf&AOk-.&Jjo-",	".caf&AOk-.&Jjo-" },
	{ "&Jjo",		NULL },		/* no "-" */
	{ "&Jjo.x",		NULL },
	{ "&AGE-",		NULL },		/* "a" in base64 */
	{ "&",			NULL },
	{ "",			NULL },
	{ ".",			NULL },
	{ "..",			NULL },
	{ "../x",		NULL },
	{ "..x",		NULL },
	{ ".x",			NULL },
	{ "x.",			NULL },
	{ "INBOX.",		NULL },
	{ "a..b",		NULL },
	{ "a/b",		NULL },
	{ "/etc",		NULL },
	{ "a\tb",		NULL },
	{ "a\rb",		NULL },
	{ "a\x7f",		NULL },
	{ "a\x01",		NULL },
	{ "caf\xc3\xa9",	NULL },		/* 8-bit */
	{ "\xff",		NULL },
};

static const struct {
	const char	*name;
	const char	*why;
} reasons[] = {
	{ "",		"Empty name" },
	{ "a/b",	"Contains '/'" },
	{ ".x",		"Begins with the hierarchy separator" },
	{ "x.",		"Ends with the hierarchy separator" },
	{ "a..b",	"Has adjacent hierarchy separators" },
	{ "a\tb",	"Contains control characters" },
	{ "caf\xc3\xa9", "Contains 8-bit characters" },
	{ "&Jjo",	"Not valid modified UTF-7" },
};

static void
test_names(void)
{
	char	out[300], big[400];
	size_t	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		strlcpy(out, "untouched?", sizeof(out));
		if (names[i].dir == NULL) {
			CHECK_INT(mailbox_dirname(names[i].name, out,
			    sizeof(out)), -1);
			CHECK(mailbox_name_invalid(names[i].name) != NULL);
		} else {
			CHECK_INT(mailbox_dirname(names[i].name, out,
			    sizeof(out)), 0);
			CHECK_STR(out, names[i].dir);
			CHECK(mailbox_name_invalid(names[i].name) == NULL);
		}
	}
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		CHECK_STR(mailbox_name_invalid(reasons[i].name),
		    reasons[i].why);

	/* Length: ".name" must fit NAME_MAX (255). */
	memset(big, 'x', sizeof(big));
	big[MAILBOX_NAME_MAX] = '\0';
	CHECK_INT(mailbox_dirname(big, out, sizeof(out)), 0);
	CHECK_INT(strlen(out), 255);
	CHECK_INT(mailbox_dirname(big, out, 255), -1);	/* out too small */
	big[MAILBOX_NAME_MAX] = 'x';
	big[MAILBOX_NAME_MAX + 1] = '\0';
	CHECK_INT(mailbox_dirname(big, out, sizeof(out)), -1);
	CHECK_STR(mailbox_name_invalid(big), "Name too long");

	CHECK_INT(mailbox_name_canon("inbox.x", out, sizeof(out)), 0);
	CHECK_STR(out, "INBOX.x");
	CHECK_INT(mailbox_name_canon("Inboxes", out, sizeof(out)), 0);
	CHECK_STR(out, "Inboxes");
	CHECK_INT(mailbox_name_canon("inbox", out, 5), -1);
	CHECK(mailbox_is_inbox("iNBOX"));
	CHECK(!mailbox_is_inbox("INBOX.x"));

	/* Root entries that are folders, and those that are not. */
	CHECK_STR(mailbox_entry_name(".A.B"), "A.B");
	CHECK_STR(mailbox_entry_name(".INBOX.x"), "INBOX.x");
	CHECK(mailbox_entry_name(".Inbox.x") == NULL);
	CHECK(mailbox_entry_name(".INBOX") == NULL);
	CHECK(mailbox_entry_name(".inbox") == NULL);
	CHECK(mailbox_entry_name("..mdimapd-deleted.1.2") == NULL);
	CHECK(mailbox_entry_name(".a..b") == NULL);
	CHECK(mailbox_entry_name(".x.") == NULL);
	CHECK(mailbox_entry_name(".") == NULL);
	CHECK(mailbox_entry_name("..") == NULL);
	CHECK(mailbox_entry_name("cur") == NULL);
	CHECK(mailbox_entry_name(".&Jjo") == NULL);
}

static const struct {
	const char	*pat;
	const char	*name;
	int		 match;
} matches[] = {
	{ "*",		"A.B",		1 },
	{ "%",		"A.B",		0 },
	{ "%",		"A",		1 },
	{ "A.%",	"A.B",		1 },
	{ "A.%",	"A.B.C",	0 },
	{ "A.*",	"A.B.C",	1 },
	{ "A.*",	"A",		0 },
	{ "A*",		"A",		1 },
	{ "A%",		"AB",		1 },
	{ "A%",		"AB.C",		0 },
	{ "%.%",	"A.B",		1 },
	{ "%.%",	"A.B.C",	0 },
	{ "*.B",	"A.B",		1 },
	{ "*.B",	"A.X.B",	1 },
	{ "%.B",	"A.X.B",	0 },
	{ "A*B",	"AxxB",		1 },
	{ "A*B",	"AxxBx",	0 },
	{ "A*B*",	"AB",		1 },
	{ "*%*",	"x",		1 },
	{ "*%",		"",		1 },
	{ "",		"A",		0 },
	{ "a",		"A",		0 },
	{ "A",		"a",		0 },
	{ "INBOX",	"INBOX",	1 },
	{ "inbox",	"INBOX",	1 },
	{ "InBoX*",	"INBOX",	1 },
	{ "inb%",	"INBOX",	1 },
	{ "*box",	"INBOX",	1 },
	{ "inbox.%",	"INBOX.sub",	1 },
	{ "inbox.SUB",	"INBOX.sub",	0 },	/* only INBOX folds */
	{ "inbox*",	"INBOXES",	0 },
	{ "INBOX*",	"INBOXES",	1 },
	{ "*box",	"xINBOX",	0 },
	{ "&Jjo-",	"&Jjo-",	1 },
	{ "%&%",	"a&Jjo-b",	1 },
	{ "*]",		"a]",		1 },
};

static void
test_match(void)
{
	char		 pat[MAILBOX_PATTERN_MAX + 2], name[MAILBOX_NAME_MAX + 1];
	size_t		 i;
	clock_t		 t0;

	for (i = 0; i < sizeof(matches) / sizeof(matches[0]); i++)
		if (mailbox_match(matches[i].pat, matches[i].name) !=
		    matches[i].match) {
			fprintf(stderr, "match(\"%s\", \"%s\") != %d\n",
			    matches[i].pat, matches[i].name, matches[i].match);
			CHECK(0);
		} else
			CHECK(1);

	/* The longest pattern works; longer ones match nothing. */
	memset(pat, '%', sizeof(pat));
	pat[MAILBOX_PATTERN_MAX - 1] = 'x';
	pat[MAILBOX_PATTERN_MAX] = '\0';
	CHECK_INT(mailbox_match(pat, "x"), 1);
	pat[MAILBOX_PATTERN_MAX] = '%';
	pat[MAILBOX_PATTERN_MAX + 1] = '\0';
	CHECK_INT(mailbox_match(pat, "x"), 0);

	/* No backtracking blow-up: "%a%a%a...b" against "aaaa...a". */
	for (i = 0; i + 1 < MAILBOX_PATTERN_MAX; i += 2) {
		pat[i] = '*';
		pat[i + 1] = 'a';
	}
	pat[MAILBOX_PATTERN_MAX - 1] = 'b';
	pat[MAILBOX_PATTERN_MAX] = '\0';
	memset(name, 'a', sizeof(name));
	name[MAILBOX_NAME_MAX] = '\0';
	t0 = clock();
	for (i = 0; i < 100; i++)
		CHECK_INT(mailbox_match(pat, name), 0);
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);

	CHECK_STR(mailbox_pattern(a, "Foo.", "%"), "Foo.%");
	CHECK_STR(mailbox_pattern(a, "", "*"), "*");
	memset(pat, 'x', MAILBOX_PATTERN_MAX);
	pat[MAILBOX_PATTERN_MAX] = '\0';
	CHECK(mailbox_pattern(a, "y", pat) == NULL);
	CHECK_STR(mailbox_list_root(a, "Foo.Bar.Baz"), "Foo.");
	CHECK_STR(mailbox_list_root(a, "Foo"), "");
	CHECK_STR(mailbox_list_root(a, ""), "");
}

static void
put(const char *name, const char *text)
{
	int	fd = openat(rootfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd == -1 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
}

static char *
get(const char *name)
{
	static char	buf[8192];
	ssize_t		n;
	int		fd = openat(rootfd, name, O_RDONLY);

	if (fd == -1)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static int
isdir(const char *name)
{
	struct stat	st;

	return fstatat(rootfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode);
}

/* The names LIST would give for pats, with flags, one string. */
static char *
listing(unsigned opts, const char *pat)
{
	static char		 out[8192];
	struct mailbox_entry	*v;
	const char		*pats[1] = { pat };
	size_t			 n, i, off = 0;

	out[0] = '\0';
	if (mailbox_list(rootfd, a, pats, 1, opts, &v, &n) == -1)
		return NULL;
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(out + off, sizeof(out) - off,
		    "%s%s/%s%s%s%s%s%x", i ? " " : "", v[i].name,
		    v[i].flags & MBE_NONEXISTENT ? "N" : "",
		    v[i].flags & MBE_SUBSCRIBED ? "S" : "",
		    v[i].flags & MBE_CHILDREN ? "C" : "",
		    v[i].flags & MBE_SELECTED ? "s" : "",
		    v[i].flags & MBE_CHILDINFO ? "I" : "", v[i].use);
	return out;
}

static void
test_subscriptions(void)
{
	char	**v;
	size_t	  n;

	/* Missing file: empty. */
	CHECK_INT(mailbox_subscriptions(rootfd, a, &v, &n), 0);
	CHECK_INT(n, 0);

	/* The old format: plain names, invalid ones kept but not listed. */
	put("subscriptions", "INBOX\nLists.foo\n\nbad..name\ninbox.x\n"
	    "Lists.foo\n");
	CHECK_INT(mailbox_subscriptions(rootfd, a, &v, &n), 0);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_STR(v[0], "INBOX");
		CHECK_STR(v[1], "Lists.foo");
		CHECK_STR(v[2], "INBOX.x");
		CHECK_STR(v[3], "Lists.foo");
	}
	/* Rewritten in Dovecot 2.3's format; already there: untouched. */
	CHECK_INT(mailbox_subscribe(rootfd, "Lists.foo", 1), MBX_OK);
	CHECK_STR(get("subscriptions"), "INBOX\nLists.foo\n\nbad..name\n"
	    "inbox.x\nLists.foo\n");
	CHECK_INT(mailbox_subscribe(rootfd, "&Jjo-.x", 1), MBX_OK);
	CHECK_STR(get("subscriptions"), "V\t2\n\nINBOX\nLists\tfoo\n"
	    "bad\t\tname\nINBOX\tx\nLists\tfoo\n&Jjo-\tx\n");
	CHECK_INT(mailbox_subscribe(rootfd, "lists.foo", 0), MBX_OK);
	CHECK_INT(mailbox_subscribe(rootfd, "Lists.foo", 0), MBX_OK);
	CHECK_INT(mailbox_subscribe(rootfd, "inbox", 0), MBX_OK);
	CHECK_STR(get("subscriptions"), "V\t2\n\nbad\t\tname\nINBOX\tx\n"
	    "&Jjo-\tx\n");
	CHECK_INT(mailbox_subscribe(rootfd, "inbox", 1), MBX_OK);
	CHECK_INT(mailbox_subscribe(rootfd, "a..b", 1), MBX_INVALID);
	CHECK_INT(mailbox_subscriptions(rootfd, a, &v, &n), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(v[0], "INBOX.x");
		CHECK_STR(v[1], "&Jjo-.x");
		CHECK_STR(v[2], "INBOX");
	}
	/* Dovecot 2.3's file as Dovecot wrote it. */
	put("subscriptions", "V\t2\n\nLists\tfoo\nINBOX\n");
	CHECK_INT(mailbox_subscriptions(rootfd, a, &v, &n), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(v[0], "Lists.foo");
		CHECK_STR(v[1], "INBOX");
	}
	/* A lock held by someone else, fresh: waited for, then given up
	 * (MAILBOX_LOCK_WAIT seconds: skipped, too slow); stale: taken. */
	put("subscriptions.lock", "");
	{
		struct timespec	ts[2] = { { time(NULL) - 1000, 0 },
				    { time(NULL) - 1000, 0 } };
		CHECK_INT(utimensat(rootfd, "subscriptions.lock", ts, 0), 0);
	}
	CHECK_INT(mailbox_subscribe(rootfd, "Z", 1), MBX_OK);
	CHECK_STR(get("subscriptions"), "V\t2\n\nLists\tfoo\nINBOX\nZ\n");
	CHECK(get("subscriptions.lock") == NULL);
	(void)unlinkat(rootfd, "subscriptions", 0);
}

static void
test_folders(void)
{
	struct mailbox_use_rec	*u;
	size_t			 n;

	CHECK_INT(mailbox_exists(rootfd, "INBOX"), 1);
	CHECK_INT(mailbox_exists(rootfd, "A"), 0);
	CHECK_INT(mailbox_exists(rootfd, "../x"), 0);

	/* CREATE: superiors created, trailing separator, INBOX, twice. */
	CHECK_INT(mailbox_create(rootfd, "A.B.C", 0), MBX_OK);
	CHECK(isdir(".A") && isdir(".A.B") && isdir(".A.B.C"));
	CHECK(isdir(".A.B.C/cur") && isdir(".A.B.C/new") &&
	    isdir(".A.B.C/tmp"));
	CHECK(get(".A.B.C/maildirfolder") != NULL);
	CHECK_INT(mailbox_create(rootfd, "A.B.C", 0), MBX_EXISTS);
	CHECK_INT(mailbox_create(rootfd, "A.", 0), MBX_EXISTS);
	CHECK_INT(mailbox_create(rootfd, "D.", 0), MBX_OK);
	CHECK(isdir(".D"));
	CHECK_INT(mailbox_create(rootfd, "inbox", 0), MBX_EXISTS);
	CHECK_INT(mailbox_create(rootfd, "INBOX.", 0), MBX_EXISTS);
	CHECK_INT(mailbox_create(rootfd, "inbox.sub", 0), MBX_OK);
	CHECK(isdir(".INBOX.sub"));
	CHECK_INT(mailbox_create(rootfd, "a..b", 0), MBX_INVALID);
	CHECK_INT(mailbox_create(rootfd, "D..", 0), MBX_INVALID);
	CHECK_INT(mailbox_create(rootfd, "../../etc/x", 0), MBX_INVALID);
	CHECK_INT(mailbox_create(rootfd, "Out", MBX_USE_SENT), MBX_OK);
	CHECK_STR(get("mdimapd-specialuse"), "mdimapd-specialuse 1\n"
	    "Out\t\\Sent\n");

	/* A symbolic link is no folder and is never followed. */
	CHECK_INT(symlinkat("/etc", rootfd, ".evil"), 0);
	CHECK_INT(symlinkat("/nonexistent", rootfd, ".dangling"), 0);
	CHECK_INT(mailbox_exists(rootfd, "evil"), 0);
	CHECK_INT(mailbox_delete(rootfd, "evil"), MBX_NONEXISTENT);
	CHECK_INT(mailbox_rename(rootfd, "evil", "E"), MBX_NONEXISTENT);
	CHECK_INT(mailbox_create(rootfd, "evil", 0), MBX_EXISTS);
	CHECK_INT(mailbox_create(rootfd, "evil.sub", 0), MBX_OK);
	CHECK(isdir(".evil.sub"));
	CHECK_INT(mailbox_rename(rootfd, "D", "dangling"), MBX_EXISTS);
	CHECK(isdir(".D"));
	/* Not folders either: */
	CHECK_INT(mkdirat(rootfd, "..hidden", 0700), 0);
	CHECK_INT(mkdirat(rootfd, ".Inbox.y", 0700), 0);
	put(".file", "");

	CHECK_STR(listing(0, "*"), "INBOX/Cs0 INBOX.sub/s0 A/Cs0 A.B/Cs0 "
	    "A.B.C/s0 D/s0 Out/s20 evil/NCs0 evil.sub/s0");
	CHECK_STR(listing(0, "%"), "INBOX/Cs0 A/Cs0 D/s0 Out/s20 evil/NCs0");
	CHECK_STR(listing(MBL_SPECIALUSE, "*"), "Out/s20");

	/* DELETE: children stay; INBOX and parents-only cannot go. */
	CHECK_INT(mailbox_delete(rootfd, "A.B"), MBX_OK);
	CHECK(!isdir(".A.B") && isdir(".A.B.C"));
	CHECK_INT(mailbox_delete(rootfd, "A.B"), MBX_NONEXISTENT);
	CHECK_INT(mailbox_delete(rootfd, "inbox"), MBX_INBOX);
	CHECK_INT(mailbox_delete(rootfd, "evil"), MBX_NONEXISTENT);
	CHECK_STR(listing(0, "A*"), "A/Cs0 A.B/NCs0 A.B.C/s0");
	CHECK_INT(mailbox_delete(rootfd, "Out"), MBX_OK);
	CHECK_STR(get("mdimapd-specialuse"), "mdimapd-specialuse 1\n");
	/* A message inside, and a symbolic link: removed, not followed. */
	CHECK_INT(mailbox_create(rootfd, "M", 0), MBX_OK);
	put(".M/cur/1.M1P1.h:2,S", "x");
	CHECK_INT(symlinkat("/etc/passwd", rootfd, ".M/cur/link"), 0);
	CHECK_INT(symlinkat("/etc", rootfd, ".M/tmp/dirlink"), 0);
	CHECK_INT(mailbox_delete(rootfd, "M"), MBX_OK);
	CHECK(!isdir(".M"));
	CHECK(access("/etc/passwd", F_OK) == 0);

	/* RENAME: children move, uses follow, checks. */
	CHECK_INT(mailbox_create(rootfd, "R", MBX_USE_ARCHIVE | MBX_USE_JUNK),
	    MBX_OK);
	CHECK_INT(mailbox_create(rootfd, "R.x", MBX_USE_TRASH), MBX_OK);
	CHECK_INT(mailbox_rename(rootfd, "R", "R.y"), MBX_INFERIOR);
	CHECK_INT(mailbox_rename(rootfd, "R", "R"), MBX_EXISTS);
	CHECK_INT(mailbox_rename(rootfd, "R", "D"), MBX_EXISTS);
	CHECK_INT(mailbox_rename(rootfd, "R", "INBOX"), MBX_EXISTS);
	CHECK_INT(mailbox_rename(rootfd, "nope", "Q"), MBX_NONEXISTENT);
	CHECK_INT(mailbox_rename(rootfd, "A.B", "Q"), MBX_NONEXISTENT);
	CHECK_INT(mailbox_rename(rootfd, "R", "a..b"), MBX_INVALID);
	CHECK_INT(mailbox_rename(rootfd, "R", "New.Place"), MBX_OK);
	CHECK(!isdir(".R") && !isdir(".R.x"));
	CHECK(isdir(".New") && isdir(".New.Place") && isdir(".New.Place.x"));
	CHECK_STR(get("mdimapd-specialuse"), "mdimapd-specialuse 1\n"
	    "New.Place\t\\Archive \\Junk\nNew.Place.x\t\\Trash\n");
	CHECK_INT(mailbox_uses_read(rootfd, a, &u, &n), 0);
	CHECK_INT(n, 2);
	/* A child's new name taken: nothing moves. */
	CHECK_INT(mailbox_create(rootfd, "S.x", 0), MBX_OK);
	CHECK_INT(mailbox_create(rootfd, "T.x", 0), MBX_OK);
	CHECK_INT(mailbox_delete(rootfd, "T"), MBX_OK);
	CHECK_INT(mailbox_rename(rootfd, "S", "T"), MBX_EXISTS);
	CHECK(isdir(".S") && isdir(".S.x"));

	/* RENAME INBOX: its messages move, it stays, keywords copied. */
	put("cur/1.M1P1.h:2,Sa", "one");
	put("new/2.M2P2.h", "two");
	put("dovecot-keywords", "0 kw1\n");
	CHECK_INT(mailbox_rename(rootfd, "INBOX", "Old.Mail"), MBX_OK);
	CHECK(get(".Old.Mail/cur/1.M1P1.h:2,Sa") != NULL);
	CHECK(get(".Old.Mail/new/2.M2P2.h") != NULL);
	CHECK(get("cur/1.M1P1.h:2,Sa") == NULL);
	CHECK_STR(get(".Old.Mail/dovecot-keywords"), "0 kw1\n");
	CHECK(isdir(".INBOX.sub"));
	CHECK_INT(mailbox_rename(rootfd, "INBOX", "Old.Mail"), MBX_EXISTS);

	/* Subscriptions in the listing. */
	CHECK_INT(mailbox_subscribe(rootfd, "Gone.away", 1), MBX_OK);
	CHECK_INT(mailbox_subscribe(rootfd, "A.B.C", 1), MBX_OK);
	CHECK_INT(mailbox_subscribe(rootfd, "D", 1), MBX_OK);
	CHECK_STR(listing(MBL_SUBSCRIBED, "*"),
	    "A.B.C/Ss0 D/Ss0 Gone.away/NSs0");
	CHECK_STR(listing(MBL_SUBSCRIBED | MBL_RECURSIVEMATCH, "%"),
	    "A/CI0 D/Ss0 Gone/NI0");
	CHECK_STR(listing(MBL_SUBSCRIBED | MBL_RECURSIVEMATCH, "*"),
	    "A.B.C/Ss0 D/Ss0 Gone.away/NSs0");
	CHECK_STR(listing(MBL_WANT_SUBSCRIBED, "D"), "D/Ss0");

	/* Leftovers of a crash: never listed, removed when old. */
	CHECK_INT(mkdirat(rootfd, "..mdimapd-deleted.1.1", 0700), 0);
	CHECK_INT(mkdirat(rootfd, "..mdimapd-deleted.1.1/cur", 0700), 0);
	{
		struct timespec	ts[2] = { { time(NULL) - 7200, 0 },
				    { time(NULL) - 7200, 0 } };
		CHECK_INT(utimensat(rootfd, "..mdimapd-deleted.1.1", ts, 0),
		    0);
	}
	CHECK_INT(mkdirat(rootfd, "tmp/mdimapd-deleted.1.3", 0700), 0);
	CHECK_INT(mkdirat(rootfd, "tmp/mdimapd-deleted.1.3/new", 0700), 0);
	put("tmp/mdimapd-deleted.1.3/new/1.M1P1.h", "x");
	{
		struct timespec	ts[2] = { { time(NULL) - 7200, 0 },
				    { time(NULL) - 7200, 0 } };
		CHECK_INT(utimensat(rootfd, "tmp/mdimapd-deleted.1.3", ts, 0),
		    0);
	}
	CHECK_INT(mkdirat(rootfd, "..mdimapd-create.1.2", 0700), 0);
	CHECK_INT(mkdirat(rootfd, "tmp/mdimapd-create.1.4", 0700), 0);
	put("tmp/1234.M1P1.h", "a delivery in progress");
	CHECK_INT(mailbox_delete(rootfd, "D"), MBX_OK);
	CHECK(!isdir("..mdimapd-deleted.1.1"));
	CHECK(!isdir("tmp/mdimapd-deleted.1.3"));
	CHECK(isdir("..mdimapd-create.1.2"));
	CHECK(isdir("tmp/mdimapd-create.1.4"));
	CHECK(get("tmp/1234.M1P1.h") != NULL);
	CHECK_STR(listing(0, "D*"), "");

	/* Without a tmp/ at the root, work is staged at the root. */
	CHECK_INT(unlinkat(rootfd, "tmp/1234.M1P1.h", 0), 0);
	CHECK_INT(unlinkat(rootfd, "tmp/mdimapd-create.1.4", AT_REMOVEDIR), 0);
	CHECK_INT(renameat(rootfd, "tmp", rootfd, "tmp.away"), 0);
	CHECK_INT(mailbox_create(rootfd, "NoTmp", 0), MBX_OK);
	CHECK(isdir(".NoTmp/cur"));
	CHECK_INT(mailbox_delete(rootfd, "NoTmp"), MBX_OK);
	CHECK(!isdir(".NoTmp"));
	CHECK_INT(symlinkat("tmp.away", rootfd, "tmp"), 0);
	CHECK_INT(mailbox_create(rootfd, "NoTmp", 0), MBX_OK);
	CHECK_INT(mailbox_delete(rootfd, "NoTmp"), MBX_OK);
	CHECK_INT(unlinkat(rootfd, "tmp", 0), 0);
	CHECK_INT(renameat(rootfd, "tmp.away", rootfd, "tmp"), 0);
	{
		DIR		*d = fdopendir(openat(rootfd, ".", O_RDONLY));
		struct dirent	*de;
		int		 stray = 0;

		while (d != NULL && (de = readdir(d)) != NULL)
			if (strncmp(de->d_name, "..mdimapd-", 10) == 0 &&
			    strcmp(de->d_name, "..mdimapd-create.1.2") != 0)
				stray++;
		if (d != NULL)
			closedir(d);
		CHECK_INT(stray, 0);
	}
}

/* Many folders: the listing is complete and in order. */
static void
test_many(void)
{
	struct mailbox_entry	*v;
	const char		*pats[1] = { "Many.*" };
	char			 name[64];
	size_t			 n, i;
	int			 ok = 1;

	for (i = 0; i < 1000; i++) {
		(void)snprintf(name, sizeof(name), "Many.%04zu", 999 - i);
		if (mailbox_create(rootfd, name, 0) != MBX_OK)
			ok = 0;
	}
	CHECK(ok);
	CHECK_INT(mailbox_list(rootfd, a, pats, 1, 0, &v, &n), 0);
	CHECK_INT(n, 1000);
	for (i = 0; i < n && i < 1000; i++) {
		(void)snprintf(name, sizeof(name), "Many.%04zu", i);
		if (strcmp(v[i].name, name) != 0)
			ok = 0;
	}
	CHECK(ok);
}

int
main(void)
{
	char	cmd[128];

	a = arena_new(64 * 1024 * 1024);
	if (mkdtemp(dir) == NULL || (rootfd = open(dir, O_RDONLY)) == -1 ||
	    mkdirat(rootfd, "cur", 0700) == -1 ||
	    mkdirat(rootfd, "new", 0700) == -1 ||
	    mkdirat(rootfd, "tmp", 0700) == -1) {
		perror("t_mailbox: scratch Maildir");
		return 1;
	}
	test_names();
	test_match();
	test_subscriptions();
	test_folders();
	test_many();
	(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "t_mailbox: could not remove %s\n", dir);
	arena_free(&a);
	return test_done("t_mailbox");
}
