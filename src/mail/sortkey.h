/*
 * sortkey.h: the keys and the order of SORT (RFC 5256 3) with DISPLAYFROM
 * and DISPLAYTO (RFC 5957). Pure code: the caller (the SORT command)
 * gathers each message's value for each criterion, this sorts.
 *
 * Values: ARRIVAL, DATE and SIZE are numbers (INTERNALDATE, the sent date
 * of RFC 5256 2.2 with its INTERNALDATE fallback, RFC822.SIZE); SUBJECT,
 * FROM, TO, CC, DISPLAYFROM and DISPLAYTO are strings that the caller has
 * turned into keys with i;unicode-casemap (RFC 5256 7), compared octet by
 * octet, a missing field being the empty string, which sorts first:
 *	SUBJECT		subject_base() of the decoded Subject
 *	FROM, TO, CC	sortkey_addr_mailbox() of the field's first address
 *	DISPLAYFROM/TO	sortkey_addr_display() of it (decoded display name)
 */
#ifndef MDIMAPD_SORTKEY_H
#define MDIMAPD_SORTKEY_H

#include <stddef.h>
#include <stdint.h>

struct arena;

enum sortkey_kind {
	SORTKEY_NUM,
	SORTKEY_STR
};

/* One sort-criterion: its kind, and whether REVERSE came before it. */
struct sortkey_crit {
	enum sortkey_kind	 kind;
	int			 reverse;
};

/* One message's value for one criterion: num, or str[0..len-1]. */
struct sortkey_val {
	int64_t			 num;
	const char		*str;		/* may be NULL when len is 0 */
	size_t			 len;
};

/* The first address of a From, To or Cc field, as the address parser
 * gives it; any member may be NULL (absent). */
struct sortkey_addr {
	const char		*name;		/* display name, decoded */
	const char		*mailbox;	/* local part */
	const char		*host;		/* domain */
};

/* FROM, TO, CC (RFC 5256 3): the addr-mailbox, "" when there is no
 * address (addr NULL) or no mailbox. Not a copy. */
const char	*sortkey_addr_mailbox(const struct sortkey_addr *addr);

/* DISPLAYFROM, DISPLAYTO (RFC 5957 3): the display name when it is not
 * empty, else the addr-spec "mailbox@host" ("mailbox" without a host), ""
 * when there is no address. An arena string. */
char		*sortkey_addr_display(struct arena *,
		    const struct sortkey_addr *addr);

/*
 * Compare messages a and b, whose values are va[0..ncrit-1] and
 * vb[0..ncrit-1], by the criteria in priority order, each REVERSE only
 * reversing its own criterion: <0, 0 or >0. The implicit last criterion,
 * the sequence number, is not here (sortkey_sort() adds it).
 */
int		 sortkey_cmp(const struct sortkey_crit *crit, size_t ncrit,
		    const struct sortkey_val *va, const struct sortkey_val *vb);

/*
 * SORT: the indexes 0..n-1 of n messages given in mailbox order, message
 * i's values being vals[i * ncrit .. i * ncrit + ncrit - 1], as an arena
 * array sorted by sortkey_cmp() then by index, ascending even under
 * REVERSE (RFC 5256 3: REVERSE "does not affect the implicit sequence
 * number sort criterion"). A stable merge sort: n log n comparisons.
 */
size_t		*sortkey_sort(struct arena *, const struct sortkey_crit *crit,
		    size_t ncrit, const struct sortkey_val *vals, size_t n);

#endif
