/*
 * mutf7.h: modified UTF-7 mailbox names (RFC 3501 5.1.3) to and from UTF-8.
 * Pure code. The decoder is strict: it refuses anything that the encoder
 * would not have produced (so each name has exactly one encoding, and two
 * spellings cannot name one folder): "&" not followed by "-" or base64,
 * base64 of US-ASCII printable characters, a shift to base64 at the end of
 * another, non-zero padding bits, bad UTF-16 surrogates, a missing "-".
 * U+0000 is refused both ways: the results are C strings, and IMAP strings
 * hold no NUL. On error *r is NULL.
 */
#ifndef MDIMAPD_MUTF7_H
#define MDIMAPD_MUTF7_H

#include <stddef.h>

struct arena;

/* Returns 0 and a NUL-terminated UTF-8 string in *r, or -1 if invalid. */
int	mutf7_to_utf8(struct arena *, const char *s, size_t len, char **r);

/* Returns 0 and a NUL-terminated modified UTF-7 string in *r, or -1 if s is
 * not valid UTF-8 (overlong forms, surrogates, > U+10FFFF are invalid). */
int	mutf7_from_utf8(struct arena *, const char *s, size_t len, char **r);

/* Whether s is valid modified UTF-7 (as mutf7_to_utf8 would accept). */
int	mutf7_valid(const char *s, size_t len);

/* Whether s is valid UTF-8 (the same rules). */
int	utf8_valid(const char *s, size_t len);

#endif
