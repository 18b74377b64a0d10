/*
 * main.c: start-up. mdimapd is started once per connection (inetd, xinetd,
 * systemd Accept=yes, stunnel, tcpserver, ssh, or its own --listen) with
 * the client on fd 0 and fd 1. Before any protocol byte: check the
 * descriptors, umask 077, close inherited descriptors, no core dumps, open
 * the log, read the configuration. Then one of:
 *  --preauth           serve the invoking user (never root);
 *  root                fork: an unprivileged child speaks pre-login IMAP,
 *                      the root monitor checks logins and becomes the user
 *                      (priv.c);
 *  a normal user       LOGIN checked in this process, for this user only.
 * Errors here go to stderr/syslog with exit status 2 (usage) or 1, before
 * any protocol output.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <readpassphrase.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "config.h"
#include "listen.h"
#include "log.h"
#include "mdlimits.h"
#include "peer.h"
#include "priv.h"
#include "session.h"
#include "version.h"

extern char	**environ;

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: mdimapd [-dn] [-f config] [-o name=value] [-u prelogin-user]\n"
	    "               [--preauth [-m maildir]] [--listen addr:port]\n"
	    "       mdimapd --hash\n"
	    "       mdimapd -V | --version\n"
	    "Speaks IMAP on standard input and output; see mdimapd(8).\n");
	exit(status);
}

/* fds 0 and 1 are the client; 2 must be open so that nothing else lands
 * on it by accident. */
static void
check_fds(void)
{
	int	fd;

	if (fcntl(0, F_GETFD) == -1 || fcntl(1, F_GETFD) == -1)
		exit(1);
	if (fcntl(2, F_GETFD) == -1) {
		if ((fd = open("/dev/null", O_WRONLY)) == -1)
			exit(1);
		if (fd != 2) {
			(void)dup2(fd, 2);
			(void)close(fd);
		}
	}
	closefrom(3);
}

/* No core dumps (they would hold passwords), and a memory cap: a
 * session that runs away is stopped by the kernel, not the machine. */
static void
limits_set(void)
{
	struct rlimit	rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		fatal("setrlimit RLIMIT_CORE");
#if !defined(__SANITIZE_ADDRESS__)
	/* (AddressSanitizer maps terabytes of shadow memory: no cap.) */
	if (config.memory_limit > 0) {
		rl.rlim_cur = rl.rlim_max =
		    (rlim_t)config.memory_limit * 1024 * 1024;
		if (setrlimit(RLIMIT_DATA, &rl) == -1)
			fatal("setrlimit RLIMIT_DATA");
	}
#endif
}

/* The Maildir of a --preauth session: -m, else $MAILDIR, else the
 * maildir setting for the invoking user. */
static char *
preauth_maildir(const char *opt, const struct passwd *pw)
{
	struct auth_user	 u;
	const char		*env;
	char			 path[PATH_MAX];

	if (opt != NULL || ((env = getenv("MAILDIR")) != NULL && *env != '\0')) {
		if (strlcpy(path, opt != NULL ? opt : env, sizeof(path)) >=
		    sizeof(path))
			fatalx("Maildir path too long");
		return strdup(path);
	}
	memset(&u, 0, sizeof(u));
	strlcpy(u.name, pw->pw_name, sizeof(u.name));
	env = getenv("HOME");
	strlcpy(u.home, env != NULL && *env == '/' ? env : pw->pw_dir,
	    sizeof(u.home));
	if (session_maildir_path(config.maildir, &u, path, sizeof(path)) == -1)
		fatalx("maildir setting %s gives no absolute path",
		    config.maildir);
	return strdup(path);
}

