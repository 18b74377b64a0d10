/*
 * priv.h: privilege separation (DESIGN.md, process model). Started as
 * root without --preauth, mdimapd forks before it reads a byte from the
 * client: the child drops to an unprivileged user and speaks pre-login
 * IMAP; the parent, root, never parses IMAP: it checks the credentials
 * the child hands it as one bounded record, and after a good login becomes
 * the user for good and runs the session.
 */
#ifndef MDIMAPD_PRIV_H
#define MDIMAPD_PRIV_H

#include <stddef.h>

#include "auth.h"

/* Verdicts the monitor sends back. */
#define VERDICT_OK		'Y'
#define VERDICT_FAIL		'N'
#define VERDICT_THROTTLED	'T'	/* too many failures from there */
#define VERDICT_TEMPFAIL	'E'	/* a backend could not be read */

/* Longest input a child may hand over after its LOGIN command. */
#define PRIV_REST_MAX		(64 * 1024)

/* Drop for good to the named user (after chroot into dir, if not ""),
 * then check that root cannot be regained. Fatal on any failure. */
void	priv_drop(const char *user, const char *chroot_dir);

/* Become the logged-in user for good (groups, gid, uid; checked). */
void	priv_become(const struct auth_user *);

/*
 * Root: fork. The child calls child(fd) (it never returns). The parent
 * answers the child's login requests until one succeeds: it returns then,
 * still root, with the user, the tag of the LOGIN and the input the child
 * had read past it; the child has exited. If the child ends without a
 * login, the parent exits with its status.
 */
void	priv_monitor(const char *remote, void (*child)(int),
	    struct auth_user *u, char *tag, size_t tagsize, char **rest,
	    size_t *restlen);

/* Child: hand over a login and wait for the verdict (VERDICT_*). */
int	priv_ask(int fd, const char *tag, const char *user, size_t ulen,
	    const char *pass, size_t plen, const char *rest, size_t restlen);

#endif
