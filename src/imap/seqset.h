/*
 * seqset.h: IMAP sequence sets (RFC 9051 9, "sequence-set"), kept as ranges.
 *
 * A set is parsed once from its text and kept unresolved: "*" stands for the
 * largest number in use, which only the mailbox view knows, so it is resolved
 * by seqset_resolve() against that number. Ranges stay ranges whatever their
 * size: "1:4294967295" costs two integers, never a loop over four billion.
 * Pure code: no I/O, no IMAP state.
 */
#ifndef MDIMAPD_SEQSET_H
#define MDIMAPD_SEQSET_H

#include <stddef.h>
#include <stdint.h>

struct arena;

/* In a parsed set, SEQ_STAR stands for "*". */
#define SEQ_STAR	0

struct seqrange {
	uint32_t	lo;	/* lo <= hi after resolve; either may be SEQ_STAR before */
	uint32_t	hi;
};

struct seqset {
	struct seqrange	*r;
	size_t		 n;
	int		 saved;	/* the set was "$" (RFC 5182 SEARCHRES) */
};

/*
 * Parse "1,3:5,7:*" (len bytes, no NUL needed) into a set allocated from a.
 * Numbers are nz-number (1..4294967295). "$" alone sets saved (the caller
 * decides whether $ is allowed). At most LIMIT_SEQSET_RANGES ranges.
 * Returns 0, -1 on a syntax error (checked first: a long bad set is -1),
 * or -2 past the range limit; on either error *r is empty.
 */
int	seqset_parse(struct arena *a, const char *s, size_t len,
	    struct seqset *r);

/*
 * Resolve "*" to max (the largest number in use; 0 for an empty mailbox),
 * order each range, sort and merge, and clip to 1..max (RFC 9051 6.4.8:
 * numbers beyond max are not an error for UIDs). Result in out, allocated
 * from a; out->n may be 0; out may be in. saved is copied: "$" resolves to
 * the empty set, so the caller substitutes the saved result first.
 */
void	seqset_resolve(struct arena *a, const struct seqset *in, uint32_t max,
	    struct seqset *out);

/* Whether a resolved set contains n (binary search). */
int	seqset_contains(const struct seqset *resolved, uint32_t n);

/* Count of numbers in a resolved set. */
uint64_t seqset_count(const struct seqset *resolved);

/* Whether every number of the unresolved set is within 1..max once "*" is
 * max (for message sequence numbers, which must exist: RFC 9051 9). False
 * for max 0, where even "*" is out of range, except for "$": no ranges. */
int	seqset_within(const struct seqset *in, uint32_t max);

/*
 * Write a resolved set in its shortest text form ("1:3,5") into a new
 * arena string (for COPYUID, ESEARCH ALL...). The empty set gives "",
 * which is not a sequence-set: the caller leaves the item out.
 */
char	*seqset_format(struct arena *a, const struct seqset *resolved);

#endif
