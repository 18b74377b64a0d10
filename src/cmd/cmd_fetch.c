/*
 * cmd_fetch.c: FETCH and UID FETCH (RFC 9051 6.4.5): UID, FLAGS,
 * INTERNALDATE, RFC822.SIZE, ENVELOPE, BODY, BODYSTRUCTURE, RFC822,
 * RFC822.HEADER, RFC822.TEXT, BODY[section]<partial> and BODY.PEEK for
 * HEADER, HEADER.FIELDS (.NOT), TEXT, MIME and part numbers, BINARY,
 * BINARY.PEEK and BINARY.SIZE (RFC 3516), and the macros ALL, FAST and
 * FULL. This file: the command and one message's response; the items are
 * parsed in fetch_parse.c, bodies written by fetch_body.c.
 *
 * What needs the MIME structure reads the file into one reused 256 KiB
 * buffer, or maps a larger one read-only (page cache, not the process's
 * own memory), and parses it (mime.c) in an arena reset for every message; ENVELOPE, BODY, BODYSTRUCTURE and the size are kept in
 * the folder's cache (cache.c) so a later FETCH need not open the file.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "bodystructure.h"
#include "buf.h"
#include "cache.h"
#include "commands.h"
#include "condstore.h"
#include "crlf.h"
#include "decode.h"
#include "flags.h"
#include "hdrcache.h"
#include "header.h"
#include "imapdate.h"
#include "io.h"
#include "log.h"
#include "envelope.h"
#include "fetch.h"
#include "maildir.h"
#include "mime.h"
#include "msginfo.h"
#include "msgset.h"
#include "objectid.h"
#include "parser.h"
#include "resp.h"
#include "savedate.h"
#include "session.h"

/* Set when out_flush() sent part of a value being written: that value
 * is then not whole in the buffer, and is not cached. */
static int	fetch_flushed;

static void
out_flush(struct buf *b)
{
	io_write(b->data, b->len);
	buf_reset(b);
	fetch_flushed = 1;
}

static enum cache_field
cache_field_of(enum fetch_type t)
{
	return t == F_ENVELOPE ? CACHE_ENVELOPE : t == F_BODYSTRUCTURE ?
	    CACHE_BODYSTRUCTURE : CACHE_BODY;
}

static char	*msg_buf;

/* The buffer files are read into: MAILDIR_MSG_READ_MAX bytes, and one
 * more (msg_map()). */
static char *
msg_buf_get(void)
{
	if (msg_buf == NULL &&
	    (msg_buf = malloc(MAILDIR_MSG_READ_MAX + 1)) == NULL)
		fatalx("out of memory");
	return msg_buf;
}

/* Up to want bytes of fd from offset 0 into msg_buf: how many were read,
 * or -1 on an error. */
