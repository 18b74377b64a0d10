/*
 * msgid.h: message identifiers from the Message-ID, In-Reply-To and
 * References fields (RFC 5322 3.6.4), normalised as THREAD REFERENCES
 * compares them (RFC 5256 3: "<\"a\"@b>" and "<a@b>" are the same ID).
 * Pure code: field values in (unfolded or not), arena strings out.
 *
 * What counts as an ID, as Dovecot decides it: the text from a "<" to the
 * next ">". Without quotes, comments or domain literals it is taken as it
 * is, white space removed, and is valid if it holds an "@". Otherwise it
 * is parsed as RFC 5322 msg-id (with obs-id-left, CFWS anywhere between
 * its parts): id-left as words (atoms or quoted strings, quotes and
 * backslashes removed) joined by ".", "@", id-right as atoms joined by "."
 * or a domain literal kept with its brackets. Anything else, and any ID
 * holding a NUL, is skipped and the search goes on after its "<". An ID
 * without angle brackets is not an ID (Dovecot agrees).
 */
#ifndef MDIMAPD_MSGID_H
#define MDIMAPD_MSGID_H

#include <stddef.h>

struct arena;

/*
 * The next valid ID in [*p, end), normalised, as a NUL-terminated arena
 * string; *p moves past it. NULL (and *p = end) when there is none left.
 */
char	*msgid_next(struct arena *, const char **p, const char *end);

/* As msgid_next(), the ID written to out (LIMIT_MSGID bytes, not
 * NUL-terminated) instead: its length, or 0 when there is none left. */
size_t	 msgid_scan(const char **p, const char *end, char *out);

/* The first valid ID of a value (Message-ID; In-Reply-To as RFC 5256
 * uses it), or NULL. value may be NULL when len is 0. */
char	*msgid_first(struct arena *, const char *value, size_t len);

/* Every valid ID of a value (References), in order, duplicates kept: the
 * count, and an arena array of them in *ids_r (NULL when there are none). */
size_t	 msgid_all(struct arena *, const char *value, size_t len,
	    char ***ids_r);

/*
 * A message's references as RFC 5256 3 (REFERENCES) defines them: the IDs
 * of References when it holds at least one valid ID, else the first valid
 * ID of In-Reply-To, else none. Either value may be NULL (field absent).
 * Returns the count; the IDs in *ids_r as msgid_all() gives them.
 */
size_t	 msgid_references(struct arena *, const char *refs, size_t refs_len,
	    const char *irt, size_t irt_len, char ***ids_r);

#endif
