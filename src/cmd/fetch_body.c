/*
 * fetch_body.c: body sections for FETCH. The whole message, its header and
 * its text are read from the file with LF turned into CRLF (Maildir files
 * have LF line ends; IMAP wants CRLF), never held in memory whole unless
 * read already (a file of at most MAILDIR_MSG_READ_MAX, or mapped); part
 * sections, MIME headers and BINARY come from the mapped message and its
 * parsed structure.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "crlf.h"
#include "decode.h"
#include "fetch.h"
#include "header.h"
#include "io.h"
#include "log.h"
#include "maildir.h"
#include "mime.h"
#include "session.h"

/* The message's header: its size in the file, and as CRLF text in hdr. */
int
fetch_read_header(int fd, struct buf *hdr, uint64_t *raw_r)
{
	static struct buf	raw;	/* kept: no allocation per message */
	ssize_t			n;
	size_t			end = 0, from, want = 4096;
	int			found = 0;

	if (raw.max == 0)
		buf_init(&raw, FETCH_HEADER_MAX);
	buf_reset(&raw);
	/* A page first: most headers fit, and the body is not copied. Read
	 * in place; stop at FETCH_HEADER_MAX. */
	for (;;) {
		if (want > raw.max - raw.len)
			want = raw.max - raw.len;
		if (want == 0 || buf_reserve(&raw, want) == -1 ||
		    (n = read(fd, raw.data + raw.len, want)) == 0)
			break;
		if (n == -1)
			return -1;
		/* Look again only from the last line end read before. */
		from = raw.len >= 2 ? raw.len - 2 : 0;
		raw.len += (size_t)n;
		raw.data[raw.len] = '\0';
		want = 16384;
		end = header_end_from(raw.data, raw.len, from, &found);
		if (found)
			break;
	}
	*raw_r = end;
	return header_crlf(hdr, raw.data != NULL ? raw.data : "", end);
}

/* The part [off, off + len) of a message turned to CRLF text, as it is
 * written a piece at a time. */
struct crlf_stream {
	uint64_t	 off, len;
	uint64_t	 pos;		/* CRLF bytes passed */
	uint64_t	 sent;
	int		 prev_cr;	/* the last byte passed was a CR */
};

/* The next n (at most CRLF_PIECE) bytes of the message, in[0..n): turned
 * to CRLF whole, then what of them lies in the part is written. */
#define CRLF_PIECE	65536
static void
crlf_write(struct crlf_stream *st, const char *in, size_t n)
{
	char	out[2 * CRLF_PIECE];
	size_t	o, skip = 0, take;

	o = crlf_copy(out, in, n, &st->prev_cr);
	if (st->pos < st->off)
		skip = st->off - st->pos < o ? (size_t)(st->off - st->pos) : o;
	st->pos += o;
	take = o - skip;
	if (take > st->len - st->sent)
		take = (size_t)(st->len - st->sent);
	io_write(out + skip, take);
	st->sent += take;
}

/* The file was shorter than its size said: keep the literal's length,
 * the client counts on it. */
static void
crlf_pad(struct crlf_stream *st)
{
	char	pad[512];
	size_t	k;

	memset(pad, ' ', sizeof(pad));
	for (; st->sent < st->len; st->sent += k) {
		k = st->len - st->sent < sizeof(pad) ? (size_t)(st->len -
		    st->sent) : sizeof(pad);
		io_write(pad, k);
	}
}

/* Write len bytes of the message, as CRLF text, from offset off: read
 * from fd (mem NULL) or from mem[0..memlen). */
static int
stream_body(int fd, const char *mem, size_t memlen, uint64_t off,
    uint64_t len)
{
	struct crlf_stream	 st;
	char			 in[CRLF_PIECE];
	size_t			 i, k;
	ssize_t			 n = 0;

	memset(&st, 0, sizeof(st));
	st.off = off;
	st.len = len;
	if (mem != NULL)
		for (i = 0; i < memlen && st.sent < len; i += k) {
			k = memlen - i < CRLF_PIECE ? memlen - i : CRLF_PIECE;
			crlf_write(&st, mem + i, k);
		}
	else
		while (st.sent < len && (n = read(fd, in, sizeof(in))) > 0)
			crlf_write(&st, in, (size_t)n);
	crlf_pad(&st);
	return n == -1 ? -1 : 0;
}

/* Write len bytes of data (LF or CRLF line ends) as CRLF text, from
 * offset off of the CRLF form. */
static void
mem_crlf_write(const char *data, size_t dlen, uint64_t off, uint64_t len)
{
	(void)stream_body(-1, data, dlen, off, len);
}

/* Where a section is in the mapped message: raw bytes (LF or CRLF) and
 * their CRLF size. NULL data: there is no such part. */
struct section_src {
	const char	*data;
	size_t		 len;
	uint64_t	 size;
};

