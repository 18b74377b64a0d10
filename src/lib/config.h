/*
 * config.h: run-time settings, from /etc/mdimapd.conf ("name = value"
 * lines) and "-o name=value" on the command line (which wins). Each
 * setting has a type, a default and, for numbers, a range: unknown names
 * and bad values are start-up errors naming the file and line.
 */
#ifndef MDIMAPD_CONFIG_H
#define MDIMAPD_CONFIG_H

#include <stddef.h>

#define CONFIG_FILE	"/etc/mdimapd.conf"

/* login_cleartext: when LOGIN and AUTHENTICATE PLAIN are offered on a
 * channel that is not declared secure. */
#define CLEARTEXT_NEVER		0
#define CLEARTEXT_LOOPBACK	1
#define CLEARTEXT_ALWAYS	2

/* secure: whether the channel is encrypted (TLS done by stunnel or a
 * proxy in front of us). */
#define SECURE_NO	0
#define SECURE_YES	1
#define SECURE_AUTO	2	/* yes behind stunnel (peer.c: REMOTE_HOST,
				 * REMOTE_PORT, fd 0 not the client's) */

struct config {
	long	 line_max_prelogin;	/* bytes */
	long	 line_max;
	long	 idle_prelogin;		/* seconds */
	long	 idle;
	long	 write_timeout;
	long	 memory_limit;		/* MiB of data per process, 0: none */
	long	 auth_delay;		/* seconds after a failed login */
	long	 auth_failures;		/* per connection, then BYE */
	long	 throttle_failures;	/* per address and window, then refused */
	long	 throttle_window;	/* seconds */
	long	 secure;		/* SECURE_* */
	long	 login_cleartext;	/* CLEARTEXT_* */
	long	 quota_storage;		/* bytes, 0: no limit (quota.c) */
	long	 quota_messages;	/* messages, 0: no limit */
	char	*auth;			/* backends in order: passwd-file system */
	char	*passwd_file;
	char	*maildir;		/* template: ~ %u %n %d %h */
	char	*prelogin_user;
	char	*prelogin_chroot;	/* "" for none */
	char	*throttle_dir;
};

extern struct config	config;

/* Apply "name=value"; returns 0, or -1 with a message in err. */
int	config_set(const char *assignment, char *err, size_t errsize);
/* Read a configuration file: 0, 1 if it does not exist (and missing_ok),
 * or -1 with "file:line: message" in err. */
int	config_load(const char *path, int missing_ok, char *err,
	    size_t errsize);
/* Print every setting as "name = value" lines (mdimapd -n). */
void	config_print(void);

#endif
