/*
 * priv.c: the root monitor and the privilege drops.
 *
 * The record the child sends is four 32-bit lengths (tag, user, password,
 * input after the command) and then the bytes; every length is checked
 * against its maximum before anything is read, and the monitor reads
 * exactly that much: it never parses IMAP, and a child that sends anything
 * else is killed. The password is wiped as soon as it is checked.
 *
 * Dropping: supplementary groups first (needs root), then the gid, then
 * the uid; setresgid/setresuid set real, effective and saved ids, so
 * nothing is left to regain; afterwards setuid(0) must fail, or we stop.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fdio.h"
#include "log.h"
#include "mdlimits.h"
#include "priv.h"
#include "throttle.h"

static void
drop_check(uid_t uid, gid_t gid)
{
	if (getuid() != uid || geteuid() != uid || getgid() != gid ||
	    getegid() != gid)
		fatalx("privilege drop did not take");
	if (setuid(0) != -1 || seteuid(0) != -1)
		fatalx("could regain root after dropping privileges");
}

void
priv_drop(const char *user, const char *chroot_dir)
{
	struct passwd	*pw;
	uid_t		 uid;
	gid_t		 gid;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL)
		fatalx("unprivileged user %s not found", user);
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (uid == 0 || gid == 0)
		fatalx("refusing to run as %s: uid or gid 0", user);
	if (chroot_dir != NULL && chroot_dir[0] != '\0') {
		if (chroot(chroot_dir) == -1 || chdir("/") == -1)
			fatal("chroot %s", chroot_dir);
	}
	if (setgroups(1, &gid) == -1)
		fatal("setgroups");
	if (setresgid(gid, gid, gid) == -1)
		fatal("setresgid");
	if (setresuid(uid, uid, uid) == -1)
		fatal("setresuid");
	drop_check(uid, gid);
}

void
priv_become(const struct auth_user *u)
{
	if (u->uid == 0 || u->gid == 0)
		fatalx("user %s: uid or gid 0 refused", u->name);
	if (u->system) {
		if (initgroups(u->name, u->gid) == -1)
			fatal("initgroups %s", u->name);
	} else if (setgroups(1, &u->gid) == -1)
		fatal("setgroups");
	if (setresgid(u->gid, u->gid, u->gid) == -1)
		fatal("setresgid");
	if (setresuid(u->uid, u->uid, u->uid) == -1)
		fatal("setresuid");
	drop_check(u->uid, u->gid);
}



int
priv_ask(int fd, const char *tag, const char *user, size_t ulen,
    const char *pass, size_t plen, const char *rest, size_t restlen)
{
	uint32_t	 hdr[4];
	size_t		 tlen = strlen(tag), total;
	char		*rec, *p, verdict;
	int		 r;

	if (tlen > LIMIT_TAG || ulen > AUTH_USER_MAX || plen > AUTH_PASS_MAX ||
	    restlen > PRIV_REST_MAX)
		return VERDICT_FAIL;
	hdr[0] = htonl((uint32_t)tlen);
	hdr[1] = htonl((uint32_t)ulen);
	hdr[2] = htonl((uint32_t)plen);
	hdr[3] = htonl((uint32_t)restlen);
	total = sizeof(hdr) + tlen + ulen + plen + restlen;
	if ((rec = malloc(total)) == NULL)
		fatalx("out of memory");
	p = rec;
	memcpy(p, hdr, sizeof(hdr));
	p += sizeof(hdr);
	memcpy(p, tag, tlen);
	p += tlen;
	memcpy(p, user, ulen);
	p += ulen;
	memcpy(p, pass, plen);
	p += plen;
	memcpy(p, rest, restlen);
	r = fd_write_all(fd, rec, total);
	explicit_bzero(rec, total);
	free(rec);
	if (r == -1 || fd_read_all(fd, &verdict, 1) == -1)
		fatalx("lost the monitor");
	return verdict;
}

/* The child is gone: exit as it did. */
static void __attribute__((noreturn))
child_gone(pid_t pid)
{
	int	status;

	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

void
priv_monitor(const char *remote, void (*child)(int), struct auth_user *u,
    char *tag, size_t tagsize, char **rest_r, size_t *restlen_r)
{
	uint32_t		 hdr[4];
	size_t			 len[4];
	char			*user = NULL, *pass = NULL, *rest = NULL;
	char			 esc[AUTH_USER_MAX * 4 + 1], verdict;
	enum auth_result	 r;
	pid_t			 pid;
	int			 sp[2], i;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1)
		fatal("socketpair");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		close(sp[0]);
		child(sp[1]);
		_exit(1);
	}
	close(sp[1]);
	/* The child talks to the client; we hold fds 0 and 1 untouched. */
	for (;;) {
		if (fd_read_all(sp[0], hdr, sizeof(hdr)) == -1)
			child_gone(pid);
		for (i = 0; i < 4; i++)
			len[i] = ntohl(hdr[i]);
		if (len[0] > LIMIT_TAG || len[0] >= tagsize ||
		    len[1] > AUTH_USER_MAX || len[2] > AUTH_PASS_MAX ||
		    len[3] > PRIV_REST_MAX) {
			log_warnx("pre-login process sent a bad record: "
			    "killed");
			kill(pid, SIGKILL);
			child_gone(pid);
		}
		if ((user = malloc(len[1] + 1)) == NULL ||
		    (pass = malloc(len[2] + 1)) == NULL ||
		    (rest = malloc(len[3] + 1)) == NULL)
			fatalx("out of memory");
		if (fd_read_all(sp[0], tag, len[0]) == -1 ||
		    fd_read_all(sp[0], user, len[1]) == -1 ||
		    fd_read_all(sp[0], pass, len[2]) == -1 ||
		    fd_read_all(sp[0], rest, len[3]) == -1)
			child_gone(pid);
		tag[len[0]] = '\0';
		log_escape(esc, sizeof(esc), user, len[1]);
		if (throttle_blocked(remote)) {
			r = AUTH_FAIL;
			verdict = VERDICT_THROTTLED;
		} else {
			r = auth_verify(user, len[1], pass, len[2], u);
			verdict = r == AUTH_OK ? VERDICT_OK :
			    r == AUTH_TEMPFAIL ? VERDICT_TEMPFAIL :
			    VERDICT_FAIL;
		}
		explicit_bzero(pass, len[2]);
		free(pass);
		pass = NULL;
		if (verdict != VERDICT_OK) {
			/* fail2ban: contrib/fail2ban/filter.d/mdimapd.conf */
			log_info("auth failure: user=%s remote=%s%s", esc,
			    remote, verdict == VERDICT_THROTTLED ?
			    " throttled" : "");
			if (verdict == VERDICT_FAIL)
				throttle_fail(remote);
			if (config.auth_delay > 0)
				sleep((unsigned)config.auth_delay);
			free(user);
			free(rest);
			user = rest = NULL;
			if (fd_write_all(sp[0], &verdict, 1) == -1)
				child_gone(pid);
			continue;
		}
		log_info("login: user=%s remote=%s", esc, remote);
		free(user);
		if (fd_write_all(sp[0], &verdict, 1) == -1) {
			free(rest);
			child_gone(pid);
		}
		break;
	}
	/* The child exits without writing more: wait for it. */
	{
		int status;

		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	}
	close(sp[0]);
	*rest_r = rest;
	*restlen_r = len[3];
}
