/*
 * header.c: finding and filtering a message header. A field is a line
 * "name: value" and the lines after it that start with a space or a tab
 * (RFC 5322 2.2.3 folding); a line without a colon is kept with the field
 * before it, as Dovecot does, so nothing is lost or invented.
 */
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "crlf.h"
#include "header.h"
#include "mdlimits.h"
#include "rfc822.h"

size_t
header_end(const char *data, size_t len, int *found_r)
{
	return header_end_from(data, len, 0, found_r);
}

size_t
header_end_from(const char *data, size_t len, size_t from, int *found_r)
{
	const char	*nl;
	size_t		 i;

	*found_r = 1;
	/* An empty first line: no header at all. */
	if (from == 0 && len >= 1 && data[0] == '\n')
		return 1;
	if (from == 0 && len >= 2 && data[0] == '\r' && data[1] == '\n')
		return 2;
	for (i = from; i + 1 < len; i++) {
		if ((nl = memchr(data + i, '\n', len - 1 - i)) == NULL)
			break;
		i = (size_t)(nl - data);
		if (data[i + 1] == '\n')
			return i + 2;
		if (data[i + 1] == '\r' && i + 2 < len && data[i + 2] == '\n')
			return i + 3;
	}
	*found_r = 0;
	return len;
}

int
header_crlf(struct buf *out, const char *data, size_t len)
{
	size_t	bare;
	int	prev_cr = 0;

	/* Count the bare LFs, make room once, then copy. */
	bare = crlf_extra(data, len, &prev_cr);
	if (buf_reserve(out, len + bare) == -1)
		return -1;
	prev_cr = 0;
	out->len += crlf_copy(out->data + out->len, data, len, &prev_cr);
	out->data[out->len] = '\0';
	return 0;
}

static int
name_listed(const char *line, size_t linelen, const char *const *names,
    size_t n)
{
	const char	*colon;
	size_t		 nl, i;

	if ((colon = memchr(line, ':', linelen)) == NULL)
		return -1;	/* not a field */
	nl = (size_t)(colon - line);
	while (nl > 0 && (line[nl - 1] == ' ' || line[nl - 1] == '\t'))
		nl--;
	for (i = 0; i < n; i++)
		/* the first letter (ASCII case) first: most names differ
		 * there, and strlen is not needed for them */
		if (((unsigned char)names[i][0] | 0x20) ==
		    ((unsigned char)line[0] | 0x20) && strlen(names[i]) == nl &&
		    strncasecmp(names[i], line, nl) == 0)
			return 1;
	return 0;
}

int
header_fields(struct buf *out, const char *hdr, size_t len,
    const char *const *names, size_t n, int exclude)
{
	const char	*p = hdr, *end = hdr + len, *nl;
	size_t		 linelen;
	int		 keep = 0, m;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		linelen = nl != NULL ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		/* The empty line that ends the header: written once, last. */
		if ((linelen == 2 && p[0] == '\r') || linelen == 1)
			break;
		if (p[0] != ' ' && p[0] != '\t') {
			m = name_listed(p, linelen, names, n);
			if (m != -1)
				keep = exclude ? !m : m;
		}
		if (keep && buf_add(out, p, linelen) == -1)
			return -1;
		p += linelen;
	}
	return buf_add(out, "\r\n", 2);
}

const char *
header_value(const char *raw, size_t len, struct arena *a, size_t *len_r)
{
	const char	*p = raw, *end = raw + len, *v;

	/* One line: CR and LF only at its end. Else, or when too long to
	 * be taken whole, unfolding as rfc822_unfold() does. */
	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (len > LIMIT_HEADER_VALUE || memchr(p, '\n', end - p) != NULL ||
	    memchr(p, '\r', end - p) != NULL) {
		v = rfc822_unfold(raw, len, a);
		*len_r = strlen(v);
		return v;
	}
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	*len_r = strnlen(p, (size_t)(end - p));
	return p;
}
