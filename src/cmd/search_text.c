/*
 * search_text.c: the SEARCH keys that read the message (RFC 9051 6.4.4):
 * HEADER, BCC, CC, FROM, SUBJECT, TO on the header fields decoded (RFC
 * 2047) to UTF-8; SENTBEFORE, SENTON, SENTSINCE on the Date: field; BODY
 * on the text parts decoded (Content-Transfer-Encoding, charset); TEXT on
 * those, the header and the headers of enclosed messages (Dovecot's
 * choices: parts that are not text, preambles and epilogues are not
 * searched, nor are MIME part headers). Text is
 * compared with i;unicode-casemap as a substring (RFC 5051).
 *
 * The file is read once per message and only when a key needs it: one
 * up to READ_MAX bytes into a buffer kept for the whole command (its
 * first READ_FIRST bytes, then the rest if a body key needs it), a larger
 * one mapped read-only. All body and text keys are looked for in one pass over the
 * text, which goes through fixed buffers (decode, convert, map, search):
 * nothing is allocated per byte or per part, and the pass stops as soon as
 * every key has been found. A match does not span two parts or two header
 * fields.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "casemap.h"
#include "decode.h"
#include "header.h"
#include "maildir.h"
#include "mdlimits.h"
#include "mime.h"
#include "msgdate.h"
#include "searchkey.h"
#include "search.h"

#define CHUNK		(32 * 1024)
/* Room for mapped text per step (casemap_chunk stops before it is
 * short of CASEMAP_MAX_BYTES). */
#define FOLD_OUT	(CHUNK * 2)
/* Header fields longer than this are searched in their first part. */
#define FIELD_MAX	(256 * 1024)
/* Files up to MAILDIR_MSG_READ_MAX are read rather than mapped. */
#define READ_MAX	MAILDIR_MSG_READ_MAX
/* What is read first: the header of nearly every message, and all of
 * most; the rest is read when a body key needs it. */
#define READ_FIRST	(16 * 1024)

struct search_text {
	struct arena		*a;
	struct arena		*msg_arena;	/* reset per message */
	signed char		*res;
	const struct skey	**keys;		/* by id */
	const char		**needle;	/* mapped */
	size_t			*nlen;
	struct casemap_needle	*nd;		/* the needles, to look for */
	unsigned		 n;
	int			 want_date;
	/* the scan */
	unsigned		*active;	/* ids being looked for */
	unsigned		 nactive;
	size_t			 maxlen;	/* longest active needle */
	size_t			 carry;		/* bytes kept in win */
	int			 in_header;	/* BODY keys sit out */
	char			*win;		/* maxlen - 1 + CHUNK... */
	char			*dec, *utf;
	struct buf		 field, mapped;
	struct search_msg	*msg;
	char			*file;		/* READ_MAX bytes, or NULL */
};

static void
keys_collect(struct search_text *t, const struct skey *k)
{
	for (; k != NULL; k = k->next) {
		switch (k->type) {
		case SK_HEADER:
		case SK_BODY:
		case SK_TEXT:
			t->keys[k->id] = k;
			break;
		case SK_SENTBEFORE:
		case SK_SENTON:
		case SK_SENTSINCE:
			t->want_date = 1;
			break;
		default:
			break;
		}
		keys_collect(t, k->child);
	}
}

