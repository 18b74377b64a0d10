/*
 * fetch_parse.c: FETCH's items (RFC 9051 6.4.5, 9 fetch-att; RFC 3516
 * BINARY) into a struct fetch: names, sections with part numbers and
 * header field lists, partials. Nothing here touches a message.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "fetch.h"
#include "parser.h"

int
fetch_add(struct fetch *f, enum fetch_type t)
{
	if (f->n == FETCH_ITEMS_MAX)
		return -1;
	memset(&f->items[f->n], 0, sizeof(f->items[0]));
	f->items[f->n++].type = t;
	return 0;
}

int
fetch_has_modseq(const struct fetch *f)
{
	size_t	i;

	for (i = 0; i < f->n; i++)
		if (f->items[i].type == F_MODSEQ)
			return 1;
	return 0;
}

int
fetch_want_modseq(struct fetch *f)
{
	return fetch_has_modseq(f) ? 0 : fetch_add(f, F_MODSEQ);
}

static int
parsed_add(struct fetch *f, enum fetch_type t)
{
	f->parsed = 1;
	return fetch_add(f, t);
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

/*
 * section-part: nz-number *("." nz-number) (RFC 9051 9), into it->part
 * and the label. Returns what follows the last number (a "." that starts
 * no number is left there), or NULL.
 */
static const char *
parse_part(struct fetch *f, struct fetch_item *it, const char *p,
    struct buf *label)
{
	const char	*start;
	uint64_t	 num;

	while (*p >= '1' && *p <= '9') {
		for (start = p; *p >= '0' && *p <= '9'; p++)
			;
		if (it->npart == FETCH_PART_DEPTH ||
		    imap_number_parse(start, (size_t)(p - start), UINT32_MAX,
		    &num) == -1)
			return NULL;
		if (it->part == NULL)
			it->part = arena_alloc(f->a,
			    FETCH_PART_DEPTH * sizeof(*it->part));
		it->part[it->npart++] = (uint32_t)num;
		(void)buf_printf(label, "%s%llu", it->npart > 1 ? "." : "",
		    (unsigned long long)num);
		if (*p != '.' || p[1] < '1' || p[1] > '9')
			break;
		p++;
	}
	return p;
}

/* The optional "<" number "." nz-number ">" ending an item at p (RFC 9051
 * 9, section-partial). Returns 0, or -1 if p holds something else. */
static int
parse_partial(struct fetch_item *it, const char *p)
{
	const char	*dot, *end;
	uint64_t	 off, len;

	if (*p == '\0')
		return 0;
	if (*p != '<' || (dot = strchr(p, '.')) == NULL ||
	    (end = strchr(dot, '>')) == NULL || end[1] != '\0' ||
	    imap_number_parse(p + 1, (size_t)(dot - p - 1), UINT32_MAX,
	    &off) == -1 ||
	    imap_number_parse(dot + 1, (size_t)(end - dot - 1), UINT32_MAX,
	    &len) == -1 || len == 0)
		return -1;
	it->partial = 1;
	it->off = off;
	it->len = len;
	return 0;
}

/* "BODY[...]" and "BODY.PEEK[...]" with an optional "<offset.length>". */
static int
parse_body(struct fetch *f, const char *s)
{
	struct fetch_item	*it;
	struct buf		 label;
	const char		*p;
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
	buf_init(&label, 64 * 1024);
	(void)buf_adds(&label, "BODY[");
	if (fetch_add(f, F_BODY) == -1)
		goto out;
	it = &f->items[f->n - 1];
	if ((p = parse_part(f, it, p, &label)) == NULL)
		goto out;
	if (it->npart > 0 && *p == '.') {	/* section-text follows */
		p++;
		(void)buf_addc(&label, '.');
	} else if (it->npart > 0 && *p != ']')
		goto out;
	if (it->npart > 0)
		f->need_parse = 1;
	if (*p == ']' && (it->npart == 0 || p[-1] != '.'))
		sec = SEC_ALL;
	else if (it->npart > 0 && strncasecmp(p, "MIME]", 5) == 0) {
		sec = SEC_MIME;
		p += 4;
		(void)buf_adds(&label, "MIME");
	}
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
	if (sec != SEC_ALL && it->npart == 0)
		f->need_header = 1;
	if (parse_partial(it, p) == -1)
		goto out;
	it->label = arena_strndup(f->a, label.data, label.len);
	r = 0;
out:
	buf_free(&label);
	return r;
}

