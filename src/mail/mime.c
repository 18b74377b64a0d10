/*
 * mime.c: the MIME structure of a message (mime.h).
 *
 * One pass over the lines, as a stream parser would make it: a part reads
 * its header, then its body until a line that is a boundary of one of the
 * multiparts it is inside ("--" boundary, checked innermost first, as a
 * prefix: RFC 2046 5.1.1 says no boundary may begin another part's
 * content). The part returns where that line starts; the multipart that
 * owns the boundary starts its next child after it, or, for "--boundary--",
 * reads its epilogue; a boundary of an outer multipart ends the inner ones
 * too (an unterminated inner multipart). The line end before a boundary
 * belongs to the boundary (RFC 2046 5.1.1), so it is not in the body.
 *
 * Sizes count each bare LF as CRLF: what IMAP sends. Lines are the LFs in
 * the body, which is what Dovecot reports (a last line without its line
 * end is not counted).
 */
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "envelope.h"
#include "header.h"
#include "mdlimits.h"
#include "mime.h"
#include "rfc822.h"

struct mparse {
	const char	*d;
	size_t		 len;
	struct arena	*a;
	unsigned	 nparts;
	/* boundaries of the multiparts being read, innermost last */
	const char	*bnd[LIMIT_MIME_DEPTH + 1];
	size_t		 bndlen[LIMIT_MIME_DEPTH + 1];
	int		 nbnd;
	int		 parts_only;	/* no sizes, lines, envelopes */
};

static size_t
next_line(const struct mparse *mp, size_t pos)
{
	const char	*nl = memchr(mp->d + pos, '\n', mp->len - pos);

	return nl != NULL ? (size_t)(nl - mp->d) + 1 : mp->len;
}

/* Whether the line at pos is a boundary: the index in mp->bnd of the
 * longest that matches (the innermost of equal ones), or -1; *close_r for
 * "--boundary--". The longest, as Dovecot: an inner boundary "ab" must
 * not end an outer "abc" multipart's parts (RFC 2046 5.1.1 forbids such
 * prefixes; a message that has them is read the useful way). */
static int
boundary_at(const struct mparse *mp, size_t pos, int *close_r)
{
	const char	*p = mp->d + pos;
	size_t		 left = mp->len - pos, bl;
	int		 i, best = -1;

	if (left < 2 || p[0] != '-' || p[1] != '-')
		return -1;
	for (i = mp->nbnd - 1; i >= 0; i--) {
		bl = mp->bndlen[i];
		if (left - 2 >= bl && memcmp(p + 2, mp->bnd[i], bl) == 0 &&
		    (best == -1 || bl > mp->bndlen[best]))
			best = i;
	}
	if (best != -1) {
		bl = mp->bndlen[best];
		*close_r = left - 2 - bl >= 2 && p[2 + bl] == '-' &&
		    p[3 + bl] == '-';
	}
	return best;
}

/* The length of boundary bnd if the line at pos starts with "--" bnd,
 * else 0. */
static size_t
own_boundary_at(const struct mparse *mp, size_t pos, const char *bnd)
{
	size_t	bl = strlen(bnd);

	if (bl == 0 || mp->len - pos < bl + 2 || mp->d[pos] != '-' ||
	    mp->d[pos + 1] != '-' || memcmp(mp->d + pos + 2, bnd, bl) != 0)
		return 0;
	return bl;
}

/* The end of a body that a boundary line at pos ends: without the line
 * end before the line (RFC 2046 5.1.1), never before start. */
static size_t
body_end(const struct mparse *mp, size_t start, size_t pos)
{
	if (pos > start && mp->d[pos - 1] == '\n') {
		pos--;
		if (pos > start && mp->d[pos - 1] == '\r')
			pos--;
	}
	return pos;
}

/* The first line at or after pos that is a boundary, or the end. Only
 * lines that start with "--" can be: they are found by their first "-"
 * (never in base64, rare in text), not line by line. */