/* mdimapd --hash: a passwd-file hash for a password read without echo. */
static int
hash_password(void)
{
	char	p1[AUTH_PASS_MAX + 1], p2[AUTH_PASS_MAX + 1];
	char	out[512];
	int	flags = isatty(0) ? RPP_REQUIRE_TTY : RPP_STDIN;

	if (readpassphrase("Password: ", p1, sizeof(p1), flags) == NULL)
		fatal("readpassphrase");
	if (flags == RPP_REQUIRE_TTY) {
		if (readpassphrase("Again: ", p2, sizeof(p2), flags) == NULL)
			fatal("readpassphrase");
		if (strcmp(p1, p2) != 0) {
			explicit_bzero(p1, sizeof(p1));
			explicit_bzero(p2, sizeof(p2));
			fprintf(stderr, "mdimapd: passwords differ\n");
			return 1;
		}
	}
	if (auth_hash(p1, out, sizeof(out)) == -1)
		fatalx("crypt failed");
	explicit_bzero(p1, sizeof(p1));
	explicit_bzero(p2, sizeof(p2));
	printf("%s\n", out);
	return 0;
}

/*
 * Settings that can only be wrong at the first login are checked now, so
 * that a mistake is a start-up error, not a dropped connection. The
 * message starts with ": " (after the file name).
 */
static int
config_check(char *err, size_t errsize)
{
	struct auth_user	 u;
	struct passwd		*pw;
	struct stat		 st;
	char			 msg[256], path[PATH_MAX];

	if (auth_check_config(msg, sizeof(msg)) == -1) {
		(void)snprintf(err, errsize, ": %s", msg);
		return -1;
	}
	memset(&u, 0, sizeof(u));
	strlcpy(u.name, "user@example.org", sizeof(u.name));
	strlcpy(u.home, "/home/user", sizeof(u.home));
	if (session_maildir_path(config.maildir, &u, path, sizeof(path)) == -1) {
		(void)snprintf(err, errsize, ": maildir: %s does not make an "
		    "absolute path (~ %%u %%n %%d %%h %%%%)", config.maildir);
		return -1;
	}
	if (getuid() == 0 || geteuid() == 0) {
		errno = 0;
		if ((pw = getpwnam(config.prelogin_user)) == NULL ||
		    pw->pw_uid == 0 || pw->pw_gid == 0) {
			(void)snprintf(err, errsize, ": prelogin_user: %s is "
			    "not an unprivileged user", config.prelogin_user);
			return -1;
		}
		if (config.prelogin_chroot[0] != '\0' &&
		    (stat(config.prelogin_chroot, &st) == -1 ||
		    !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
		    (st.st_mode & 022) != 0)) {
			(void)snprintf(err, errsize, ": prelogin_chroot: %s is "
			    "not a directory owned by root and writable by "
			    "root only", config.prelogin_chroot);
			return -1;
		}
	}
	return 0;
}

/* The pre-login child of the root monitor. */
static void
prelogin_child(int fd)
{
	struct session_opts	o;
	char			addr[64];

	priv_drop(config.prelogin_user, config.prelogin_chroot);
	(void)peer_describe(0, addr, sizeof(addr), NULL);
	setproctitle("[%s] pre-login", addr);
	memset(&o, 0, sizeof(o));
	o.mode = MODE_CHILD;
	o.monitor_fd = fd;
	session_run(&o);
}