struct search_text *
search_text_new(struct arena *a, const struct search_cmd *cmd)
{
	struct search_text	*t;
	struct buf		 b;
	unsigned		 i;
	size_t			 max = 1;

	t = arena_alloc(a, sizeof(*t));
	t->a = a;
	t->n = cmd->ntext;
	t->keys = arena_reallocarray(a, NULL, 0, t->n + 1, sizeof(*t->keys));
	t->needle = arena_reallocarray(a, NULL, 0, t->n + 1,
	    sizeof(*t->needle));
	t->nlen = arena_reallocarray(a, NULL, 0, t->n + 1, sizeof(*t->nlen));
	t->nd = arena_reallocarray(a, NULL, 0, t->n + 1, sizeof(*t->nd));
	t->active = arena_reallocarray(a, NULL, 0, t->n + 1,
	    sizeof(*t->active));
	keys_collect(t, cmd->root);
	for (i = 0; i < t->n; i++) {
		/* LIMIT_SEARCH_STRING bytes map to at most 18 times more */
		buf_init(&b, LIMIT_SEARCH_STRING * CASEMAP_MAX_BYTES + 1);
		(void)decode_utf8_valid(&b, t->keys[i]->str, t->keys[i]->len);
		t->needle[i] = "";
		if (b.len > 0) {
			struct buf m;

			buf_init(&m, b.len * CASEMAP_MAX_BYTES + 1);
			(void)casemap_buf(&m, b.data, b.len);
			t->needle[i] = arena_strndup(a, m.data, m.len);
			t->nlen[i] = m.len;
			buf_free(&m);
		}
		buf_free(&b);
		casemap_needle_init(&t->nd[i], t->needle[i], t->nlen[i]);
		if (t->nlen[i] > max)
			max = t->nlen[i];
	}
	t->win = arena_alloc(a, max + FOLD_OUT);
	t->dec = arena_alloc(a, CHUNK + DECODE_SLACK);
	t->utf = arena_alloc(a, CHUNK * 4);
	t->res = arena_alloc(a, t->n + 1);
	buf_init(&t->field, FIELD_MAX * 4);
	buf_init(&t->mapped, FIELD_MAX * 4 * CASEMAP_MAX_BYTES);
	t->msg_arena = arena_new(LIMIT_ARENA);
	return t;
}

void
search_text_free(struct search_text *t)
{
	buf_free(&t->field);
	buf_free(&t->mapped);
	arena_free(&t->msg_arena);
	free(t->file);
	t->file = NULL;
}

/* Read the file's bytes from sm->avail up to want into sm->data; a file
 * that ends sooner (it shrank) or cannot be read is what was read. */
static void
msg_read(struct search_msg *sm, size_t want)
{
	ssize_t	n;

	while (sm->avail < want && (n = pread(sm->fd, (char *)(uintptr_t)
	    sm->data + sm->avail, want - sm->avail, (off_t)sm->avail)) > 0)
		sm->avail += (size_t)n;
	if (sm->avail < want)
		sm->size = sm->avail;
}

int
search_msg_open(struct search_text *t, struct maildir *m, size_t idx,
    struct search_msg *sm)
{
	struct stat	st;
	void		*p;
	int		fd, found;

	memset(sm, 0, sizeof(*sm));
	sm->fd = -1;
	sm->res = t->res;
	memset(sm->res, -1, t->n + 1);
	arena_reset(t->msg_arena);
	if ((fd = maildir_open_msg_stat(m, idx, &st)) == -1)
		return -1;
	if (st.st_size > 0 && st.st_size <= READ_MAX && t->file == NULL)
		t->file = malloc(READ_MAX);	/* if not, mapped */
	if (st.st_size > 0 && st.st_size <= READ_MAX && t->file != NULL) {
		sm->data = t->file;
		sm->size = (size_t)st.st_size;
		sm->fd = fd;
		msg_read(sm, sm->size < READ_FIRST ? sm->size : READ_FIRST);
		sm->hdrlen = header_end(sm->data, sm->avail, &found);
		if (!found && sm->avail < sm->size) {
			msg_read(sm, sm->size);
			sm->hdrlen = header_end(sm->data, sm->avail, &found);
		}
		if (sm->size == 0)
			sm->data = NULL;
		if (sm->avail == sm->size) {
			close(fd);
			sm->fd = -1;
		}
		return 0;
	}
	if (st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
		    0);
		if (p == MAP_FAILED) {
			close(fd);
			return -1;
		}
		sm->data = p;
		sm->size = sm->avail = (size_t)st.st_size;
		sm->mapped = 1;
	}
	close(fd);
	sm->hdrlen = header_end(sm->data != NULL ? sm->data : "", sm->size,
	    &found);
	return 0;
}