static size_t
find_boundary(const struct mparse *mp, size_t pos)
{
	const char	*d = mp->d, *dash;
	size_t		 x;
	int		 close;

	if (mp->nbnd == 0)
		return mp->len;
	for (x = pos; x + 1 < mp->len; x++) {
		if ((dash = memchr(d + x, '-', mp->len - 1 - x)) == NULL)
			break;
		x = (size_t)(dash - d);
		if (d[x + 1] == '-' && (x == pos || d[x - 1] == '\n') &&
		    boundary_at(mp, x, &close) != -1)
			return x;
	}
	return mp->len;
}

static void
count(const char *p, size_t len, uint64_t *size_r, uint64_t *lines_r)
{
	const char	*end = p + len, *nl;
	uint64_t	 lines = 0, bare = 0;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		lines++;
		if (nl == p || nl[-1] != '\r')
			bare++;
		p = nl + 1;
	}
	*size_r = len + bare;
	if (lines_r != NULL)
		*lines_r = lines;
}

/* Parameters: "; name=value" ... (RFC 2045 5.1), with RFC 2231 sections
 * joined. */
struct rawparam {
	char		*name;		/* base name, without "*n" and "*" */
	const char	*value;
	int	 section;	/* -1: a plain parameter */
	int	 extended;	/* "name*n*" or "name*" */
};

static int
param_split(struct rawparam *rp)
{
	char	*star = strchr(rp->name, '*');
	char	*p;
	long	 n = 0;

	rp->section = -1;
	rp->extended = 0;
	if (star == NULL)
		return 0;
	p = star + 1;
	if (*p == '\0') {		/* name* */
		rp->extended = 1;
		rp->section = 0;
		*star = '\0';
		return 0;
	}
	if (*p < '0' || *p > '9')
		return 0;		/* not RFC 2231: keep as it is */
	for (; *p >= '0' && *p <= '9' && n < 100000; p++)
		n = n * 10 + (*p - '0');
	if (*p == '*') {
		rp->extended = 1;
		p++;
	}
	if (*p != '\0')
		return 0;
	rp->section = (int)n;
	*star = '\0';
	return 0;
}

static struct mime_param *
params_parse(struct rfc822_lex *lx, struct arena *a)
{
	struct rawparam		*rp = NULL;
	struct mime_param	*head = NULL, **tail = &head, *mpar;
	size_t			 n = 0, cap = 0, i, j, k;
	const char		*name, *value;
	int			 ext, best;

	while (rfc822_peek(lx) != -1) {
		if (*lx->p != ';') {
			/* garbage after a value ("type=text/html"): skip to
			 * the next parameter, as Dovecot does */
			lx->p++;
			continue;
		}
		lx->p++;
		if ((name = rfc822_token(lx)) == NULL)
			name = "";
		if (rfc822_peek(lx) != '=')
			continue;	/* no value: dropped */
		lx->p++;
		if (rfc822_peek(lx) == '"')
			value = rfc822_quoted(lx);
		else if ((value = rfc822_token(lx)) == NULL)
			value = "";
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			rp = arena_reallocarray(a, rp, n, cap, sizeof(*rp));
		}
		rp[n].name = arena_strdup(a, name);
		rp[n].value = value;
		(void)param_split(&rp[n]);
		n++;
	}
	/* Plain parameters first, in order. */
	for (i = 0; i < n; i++) {
		if (rp[i].section != -1)
			continue;
		mpar = arena_alloc(a, sizeof(*mpar));
		mpar->name = rp[i].name;
		mpar->value = rp[i].value;
		*tail = mpar;
		tail = &mpar->next;
	}
	/* Then each RFC 2231 name once, its sections in order. */
	for (i = 0; i < n; i++) {
		size_t	len = 0;
		char	*v;

		if (rp[i].section < 0)
			continue;
		ext = 0;
		for (j = i; j < n; j++)
			if (rp[j].section >= 0 &&
			    strcasecmp(rp[j].name, rp[i].name) == 0) {
				len += strlen(rp[j].value);
				ext |= rp[j].extended;
			}
		v = arena_alloc(a, len + 1);
		/* Sections by number (a handful: a simple selection). */
		for (k = 0, best = -1; ; best = -1) {
			size_t	bi = 0;

			for (j = i; j < n; j++)
				if (rp[j].section > (int)k - 1 &&
				    rp[j].section >= 0 &&
				    strcasecmp(rp[j].name, rp[i].name) == 0 &&
				    (best == -1 || rp[j].section < best)) {
					best = rp[j].section;
					bi = j;
				}
			if (best == -1)
				break;
			(void)strlcat(v, rp[bi].value, len + 1);
			k = (size_t)best + 1;
		}
		mpar = arena_alloc(a, sizeof(*mpar));
		mpar->name = ext ? arena_printf(a, "%s*", rp[i].name) :
		    rp[i].name;
		mpar->value = v;
		*tail = mpar;
		tail = &mpar->next;
		for (j = i + 1; j < n; j++)
			if (rp[j].section >= 0 &&
			    strcasecmp(rp[j].name, rp[i].name) == 0)
				rp[j].section = -2;	/* done */
	}
	return head;
}

