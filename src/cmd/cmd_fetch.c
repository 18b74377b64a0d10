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
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "commands.h"
#include "arena.h"
#include "condstore.h"
#include "flags.h"
#include "header.h"
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
	F_MODSEQ,	/* RFC 7162 3.1.4.2 (cmd_condstore.c) */
};

/* Sections of the whole message (RFC 9051 6.4.5); MIME part numbers need
 * the message parsed and are not here yet. */
enum section {
	SEC_ALL,		/* BODY[], RFC822 */
	SEC_HEADER,		/* BODY[HEADER], RFC822.HEADER */
	SEC_TEXT,		/* BODY[TEXT], RFC822.TEXT */
	SEC_FIELDS,		/* BODY[HEADER.FIELDS (...)] */
	SEC_FIELDS_NOT,		/* BODY[HEADER.FIELDS.NOT (...)] */
};

struct fetch_item {
	enum fetch_type	 type;
	enum section	 sec;
	const char	*label;		/* "BODY[TEXT]", "RFC822.HEADER"... */
	const char	**names;	/* SEC_FIELDS*: field names */
	size_t		 nnames;
	int		 partial;
	uint64_t	 off;
	uint64_t	 len;
};

#define FETCH_ITEMS_MAX	32
#define FETCH_FIELDS_MAX 100
/* A header larger than this is cut there for HEADER sections. */
#define FETCH_HEADER_MAX (1024 * 1024)

struct fetch {
	struct arena	*a;
	struct fetch_item items[FETCH_ITEMS_MAX];
	size_t		 n;
	int		 want_uid;
	int		 sets_seen;
	int		 need_header;
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

/* MODSEQ asked for, or (for CHANGEDSINCE, a \Seen set with CONDSTORE)
 * added at the end (RFC 7162 3.1.4.1). */
static int
fetch_has_modseq(const struct fetch *f)
{
	size_t	i;

	for (i = 0; i < f->n; i++)
		if (f->items[i].type == F_MODSEQ)
			return 1;
	return 0;
}

static int
fetch_want_modseq(struct fetch *f)
{
	return fetch_has_modseq(f) ? 0 : fetch_add(f, F_MODSEQ);
}

static int
body_add(struct fetch *f, enum section sec, const char *label, int seen)
{
	if (fetch_add(f, F_BODY) == -1)
		return -1;
	f->items[f->n - 1].sec = sec;
	f->items[f->n - 1].label = label;
	if (seen)
		f->sets_seen = 1;
	if (sec != SEC_ALL)
		f->need_header = 1;
	return 0;
}

/* "(From "To" ...)" of HEADER.FIELDS: names upper-cased for the label, as
 * Dovecot writes them. Returns the rest of the string after ")". */
static const char *
parse_names(struct fetch *f, struct fetch_item *it, const char *p,
    struct buf *label)
{
	const char	*start;
	char		*name;
	size_t		 i;

