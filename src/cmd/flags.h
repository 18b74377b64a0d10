/*
 * flags.h: IMAP message flags (RFC 9051 2.3.2) to and from a Maildir
 * message's system flags and keywords.
 */
#ifndef MDIMAPD_FLAGS_H
#define MDIMAPD_FLAGS_H

#include <stddef.h>
#include <stdint.h>

#include "maildir.h"

struct buf;
struct imap_arg;

/* Flags named in a command: system flags, and keywords by name. */
struct flagset {
	uint8_t		 sys;		/* MF_* */
	const char	*kw[64];	/* keyword names */
	size_t		 nkw;
};

/*
 * Parse flags: the elements of a list (first, n) or single atoms. \Recent
 * is refused (it cannot be stored), as are unknown system flags and
 * keywords that are not atoms. Returns 0, or -1 with *err set.
 */
int	flags_parse(struct imap_arg *first, size_t n, struct flagset *,
	    const char **err);

/* "(\Seen $Forwarded \Recent)" for a message of m; \Recent only with
 * recent (IMAP4rev2 has none, RFC 9051 E.12). */
void	flags_write(struct buf *, const struct maildir *, const struct mmsg *,
	    int recent);

/* "\Answered \Flagged \Deleted \Seen \Draft" and the folder's keywords,
 * without parentheses (for FLAGS and PERMANENTFLAGS). */
void	flags_write_defined(struct buf *, const struct maildir *);

#endif