const char *
mime_param_get(const struct mime_param *p, const char *name)
{
	for (; p != NULL; p = p->next)
		if (strcasecmp(p->name, name) == 0)
			return p->value;
	return NULL;
}

static void
content_type(struct mime_part *part, const char *v, struct arena *a)
{
	struct rfc822_lex	 lx;
	const char		*type, *sub = "";

	rfc822_lex_init(&lx, v, strlen(v), a);
	if ((type = rfc822_token(&lx)) == NULL)
		return;			/* invalid: the default stays */
	if (rfc822_peek(&lx) == '/') {
		lx.p++;
		if ((sub = rfc822_token(&lx)) == NULL)
			sub = "";
	}
	part->type = type;
	part->subtype = sub;
	part->params = params_parse(&lx, a);
}

static void
disposition(struct mime_part *part, const char *v, struct arena *a)
{
	struct rfc822_lex	 lx;

	rfc822_lex_init(&lx, v, strlen(v), a);
	if ((part->disposition = rfc822_token(&lx)) == NULL)
		return;
	part->disp_params = params_parse(&lx, a);
}

static int
field_is(const struct rfc822_field *f, const char *name)
{
	return strlen(name) == f->namelen &&
	    strncasecmp(f->name, name, f->namelen) == 0;
}

/* The fields of a part's header that BODYSTRUCTURE reports; the first of
 * a repeated field counts. */
static void
header_parse(struct mparse *mp, struct mime_part *part)
{
	struct rfc822_field_iter it;
	struct rfc822_field	 f;
	struct rfc822_lex	 lx;
	int			 seen_type = 0;
	char			*v;

	rfc822_fields_begin(&it, mp->d + part->hdr_off, part->hdr_len);
	while (rfc822_fields_next(&it, &f)) {
		if (f.namelen < 8 || (strncasecmp(f.name, "content-", 8) != 0 &&
		    !field_is(&f, "mime-version")))
			continue;
		v = rfc822_unfold(f.raw, f.rawlen, mp->a);
		if (field_is(&f, "content-type")) {
			if (!seen_type++)
				content_type(part, v, mp->a);
		} else if (field_is(&f, "content-transfer-encoding")) {
			rfc822_lex_init(&lx, v, strlen(v), mp->a);
			if (part->encoding == NULL)
				part->encoding = rfc822_token(&lx);
		} else if (field_is(&f, "content-id")) {
			if (part->id == NULL)
				part->id = v;
		} else if (field_is(&f, "content-description")) {
			if (part->description == NULL)
				part->description = v;
		} else if (field_is(&f, "content-md5")) {
			if (part->md5 == NULL)
				part->md5 = v;
		} else if (field_is(&f, "content-disposition")) {
			if (part->disposition == NULL)
				disposition(part, v, mp->a);
		} else if (field_is(&f, "content-language")) {
			if (part->language == NULL)
				part->language = v;
		} else if (field_is(&f, "content-location")) {
			if (part->location == NULL)
				part->location = v;
		} else if (field_is(&f, "mime-version"))
			part->has_mime_version = 1;
	}
}

static struct mime_part *
part_new(struct mparse *mp, struct mime_part *parent)
{
	struct mime_part	*p = arena_alloc(mp->a, sizeof(*p));
	struct mime_part	**tail;

	p->parent = parent;
	if (parent != NULL) {
		for (tail = &parent->children; *tail != NULL;
		    tail = &(*tail)->next)
			;
		*tail = p;
		parent->nchildren++;
	}
	mp->nparts++;
	return p;
}

