/*
 * session.c: the command loop. Bytes go from io to the parser; each event
 * the parser reports is handled here: literal announcements are accepted or
 * refused by the rules of the state (before login only LOGIN/AUTHENTICATE
 * may send literals, and only small ones), complete commands are dispatched
 * through the command table, errors answered. After each command the arena
 * is reset, so a session's memory does not grow with its length.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "commands.h"
#include "config.h"
#include "io.h"
#include "mdlimits.h"
#include "log.h"
#include "parser.h"
#include "peer.h"
#include "resp.h"
#include "session.h"

/* A response line built in s->out: lines longer than this are a bug (big
 * data goes out by io_write directly). */
#define OUT_MAX		(4 * 1024 * 1024)

static struct session	 the_session;

static void
session_log_end(const char *reason)
{
	struct session	*s = &the_session;
	struct timespec	 now;
	double		 secs;
	char		 user[256];

	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (double)(now.tv_sec - s->started.tv_sec) +
	    (double)(now.tv_nsec - s->started.tv_nsec) / 1e9;
	if (s->user != NULL)
		log_escape(user, sizeof(user), s->user, strlen(s->user));
	log_info("session end: user=%s remote=%s in=%llu out=%llu secs=%.3f "
	    "reason=%s", s->user ? user : "-", s->remote,
	    (unsigned long long)io_bytes_in(),
	    (unsigned long long)io_bytes_out(), secs, reason);
}

/* fatal()/fatalx() in a session: tell the client, the log line is made. */
static void
session_fatal_hook(const char *msg)
{
	(void)msg;
	io_puts("* BYE Internal error, closing connection\r\n");
	io_exit("internal error", 1);
}

struct buf *
session_out(struct session *s)
{
	return &s->out;
}

void
session_send_line(struct session *s)
{
	if (buf_add(&s->out, "\r\n", 2) == -1)
		fatalx("response too large");
	io_write(s->out.data, s->out.len);
	buf_reset(&s->out);
}

void
session_untagged(struct session *s, const char *fmt, ...)
{
	va_list	ap;
	char	line[2048];
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		fatalx("session_untagged: line too long");
	(void)buf_adds(&s->out, "* ");
	(void)buf_add(&s->out, line, (size_t)n);
	session_send_line(s);
}

static void
tagged(struct session *s, const char *status, const char *code,
    const char *fmt, va_list ap)
{
	char	text[1024];
	int	n;

	n = vsnprintf(text, sizeof(text), fmt, ap);
	if (n < 0)
		fatalx("tagged: bad format");
	if ((size_t)n >= sizeof(text))
		n = sizeof(text) - 1;
	if (s->sel != NULL && !s->no_report)
		session_report(s);
	buf_reset(&s->out);
	(void)buf_adds(&s->out, s->tag != NULL ? s->tag : "*");
	(void)buf_addc(&s->out, ' ');
	(void)buf_adds(&s->out, status);
	(void)buf_addc(&s->out, ' ');
	if (code != NULL) {
		(void)buf_addc(&s->out, '[');
		(void)buf_adds(&s->out, code);
		(void)buf_adds(&s->out, "] ");
	}
	resp_text(&s->out, text, (size_t)n);
	session_send_line(s);
}

void
session_ok(struct session *s, const char *code, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	tagged(s, "OK", code, fmt, ap);
	va_end(ap);
	s->bad_in_row = 0;
}

void
session_no(struct session *s, const char *code, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	tagged(s, "NO", code, fmt, ap);
	va_end(ap);
	s->bad_in_row = 0;
}

void
session_bad(struct session *s, const char *code, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	tagged(s, "BAD", code, fmt, ap);
	va_end(ap);
	s->bad_in_row++;
}

void
session_bye(struct session *s, const char *code, const char *text,
    const char *reason, int status)
{
	(void)s;
	if (code != NULL)
		io_printf("* BYE [%s] %s\r\n", code, text);
	else
		io_printf("* BYE %s\r\n", text);
	io_exit(reason, status);
}

void
session_exit(struct session *s, const char *reason)
{
	(void)s;
	io_exit(reason, 0);
}

void
session_set_auth(struct session *s, const char *user)
{
	s->state = STATE_AUTH;
	free(s->user);
	if ((s->user = strdup(user)) == NULL)
		fatalx("out of memory");
	parser_set_line_max(s->parser, (size_t)config.line_max);
	io_set_idle((int)config.idle, "Autologout; idle for too long");
}

