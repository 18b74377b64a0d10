/*
 * cmd_append.c: APPEND (RFC 9051 6.3.12) with APPENDUID (RFC 4315) and
 * APPENDLIMIT (RFC 7889).
 *
 * The message literal never sits in memory: when the parser announces it,
 * append_literal() checks the mailbox and the size, opens a file in the
 * folder's tmp/ (through the folder as session_dest() holds it open: the
 * selected one, or the last one saved into), and copies the literal's
 * bytes there as they arrive, turning CRLF into LF (Maildir files have LF
 * line ends; FETCH turns them back); maildir_save_write() counts the sizes
 * on the way. The command itself, once its line is complete, commits the
 * file with its flags and date (maildir_save_commit: fsync, link into cur/,
 * UID). Whatever goes wrong in between, append_abort() removes the tmp/
 * file. No other command runs in between, so the folder stays open.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "flags.h"
#include "imapdate.h"
#include "io.h"
#include "log.h"
#include "maildir.h"
#include "mdlimits.h"
#include "parser.h"
#include "quota.h"
#include "savedate.h"
#include "session.h"

struct append {
	struct maildir_save	*save;
	struct maildir		*dest;		/* session_dest()'s */
	int			 failed;	/* write error: answer NO */
	int			 saved_errno;
};

void
append_abort(struct session *s)
{
	if (s->append == NULL)
		return;
	maildir_save_abort(&s->append->save);
	free(s->append);
	s->append = NULL;
}


/* Copy size bytes of input into the message, CRLF -> LF; on a write error
 * keep reading (the client sends the data anyway) and return -1. */
