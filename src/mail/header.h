/*
 * header.h: the header of an RFC 5322 message (RFC 5322 2.2, 3.6), as
 * FETCH's HEADER, HEADER.FIELDS and HEADER.FIELDS.NOT sections need it.
 * Pure code: buffers in, buffers out, no I/O.
 */
#ifndef MDIMAPD_HEADER_H
#define MDIMAPD_HEADER_H

#include <stddef.h>

struct arena;
struct buf;

/*
 * Where the header ends in data (len bytes, LF or CRLF line ends): the
 * offset just past the empty line that ends it, or len if there is none
 * (a message that is all header). *found_r tells which.
 */
size_t	header_end(const char *data, size_t len, int *found_r);
/* The same, for data growing a chunk at a time: nothing before from (a
 * line end at from or later) is looked at again. */
size_t	header_end_from(const char *data, size_t len, size_t from,
	    int *found_r);

/* Append data (LF or CRLF line ends) to out with CRLF line ends. */
int	header_crlf(struct buf *out, const char *data, size_t len);

/*
 * Append the fields of hdr (CRLF line ends, as header_crlf() makes it)
 * whose names are (not, with exclude) among names[0..n-1]
 * (case-insensitive), each with its continuation lines, then the empty
 * line (RFC 9051 6.4.5: HEADER.FIELDS, HEADER.FIELDS.NOT).
 */
int	header_fields(struct buf *out, const char *hdr, size_t len,
	    const char *const *names, size_t n, int exclude);

/*
 * A field's value, raw (after the colon, folded, its line end included,
 * as rfc822_fields_next() gives it), as rfc822_unfold() makes it and then
 * cut at its first NUL (what strlen() of that sees): pointing into raw
 * when the value is on one line (not NUL-terminated then), else unfolded
 * into the arena. Its length in *len_r.
 */
const char	*header_value(const char *raw, size_t len, struct arena *,
		    size_t *len_r);

#endif