void
search_msg_close(struct search_msg *sm)
{
	if (sm->data != NULL && sm->mapped)
		(void)munmap((void *)(uintptr_t)sm->data, sm->size);
	if (sm->fd != -1)
		close(sm->fd);
	sm->fd = -1;
	sm->data = NULL;
	sm->mapped = 0;
}

int
search_text_header_only(const struct search_text *t,
    int (*covers)(const char *const *, size_t))
{
	static const char *const date[] = { "date" };
	unsigned	i;

	if (t->want_date && !covers(date, 1))
		return 0;
	for (i = 0; i < t->n; i++)
		if (t->keys[i]->type != SK_HEADER ||
		    !covers(&t->keys[i]->field, 1))
			return 0;
	return 1;
}

void
search_msg_header_only(struct search_text *t, struct search_msg *sm,
    const char *hdr, size_t len)
{
	memset(sm, 0, sizeof(*sm));
	sm->fd = -1;
	sm->res = t->res;
	memset(sm->res, -1, t->n + 1);
	arena_reset(t->msg_arena);
	sm->data = len > 0 ? hdr : NULL;
	sm->size = sm->avail = sm->hdrlen = len;
}

/*
 * The next field of a header: name and value (folded, as in the message)
 * from *pos on. Returns 0, or -1 at the end.
 */
static int
field_next(const char *h, size_t len, size_t *pos, const char **name,
    size_t *namelen, const char **val, size_t *vallen)
{
	size_t		 i = *pos, e;
	const char	*colon, *nl;

	while (i < len) {
		/* the line, and the continuation lines after it */
		for (e = i; e < len; e++) {
			nl = memchr(h + e, '\n', len - e);
			e = nl == NULL ? len : (size_t)(nl - h);
			if (e + 1 >= len || (h[e + 1] != ' ' &&
			    h[e + 1] != '\t'))
				break;
		}
		colon = memchr(h + i, ':', e - i);
		*pos = e < len ? e + 1 : len;
		if (colon == NULL || colon == h + i) {
			i = *pos;
			continue;
		}
		*name = h + i;
		*namelen = (size_t)(colon - (h + i));
		while (*namelen > 0 && (h[i + *namelen - 1] == ' ' ||
		    h[i + *namelen - 1] == '\t'))
			(*namelen)--;
		*val = colon + 1;
		*vallen = (size_t)(h + e - *val);
		if (*vallen > 0 && (*val)[*vallen - 1] == '\r')
			(*vallen)--;
		return 0;
	}
	return -1;
}

/* A header value decoded and mapped into t->mapped. */
static void
value_map(struct search_text *t, const char *v, size_t len)
{
	buf_reset(&t->field);
	buf_reset(&t->mapped);
	if (len > FIELD_MAX)
		len = FIELD_MAX;
	(void)decode_header(&t->field, v, len);
	if (t->field.len > 0)
		(void)casemap_buf(&t->mapped, t->field.data, t->field.len);
}

static int
mapped_has(struct search_text *t, unsigned id)
{
	if (t->nlen[id] == 0)
		return 1;
	return t->mapped.len >= t->nlen[id] && casemap_find(t->mapped.data,
	    t->mapped.len, &t->nd[id]) != NULL;
}

static long
day_of(time_t t)
{
	return (long)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
}

