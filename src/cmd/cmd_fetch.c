/*
 * cmd_fetch.c: FETCH and UID FETCH (RFC 9051 6.4.5), for the items a sync
 * client needs: UID, FLAGS, INTERNALDATE, RFC822.SIZE, RFC822, BODY[] and
 * BODY.PEEK[] with a partial range, and the FAST macro. Items that need the
 * message parsed (ENVELOPE, BODYSTRUCTURE, sections) are refused with BAD
 * rather than answered wrongly.
 *
 * Bodies are streamed from the file with LF turned into CRLF (Maildir files
 * have LF line ends; IMAP wants CRLF), never held in memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "commands.h"
#include "flags.h"
#include "imapdate.h"
#include "io.h"
#include "log.h"
#include "maildir.h"
#include "msgset.h"
#include "parser.h"
#include "session.h"

enum fetch_type {
	F_UID,
	F_FLAGS,
	F_INTERNALDATE,
	F_SIZE,
	F_BODY,
};

struct fetch_item {
	enum fetch_type	 type;
	int		 peek;
	int		 rfc822;	/* named RFC822 in the response */
	int		 partial;
	uint64_t	 off;
	uint64_t	 len;
};

#define FETCH_ITEMS_MAX	32

struct fetch {
	struct fetch_item items[FETCH_ITEMS_MAX];
	size_t		 n;
	int		 want_uid;
	int		 sets_seen;
};

static int
fetch_add(struct fetch *f, enum fetch_type t)
{
	if (f->n == FETCH_ITEMS_MAX)
		return -1;
	memset(&f->items[f->n], 0, sizeof(f->items[0]));
	f->items[f->n++].type = t;
	return 0;
}

/* "BODY[]", "BODY.PEEK[]<0.100>": only the whole message for now. */
static int
parse_body(struct fetch *f, const char *s)
{
	struct fetch_item	*it;
	const char		*p;
	uint64_t		 off, len;
	int			 peek;

	if (strncasecmp(s, "BODY.PEEK[", 10) == 0) {
		peek = 1;
		p = s + 10;
	} else if (strncasecmp(s, "BODY[", 5) == 0) {
		peek = 0;
		p = s + 5;
	} else
		return -1;
	if (*p != ']')
		return -2;	/* a section: not yet */
	p++;
	if (fetch_add(f, F_BODY) == -1)
		return -1;
	it = &f->items[f->n - 1];
	it->peek = peek;
	if (!peek)
		f->sets_seen = 1;
	if (*p == '\0')
		return 0;
	/* "<" number "." nz-number ">" (RFC 9051 9, section-partial) */
	{
		const char *dot, *end;

		if (*p != '<' || (dot = strchr(p, '.')) == NULL ||
		    (end = strchr(dot, '>')) == NULL || end[1] != '\0' ||
		    imap_number_parse(p + 1, (size_t)(dot - p - 1), UINT32_MAX,
		    &off) == -1 ||
		    imap_number_parse(dot + 1, (size_t)(end - dot - 1),
		    UINT32_MAX, &len) == -1 || len == 0)
			return -1;
		it->partial = 1;
		it->off = off;
		it->len = len;
	}
	return 0;
}

