/*
 * session.h: one IMAP session: its state (RFC 9051 3), the command loop,
 * and the helpers every command uses to answer. A session is the whole life
 * of the process: io ends it on EOF, error or timeout, LOGOUT or BYE ends it
 * through session_bye()/session_exit().
 */
#ifndef MDIMAPD_SESSION_H
#define MDIMAPD_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"

struct arena;
struct imap_arg;
struct parser;
struct maildir;
struct cache;
struct command;
struct append;

enum session_state {
	STATE_NOTAUTH,
	STATE_AUTH,
	STATE_SELECTED,
	STATE_LOGOUT,
};

/* State masks for the command table. */
#define ST_NOTAUTH	(1u << STATE_NOTAUTH)
#define ST_AUTH		(1u << STATE_AUTH)
#define ST_SELECTED	(1u << STATE_SELECTED)
#define ST_ANY		(ST_NOTAUTH | ST_AUTH | ST_SELECTED)
#define ST_LOGGEDIN	(ST_AUTH | ST_SELECTED)

/* What ENABLE has turned on (RFC 5161); see cmd_enable. */
#define ENABLED_UTF8	0x01
#define ENABLED_CONDSTORE 0x02	/* RFC 7162 3.1 */
#define ENABLED_QRESYNC	0x04	/* RFC 7162 3.2.3: VANISHED for EXPUNGE */
/* IMAP4rev2 (RFC 9051): SEARCH answers with ESEARCH even without RETURN
 * (cmd_search.c, one place). */
#define ENABLED_IMAP4REV2 0x08
/* Mailbox names and strings in UTF-8: UTF8=ACCEPT (RFC 6855 3) or
 * IMAP4rev2 (RFC 9051 5.1) enabled. */
#define SESSION_UTF8(s)	(((s)->enabled & (ENABLED_UTF8 | ENABLED_IMAP4REV2)) != 0)
/* IMAP4rev2 enabled: no \Recent, no RECENT, ESEARCH (RFC 9051 E). */
#define SESSION_REV2(s)	(((s)->enabled & ENABLED_IMAP4REV2) != 0)

/* How the session starts (main.c decides). */
enum session_mode {
	MODE_PREAUTH,		/* --preauth: logged in as the invoking user */
	MODE_CHILD,		/* pre-login child of the root monitor */
	MODE_INPROCESS,		/* not root: LOGIN checked here, same uid only */
	MODE_LOGGEDIN,		/* the monitor, after a good LOGIN, as the user */
};

struct session {
	enum session_state	 state;
	struct arena		*cmd_arena;	/* reset after each command */
	struct parser		*parser;
	struct buf		 out;		/* the response being built */
	const char		*tag;		/* of the current command */
	const char		*cmd_name;	/* as the client sent it */
	char			*user;
	char			*maildir;	/* path of the Maildir root */
	int			 rootfd;	/* it, opened; -1 before login */
	struct maildir		*sel;		/* the selected folder */
	struct cache		*cache;		/* its mdimapd-cache, or NULL */
	char			*sel_dirname;	/* its directory ("" INBOX) */
	size_t			 exists;	/* EXISTS as last reported */
	size_t			 recent;	/* RECENT as last reported */
	const struct command	*cmd;		/* the command running */
	int			 uid_cmd;	/* it came with "UID" */
	int			 no_report;	/* no updates before its reply */
	struct append		*append;	/* APPEND's message being saved */
	struct maildir		*dest;		/* last APPEND/COPY destination */
	char			*dest_dirname;
	char			 remote[64];	/* printable peer address */
	int			 loopback;	/* peer is on this host */
	int			 proxied;	/* through stunnel (TLS) */
	int			 bad_in_row;	/* BAD answers in a row */
	unsigned		 enabled;	/* ENABLED_* */
	uint32_t		*searchres;	/* RFC 5182 "$": UIDs, sorted */
	size_t			 nsearchres;
	int			 condstore;	/* a CONDSTORE enabling command
						 * was seen (RFC 7162 3.1) */
	int			 nomodseq;	/* the selected folder said
						 * NOMODSEQ (3.1.2.2) */
	struct timespec		 started;
	enum session_mode	 mode;
	int			 monitor_fd;	/* MODE_CHILD */
	int			 auth_failures;	/* on this connection */
};

