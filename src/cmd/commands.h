/*
 * commands.h: the command table. One entry per command: the states it is
 * valid in, how its literals are treated, the capability it brings, and its
 * handler. The session dispatches through it, and the CAPABILITY response
 * is generated from it (capability.c), so a command and its capability
 * come and go together.
 */
#ifndef MDIMAPD_COMMANDS_H
#define MDIMAPD_COMMANDS_H

#include "session.h"

struct imap_arg;

/* Literals are allowed before login (up to LIMIT_LITERAL_PRELOGIN). */
#define CMD_PRELOGIN_LITERAL	0x01

struct command {
	const char	*name;
	unsigned	 states;	/* ST_* where it is valid */
	unsigned	 flags;		/* CMD_* */
	const char	*capability;	/* advertised while valid, or NULL */
	void		(*run)(struct session *, struct imap_arg *);
};

extern const struct command	command_table[];

/* The entry for name (case-insensitive), or NULL. */
const struct command *command_find(const char *name);

/* Handlers. */
void	cmd_capability(struct session *, struct imap_arg *);
void	cmd_noop(struct session *, struct imap_arg *);
void	cmd_logout(struct session *, struct imap_arg *);
void	cmd_id(struct session *, struct imap_arg *);
void	cmd_enable(struct session *, struct imap_arg *);
void	cmd_login(struct session *, struct imap_arg *);
void	cmd_authenticate(struct session *, struct imap_arg *);

/* cmd_enable.c: the names ENABLE knows, for CAPABILITY too. */
struct enable_ext {
	const char	*name;
	unsigned	 flag;		/* ENABLED_* */
};
extern const struct enable_ext	enable_table[];

#endif
