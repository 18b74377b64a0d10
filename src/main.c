/*
 * main.c: start-up. mdimapd is started once per connection (inetd, xinetd,
 * systemd Accept=yes, stunnel, tcpserver, ssh) with the client on fd 0 and
 * fd 1. Before any protocol byte: check the descriptors, umask 077, close
 * inherited descriptors, no core dumps, open the log, read the options.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "priv.h"
#include "session.h"
#include "version.h"

#define DEFAULT_PRELOGIN_USER	"nobody"

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: mdimapd [-dn] [--preauth] [-m maildir] [-o name=value]"
	    " [-u prelogin-user]\n"
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

static void
no_core(void)
{
	struct rlimit	rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		fatal("setrlimit RLIMIT_CORE");
}

/* The Maildir of a --preauth session: -m, else $MAILDIR, else ~/Maildir. */
static char *
preauth_maildir(const char *opt, const struct passwd *pw)
{
	const char	*home, *env;
	char		 path[PATH_MAX];
	struct stat	 st;

	if (opt != NULL)
		(void)snprintf(path, sizeof(path), "%s", opt);
	else if ((env = getenv("MAILDIR")) != NULL && *env != '\0')
		(void)snprintf(path, sizeof(path), "%s", env);
	else {
		home = getenv("HOME");
		if (home == NULL || *home == '\0')
			home = pw->pw_dir;
		if ((size_t)snprintf(path, sizeof(path), "%s/Maildir", home) >=
		    sizeof(path))
			fatalx("home directory path too long");
	}
	if (strlen(path) >= sizeof(path) - 1)
		fatalx("Maildir path too long");
	if (stat(path, &st) == -1)
		fatal("Maildir %s", path);
	if (!S_ISDIR(st.st_mode))
		fatalx("Maildir %s: not a directory", path);
	return strdup(path);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "preauth",	no_argument,		NULL, 'P' },
		{ "maildir",	required_argument,	NULL, 'm' },
		{ "debug",	no_argument,		NULL, 'd' },
		{ "version",	no_argument,		NULL, 'V' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	struct session_opts	 o;
	struct passwd		*pw;
	const char		*maildir = NULL, *unpriv = DEFAULT_PRELOGIN_USER;
	int			 ch, debug = 0, print = 0;
	char			 err[256];
	struct stat		 st2;

	check_fds();
	umask(077);
	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "dm:no:u:Vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'P':
			o.preauth = 1;
			break;
		case 'm':
			maildir = optarg;
			break;
		case 'd':
			debug = 1;
			break;
		case 'n':
			print = 1;
			break;
		case 'o':
			if (config_set(optarg, err, sizeof(err)) == -1) {
				fprintf(stderr, "mdimapd: -o %s\n", err);
				return 2;
			}
			break;
		case 'u':
			unpriv = optarg;
			break;
		case 'V':
			printf("mdimapd %s\n", MDIMAPD_VERSION);
			return 0;
		case 'h':
			usage(0);
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	if (print) {
		config_print();
		return 0;
	}

	log_init("mdimapd", debug, debug);
	/* Start-up errors reach an administrator at a terminal too, but
	 * never a client's socket (inetd may hand us one as stderr). */
	if (!debug && fstat(2, &st2) == 0 && !S_ISSOCK(st2.st_mode))
		log_mirror_stderr(1);
	no_core();

	if (o.preauth) {
		/* The session never runs as root (DESIGN.md). */
		if (getuid() == 0 || geteuid() == 0)
			fatalx("--preauth refuses to serve root");
		errno = 0;
		if ((pw = getpwuid(getuid())) == NULL)
			fatalx("no passwd entry for uid %u",
			    (unsigned)getuid());
		if ((o.user = strdup(pw->pw_name)) == NULL ||
		    (o.maildir = preauth_maildir(maildir, pw)) == NULL)
			fatalx("out of memory");
	} else if (getuid() == 0 || geteuid() == 0) {
		/* No byte from the network is parsed as root. */
		priv_drop(unpriv);
	}
	session_run(&o);
}