static size_t parse_part(struct mparse *, struct mime_part *, size_t, int,
    int);

/* The children of a multipart whose body starts at pos; returns where
 * the multipart ends (see parse_part). */
static size_t
parse_multipart(struct mparse *mp, struct mime_part *part, size_t pos,
    int depth, const char *bnd, size_t *floor_r)
{
	struct mime_part	*child;
	int			 digest, close, i, mine;

	digest = strcasecmp(part->subtype, "digest") == 0;
	mp->bnd[mp->nbnd] = bnd;
	mp->bndlen[mp->nbnd] = strlen(bnd);
	mine = mp->nbnd++;
	/* The preamble. */
	while ((pos = find_boundary(mp, pos)) < mp->len) {
		i = boundary_at(mp, pos, &close);
		if (i != mine)
			break;		/* an outer boundary: we end */
		pos = next_line(mp, pos);
		if (close) {
			/* The epilogue runs to an outer boundary. The close
			 * line keeps its line end: the part ends after it
			 * even when no epilogue follows. */
			*floor_r = pos;
			mp->nbnd--;
			pos = find_boundary(mp, pos);
			goto done;
		}
		if (mp->nparts >= LIMIT_MIME_PARTS)
			continue;
		child = part_new(mp, part);
		pos = parse_part(mp, child, pos, depth + 1, digest);
		/* pos: a boundary line (ours or outer) or the end */
		if (pos >= mp->len)
			break;
	}
	mp->nbnd--;
done:
	return pos;
}

/*
 * Parse the part that starts at pos: its header, then its body to the
 * first line that is a boundary of an enclosing multipart. Returns where
 * that line starts, or mp->len.
 */
static size_t
parse_part(struct mparse *mp, struct mime_part *part, size_t pos, int depth,
    int in_digest)
{
	struct mime_part	*child;
	const char		*bnd;
	size_t			 end, hend, bend, floor;
	int			 close, i;

	part->hdr_off = pos;
	/* The header ends at an empty line, or at a boundary. */
	for (hend = pos; hend < mp->len; hend = next_line(mp, hend)) {
		if (mp->d[hend] == '\n' || (mp->d[hend] == '\r' &&
		    hend + 1 < mp->len && mp->d[hend + 1] == '\n')) {
			hend = next_line(mp, hend);
			break;
		}
		if (mp->nbnd > 0 && boundary_at(mp, hend, &close) != -1)
			break;
	}
	part->hdr_len = hend - pos;
	part->body_off = hend;
	floor = hend;
	if (in_digest) {
		part->type = "message";
		part->subtype = "rfc822";
	} else {
		part->type = "text";
		part->subtype = "plain";
	}
	header_parse(mp, part);
	if (strcasecmp(part->type, "text") == 0 &&
	    mime_param_get(part->params, "charset") == NULL) {
		struct mime_param **tail, *cs;

		for (tail = &part->params; *tail != NULL; tail = &(*tail)->next)
			;
		cs = arena_alloc(mp->a, sizeof(*cs));
		cs->name = "charset";
		cs->value = "us-ascii";
		*tail = cs;
	}

	bnd = mime_param_get(part->params, "boundary");
	/* A part that ends at a boundary right after its header: the line
	 * end before the boundary is the boundary's (RFC 2046 5.1.1), even
	 * when it ends the header ("--b\n\n--b": an empty part). Not when
	 * the line is the part's own first boundary, as long as the outer
	 * one it matches. */
	if (hend < mp->len && (i = boundary_at(mp, hend, &close)) != -1 &&
	    !(strcasecmp(part->type, "multipart") == 0 && bnd != NULL &&
	    own_boundary_at(mp, hend, bnd) >= mp->bndlen[i]))
		part->hdr_len = body_end(mp, pos, hend) - pos;
	if (!mp->parts_only)
		count(mp->d + pos, part->hdr_len, &part->hdr_size, NULL);
	if (strcasecmp(part->type, "multipart") == 0) {
		part->is_multipart = 1;
		if (bnd != NULL && *bnd != '\0' && depth < LIMIT_MIME_DEPTH &&
		    mp->nparts < LIMIT_MIME_PARTS)
			end = parse_multipart(mp, part, hend, depth, bnd,
			    &floor);
		else
			end = find_boundary(mp, hend);
		if (part->children == NULL) {
			/* No boundary seen: one empty part, as Dovecot. */
			child = part_new(mp, part);
			child->hdr_off = child->body_off = end;
			child->type = "text";
			child->subtype = "plain";
			child->params = arena_alloc(mp->a,
			    sizeof(*child->params));
			child->params->name = "charset";
			child->params->value = "us-ascii";
		}
	} else if (strcasecmp(part->type, "message") == 0 &&
	    (strcasecmp(part->subtype, "rfc822") == 0 ||
	    strcasecmp(part->subtype, "global") == 0) &&
	    depth < LIMIT_MIME_DEPTH && mp->nparts < LIMIT_MIME_PARTS) {
		part->is_message = 1;
		child = part_new(mp, part);
		end = parse_part(mp, child, hend, depth + 1, 0);
		floor = child->body_off + child->body_len;
		if (!mp->parts_only)
			part->env = envelope_parse(mp->d + child->hdr_off,
			    child->hdr_len, mp->a);
	} else {
		/* A message/rfc822 past the limits is not split: as a
		 * leaf it would need an envelope, so it is labelled as
		 * the opaque data it now is. */
		if (strcasecmp(part->type, "message") == 0 &&
		    (strcasecmp(part->subtype, "rfc822") == 0 ||
		    strcasecmp(part->subtype, "global") == 0)) {
			part->type = "application";
			part->subtype = "octet-stream";
		}
		end = find_boundary(mp, hend);
	}

	/* The body stops before the line end of the boundary line. */
	bend = end < mp->len ? body_end(mp, hend, end) : end;
	if (bend < floor)
		bend = floor;
	part->body_len = bend - hend;
	if (!mp->parts_only)
		count(mp->d + hend, part->body_len, &part->body_size,
		    &part->body_lines);
	return end;
}