	if (*p++ != '(')
		return NULL;
	it->names = arena_alloc(f->a, FETCH_FIELDS_MAX * sizeof(*it->names));
	(void)buf_adds(label, " (");
	while (*p != ')') {
		if (it->nnames > 0) {
			if (*p++ != ' ')
				return NULL;
			(void)buf_addc(label, ' ');
		}
		if (*p == '"') {
			start = ++p;
			while (*p != '"' && *p != '\0')
				if (*p++ == '\\' && *p != '\0')
					p++;
			if (*p != '"')
				return NULL;
			name = arena_strndup(f->a, start, (size_t)(p - start));
			p++;
		} else {
			start = p;
			while (*p > ' ' && *p < 0x7f && strchr("()\"]", *p) == NULL)
				p++;
			if (p == start)
				return NULL;
			name = arena_strndup(f->a, start, (size_t)(p - start));
		}
		/* header field names: printable, no colon (RFC 5322 3.6.8) */
		for (i = 0; name[i] != '\0'; i++) {
			if (name[i] <= ' ' || name[i] == ':' || name[i] == '\\' ||
			    (unsigned char)name[i] >= 0x7f)
				return NULL;
			name[i] = (char)toupper((unsigned char)name[i]);
		}
		if (i == 0 || it->nnames == FETCH_FIELDS_MAX)
			return NULL;
		it->names[it->nnames++] = name;
		(void)buf_adds(label, name);
	}
	(void)buf_addc(label, ')');
	return p + 1;
}

/* "BODY[...]" and "BODY.PEEK[...]" with an optional "<offset.length>". */
static int
parse_body(struct fetch *f, const char *s)
{
	struct fetch_item	*it;
	struct buf		 label;
	const char		*p;
	uint64_t		 off, len;
	enum section		 sec;
	int			 peek, r = -1;

	if (strncasecmp(s, "BODY.PEEK[", 10) == 0) {
		peek = 1;
		p = s + 10;
	} else if (strncasecmp(s, "BODY[", 5) == 0) {
		peek = 0;
		p = s + 5;
	} else
		return -1;
	if (*p >= '0' && *p <= '9')
		return -2;	/* a MIME part: not yet */
	buf_init(&label, 64 * 1024);
	(void)buf_adds(&label, "BODY[");
	if (*p == ']')
		sec = SEC_ALL;
	else if (strncasecmp(p, "HEADER]", 7) == 0) {
		sec = SEC_HEADER;
		p += 6;
		(void)buf_adds(&label, "HEADER");
	} else if (strncasecmp(p, "TEXT]", 5) == 0) {
		sec = SEC_TEXT;
		p += 4;
		(void)buf_adds(&label, "TEXT");
	} else if (strncasecmp(p, "HEADER.FIELDS.NOT ", 18) == 0) {
		sec = SEC_FIELDS_NOT;
		p += 18;
		(void)buf_adds(&label, "HEADER.FIELDS.NOT");
	} else if (strncasecmp(p, "HEADER.FIELDS ", 14) == 0) {
		sec = SEC_FIELDS;
		p += 14;
		(void)buf_adds(&label, "HEADER.FIELDS");
	} else
		goto out;
	if (fetch_add(f, F_BODY) == -1)
		goto out;
	it = &f->items[f->n - 1];
	it->sec = sec;
	if (sec == SEC_FIELDS || sec == SEC_FIELDS_NOT) {
		if ((p = parse_names(f, it, p, &label)) == NULL)
			goto out;
	}
	if (*p != ']')
		goto out;
	p++;
	(void)buf_addc(&label, ']');
	if (!peek)
		f->sets_seen = 1;
	if (sec != SEC_ALL)
		f->need_header = 1;
	if (*p != '\0') {
		/* "<" number "." nz-number ">" (RFC 9051 9, section-partial) */
		const char *dot, *end;

		if (*p != '<' || (dot = strchr(p, '.')) == NULL ||
		    (end = strchr(dot, '>')) == NULL || end[1] != '\0' ||
		    imap_number_parse(p + 1, (size_t)(dot - p - 1), UINT32_MAX,
		    &off) == -1 ||
		    imap_number_parse(dot + 1, (size_t)(end - dot - 1),
		    UINT32_MAX, &len) == -1 || len == 0)
			goto out;
		it->partial = 1;
		it->off = off;
		it->len = len;
	}
	it->label = arena_strndup(f->a, label.data, label.len);
	r = 0;
out:
	buf_free(&label);
	return r;
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
	if (strcasecmp(s, "MODSEQ") == 0)
		return fetch_add(f, F_MODSEQ);
	if (strcasecmp(s, "FAST") == 0)
		return fetch_add(f, F_FLAGS) == 0 &&
		    fetch_add(f, F_INTERNALDATE) == 0 &&
		    fetch_add(f, F_SIZE) == 0 ? 0 : -1;
	/* RFC 9051 6.4.5: RFC822 = BODY[], RFC822.HEADER = BODY.PEEK[HEADER],
	 * RFC822.TEXT = BODY[TEXT], each under its own name. */
	if (strcasecmp(s, "RFC822") == 0)
		return body_add(f, SEC_ALL, "RFC822", 1);
	if (strcasecmp(s, "RFC822.HEADER") == 0)
		return body_add(f, SEC_HEADER, "RFC822.HEADER", 0);
	if (strcasecmp(s, "RFC822.TEXT") == 0)
		return body_add(f, SEC_TEXT, "RFC822.TEXT", 1);
	if ((r = parse_body(f, s)) == 0)
		return 0;
	if (r == -1 && (strncasecmp(s, "BODY[", 5) == 0 ||
	    strncasecmp(s, "BODY.PEEK[", 10) == 0))
		*err = "Invalid FETCH section";
	if (r == -2 || strcasecmp(s, "ENVELOPE") == 0 ||
	    strcasecmp(s, "BODYSTRUCTURE") == 0 || strcasecmp(s, "BODY") == 0 ||
	    strcasecmp(s, "ALL") == 0 || strcasecmp(s, "FULL") == 0 ||
	    strncasecmp(s, "BINARY", 6) == 0)
		*err = "FETCH item not supported yet";
	return -1;
}

/* The message's header: its size in the file, and as CRLF text in hdr. */
static int
read_header(int fd, struct buf *hdr, uint64_t *raw_r)
{
	struct buf	raw;
	char		chunk[16384];
	ssize_t		n;
	size_t		end, from;
	int		found = 0;

	buf_init(&raw, FETCH_HEADER_MAX);
	end = 0;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		/* Look again only from the last line end read before. */
		from = raw.len >= 2 ? raw.len - 2 : 0;
		if (buf_add(&raw, chunk, (size_t)n) == -1)
			break;		/* cut at FETCH_HEADER_MAX */
		end = header_end_from(raw.data, raw.len, from, &found);
		if (found)
			break;
	}
	if (n == -1) {
		buf_free(&raw);
		return -1;
	}
	end = header_end(raw.data != NULL ? raw.data : "", raw.len, &found);
	*raw_r = end;
	if (header_crlf(hdr, raw.data != NULL ? raw.data : "", end) == -1) {
		buf_free(&raw);
		return -1;
	}
	buf_free(&raw);
	return 0;
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

/*
 * One body section: its label, its size as a literal, its bytes. The
 * whole message and TEXT stream from the file; HEADER and HEADER.FIELDS
 * come from the header read already (hdr, CRLF; hdr_raw bytes in the file).
 */
static void
body_write(struct session *s, const struct fetch_item *it, int fd,
    uint64_t vsize, const struct buf *hdr, uint64_t hdr_raw, uint32_t uid)
{
	struct buf	*b = session_out(s), part;
	const char	*mem = NULL;
	uint64_t	 size, len, off = it->partial ? it->off : 0;
	off_t		 start = 0;

	buf_init(&part, FETCH_HEADER_MAX * 2);
	switch (it->sec) {
	case SEC_ALL:
		size = vsize;
		break;
	case SEC_TEXT:
		size = vsize > hdr->len ? vsize - hdr->len : 0;
		start = (off_t)hdr_raw;
		break;
	case SEC_HEADER:
		size = hdr->len;
		mem = hdr->data != NULL ? hdr->data : "";
		break;
	default:
		(void)header_fields(&part, hdr->data != NULL ? hdr->data : "",
		    hdr->len, it->names, it->nnames, it->sec == SEC_FIELDS_NOT);
		size = part.len;
		mem = part.data != NULL ? part.data : "";
		break;
	}
	len = off >= size ? 0 : size - off;
	if (it->partial && len > it->len)
		len = it->len;
	if (it->partial)
		(void)buf_printf(b, "%s<%llu> {%llu}\r\n", it->label,
		    (unsigned long long)off, (unsigned long long)len);
	else
		(void)buf_printf(b, "%s {%llu}\r\n", it->label,
		    (unsigned long long)len);
	io_write(b->data, b->len);
	buf_reset(b);
	if (mem != NULL)
		io_write(mem + off, (size_t)len);
	else if (lseek(fd, start, SEEK_SET) == -1 ||
	    stream_body(fd, off, len) == -1)
		log_warn("%s: reading UID %u", s->sel->name, uid);
	buf_free(&part);
}

static int
fetch_one(struct session *s, struct fetch *f, size_t idx)
{
	struct maildir	*m = s->sel;
	struct mmsg	*msg = &m->msgs[idx];
	struct buf	*b = session_out(s);
	char		 date[IMAPDATE_DATETIME_LEN + 1];
	struct tm	 tm;
	uint64_t	 vsize = 0;
	time_t		 t = 0;
	size_t		 i;
	struct buf	 hdr;
	uint64_t	 hdr_raw = 0;
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
	buf_init(&hdr, FETCH_HEADER_MAX * 2);
	if (need_body && f->need_header && read_header(fd, &hdr,
	    &hdr_raw) == -1) {
		log_warn("%s: UID %u", m->name, msg->uid);
		buf_free(&hdr);
		close(fd);
		return 2;
	}
	if (f->sets_seen && !m->readonly && !(msg->flags & MF_SEEN) &&
	    maildir_change_flags(m, idx, 0, 0, MF_SEEN, 0) == 0) {
		/* RFC 9051 6.4.5: the new flags go with the data. */
		for (i = 0; i < f->n && f->items[i].type != F_FLAGS; i++)
			;
		if (i == f->n)
			(void)fetch_add(f, F_FLAGS);
		if (condstore_seen(s, idx) && fetch_want_modseq(f) == 0)
			f->want_uid |= (s->enabled & ENABLED_QRESYNC) != 0;
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
			body_write(s, it, fd, vsize, &hdr, hdr_raw, msg->uid);
			break;
		case F_MODSEQ:
			(void)buf_printf(b, "MODSEQ (%llu)",
			    (unsigned long long)msg->modseq);
			break;
		}
	}
	if (fd != -1)
		close(fd);
	buf_free(&hdr);
	(void)buf_addc(b, ')');
	session_send_line(s);
	return 0;
}

void
cmd_fetch(struct session *s, struct imap_arg *args)
{
	struct fetch	 f;
	struct fetch_mods fm;
	struct imap_arg	*items, *a;
	const char	*str, *err;
	size_t		*idx, n, i, nitems;
	int		 missing = 0, r;

	memset(&f, 0, sizeof(f));
	f.a = s->cmd_arena;
	if (args == NULL || args->next == NULL || (args->next->next != NULL &&
	    args->next->next->next != NULL)) {
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
	memset(&fm, 0, sizeof(fm));
	if (args->next->next != NULL && fetch_mods_parse(s, args->next->next,
	    &fm) == -1)
		return;
	if (fm.changedsince && fetch_want_modseq(&f) == -1) {
		session_bad(s, NULL, "Too many FETCH items");
		return;
	}
	if (fetch_has_modseq(&f) && condstore_need(s) == -1)
		return;
	if (msgset_get(s, args, &idx, &n) == -1)
		return;
	if (fm.vanished)
		fetch_mods_vanished(s, args, fm.since);
	for (i = 0; i < n; i++)
		if ((!fm.changedsince || s->sel->msgs[idx[i]].modseq >
		    fm.since) && (r = fetch_one(s, &f, idx[i])) > missing)
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