static int
parse_item(struct fetch *f, const char *s, const char **err)
{
	int	r;

	*err = "Unknown FETCH item";
	if (strcasecmp(s, "UID") == 0) {
		f->want_uid = 1;
		return 0;
	}
	if (strcasecmp(s, "FLAGS") == 0)
		return fetch_add(f, F_FLAGS);
	if (strcasecmp(s, "INTERNALDATE") == 0)
		return fetch_add(f, F_INTERNALDATE);
	if (strcasecmp(s, "RFC822.SIZE") == 0)
		return fetch_add(f, F_SIZE);
	if (strcasecmp(s, "FAST") == 0)
		return fetch_add(f, F_FLAGS) == 0 &&
		    fetch_add(f, F_INTERNALDATE) == 0 &&
		    fetch_add(f, F_SIZE) == 0 ? 0 : -1;
	if (strcasecmp(s, "RFC822") == 0) {
		if (fetch_add(f, F_BODY) == -1)
			return -1;
		f->items[f->n - 1].rfc822 = 1;
		f->sets_seen = 1;
		return 0;
	}
	if ((r = parse_body(f, s)) == 0)
		return 0;
	if (r == -2 || strcasecmp(s, "ENVELOPE") == 0 ||
	    strcasecmp(s, "BODYSTRUCTURE") == 0 || strcasecmp(s, "BODY") == 0 ||
	    strcasecmp(s, "ALL") == 0 || strcasecmp(s, "FULL") == 0 ||
	    strncasecmp(s, "RFC822.", 7) == 0 || strncasecmp(s, "BINARY", 6) == 0)
		*err = "FETCH item not supported yet";
	return -1;
}

/* Write len bytes of the message, as CRLF text, from offset off. */
static int
stream_body(int fd, uint64_t off, uint64_t len)
{
	char		 in[65536], out[2 * 65536];
	ssize_t		 n = 0, i;
	uint64_t	 pos = 0, sent = 0;
	size_t		 o;
	int		 prev_cr = 0;

	while (sent < len && (n = read(fd, in, sizeof(in))) > 0) {
		for (i = 0, o = 0; i < n && sent + o < len; i++) {
			if (in[i] == '\n' && !prev_cr) {
				if (pos >= off && sent + o < len)
					out[o++] = '\r';
				pos++;
			}
			prev_cr = in[i] == '\r';
			if (pos >= off && sent + o < len)
				out[o++] = in[i];
			pos++;
		}
		io_write(out, o);
		sent += o;
	}
	/* The file was shorter than its size said: keep the literal's
	 * length, the client counts on it. */
	while (sent < len) {
		char	pad[512];
		size_t	k = len - sent < sizeof(pad) ? len - sent : sizeof(pad);

		memset(pad, ' ', k);
		io_write(pad, k);
		sent += k;
	}
	return n == -1 ? -1 : 0;
}