static struct mime_part *
parse(const char *data, size_t len, struct arena *a, int parts_only)
{
	struct mparse		 mp;
	struct mime_part	*root;

	memset(&mp, 0, sizeof(mp));
	mp.d = data;
	mp.len = len;
	mp.a = a;
	mp.parts_only = parts_only;
	root = part_new(&mp, NULL);
	(void)parse_part(&mp, root, 0, 0, 0);
	return root;
}

struct mime_part *
mime_parse(const char *data, size_t len, struct arena *a)
{
	return parse(data, len, a, 0);
}

struct mime_part *
mime_parse_parts(const char *data, size_t len, struct arena *a)
{
	return parse(data, len, a, 1);
}

const struct mime_part *
mime_part_find(const struct mime_part *root, const uint32_t *nums,
    size_t n)
{
	const struct mime_part	*ent = root, *part = NULL;
	size_t			 i;
	uint32_t		 k;
	int			 self = 0;

	for (i = 0; i < n; i++) {
		if (nums[i] == 0)
			return NULL;
		if (ent->is_multipart) {
			for (part = ent->children, k = 1; part != NULL &&
			    k < nums[i]; part = part->next, k++)
				;
			if (part == NULL)
				return NULL;
		} else if (nums[i] == 1)
			part = ent;
		else
			return NULL;
		if (i + 1 == n)
			break;
		if (part->is_multipart)
			ent = part;
		else if (part->is_message)
			ent = part->children;
		else if (!self && part->parent != NULL &&
		    part->parent->is_multipart) {
			/* Dovecot takes "1.1" of a leaf in a multipart as
			 * the leaf itself (once): so do we. */
			self = 1;
			ent = part;
		} else
			return NULL;	/* a leaf has no parts */
	}
	return part;
}

char *
mime_header_get(const char *hdr, size_t len, const char *name,
    struct arena *a)
{
	struct rfc822_field_iter it;
	struct rfc822_field	 f;

	rfc822_fields_begin(&it, hdr, len);
	while (rfc822_fields_next(&it, &f))
		if (field_is(&f, name))
			return rfc822_unfold(f.raw, f.rawlen, a);
	return NULL;
}