void
search_msg_header(struct search_text *t, struct search_msg *sm)
{
	const char	*h = sm->data, *name, *val;
	size_t		 pos = 0, namelen, vallen;
	unsigned	 i;
	int		 mapped, have_date = 0, off;
	time_t		 when;

	if (sm->hdr_done)
		return;
	sm->hdr_done = 1;
	for (i = 0; i < t->n; i++)
		if (t->keys[i]->type == SK_HEADER)
			sm->res[i] = 0;
	while (h != NULL && field_next(h, sm->hdrlen, &pos, &name, &namelen,
	    &val, &vallen) == 0) {
		mapped = 0;
		for (i = 0; i < t->n; i++) {
			const struct skey *k = t->keys[i];

			if (k->type != SK_HEADER || sm->res[i] == 1 ||
			    strlen(k->field) != namelen ||
			    strncasecmp(k->field, name, namelen) != 0)
				continue;
			if (t->nlen[i] == 0) {
				/* RFC 9051 6.4.4: "" matches any message
				 * that has the field */
				sm->res[i] = 1;
				continue;
			}
			if (!mapped)
				value_map(t, val, vallen);
			mapped = 1;
			sm->res[i] = (signed char)mapped_has(t, i);
		}
		if (t->want_date && !have_date && namelen == 4 &&
		    strncasecmp(name, "date", 4) == 0) {
			have_date = 1;
			/* RFC 9051 6.4.4: the date, disregarding time and
			 * timezone: the day as the sender wrote it */
			if (msgdate_parse(val, vallen, &when, &off) == 0)
				sm->sent_day = day_of(when + (time_t)off * 60);
		}
	}
}

/* Look for the active needles in mapped text: win holds carry bytes of
 * the text before, then len new ones. */
static int
scan_win(struct search_text *t, size_t len)
{
	size_t		 total = t->carry + len, keep;
	unsigned	 i;

	for (i = 0; i < t->nactive;) {
		unsigned id = t->active[i];

		if (t->in_header && t->keys[id]->type == SK_BODY) {
			i++;
			continue;
		}
		if (t->nlen[id] == 0 || (total >= t->nlen[id] &&
		    casemap_find(t->win, total, &t->nd[id]) != NULL)) {
			t->msg->res[id] = 1;
			t->active[i] = t->active[--t->nactive];
			continue;
		}
		i++;
	}
	keep = t->maxlen > 0 ? t->maxlen - 1 : 0;
	if (keep > total)
		keep = total;
	memmove(t->win, t->win + total - keep, keep);
	t->carry = keep;
	return t->nactive == 0;
}

/* Map UTF-8 text and scan it. Returns 1 when every needle is found. */
static int
scan_utf8(struct search_text *t, const char *s, size_t len)
{
	size_t	used, n, pos = 0;

	while (pos < len) {
		n = casemap_chunk(s + pos, len - pos, &used, t->win + t->carry,
		    FOLD_OUT);
		pos += used;
		if (scan_win(t, n))
			return 1;
	}
	return 0;
}

/* Text in a charset: converted, mapped, scanned. */
static int
scan_conv(struct search_text *t, struct decode_conv *c, const char *s,
    size_t len, int final)
{
	size_t	used, n, pos = 0;

	do {
		n = decode_conv_chunk(c, s + pos, len - pos, &used, t->utf,
		    CHUNK * 4, final);
		pos += used;
		if (scan_utf8(t, t->utf, n))
			return 1;
	} while (pos < len || (final && n > 0));
	return 0;
}

/* A header (every field, decoded) for the active needles. */
static int
scan_header(struct search_text *t, const char *h, size_t len)
{
	const char	*name, *val;
	size_t		 pos = 0, namelen, vallen;
	int		 r = 0;

	/* Headers are TEXT's, not BODY's: not even those of enclosed
	 * messages, as Dovecot searches. */
	t->in_header = 1;
	while (field_next(h, len, &pos, &name, &namelen, &val, &vallen) == 0) {
		t->carry = 0;
		buf_reset(&t->field);
		(void)buf_add(&t->field, name, namelen);
		(void)buf_adds(&t->field, ": ");
		while (vallen > 0 && (*val == ' ' || *val == '\t')) {
			val++;
			vallen--;
		}
		(void)decode_header(&t->field, val,
		    vallen > FIELD_MAX ? FIELD_MAX : vallen);
		if ((r = scan_utf8(t, t->field.data, t->field.len)) == 1)
			break;
	}
	t->in_header = 0;
	t->carry = 0;
	return r;
}

