/*
 * priv.c: dropping root. Order matters: supplementary groups first (needs
 * root), then the gid, then the uid; afterwards setuid(0) must fail, or we
 * stop. setresgid/setresuid set real, effective and saved ids, so nothing
 * is left to regain.
 */
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "log.h"
#include "priv.h"

void
priv_drop(const char *user)
{
	struct passwd	*pw;
	uid_t		 uid;
	gid_t		 gid;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL)
		fatalx("unprivileged user %s not found", user);
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (uid == 0)
		fatalx("refusing to run as %s: uid 0", user);
	if (setgroups(1, &gid) == -1)
		fatal("setgroups");
	if (setresgid(gid, gid, gid) == -1)
		fatal("setresgid");
	if (setresuid(uid, uid, uid) == -1)
		fatal("setresuid");
	if (getuid() != uid || geteuid() != uid || getgid() != gid ||
	    getegid() != gid)
		fatalx("privilege drop did not take");
	if (setuid(0) != -1 || seteuid(0) != -1)
		fatalx("could regain root after dropping privileges");
}