static void
section_find(const struct fetch_item *it, const char *msg,
    const struct mime_part *root, struct section_src *src)
{
	const struct mime_part	*p = root, *e = root;

	src->data = NULL;
	if (it->npart > 0) {
		if ((p = mime_part_find(root, it->part, it->npart)) == NULL)
			return;
		/* HEADER and TEXT of a part are those of the message a
		 * message/rfc822 part holds (RFC 9051 6.4.5); of any other
		 * part there are none. */
		e = p->is_message ? p->children : NULL;
	}
	switch (it->sec) {
	case SEC_ALL:
		src->data = msg + p->body_off;
		src->len = p->body_len;
		src->size = p->body_size;
		if (it->npart == 0) {
			src->data = msg;
			src->len = p->body_off + p->body_len;
			src->size = p->hdr_size + p->body_size;
		}
		break;
	case SEC_MIME:
		src->data = msg + p->hdr_off;
		src->len = p->hdr_len;
		src->size = p->hdr_size;
		break;
	case SEC_TEXT:
		if (e == NULL)
			return;
		src->data = msg + e->body_off;
		src->len = e->body_len;
		src->size = e->body_size;
		break;
	default:
		if (e == NULL)
			return;
		src->data = msg + e->hdr_off;
		src->len = e->hdr_len;
		src->size = e->hdr_size;
		break;
	}
}

/* The "label<origin> {size}" that starts a section's data. */
static void
section_start(struct buf *b, const struct fetch_item *it, uint64_t off,
    uint64_t len)
{
	if (it->partial)
		(void)buf_printf(b, "%s<%llu> {%llu}\r\n", it->label,
		    (unsigned long long)off, (unsigned long long)len);
	else
		(void)buf_printf(b, "%s {%llu}\r\n", it->label,
		    (unsigned long long)len);
	io_write(b->data, b->len);
	buf_reset(b);
}

/* A section of the parsed message (part numbers, MIME). */
void
fetch_section_write(struct session *s, const struct fetch_item *it,
    const char *msg, const struct mime_part *root)
{
	struct buf		*b = session_out(s), crlf, part;
	struct section_src	 src;
	uint64_t		 len, off = it->partial ? it->off : 0;

	section_find(it, msg, root, &src);
	buf_init(&crlf, FETCH_HEADER_MAX * 2);
	buf_init(&part, FETCH_HEADER_MAX * 2);
	if (src.data == NULL) {
		/* No such part, or HEADER/TEXT of a part that holds no
		 * message: empty, as Dovecot answers. */
		src.data = "";
		src.len = src.size = 0;
	} else if (it->sec == SEC_FIELDS || it->sec == SEC_FIELDS_NOT) {
		(void)header_crlf(&crlf, src.data, src.len > FETCH_HEADER_MAX ?
		    FETCH_HEADER_MAX : src.len);
		(void)header_fields(&part, crlf.data != NULL ? crlf.data : "",
		    crlf.len, it->names, it->nnames,
		    it->sec == SEC_FIELDS_NOT);
		src.data = part.data != NULL ? part.data : "";
		src.len = src.size = part.len;
	}
	len = off >= src.size ? 0 : src.size - off;
	if (it->partial && len > it->len)
		len = it->len;
	section_start(b, it, off, len);
	mem_crlf_write(src.data, src.len, off, len);
	buf_free(&crlf);
	buf_free(&part);
}

/*
 * One body section: its label, its size as a literal, its bytes. The
 * whole message and TEXT stream from the file; HEADER and HEADER.FIELDS
 * come from the header read already (hdr, CRLF; hdr_raw bytes in the file).
 */
void
fetch_body_write(struct session *s, const struct fetch_item *it, int fd,
    const char *msgmem, size_t msglen, uint64_t vsize, const struct buf *hdr,
    uint64_t hdr_raw, uint32_t uid)
{
	struct buf	*b = session_out(s), part;
	const char	*mem = NULL;
	uint64_t	 size, len, off = it->partial ? it->off : 0;
	off_t		 start = 0;
	size_t		 from;

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
	section_start(b, it, off, len);
	if (mem != NULL)
		io_write(mem + off, (size_t)len);
	else if (msgmem != NULL) {
		from = (uint64_t)start < msglen ? (size_t)start : msglen;
		(void)stream_body(-1, msgmem + from, msglen - from, off, len);
	} else if (lseek(fd, start, SEEK_SET) == -1 ||
	    stream_body(fd, NULL, 0, off, len) == -1)
		log_warn("%s: reading UID %u", s->sel->name, uid);
	buf_free(&part);
}

/* A part's Content-Transfer-Encoding, as BINARY decodes it; -1 for one
 * it does not know (RFC 3516 4.3: UNKNOWN-CTE). */
int
fetch_binary_cte(const struct mime_part *p)
{
	static const char *const identity[] = { "7bit", "8bit", "binary" };
	size_t	i;

	if (p->encoding == NULL || p->is_multipart || p->is_message)
		return CTE_NONE;
	if (strcasecmp(p->encoding, "base64") == 0)
		return CTE_BASE64;
	if (strcasecmp(p->encoding, "quoted-printable") == 0)
		return CTE_QP;
	for (i = 0; i < sizeof(identity) / sizeof(identity[0]); i++)
		if (strcasecmp(p->encoding, identity[i]) == 0)
			return CTE_NONE;
	return -1;
}