static int
fetch_one(struct session *s, struct fetch *f, size_t idx)
{
	struct maildir	*m = s->sel;
	struct mmsg	*msg = &m->msgs[idx];
	struct buf	*b = session_out(s);
	char		 date[IMAPDATE_DATETIME_LEN + 1];
	struct tm	 tm;
	uint64_t	 vsize = 0, len;
	time_t		 t = 0;
	size_t		 i;
	int		 fd = -1, sp = 0, need_size = 0, need_date = 0;
	int		 need_body = 0;

	for (i = 0; i < f->n; i++) {
		switch (f->items[i].type) {
		case F_SIZE:
			need_size = 1;
			break;
		case F_INTERNALDATE:
			need_date = 1;
			break;
		case F_BODY:
			need_size = need_body = 1;
			break;
		default:
			break;
		}
	}
	if ((msg->state & MSG_GONE) && (need_size || need_date))
		return 1;	/* RFC 2180 4.1.2: NO for the command */
	/* Everything that touches the file first: once the response has
	 * started, nothing may fail. */
	if ((need_size && maildir_vsize(m, idx, &vsize) == -1) ||
	    (need_date && maildir_internaldate(m, idx, &t) == -1) ||
	    (need_body && (fd = maildir_open_msg(m, idx)) == -1)) {
		/* Expunged by another process, or the file replaced by a
		 * symlink or a FIFO (never followed): the message is gone. */
		if (errno == ENOENT || errno == ELOOP || errno == EINVAL)
			return 1;
		log_warn("%s: UID %u", m->name, msg->uid);
		return 2;
	}
	if (f->sets_seen && !m->readonly && !(msg->flags & MF_SEEN) &&
	    maildir_change_flags(m, idx, 0, 0, MF_SEEN, 0) == 0) {
		/* RFC 9051 6.4.5: the new flags go with the data. */
		for (i = 0; i < f->n && f->items[i].type != F_FLAGS; i++)
			;
		if (i == f->n)
			(void)fetch_add(f, F_FLAGS);
	}
	(void)buf_printf(b, "* %zu FETCH (", idx + 1);
	if (f->want_uid) {
		(void)buf_printf(b, "UID %u", msg->uid);
		sp = 1;
	}
	for (i = 0; i < f->n; i++) {
		struct fetch_item *it = &f->items[i];

		if (sp)
			(void)buf_addc(b, ' ');
		sp = 1;
		switch (it->type) {
		case F_UID:
			break;
		case F_FLAGS:
			(void)buf_adds(b, "FLAGS ");
			flags_write(b, m, msg);
			break;
		case F_INTERNALDATE:
			(void)localtime_r(&t, &tm);
			imapdate_format_datetime(t, (int)(tm.tm_gmtoff / 60),
			    date);
			(void)buf_printf(b, "INTERNALDATE \"%s\"", date);
			break;
		case F_SIZE:
			(void)buf_printf(b, "RFC822.SIZE %llu",
			    (unsigned long long)vsize);
			break;
		case F_BODY:
			len = vsize;
			if (it->partial) {
				len = it->off >= vsize ? 0 : vsize - it->off;
				if (len > it->len)
					len = it->len;
				(void)buf_printf(b, "BODY[]<%llu> {%llu}\r\n",
				    (unsigned long long)it->off,
				    (unsigned long long)len);
			} else
				(void)buf_printf(b, "%s {%llu}\r\n",
				    it->rfc822 ? "RFC822" : "BODY[]",
				    (unsigned long long)len);
			io_write(b->data, b->len);
			buf_reset(b);
			if (lseek(fd, 0, SEEK_SET) == -1 ||
			    stream_body(fd, it->partial ? it->off : 0,
			    len) == -1)
				log_warn("%s: reading UID %u", m->name,
				    msg->uid);
			break;
		}
	}
	if (fd != -1)
		close(fd);
	(void)buf_addc(b, ')');
	session_send_line(s);
	return 0;
}

void
cmd_fetch(struct session *s, struct imap_arg *args)
{
	struct fetch	 f;
	struct imap_arg	*items, *a;
	const char	*str, *err;
	size_t		*idx, n, i, nitems;
	int		 missing = 0, r;

	memset(&f, 0, sizeof(f));
	if (args == NULL || args->next == NULL || args->next->next != NULL) {
		session_bad(s, NULL, "FETCH needs a message set and items");
		return;
	}
	if (arg_get_list(args->next, &items, &nitems) == -1) {
		items = args->next;
		nitems = 1;
	} else if (nitems == 0) {
		/* RFC 9051 9: "(" fetch-att *(SP fetch-att) ")" */
		session_bad(s, NULL, "FETCH needs at least one item");
		return;
	}
	for (a = items, i = 0; i < nitems; i++, a = a->next) {
		if (arg_get_atom(a, &str) == -1 || parse_item(&f, str,
		    &err) == -1) {
			session_bad(s, NULL, "%s", a->type == ARG_ATOM ?
			    err : "Invalid FETCH item");
			return;
		}
	}
	if (s->uid_cmd)
		f.want_uid = 1;
	if (msgset_get(s, args, &idx, &n) == -1)
		return;
	for (i = 0; i < n; i++)
		if ((r = fetch_one(s, &f, idx[i])) > missing)
			missing = r;
	if (missing == 2)
		session_no(s, "SERVERBUG", "Some messages could not be read, "
		    "see the server log");
	else if (missing)
		session_no(s, "EXPUNGEISSUED", "Some messages were expunged "
		    "by another session");
	else
		session_ok(s, NULL, "Fetch completed.");
}