static const char *
parse_error_code(enum parse_error e)
{
	switch (e) {
	case PERR_TOOBIG:
		return "TOOBIG";
	case PERR_LIMIT:
		return "LIMIT";
	default:
		return NULL;
	}
}

/*
 * A literal was announced: take it into memory, or refuse it. Refusing a
 * synchronizing literal costs nothing (the client waits for our "+");
 * refusing a non-synchronizing one means reading and discarding its data.
 */
static void
session_literal(struct session *s)
{
	const struct command	*cmd;
	uint64_t		 size = parser_literal_size(s->parser);
	int			 nonsync = parser_literal_nonsync(s->parser);
	const char		*name = parser_name(s->parser);

	cmd = name != NULL ? command_find(name) : NULL;
	if (s->state == STATE_NOTAUTH) {
		if (cmd == NULL || !(cmd->flags & CMD_PRELOGIN_LITERAL)) {
			parser_literal_reject(s->parser, PERR_SYNTAX,
			    "Literals are not allowed before login");
			return;
		}
		if (size > LIMIT_LITERAL_PRELOGIN) {
			parser_literal_reject(s->parser, PERR_TOOBIG,
			    "Literal too big before login");
			return;
		}
	}
	/* APPEND's message is streamed to the folder, not held in memory
	 * (the literal after the mailbox name, outside any list, or in the
	 * list of "UTF8 (~{n})" once UTF-8 is on: RFC 6855 4). */
	if (s->state != STATE_NOTAUTH && cmd != NULL && cmd->literal != NULL &&
	    parser_arg_count(s->parser) >= 1 && (parser_depth(s->parser) == 0 ||
	    (parser_depth(s->parser) == 1 && SESSION_UTF8(s))) &&
	    !(nonsync && size > LIMIT_LITERAL_NONSYNC)) {
		s->tag = parser_tag(s->parser);
		cmd->literal(s);
		return;
	}
	if (nonsync && size > LIMIT_LITERAL_NONSYNC) {
		/* RFC 7888 5: LITERAL- allows 4096 octets. */
		parser_literal_reject(s->parser, PERR_TOOBIG,
		    "Non-synchronizing literal too big (LITERAL-: 4096)");
		return;
	}
	if (size > LIMIT_LITERAL_MEM ||
	    arena_used(s->cmd_arena) + size > LIMIT_COMMAND_MEM) {
		parser_literal_reject(s->parser, PERR_TOOBIG, "Literal too big");
		return;
	}
	parser_literal_accept(s->parser);
	if (!nonsync) {
		io_puts("+ Ready for literal data\r\n");
		io_flush();
	}
}

static void
session_dispatch(struct session *s)
{
	const struct command	*cmd;

	s->tag = parser_tag(s->parser);
	s->cmd_name = parser_name(s->parser);
	if ((cmd = command_find(s->cmd_name)) == NULL) {
		session_bad(s, NULL, "Unknown command");
		return;
	}
	if (!(cmd->states & (1u << s->state))) {
		if (s->state == STATE_NOTAUTH)
			session_bad(s, NULL, "%s needs a login first",
			    cmd->name);
		else if (cmd->states == ST_NOTAUTH)
			session_bad(s, NULL, "Already logged in");
		else if (cmd->states == ST_SELECTED)
			session_bad(s, NULL, "No mailbox selected");
		else if (cmd->states == ST_AUTH)
			session_bad(s, NULL, "%s is not valid with a mailbox "
			    "selected", cmd->name);
		else
			session_bad(s, NULL, "%s is not valid now", cmd->name);
		return;
	}
	s->cmd = cmd;
	cmd->run(s, parser_args(s->parser));
}

static void
session_parse_error(struct session *s, int fatal)
{
	const char	*code = parse_error_code(parser_error(s->parser));
	const char	*msg = parser_error_msg(s->parser);

	if (!fatal && parser_error(s->parser) == PERR_HANDLED)
		return;		/* answered when the literal was refused */

	if (fatal)
		session_bye(s, code, msg, "protocol error", 1);
	s->tag = parser_tag(s->parser);
	if (s->tag == NULL)
		s->tag = "*";
	session_bad(s, code, "%s", msg);
}