/*
 * "BINARY[...]", "BINARY.PEEK[...]" with an optional partial, and
 * "BINARY.SIZE[...]" (RFC 3516 3.2: section-binary = "[" [section-part]
 * "]").
 */
static int
parse_binary(struct fetch *f, const char *s)
{
	struct fetch_item	*it;
	struct buf		 label;
	const char		*p;
	int			 size = 0, peek = 0, r = -1;

	if (strncasecmp(s, "BINARY.PEEK[", 12) == 0) {
		peek = 1;
		p = s + 12;
	} else if (strncasecmp(s, "BINARY.SIZE[", 12) == 0) {
		size = 1;
		p = s + 12;
	} else if (strncasecmp(s, "BINARY[", 7) == 0)
		p = s + 7;
	else
		return -1;
	if (fetch_add(f, size ? F_BINARY_SIZE : F_BINARY) == -1)
		return -1;
	it = &f->items[f->n - 1];
	buf_init(&label, 4096);
	(void)buf_adds(&label, size ? "BINARY.SIZE[" : "BINARY[");
	if ((p = parse_part(f, it, p, &label)) == NULL)
		goto out;
	if (*p++ != ']')
		goto out;
	(void)buf_addc(&label, ']');
	if ((size && *p != '\0') || parse_partial(it, p) == -1)
		goto out;
	if (!peek && !size)
		f->sets_seen = 1;
	f->need_parse = 1;
	it->label = arena_strndup(f->a, label.data, label.len);
	r = 0;
out:
	buf_free(&label);
	return r;
}

int
fetch_parse_item(struct fetch *f, const char *s, const char **err)
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
	if (strcasecmp(s, "EMAILID") == 0)
		return fetch_add(f, F_EMAILID);
	if (strcasecmp(s, "THREADID") == 0)
		return fetch_add(f, F_THREADID);
	if (strcasecmp(s, "SAVEDATE") == 0)
		return fetch_add(f, F_SAVEDATE);
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
	if (strcasecmp(s, "ENVELOPE") == 0)
		return parsed_add(f, F_ENVELOPE);
	if (strcasecmp(s, "BODYSTRUCTURE") == 0)
		return parsed_add(f, F_BODYSTRUCTURE);
	if (strcasecmp(s, "BODY") == 0)
		return parsed_add(f, F_BODYSTRUCTURE_NOEXT);
	/* RFC 9051 6.4.5: ALL = (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE),
	 * FULL = ALL + BODY */
	if (strcasecmp(s, "ALL") == 0 || strcasecmp(s, "FULL") == 0) {
		if (fetch_add(f, F_FLAGS) == -1 ||
		    fetch_add(f, F_INTERNALDATE) == -1 ||
		    fetch_add(f, F_SIZE) == -1 ||
		    parsed_add(f, F_ENVELOPE) == -1)
			return -1;
		return toupper((unsigned char)s[1]) == 'U' ?
		    parsed_add(f, F_BODYSTRUCTURE_NOEXT) : 0;
	}
	if ((r = parse_body(f, s)) == 0)
		return 0;
	if (r == -1 && (strncasecmp(s, "BODY[", 5) == 0 ||
	    strncasecmp(s, "BODY.PEEK[", 10) == 0))
		*err = "Invalid FETCH section";
	if (strncasecmp(s, "BINARY", 6) == 0) {
		if (parse_binary(f, s) == 0)
			return 0;
		*err = "Invalid BINARY section";
	}
	return -1;
}

