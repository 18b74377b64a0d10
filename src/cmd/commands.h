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
/* No EXPUNGE may be sent while it runs, unless it came with UID
 * (RFC 9051 7.5.1: FETCH, STORE, SEARCH; COPY too, as Dovecot). */
#define CMD_NO_EXPUNGE		0x02
/* Valid after "UID" (FETCH, STORE, COPY, MOVE, SEARCH, EXPUNGE). */
#define CMD_UID			0x04

struct command {
	const char	*name;
	unsigned	 states;	/* ST_* where it is valid */
	unsigned	 flags;		/* CMD_* */
	const char	*capability;	/* advertised while valid, or NULL */
	void		(*run)(struct session *, struct imap_arg *);
	/* Streams a literal itself (APPEND): called on PARSE_LITERAL. */
	void		(*literal)(struct session *);
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

void	cmd_select(struct session *, struct imap_arg *);
void	cmd_examine(struct session *, struct imap_arg *);
void	cmd_close(struct session *, struct imap_arg *);
void	cmd_unselect(struct session *, struct imap_arg *);
void	cmd_check(struct session *, struct imap_arg *);
void	cmd_expunge(struct session *, struct imap_arg *);
void	cmd_uid(struct session *, struct imap_arg *);
void	cmd_fetch(struct session *, struct imap_arg *);
void	cmd_store(struct session *, struct imap_arg *);
void	cmd_copy(struct session *, struct imap_arg *);
void	cmd_move(struct session *, struct imap_arg *);
void	cmd_search(struct session *, struct imap_arg *);
/* A mailbox name argument as stored (modified UTF-7; converted from
 * UTF-8 when the session uses UTF-8 names), or NULL: *bad_r 0 for a
 * syntax error, 1 for a name that cannot be converted; answer with
 * cmd_mailbox_arg_fail(). */
const char *cmd_mailbox_arg(struct session *, const struct imap_arg *,
	    int *bad_r);
void	cmd_mailbox_arg_fail(struct session *, int bad);
/* The LIST response for one mailbox (IMAP4rev2 SELECT, RFC 9051 6.3.2). */
void	cmd_mailbox_list_one(struct session *, const char *name);
void	cmd_sort(struct session *, struct imap_arg *);
void	cmd_thread(struct session *, struct imap_arg *);
void	cmd_append(struct session *, struct imap_arg *);
void	append_literal(struct session *);
void	cmd_idle(struct session *, struct imap_arg *);
void	cmd_compress(struct session *, struct imap_arg *);
/* cmd_mailbox.c */
void	cmd_create(struct session *, struct imap_arg *);
void	cmd_delete(struct session *, struct imap_arg *);
void	cmd_rename(struct session *, struct imap_arg *);
void	cmd_subscribe(struct session *, struct imap_arg *);
void	cmd_unsubscribe(struct session *, struct imap_arg *);
void	cmd_list(struct session *, struct imap_arg *);
void	cmd_lsub(struct session *, struct imap_arg *);
void	cmd_namespace(struct session *, struct imap_arg *);
void	cmd_status(struct session *, struct imap_arg *);
/* cmd_quota.c */
void	cmd_getquota(struct session *, struct imap_arg *);
void	cmd_getquotaroot(struct session *, struct imap_arg *);
void	cmd_setquota(struct session *, struct imap_arg *);

/* cmd_enable.c: the names ENABLE knows, for CAPABILITY too. */
struct enable_ext {
	const char	*name;
	unsigned	 flag;		/* ENABLED_* */
};
extern const struct enable_ext	enable_table[];

#endif