static void __attribute__((noreturn))
run_root(void)
{
	struct session_opts	 o;
	struct auth_user	 u;
	char			 addr[64], tag[LIMIT_TAG + 1], path[PATH_MAX];
	char			*rest;
	size_t			 restlen;

	(void)peer_describe(0, addr, sizeof(addr), NULL);
	setproctitle("[%s] monitor", addr);
	priv_monitor(addr, prelogin_child, &u, tag, sizeof(tag), &rest,
	    &restlen);
	/* A good login: become the user, then serve. */
	if (session_maildir_path(config.maildir, &u, path, sizeof(path)) == -1)
		fatalx("user %s: maildir setting %s gives no absolute path",
		    u.name, config.maildir);
	priv_become(&u);
	if (chdir(u.home) == -1 && chdir("/") == -1)
		fatal("chdir");
	setproctitle("%s [%s]", u.name, addr);
	memset(&o, 0, sizeof(o));
	o.mode = MODE_LOGGEDIN;
	o.user = u.name;
	o.maildir = path;
	o.login_tag = tag;
	o.rest = rest;
	o.restlen = restlen;
	session_run(&o);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "preauth",	no_argument,		NULL, 'P' },
		{ "maildir",	required_argument,	NULL, 'm' },
		{ "debug",	no_argument,		NULL, 'd' },
		{ "listen",	required_argument,	NULL, 'L' },
		{ "hash",	no_argument,		NULL, 'H' },
		{ "version",	no_argument,		NULL, 'V' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	struct session_opts	 o;
	struct passwd		*pw;
	const char		*maildir = NULL, *cfile = CONFIG_FILE;
	const char		*listen_addr = NULL, *sets[64];
	char			 err[512];
	struct stat		 st2;
	int			 ch, debug = 0, print = 0, nsets = 0, i, r;
	int			 preauth = 0, cfile_given = 0;

	check_fds();
	umask(077);
	setproctitle_init(argc, argv, environ);
	while ((ch = getopt_long(argc, argv, "df:m:no:u:Vh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'P':
			preauth = 1;
			break;
		case 'm':
			maildir = optarg;
			break;
		case 'd':
			debug = 1;
			break;
		case 'f':
			cfile = optarg;
			cfile_given = 1;
			break;
		case 'n':
			print = 1;
			break;
		case 'o':
		case 'u':
			if (nsets == (int)(sizeof(sets) / sizeof(sets[0])))
				usage(2);
			if (ch == 'u') {
				char *s;
				if (asprintf(&s, "prelogin_user=%s",
				    optarg) == -1)
					exit(1);
				sets[nsets++] = s;
			} else
				sets[nsets++] = optarg;
			break;
		case 'L':
			listen_addr = optarg;
			break;
		case 'H':
			return hash_password();
		case 'V':
			printf("mdimapd %s\n", MDIMAPD_VERSION);
			return 0;
		case 'h':
			usage(0);
		default:
			usage(2);
		}
	}
	/* --preauth with --listen would serve anyone who connects. */
	if (optind != argc || (maildir != NULL && !preauth) ||
	    (preauth && listen_addr != NULL))
		usage(2);
	log_init("mdimapd", debug, debug);
	/* Start-up errors reach an administrator at a terminal too, but
	 * never a client's socket (inetd may hand us one as stderr): they go
	 * to syslog then. */
	if (!debug && fstat(2, &st2) == 0 && !S_ISSOCK(st2.st_mode))
		log_mirror_stderr(1);

	/* The file, then -o in order: the command line wins. */
	if ((r = config_load(cfile, !cfile_given, err, sizeof(err))) == -1) {
		log_warnx("%s", err);
		return 2;
	}
	for (i = 0; i < nsets; i++)
		if (config_set(sets[i], err, sizeof(err)) == -1) {
			log_warnx("-o %s", err);
			return 2;
		}
	if (config_check(err, sizeof(err)) == -1) {
		log_warnx("%s%s", r == 0 ? cfile : "settings", err);
		return 2;
	}
	if (print) {
		config_print();
		return 0;
	}
	limits_set();

	if (listen_addr != NULL)
		listen_run(listen_addr);	/* returns in each child */

	memset(&o, 0, sizeof(o));
	if (preauth) {
		/* The session never runs as root (DESIGN.md). */
		if (getuid() == 0 || geteuid() == 0)
			fatalx("--preauth refuses to serve root");
		errno = 0;
		if ((pw = getpwuid(getuid())) == NULL)
			fatalx("no passwd entry for uid %u",
			    (unsigned)getuid());
		o.mode = MODE_PREAUTH;
		if ((o.user = strdup(pw->pw_name)) == NULL ||
		    (o.maildir = preauth_maildir(maildir, pw)) == NULL)
			fatalx("out of memory");
		session_run(&o);
	}
	if (getuid() == 0 || geteuid() == 0)
		run_root();
	o.mode = MODE_INPROCESS;
	session_run(&o);
}
