/*
 * auth.h: checking a user name and password. Runs in the root monitor
 * (priv.c), never in a process that parses IMAP. Backends, in the order
 * of the "auth" setting: "passwd-file" (Dovecot's format, crypt(3) hashes)
 * and "system" (getpwnam + getspnam).
 */
#ifndef MDIMAPD_AUTH_H
#define MDIMAPD_AUTH_H

#include <sys/types.h>

#include <limits.h>
#include <stddef.h>

/* Longest user name and password accepted (before crypt() sees them). */
#define AUTH_USER_MAX	256
#define AUTH_PASS_MAX	1024

struct auth_user {
	char	 name[AUTH_USER_MAX + 1];
	uid_t	 uid;
	gid_t	 gid;
	char	 home[PATH_MAX];
	int	 system;	/* an /etc/passwd user: initgroups() by name */
};

enum auth_result {
	AUTH_OK,
	AUTH_FAIL,		/* wrong user or password: the same to the client */
	AUTH_TEMPFAIL,		/* a backend could not be read */
};

/*
 * Check user and pass (not NUL-terminated, no NUL allowed inside). An
 * unknown user costs one crypt() like a known one, so that timing does not
 * tell them apart; a locked or empty hash, a NULL from crypt(), uid 0 are
 * failures. The password is not kept.
 */
enum auth_result auth_verify(const char *user, size_t ulen, const char *pass,
		    size_t plen, struct auth_user *u);

/* Whether the auth settings make sense (start-up and -n). */
int	auth_check_config(char *err, size_t errsize);

/* A hash line for a password, in the preferred crypt(3) method of this
 * system ("{CRYPT}$y$..."). Returns 0 or -1. */
int	auth_hash(const char *pass, char *out, size_t outsize);

#endif