static void
session_loop(struct session *s)
{
	const char		*data;
	size_t			 len, used;
	enum parse_result	 r;

	for (;;) {
		/* The parser may have something to say before more input
		 * (a refused literal): feed what is buffered, even nothing,
		 * and wait only when it needs more. */
		len = io_buffered();
		data = len > 0 ? io_peek(&len) : "";
		r = parser_feed(s->parser, data, len, &used);
		io_consume(used);
		switch (r) {
		case PARSE_MORE:
			if (len == 0)
				(void)io_peek(&len);	/* wait for input */
			continue;
		case PARSE_LITERAL:
			session_literal(s);
			continue;
		case PARSE_COMMAND:
			session_dispatch(s);
			break;
		case PARSE_ERROR:
			session_parse_error(s, 0);
			break;
		case PARSE_FATAL:
			session_parse_error(s, 1);
			break;
		}
		if (s->state == STATE_NOTAUTH &&
		    s->bad_in_row >= LIMIT_BAD_PRELOGIN)
			session_bye(s, NULL, "Too many invalid commands",
			    "too many invalid commands", 1);
		s->tag = NULL;
		s->cmd_name = NULL;
		s->cmd = NULL;
		s->uid_cmd = 0;
		s->no_report = 0;
		if (s->append != NULL)
			append_abort(s);
		buf_reset(&s->out);
		arena_reset(s->cmd_arena);
		parser_reset(s->parser);
		/* Before login a whole command must come within the idle
		 * limit: a byte now and then does not keep a connection. */
		if (s->state == STATE_NOTAUTH)
			io_set_deadline((int)config.idle_prelogin);
		else
			io_set_deadline(0);
	}
}

void
session_run(const struct session_opts *o)
{
	struct session	*s = &the_session;
	char		 esc[512], escu[128];

	memset(s, 0, sizeof(*s));
	s->rootfd = -1;
	clock_gettime(CLOCK_MONOTONIC, &s->started);
	s->cmd_arena = arena_new(LIMIT_ARENA);
	s->parser = parser_new(s->cmd_arena, (size_t)config.line_max_prelogin);
	buf_init(&s->out, OUT_MAX);
	s->loopback = peer_describe(0, s->remote, sizeof(s->remote),
	    &s->proxied);

	log_mirror_stderr(0);
	io_init(0, 1);
	io_set_idle((int)config.idle_prelogin, "Autologout; idle for too long");
	io_set_close_hook(session_log_end);
	log_set_fatal_hook(session_fatal_hook);

	s->mode = o->mode;
	s->monitor_fd = o->monitor_fd;
	buf_reset(&s->out);
	switch (o->mode) {
	case MODE_PREAUTH:
		session_set_auth(s, o->user);
		session_open_maildir(s, o->maildir);
		log_escape(esc, sizeof(esc), s->maildir, strlen(s->maildir));
		log_escape(escu, sizeof(escu), s->user, strlen(s->user));
		log_info("session start: user=%s remote=%s preauth maildir=%s",
		    escu, s->remote, esc);
		(void)buf_adds(&s->out, "* PREAUTH [");
		capability_write(s, &s->out);
		(void)buf_adds(&s->out, "] Logged in as ");
		resp_text(&s->out, s->user, strlen(s->user));
		break;
	case MODE_LOGGEDIN:
		/* The monitor, now the user: answer the child's LOGIN, then
		 * go on with what the child had read after it. */
		session_set_auth(s, o->user);
		session_open_maildir(s, o->maildir);
		log_escape(escu, sizeof(escu), s->user, strlen(s->user));
		log_info("session start: user=%s remote=%s", escu, s->remote);
		(void)buf_adds(&s->out, o->login_tag);
		(void)buf_adds(&s->out, " OK [");
		capability_write(s, &s->out);
		(void)buf_adds(&s->out, "] Logged in");
		io_prefeed(o->rest, o->restlen);
		break;
	default:
		log_info("session start: remote=%s", s->remote);
		(void)buf_adds(&s->out, "* OK [");
		capability_write(s, &s->out);
		(void)buf_adds(&s->out, "] mdimapd ready.");
		break;
	}
	session_send_line(s);
	if (s->state == STATE_NOTAUTH)
		io_set_deadline((int)config.idle_prelogin);
	session_loop(s);
	/* NOTREACHED */
	exit(1);
}
