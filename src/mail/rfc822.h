/*
 * rfc822.h: the lexical layer of RFC 5322 / RFC 2045 header values: white
 * space and comments (CFWS), atoms, tokens, quoted strings; and iteration
 * over the fields of a header with their values unfolded. Pure code: what
 * it returns lives in the arena given, or points into the input.
 */
#ifndef MDIMAPD_RFC822_H
#define MDIMAPD_RFC822_H

#include <stddef.h>

struct arena;

/* A header's fields, one at a time (RFC 5322 2.2). */
struct rfc822_field_iter {
	const char	*p, *end;
};

struct rfc822_field {
	const char	*name;		/* points into the header */
	size_t		 namelen;
	const char	*raw;		/* value as in the header, folded */
	size_t		 rawlen;
};

void	rfc822_fields_begin(struct rfc822_field_iter *, const char *hdr,
	    size_t len);
/* The next field; 0 at the end of the header. A line without a colon is
 * skipped (it belongs to no field). */
int	rfc822_fields_next(struct rfc822_field_iter *, struct rfc822_field *);

/* The value unfolded (CR and LF removed, as RFC 5322 2.2.3 says),
 * outer white space removed, NUL-terminated in the arena; at most
 * LIMIT_HEADER_VALUE bytes of it. */
char	*rfc822_unfold(const char *raw, size_t len, struct arena *);

/* A cursor over an unfolded value. */
struct rfc822_lex {
	const char	*p;
	const char	*end;
	struct arena	*a;
	const char	*comment;	/* the last comment skipped, unquoted */
};

void	rfc822_lex_init(struct rfc822_lex *, const char *s, size_t len,
	    struct arena *);
/* Skip white space and comments (nested, RFC 5322 3.2.2). */
void	rfc822_skip_cfws(struct rfc822_lex *);
/* After CFWS: the next byte, or -1 at the end. */
int	rfc822_peek(struct rfc822_lex *);
/* An atom (RFC 5322 3.2.3 atext; with dots when dot), or NULL. */
char	*rfc822_atom(struct rfc822_lex *, int dot);
/* A token (RFC 2045 5.1: no tspecials), or NULL. */
char	*rfc822_token(struct rfc822_lex *);
/* A quoted string, unquoted (backslash pairs resolved), or NULL. An
 * unterminated one runs to the end. */
char	*rfc822_quoted(struct rfc822_lex *);

#endif
