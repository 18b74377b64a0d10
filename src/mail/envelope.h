/*
 * envelope.h: the envelope of a message (RFC 9051 7.5.2 ENVELOPE): Date,
 * Subject, the address fields parsed (RFC 5322 3.4, obsolete syntax and
 * garbage tolerated), In-Reply-To and Message-ID. Pure code; everything
 * lives in the arena given. Strings are as in the header, unfolded:
 * encoded words (RFC 2047) are not decoded, as ENVELOPE wants them.
 */
#ifndef MDIMAPD_ENVELOPE_H
#define MDIMAPD_ENVELOPE_H

#include <stddef.h>

struct arena;

/*
 * One address. A group is a start entry (mailbox = the group's name,
 * host NULL) and an end entry (all NULL), as ENVELOPE writes them. A
 * missing local part or domain reads MISSING_MAILBOX / MISSING_DOMAIN, as
 * Dovecot writes them, so that clients see a usable address.
 */
struct address {
	const char	*name;		/* display name, or NULL */
	const char	*adl;		/* obsolete route "@a,@b", or NULL */
	const char	*mailbox;
	const char	*host;
	struct address	*next;
};

#define ADDRESS_MISSING_MAILBOX	"MISSING_MAILBOX"
#define ADDRESS_MISSING_DOMAIN	"MISSING_DOMAIN"

struct envelope {
	char		*date;		/* NULL when the field is missing */
	char		*subject;
	struct address	*from;
	struct address	*sender;	/* From when missing or empty */
	struct address	*reply_to;	/* From when missing or empty */
	struct address	*to;
	struct address	*cc;
	struct address	*bcc;
	char		*in_reply_to;
	char		*message_id;
};

/* Parse an address-list value (unfolded or not). NULL when it holds no
 * address. */
struct address	*address_parse(const char *s, size_t len, struct arena *);
/* The envelope of a header (hdr[0..len), the message's header lines). */
struct envelope	*envelope_parse(const char *hdr, size_t len, struct arena *);

#endif