struct session_opts {
	enum session_mode mode;
	int		 monitor_fd;	/* MODE_CHILD */
	const char	*user;		/* PREAUTH, LOGGEDIN */
	const char	*maildir;	/* PREAUTH, LOGGEDIN: the Maildir root */
	const char	*login_tag;	/* LOGGEDIN: the LOGIN to answer */
	const char	*rest;		/* LOGGEDIN: input read past it */
	size_t		 restlen;
};

/* Set up the session on fds 0/1, greet, and run the command loop; never
 * returns. */
void	session_run(const struct session_opts *) __attribute__((noreturn));

/* The response being built: append with buf_* or resp_*. */
struct buf *session_out(struct session *);
/* Send "* " + what follows, as one untagged line. */
void	session_untagged(struct session *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Send the line built in session_out() (the caller wrote "* ..."), with
 * CRLF added. */
void	session_send_line(struct session *);
/* Tagged replies for the current command. code is the response code's
 * text without brackets, or NULL. */
void	session_ok(struct session *, const char *code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	session_no(struct session *, const char *code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	session_bad(struct session *, const char *code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* "* BYE [code] text", log reason, exit(status). The one way a session
 * ends itself. */
void	session_bye(struct session *, const char *code, const char *text,
	    const char *reason, int status) __attribute__((noreturn));
/* End after LOGOUT's replies were written. */
void	session_exit(struct session *, const char *reason)
	    __attribute__((noreturn));
/* Switch to the authenticated state (limits for logged-in sessions). */
void	session_set_auth(struct session *, const char *user);

/*
 * selected.c: the selected mailbox. session_report() syncs it and sends
 * what changed (EXPUNGE, FETCH FLAGS, EXISTS, RECENT, FLAGS), holding back
 * EXPUNGE during commands that may not see one (RFC 9051 7.5.1). It runs
 * before every tagged reply while a mailbox is selected.
 */
void	session_report(struct session *);
/* FLAGS and PERMANENTFLAGS again if the folder's keywords changed (before
 * a response that uses a new one). */
void	session_report_keywords(struct session *);
/* Select (readonly: EXAMINE), with SELECT's parameters (RFC 7162
 * CONDSTORE, QRESYNC: cmd_condstore.c) or NULL; returns 0 or -1 with the
 * reply sent. */
struct select_params;
int	session_select(struct session *, const char *name, int readonly,
	    const struct select_params *);
/* Close the selected mailbox (expunging when expunge is set). */
void	session_unselect(struct session *, int expunge);
/* The folder dir as a destination for APPEND, COPY or MOVE: the selected
 * one, or one opened MAILDIR_LIGHT and kept for the next command (either
 * checked to still be the directory of that name). NULL with errno set. */
struct maildir *session_dest(struct session *, const char *dir);
/* A tagged NO for a failed storage operation, with the response code
 * errno calls for (RFC 5530: INUSE for a lock held too long, OVERQUOTA,
 * NOPERM, else SERVERBUG, logged). */
void	session_no_errno(struct session *, int err, const char *what);
/* Map a mailbox name to its folder directory; on error the tagged NO is
 * sent and -1 returned. */
int	session_mailbox(struct session *, const char *name, char *dir,
	    size_t dirsize);

/* cmd_append.c: drop a message whose command failed. */
void	append_abort(struct session *);

/* login.c: whether LOGIN / AUTHENTICATE PLAIN are offered here (the
 * channel is secure, or the cleartext policy allows it). */
int	session_login_allowed(const struct session *);
/* Log in with user and pass (wiped by the caller): answers the command,
 * and on success the session is logged in (or, in the pre-login child,
 * the process ends and the monitor carries on). */
void	session_login(struct session *, const char *user, size_t ulen,
	    const char *pass, size_t plen);
/* Expand a maildir template ("~/Maildir", "/var/mail/%d/%n") for u;
 * -1 if it does not make an absolute path. */
struct auth_user;
int	session_maildir_path(const char *tmpl, const struct auth_user *u,
	    char *out, size_t size);
/* Open (creating it if need be) the Maildir root. */
void	session_open_maildir(struct session *, const char *path);

/* The capability list for the session's state, space-separated, from the
 * command table and the extension table (capability.c). */
void	capability_write(const struct session *, struct buf *);

#endif