/* A text part's body: decoded, converted, mapped, scanned. */
static int
scan_body(struct search_text *t, const struct mime_part *p, const char *b,
    size_t len)
{
	/* RFC 2045 5.2: text without a charset is US-ASCII; mime.c says
	 * so. 8-bit bytes in it are taken as UTF-8 (as Dovecot does), not
	 * as invalid. */
	const char		*cs = mime_param_get(p->params, "charset");

	struct decode_body	 d;
	struct decode_conv	 c;
	size_t			 pos, k, n;
	int			 done = 0;

	decode_body_init(&d, decode_cte_parse(p->encoding));
	/* unknown charsets are taken as UTF-8 */
	if (cs == NULL || strcasecmp(cs, "us-ascii") == 0)
		cs = "utf-8";
	(void)decode_conv_init(&c, cs);
	t->carry = 0;
	for (pos = 0; pos < len && !done; pos += k) {
		k = len - pos < CHUNK ? len - pos : CHUNK;
		n = decode_body_chunk(&d, b + pos, k, t->dec, pos + k == len);
		done = scan_conv(t, &c, t->dec, n, 0);
	}
	if (!done)
		done = scan_conv(t, &c, "", 0, 1);
	decode_conv_end(&c);
	t->carry = 0;
	return done;
}

/* Walk the parts: text bodies, and the headers of enclosed messages. */
static int
scan_part(struct search_text *t, const struct mime_part *p, int depth)
{
	const struct mime_part	*c;
	const char		*data = t->msg->data;

	if (depth > LIMIT_MIME_DEPTH + 1)
		return 0;
	if (p->is_multipart || p->is_message) {
		for (c = p->children; c != NULL; c = c->next) {
			if (p->is_message && scan_header(t, data + c->hdr_off,
			    c->hdr_len))
				return 1;
			if (scan_part(t, c, depth + 1))
				return 1;
		}
		return 0;
	}
	if (strcasecmp(p->type, "text") != 0 &&
	    strcasecmp(p->type, "message") != 0)
		return 0;
	return scan_body(t, p, data + p->body_off, p->body_len);
}

void
search_msg_body(struct search_text *t, struct search_msg *sm)
{
	struct mime_part	*root;
	unsigned		 i;
	size_t			 j;

	if (sm->body_done)
		return;
	sm->body_done = 1;
	if (sm->fd != -1) {
		/* the rest of the file */
		msg_read(sm, sm->size);
		if (sm->size == 0)
			sm->data = NULL;
		close(sm->fd);
		sm->fd = -1;
	}
	t->msg = sm;
	t->nactive = 0;
	t->maxlen = 0;
	t->carry = 0;
	/* TEXT: the header first */
	for (i = 0; i < t->n; i++)
		if (t->keys[i]->type == SK_TEXT && sm->res[i] == -1) {
			sm->res[i] = 0;
			t->active[t->nactive++] = i;
			if (t->nlen[i] > t->maxlen)
				t->maxlen = t->nlen[i];
		}
	if (t->nactive > 0 && sm->data != NULL)
		(void)scan_header(t, sm->data, sm->hdrlen);
	for (i = 0; i < t->n; i++)
		if (t->keys[i]->type == SK_BODY && sm->res[i] == -1) {
			sm->res[i] = 0;
			t->active[t->nactive++] = i;
		}
	for (t->maxlen = 0, j = 0; j < t->nactive; j++)
		if (t->nlen[t->active[j]] > t->maxlen)
			t->maxlen = t->nlen[t->active[j]];
	if (t->nactive == 0 || sm->data == NULL)
		return;
	root = mime_parse_parts(sm->data, sm->size, t->msg_arena);
	(void)scan_part(t, root, 0);
}