static int
copy_literal(struct maildir_save *sv, uint64_t size)
{
	char		 out[65536];
	const char	*in;
	size_t		 len, i, o = 0;
	int		 cr = 0, err = 0;

	while (size > 0) {
		in = io_peek(&len);
		if (len > size)
			len = (size_t)size;
		for (i = 0; i < len; i++) {
			if (cr && in[i] != '\n')
				out[o++] = '\r';
			cr = in[i] == '\r';
			if (!cr)
				out[o++] = in[i];
			if (o >= sizeof(out) - 1) {
				if (!err && maildir_save_write(sv, out, o) == -1)
					err = errno;
				o = 0;
			}
		}
		io_consume(len);
		size -= len;
	}
	if (cr)
		out[o++] = '\r';
	if (!err && o > 0 && maildir_save_write(sv, out, o) == -1)
		err = errno;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

void
append_literal(struct session *s)
{
	struct imap_arg	*args = parser_args(s->parser);
	uint64_t	 size = parser_literal_size(s->parser);
	int		 nonsync = parser_literal_nonsync(s->parser), bad;
	const char	*name;
	char		 dir[512];
	struct append	*ap;
	struct maildir	*dest;

	if (s->append != NULL) {
		parser_literal_reject(s->parser, PERR_SYNTAX,
		    "One message per APPEND (no MULTIAPPEND)");
		return;
	}
	if ((name = cmd_mailbox_arg(s, args, &bad)) == NULL) {
		if (bad) {
			cmd_mailbox_arg_fail(s, bad);
			parser_literal_reject(s->parser, PERR_HANDLED, "");
		} else
			parser_literal_reject(s->parser, PERR_SYNTAX,
			    "APPEND needs a mailbox name");
		return;
	}
	if (size > LIMIT_APPEND) {
		/* RFC 7889 4: over APPENDLIMIT. */
		session_no(s, "TOOBIG", "Message too big (APPENDLIMIT=%lu)",
		    LIMIT_APPEND);
		parser_literal_reject(s->parser, PERR_HANDLED, "");
		return;
	}
	if (size == 0) {
		session_no(s, NULL, "Cannot save an empty message");
		parser_literal_reject(s->parser, PERR_HANDLED, "");
		return;
	}
	if (session_mailbox(s, name, dir, sizeof(dir)) == -1) {
		parser_literal_reject(s->parser, PERR_HANDLED, "");
		return;
	}
	if ((dest = session_dest(s, dir)) == NULL) {
		if (errno == ENOENT)
			session_no(s, "TRYCREATE", "Mailbox doesn't exist: %s",
			    name);
		else
			session_no_errno(s, errno, "Saving the message");
		parser_literal_reject(s->parser, PERR_HANDLED, "");
		return;
	}
	if ((ap = calloc(1, sizeof(*ap))) == NULL)
		fatalx("out of memory");
	ap->dest = dest;
	if ((ap->save = maildir_save_begin(dest)) == NULL) {
		session_no_errno(s, errno, "Saving the message");
		free(ap);
		parser_literal_reject(s->parser, PERR_HANDLED, "");
		return;
	}
	/* RFC 9208 4.3.1, before the client sends the message, with the
	 * literal's size: CRLF line ends, stored as LF, so a little more
	 * than the file will take (Dovecot checks the same way). The exact
	 * size is checked again when it is saved. */
	if (quota_check(s->rootfd, size, 1) != 0) {
		session_no_errno(s, errno, "Saving the message");
		maildir_save_abort(&ap->save);
		free(ap);
		parser_literal_reject(s->parser, PERR_HANDLED, "");
		return;
	}
	s->append = ap;
	if (!nonsync) {
		io_puts("+ Ready for literal data\r\n");
		io_flush();
	}
	if (copy_literal(ap->save, size) == -1) {
		ap->failed = 1;
		ap->saved_errno = errno;
	}
	parser_literal_streamed(s->parser, ap);
}

void
cmd_append(struct session *s, struct imap_arg *args)
{
	struct flagset	 fs;
	struct imap_arg	*a = args, *fl;
	const char	*name, *err;
	char		 code[64];
	struct append	*ap = s->append;
	struct maildir	*dest;
	time_t		 t = (time_t)-1;
	uint32_t	 uv, uid;
	size_t		 nfl;
	int		 tz, r;

	memset(&fs, 0, sizeof(fs));
	if (a == NULL || arg_get_astring(a, &name) == -1)
		goto bad;
	a = a->next;
	if (a != NULL && a->type == ARG_LIST) {
		if (arg_get_list(a, &fl, &nfl) == -1 ||
		    flags_parse(fl, nfl, &fs, &err) == -1) {
			session_bad(s, NULL, "Invalid flags");
			return;
		}
		a = a->next;
	}
	if (a != NULL && a->type == ARG_QUOTED) {
		if (imapdate_parse_datetime(a->str, a->len, &t, &tz) == -1) {
			session_bad(s, NULL, "Invalid date-time");
			return;
		}
		a = a->next;
	}
	/* RFC 6855 4: "UTF8 (" literal8 ")" once UTF8=ACCEPT is on. */
	if (a != NULL && a->type == ARG_ATOM && strcasecmp(a->str, "UTF8") == 0 &&
	    SESSION_UTF8(s) && a->next != NULL && a->next->type == ARG_LIST &&
	    a->next->next == NULL && a->next->child != NULL &&
	    a->next->child->next == NULL)
		a = a->next->child;
	if (a == NULL || a->type != ARG_STREAM || a->stream != ap ||
	    a->next != NULL)
		goto bad;
	if (ap->failed) {
		session_no_errno(s, ap->saved_errno, "Saving the message");
		return;
	}
	s->append = NULL;
	dest = ap->dest;
	r = maildir_save_commit(&ap->save, fs.sys, fs.kw, fs.nkw, t, &uv,
	    &uid);
	free(ap);
	if (r == -1) {
		if (errno == EMLINK)
			session_no(s, "LIMIT", "At most %d keywords in one "
			    "mailbox", KEYWORDS_MAX);
		else
			session_no_errno(s, errno, "Saving the message");
		return;
	}
	if (r == 1) {
		/* Saved, but no UID yet (the lock was busy): RFC 4315 lets
		 * us leave APPENDUID out. */
		session_ok(s, NULL, "Append completed.");
		return;
	}
	savedate_record(dest->dirfd, uv, &uid, 1, time(NULL));
	(void)snprintf(code, sizeof(code), "APPENDUID %u %u", uv, uid);
	session_ok(s, code, "Append completed.");
	return;
bad:
	session_bad(s, NULL, "APPEND needs a mailbox, optional flags and "
	    "date, and a message literal");
}