/* The part a BINARY item names: the message itself for "[]". */
const struct mime_part *
fetch_binary_part(const struct fetch_item *it, const struct mime_part *root)
{
	return it->npart == 0 ? root : mime_part_find(root, it->part,
	    it->npart);
}

/*
 * Decode data[0..len) (LF or CRLF line ends, turned into CRLF first, as
 * the part is sent) per cte: with send, write the bytes from off, at most
 * max of them; returns the decoded size (from off, at most max).
 */
static uint64_t
binary_pass(const char *data, size_t len, int cte, uint64_t off,
    uint64_t max, int send)
{
	struct decode_body	 d;
	char			 crlf[2 * 8192], out[2 * 8192 + DECODE_SLACK];
	size_t			 i, c, k, n, skip;
	uint64_t		 pos = 0, sent = 0;
	int			 prev_cr = 0;

	decode_body_init(&d, (enum decode_cte)cte);
	for (i = 0; i < len || i == 0; ) {
		k = len - i < sizeof(crlf) / 2 ? len - i : sizeof(crlf) / 2;
		c = crlf_copy(crlf, data + i, k, &prev_cr);
		i += k;
		n = decode_body_chunk(&d, crlf, c, out, i >= len);
		skip = pos >= off ? 0 : off - pos < n ? (size_t)(off - pos) : n;
		pos += n;
		if (n > skip && sent < max) {
			k = n - skip;
			if (k > max - sent)
				k = (size_t)(max - sent);
			if (send)
				io_write(out + skip, k);
			sent += k;
		}
		if (i >= len)
			break;
	}
	return sent;
}

/* BINARY[...] and BINARY.SIZE[...] of a parsed message. */
void
fetch_binary_write(struct session *s, const struct fetch_item *it,
    const char *msg, const struct mime_part *root)
{
	struct buf		*b = session_out(s);
	const struct mime_part	*p = fetch_binary_part(it, root);
	static const char *const cte_field[] = { "CONTENT-TRANSFER-ENCODING" };
	struct buf		 crlf, hdr;
	const char		*data = "";
	size_t			 len = 0;
	uint64_t		 size, off = it->partial ? it->off : 0;
	int			 cte = CTE_NONE;

	buf_init(&crlf, FETCH_HEADER_MAX * 2);
	buf_init(&hdr, FETCH_HEADER_MAX * 2 + 64);
	if (p != NULL) {
		cte = fetch_binary_cte(p);
		if (it->npart == 0) {
			/* The whole message: as it is, but a single part
			 * with an encoding gets its body decoded and says
			 * "binary" instead, as Dovecot writes it. (Parts of
			 * a multipart are left as they are.) */
			data = msg;
			len = p->body_off + p->body_len;
			if (cte != CTE_NONE) {
				(void)header_crlf(&crlf, msg + p->hdr_off,
				    p->hdr_len > FETCH_HEADER_MAX ?
				    FETCH_HEADER_MAX : p->hdr_len);
				(void)header_fields(&hdr, crlf.data != NULL ?
				    crlf.data : "", crlf.len, cte_field, 1, 1);
				hdr.len -= 2;
				(void)buf_adds(&hdr,
				    "Content-Transfer-Encoding: binary\r\n\r\n");
				size = hdr.len + binary_pass(msg +
				    p->body_off, p->body_len, cte, 0,
				    UINT64_MAX, 0);
				goto whole;
			}
		} else {
			data = msg + p->body_off;
			len = p->body_len;
		}
	}
	size = binary_pass(data, len, cte, 0, UINT64_MAX, 0);
whole:
	if (it->type == F_BINARY_SIZE) {
		(void)buf_printf(b, "%s %llu", it->label,
		    (unsigned long long)size);
		goto done;
	}
	size = off >= size ? 0 : size - off;
	if (it->partial && size > it->len)
		size = it->len;
	/* literal8 for what was decoded (it may hold NUL), as Dovecot. */
	if (it->partial)
		(void)buf_printf(b, "%s<%llu> %s{%llu}\r\n", it->label,
		    (unsigned long long)off, cte != CTE_NONE ? "~" : "",
		    (unsigned long long)size);
	else
		(void)buf_printf(b, "%s %s{%llu}\r\n", it->label,
		    cte != CTE_NONE ? "~" : "", (unsigned long long)size);
	io_write(b->data, b->len);
	buf_reset(b);
	if (p != NULL && it->npart == 0 && cte != CTE_NONE) {
		/* the header rewritten, then the decoded body */
		uint64_t	hl = hdr.len, sent = 0;

		if (off < hl) {
			sent = size < hl - off ? size : hl - off;
			io_write(hdr.data + off, (size_t)sent);
		}
		(void)binary_pass(msg + p->body_off, p->body_len, cte,
		    off > hl ? off - hl : 0, size - sent, 1);
	} else
		(void)binary_pass(data, len, cte, off, size, 1);
done:
	buf_free(&crlf);
	buf_free(&hdr);
}

