/*
 * login.c: what LOGIN and AUTHENTICATE do once they have a user name and a
 * password, in each way mdimapd runs:
 * - the pre-login child of the root monitor hands them over (priv_ask) and
 *   ends on success; the monitor answers the command as the user;
 * - started as a normal user, they are checked here, and only that user
 *   may log in (there is nobody else to become);
 * and the cleartext policy (RFC 9051 6.2.3, RFC 8314): LOGIN is offered on
 * a channel declared secure, or per login_cleartext.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "config.h"
#include "io.h"
#include "log.h"
#include "parser.h"
#include "priv.h"
#include "session.h"

int
session_login_allowed(const struct session *s)
{
	int	secure = config.secure == SECURE_YES ||
		    (config.secure == SECURE_AUTO && s->proxied);

	if (secure || config.login_cleartext == CLEARTEXT_ALWAYS)
		return 1;
	return config.login_cleartext == CLEARTEXT_LOOPBACK && s->loopback;
}

/* mkdir, accepting one that exists. */
static int
mkdir_ok(const char *path)
{
	return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

void
session_open_maildir(struct session *s, const char *path)
{
	char	sub[PATH_MAX], *p;
	size_t	i;

	/* A new user's first login: make the Maildir, its parents (a
	 * /var/mail/%d/%n template) and INBOX's cur/ new/ tmp/, which an MDA
	 * may not have made yet. */
	strlcpy(sub, path, sizeof(sub));
	for (p = sub + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (access(sub, F_OK) == -1 && mkdir_ok(sub) == -1)
			fatal("mkdir %s", sub);
		*p = '/';
	}
	if (mkdir_ok(path) == -1)
		fatal("mkdir %s", path);
	for (i = 0; i < 3; i++) {
		(void)snprintf(sub, sizeof(sub), "%s/%s", path,
		    i == 0 ? "cur" : i == 1 ? "new" : "tmp");
		if (mkdir_ok(sub) == -1)
			fatal("mkdir %s", sub);
	}
	free(s->maildir);
	if ((s->maildir = strdup(path)) == NULL)
		fatalx("out of memory");
	if (s->rootfd != -1)
		close(s->rootfd);
	if ((s->rootfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		fatal("open %s", path);
}

static void
login_failed(struct session *s, int verdict)
{
	if (verdict == VERDICT_THROTTLED)
		session_no(s, "UNAVAILABLE", "Too many failed logins from "
		    "your address, try again later");
	else if (verdict == VERDICT_TEMPFAIL)
		session_no(s, "UNAVAILABLE", "Temporary authentication "
		    "failure");
	else
		session_no(s, "AUTHENTICATIONFAILED", "Authentication failed.");
	if (++s->auth_failures >= config.auth_failures)
		session_bye(s, NULL, "Too many failed logins",
		    "too many failed logins", 1);
}

void
session_login(struct session *s, const char *user, size_t ulen,
    const char *pass, size_t plen)
{
	struct auth_user	 u;
	enum auth_result	 r;
	const char		*rest;
	size_t			 restlen;
	int			 verdict;
	char			 esc[AUTH_USER_MAX * 4 + 1];

	if (s->mode == MODE_CHILD) {
		/* Everything answered so far goes out first: the monitor
		 * answers this command, after us. */
		io_flush();
		restlen = io_buffered();
		rest = restlen > 0 ? io_peek(&restlen) : "";
		if (restlen > PRIV_REST_MAX) {
			session_no(s, "LIMIT", "Too much pipelined input");
			return;
		}
		if (ulen > AUTH_USER_MAX || plen > AUTH_PASS_MAX) {
			/* No user has such credentials: a failure like any
			 * other, with its delay and its log line. */
			log_escape(esc, sizeof(esc), user,
			    ulen > 64 ? 64 : ulen);
			log_info("auth failure: user=%s remote=%s", esc,
			    s->remote);
			if (config.auth_delay > 0)
				sleep((unsigned)config.auth_delay);
			login_failed(s, VERDICT_FAIL);
			return;
		}
		verdict = priv_ask(s->monitor_fd, s->tag, user, ulen, pass,
		    plen, rest, restlen);
		if (verdict == VERDICT_OK)
			_exit(0);
		login_failed(s, verdict);
		return;
	}
	/* Not root: only the user we run as can log in. */
	r = auth_verify(user, ulen, pass, plen, &u);
	if (r == AUTH_OK && u.uid != getuid()) {
		log_escape(esc, sizeof(esc), user, ulen);
		log_warnx("login as %s refused: not the user mdimapd runs as",
		    esc);
		r = AUTH_FAIL;
	}
	if (r != AUTH_OK) {
		log_escape(esc, sizeof(esc), user, ulen);
		log_info("auth failure: user=%s remote=%s", esc, s->remote);
		if (config.auth_delay > 0)
			sleep((unsigned)config.auth_delay);
		login_failed(s, r == AUTH_TEMPFAIL ? VERDICT_TEMPFAIL :
		    VERDICT_FAIL);
		return;
	}
	{
		char path[PATH_MAX];

		if (session_maildir_path(config.maildir, &u, path,
		    sizeof(path)) == -1) {
			session_no(s, "SERVERBUG", "Bad maildir setting");
			return;
		}
		session_set_auth(s, u.name);
		session_open_maildir(s, path);
	}
	log_escape(esc, sizeof(esc), u.name, strlen(u.name));
	log_info("login: user=%s remote=%s", esc, s->remote);
	{
		struct buf *b = session_out(s);

		(void)buf_adds(b, s->tag);
		(void)buf_adds(b, " OK [");
		capability_write(s, b);
		(void)buf_adds(b, "] Logged in");
		session_send_line(s);
	}
}

int
session_maildir_path(const char *tmpl, const struct auth_user *u, char *out,
    size_t size)
{
	struct buf	 b;
	const char	*p, *at = strchr(u->name, '@');
	int		 r = 0;

	/* A user name must not walk the path: "../x" is no user. */
	if (strchr(u->name, '/') != NULL || strcmp(u->name, "..") == 0 ||
	    strcmp(u->name, ".") == 0)
		return -1;
	buf_init(&b, PATH_MAX);
	for (p = tmpl; *p != '\0' && r == 0; p++) {
		if (p == tmpl && *p == '~') {
			r = buf_adds(&b, u->home);
			continue;
		}
		if (*p != '%') {
			r = buf_addc(&b, *p);
			continue;
		}
		if (p[1] == '\0') {
			r = -1;		/* a "%" at the end */
			break;
		}
		switch (*++p) {
		case 'u':
			r = buf_adds(&b, u->name);
			break;
		case 'n':
			r = at != NULL ? buf_add(&b, u->name,
			    (size_t)(at - u->name)) : buf_adds(&b, u->name);
			break;
		case 'd':
			r = at != NULL ? buf_adds(&b, at + 1) : 0;
			break;
		case 'h':
			r = buf_adds(&b, u->home);
			break;
		case '%':
			r = buf_addc(&b, '%');
			break;
		default:
			r = -1;
			break;
		}
	}
	if (r == 0 && (b.len == 0 || b.data[0] != '/'))
		r = -1;
	if (r == 0 && strlcpy(out, b.data, size) >= size)
		r = -1;
	buf_free(&b);
	return r;
}
