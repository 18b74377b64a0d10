/*
 * intern.h: a table of distinct byte strings, each kept once and named by
 * a number: 1 for the first string added, 2 for the next new one, and so
 * on. Adding a string already there gives its number again. THREAD uses
 * it for Message-IDs and base subjects: comparing two of them is then
 * comparing two numbers, and a string referenced by many messages is held
 * once.
 *
 * The strings are kept end to end in one buffer, with an 8-byte entry and
 * at most two 8-byte hash slots for each: about 24 bytes beyond the
 * string's own length and NUL. Growing is by doubling, with a maximum on
 * the bytes held in all.
 */
#ifndef MDIMAPD_INTERN_H
#define MDIMAPD_INTERN_H

#include <stddef.h>
#include <stdint.h>

struct intern;

/* An empty table that may hold at most max bytes (strings and index). */
struct intern	*intern_new(size_t max);
void		 intern_free(struct intern **);

/*
 * The number of s[0..len) (which may hold NULs; s may be NULL when len
 * is 0), added if it is new. Returns 0 when adding it would take the
 * table past its maximum (the table is then as it was).
 */
uint32_t	 intern_add(struct intern *, const char *s, size_t len);

/* The string numbered num (1..intern_count()), NUL-terminated, valid
 * until the next intern_add(); its length in *len_r. */
const char	*intern_get(const struct intern *, uint32_t num,
		    size_t *len_r);

/* How many strings it holds. */
uint32_t	 intern_count(const struct intern *);

/* Bytes it holds (what counts against the maximum). */
size_t		 intern_size(const struct intern *);

/*
 * The strings' order as numbers: rank_r[num] for num 1..intern_count()
 * gets 1..intern_count(), by octet order (memcmp), a string that is a
 * prefix of another first. rank_r holds intern_count() + 1 numbers
 * (rank_r[0] is set to 0).
 */
void		 intern_rank(const struct intern *, uint32_t *rank_r);

#endif
