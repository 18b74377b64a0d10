/*
 * resp.h: the response writer, the one place that decides how a value goes
 * on the wire: atom, quoted string or literal (RFC 9051 4.3). Data with
 * 8-bit bytes (unless UTF8=ACCEPT is on), CR, LF or NUL, or longer than a
 * quoted string should be, goes as a literal; nothing unquotable is ever
 * sent quoted.
 *
 * The writer appends to a struct buf (bounded) so that pure code can use and
 * test it; the session sends the buffer through io.
 */
#ifndef MDIMAPD_RESP_H
#define MDIMAPD_RESP_H

#include <stddef.h>

struct buf;

/* Quoted strings longer than this are sent as literals. */
#define RESP_QUOTED_MAX	1024

/* Options for the string writers. */
#define RESP_UTF8	0x01	/* 8-bit UTF-8 may be quoted (UTF8=ACCEPT) */

/* Whether s could be sent as an atom (ATOM-CHAR only, non-empty). */
int	resp_is_atom(const char *s, size_t len);
/* Whether s could be sent as a quoted string. */
int	resp_is_quotable(const char *s, size_t len, int opts);

/* string: quoted if possible, else literal. */
void	resp_string(struct buf *, const char *s, size_t len, int opts);
/* nstring: NIL for s == NULL. */
void	resp_nstring(struct buf *, const char *s, size_t len, int opts);
/* astring: atom if possible (and not "NIL"), else string. */
void	resp_astring(struct buf *, const char *s, size_t len, int opts);
/* Always a literal ({n}CRLF data). */
void	resp_literal(struct buf *, const char *s, size_t len);
/* Text for resp-text (after the status and code): CR, LF, NUL and other
 * controls become "?" so client-supplied text cannot end the line. */
void	resp_text(struct buf *, const char *s, size_t len);

#endif