static ssize_t
msg_read(int fd, size_t want)
{
	char	*buf = msg_buf_get();
	size_t	 got = 0;
	ssize_t	 n;

	/* pread: the header may have been read from fd already */
	while (got < want && (n = pread(fd, buf + got, want - got,
	    (off_t)got)) != 0) {
		if (n == -1)
			return -1;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/*
 * The message's bytes, read or mapped read-only (*mapped_r); *len_r 0
 * holds nothing. NULL on error. st is the file's stat when opened, or,
 * with *named_r, only the size its name gives (",S="): one read asking
 * for a byte more that gets just that size confirms it (Linux reads a
 * regular file short only at its end), and saves an fstat() a message;
 * else the file is stat()ed (st, *named_r 0) and read as it is.
 */
static const char *
msg_map(int fd, struct stat *st, int *named_r, size_t *len_r,
    int *mapped_r)
{
	void		*p;
	ssize_t		 got;

	*mapped_r = 0;
	if (*named_r) {
		if (pread(fd, msg_buf_get(), (size_t)st->st_size + 1, 0) ==
		    st->st_size) {
			*len_r = (size_t)st->st_size;
			return msg_buf;
		}
		*named_r = 0;
		if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode)) {
			errno = EINVAL;
			return NULL;
		}
	}
	*len_r = (size_t)st->st_size;
	if (st->st_size == 0)
		return "";
	if (st->st_size <= MAILDIR_MSG_READ_MAX) {
		if ((got = msg_read(fd, (size_t)st->st_size)) == -1)
			return NULL;
		*len_r = (size_t)got;	/* a file that shrank: what is there */
		return msg_buf;
	}
	p = mmap(NULL, (size_t)st->st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	*mapped_r = 1;
	return p;
}

static void
msg_unmap(const char *map, size_t len, int mapped)
{
	if (mapped && len > 0)
		(void)munmap((void *)(uintptr_t)map, len);
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
	const char	*map = NULL, *cv[FETCH_ITEMS_MAX];
	size_t		 maplen = 0, cl[FETCH_ITEMS_MAX], start;
	struct mime_part *root = NULL;
	int		 fd = -1, sp = 0, need_size = 0, need_date = 0;
	int		 need_map = f->need_parse, need_body = 0, opts;
	int		 hdr_put = 0, need_emailid = 0, mapped = 0;
	int		 size_late, prev_cr, named = 0, saved;
	char		 emailid[OBJECTID_MAX];
	struct stat	 fst;		/* of the file as opened */
	uint64_t	 nsize;

	if (f->ma == NULL)
		f->ma = arena_new(LIMIT_ARENA);
	arena_reset(f->ma);
	for (i = 0; i < f->n; i++) {
		struct fetch_item *it = &f->items[i];
		const char	*v;

		cv[i] = NULL;
		switch (it->type) {
		case F_SIZE:
			need_size = 1;
			break;
		case F_INTERNALDATE:
			need_date = 1;
			break;
		case F_EMAILID:
			need_emailid = 1;
			break;
		case F_SAVEDATE:
			need_date = 1;
			if (f->sd == NULL)
				f->sd = savedate_load(m->dirfd,
				    m->uidvalidity);
			break;
		case F_BODY:
			/* HEADER.FIELDS of fields the cache keeps: from it,
			 * without the file, when it has them. */
			if (it->sec == SEC_FIELDS && it->npart == 0 &&
			    !(msg->state & MSG_GONE) &&
			    hdrcache_covers(it->names, it->nnames)) {
				if ((v = hdrcache_get(s, idx, &cl[i])) != NULL) {
					cv[i] = arena_strndup(f->ma, v, cl[i]);
					break;
				}
				hdr_put = 1;
			}
			/* The size with CRLF line ends is the length of
			 * BODY[] and BODY[TEXT] only: counting it reads the
			 * whole file when the name has no ",W=". */
			if (it->npart == 0 && (it->sec == SEC_ALL ||
			    it->sec == SEC_TEXT))
				need_size = 1;
			need_body = 1;
			break;
		default:
			break;
		}
	}
	/* What the cache has of ENVELOPE, BODY and BODYSTRUCTURE. */
	for (i = 0; i < f->n; i++) {
		enum fetch_type ft = f->items[i].type;
		const char	*v;

		if (ft != F_ENVELOPE && ft != F_BODYSTRUCTURE &&
		    ft != F_BODYSTRUCTURE_NOEXT)
			continue;
		if (s->cache == NULL)
			s->cache = cache_open(m);
		if ((msg->state & MSG_GONE) || (v = cache_get(s->cache, idx,
		    cache_field_of(ft), &cl[i])) == NULL)
			need_map = 1;
		else
			cv[i] = arena_strndup(f->ma, v, cl[i]);
	}
	need_body |= need_map;
	if ((msg->state & MSG_GONE) && (need_size || need_date || need_body ||
	    need_emailid))
		return 1;	/* RFC 2180 4.1.2: NO for the command */
	/* BODY[] or TEXT of a file read anyway: its size is counted from
	 * it when read (below), not looked up in the cache (whose sizes
	 * would be loaded for a few messages). */
	size_late = need_size && need_body && !need_map &&
	    !msginfo_vsize_known(msg);
	/* A file read whole below (msg_map()), not for its date: its size
	 * from its name, confirmed by the read, instead of an fstat(). */
	if (need_body && !need_date && (need_map || size_late) &&
	    maildir_name_size(msg->name, ",S=", &nsize) == 0 &&
	    nsize <= MAILDIR_MSG_READ_MAX) {
		memset(&fst, 0, sizeof(fst));
		fst.st_mode = S_IFREG;
		fst.st_size = (off_t)nsize;
		named = 1;
	}
	/* Everything that touches the file first: once the response has
	 * started, nothing may fail. */
	if ((need_size && !need_map && !size_late &&
	    msginfo_vsize_get(s, idx, &vsize) == -1) ||
	    (need_date && !need_body && msginfo_date_get(s, idx, &t) == -1) ||
	    (need_emailid && objectid_email(m, idx, emailid) == -1) ||
	    (need_body && (fd = maildir_open_msg_stat(m, idx,
	    named ? NULL : &fst)) == -1) ||
	    (need_date && need_body && msginfo_date_of(s, idx, &fst, &t) == -1)) {
		/* Expunged by another process, or the file replaced by a
		 * symlink or a FIFO (never followed): the message is gone. */
		if (errno == ENOENT || errno == ELOOP || errno == EINVAL)
			return 1;
		log_warn("%s: UID %u", m->name, msg->uid);
		return 2;
	}
	buf_init(&hdr, FETCH_HEADER_MAX * 2);
	if (need_body && f->need_header && fetch_read_header(fd, &hdr,
	    &hdr_raw) == -1)
		goto fail;
	if (hdr_put)
		hdrcache_put(s, idx, hdr.data != NULL ? hdr.data : "", hdr.len);
	if (size_late && fst.st_size <= MAILDIR_MSG_READ_MAX) {
		if ((map = msg_map(fd, &fst, &named, &maplen, &mapped)) == NULL)
			goto fail;
		prev_cr = 0;
		vsize = maplen + crlf_extra(map, maplen, &prev_cr);
		msg->vsize = vsize;
	} else if (size_late && msginfo_vsize_get(s, idx, &vsize) == -1)
		goto fail;
	if (need_map) {
		if ((map = msg_map(fd, &fst, &named, &maplen, &mapped)) == NULL)
			goto fail;
		root = mime_parse(map, maplen, f->ma);
		for (i = 0; i < f->n; i++) {
			const struct mime_part *bp;

			if ((f->items[i].type == F_BINARY ||
			    f->items[i].type == F_BINARY_SIZE) &&
			    (bp = fetch_binary_part(&f->items[i], root)) != NULL &&
			    fetch_binary_cte(bp) == -1) {
				/* RFC 3516 4.3: nothing for this message,
				 * NO [UNKNOWN-CTE] for the command. */
				if (maplen > 0)
					msg_unmap(map, maplen, mapped);
				buf_free(&hdr);
				close(fd);
				return 3;
			}
		}
		/* The size is known now: no second read for it. */
		if (need_size)
			msginfo_vsize_parsed(s, idx, root->hdr_size +
			    root->body_size);
		if (need_size && msginfo_vsize_get(s, idx, &vsize) == -1)
			goto fail;
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
	/* (no printf: this line is written for every message) */
	(void)buf_adds(b, "* ");
	(void)buf_addu(b, idx + 1);
	(void)buf_adds(b, " FETCH (");
	if (f->want_uid) {
		(void)buf_adds(b, "UID ");
		(void)buf_addu(b, msg->uid);
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
			flags_write(b, m, msg, !SESSION_REV2(s));
			break;
		case F_INTERNALDATE:
			(void)localtime_r(&t, &tm);
			imapdate_format_datetime(t, (int)(tm.tm_gmtoff / 60),
			    date);
			(void)buf_adds(b, "INTERNALDATE \"");
			(void)buf_add(b, date, IMAPDATE_DATETIME_LEN);
			(void)buf_addc(b, '"');
			break;
		case F_SIZE:
			(void)buf_adds(b, "RFC822.SIZE ");
			(void)buf_addu(b, vsize);
			break;
		case F_ENVELOPE:
		case F_BODYSTRUCTURE:
		case F_BODYSTRUCTURE_NOEXT:
			(void)buf_adds(b, it->type == F_ENVELOPE ? "ENVELOPE " :
			    it->type == F_BODYSTRUCTURE ? "BODYSTRUCTURE " :
			    "BODY ");
			if (cv[i] != NULL) {
				if (b->len + cl[i] > FETCH_HEADER_MAX)
					out_flush(b);
				(void)buf_add(b, cv[i], cl[i]);
				break;
			}
			/* Written as the cache keeps it (no UTF8=ACCEPT
			 * quoting) unless that is on. */
			opts = SESSION_UTF8(s) ? RESP_UTF8 : 0;
			fetch_flushed = 0;
			start = b->len;
			if (it->type == F_ENVELOPE)
				imap_envelope_write(b, envelope_parse(map +
				    root->hdr_off, root->hdr_len, f->ma), opts,
				    out_flush);
			else
				imap_bodystructure_write(b, root,
				    it->type == F_BODYSTRUCTURE, opts, out_flush);
			if (!fetch_flushed && opts == 0)
				cache_put(s->cache, idx, cache_field_of(it->type),
				    b->data + start, b->len - start);
			break;
		case F_BINARY:
		case F_BINARY_SIZE:
			fetch_binary_write(s, it, map, root);
			break;
		case F_EMAILID:
			(void)buf_printf(b, "EMAILID (%s)", emailid);
			break;
		case F_THREADID:
			/* RFC 8474 5.2: not offered, always NIL */
			(void)buf_adds(b, "THREADID NIL");
			break;
		case F_SAVEDATE: {
			/* RFC 8514 4.2 (savedate.h: a recorded save, or
			 * the file's time) */
			time_t	st = t;

			(void)savedate_get(f->sd, msg->uid, &st);
			(void)localtime_r(&st, &tm);
			imapdate_format_datetime(st, (int)(tm.tm_gmtoff / 60),
			    date);
			(void)buf_printf(b, "SAVEDATE \"%s\"", date);
			break;
		}
		case F_MODSEQ:
			(void)buf_printf(b, "MODSEQ (%llu)",
			    (unsigned long long)msg->modseq);
			break;
		case F_BODY:
			if (cv[i] != NULL) {
				struct buf	cached;

				memset(&cached, 0, sizeof(cached));
				cached.data = (char *)(uintptr_t)cv[i];
				cached.len = cl[i];
				fetch_body_write(s, it, -1, NULL, 0, 0, &cached,
				    0, msg->uid);
			} else if (it->npart > 0 || it->sec == SEC_MIME)
				fetch_section_write(s, it, map, root);
			else
				fetch_body_write(s, it, fd, map, maplen, vsize,
				    &hdr, hdr_raw, msg->uid);
			break;
		}
	}
	if (map != NULL)
		msg_unmap(map, maplen, mapped);
	if (fd != -1)
		close(fd);
	buf_free(&hdr);
	(void)buf_addc(b, ')');
	session_send_line(s);
	return 0;
fail:
	/* the file could not be read: a NO for the command; not a regular
	 * file (msg_map()), as if it were gone (above) */
	saved = errno;
	if (saved != EINVAL)
		log_warn("%s: UID %u", m->name, msg->uid);
	msg_unmap(map, maplen, mapped);
	buf_free(&hdr);
	if (fd != -1)
		close(fd);
	return saved == EINVAL ? 1 : 2;
}

void
cmd_fetch(struct session *s, struct imap_arg *args)
{
	struct fetch	 f;
	struct fetch_mods fm;
	struct imap_arg	*items, *a;
	const char	*str, *err = "Invalid FETCH item";
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
		if (arg_get_atom(a, &str) == -1 || fetch_parse_item(&f, str,
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
	arena_free(&f.ma);
	savedate_free(&f.sd);
	if (s->cache != NULL)
		cache_flush(s->cache);
	if (missing == 3)
		session_no(s, "UNKNOWN-CTE", "Unknown Content-Transfer-Encoding "
		    "in some messages: not decoded");
	else if (missing == 2)
		session_no(s, "SERVERBUG", "Some messages could not be read, "
		    "see the server log");
	else if (missing)
		session_no(s, "EXPUNGEISSUED", "Some messages were expunged "
		    "by another session");
	else
		session_ok(s, NULL, "Fetch completed.");
}
