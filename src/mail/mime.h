/*
 * mime.h: the MIME structure of a message (RFC 2045, 2046, 2183, 2231),
 * parsed from the message's bytes in memory: every part's header and body
 * as offsets into those bytes, its sizes and line counts as IMAP counts
 * them (CRLF line ends, RFC 9051 7.5.2 BODYSTRUCTURE), and the header
 * fields BODYSTRUCTURE reports. Pure code: no I/O; everything is allocated
 * in the arena given.
 *
 * Limits (mdlimits.h): LIMIT_MIME_DEPTH levels of nesting and
 * LIMIT_MIME_PARTS parts; past them a part is not split further: a
 * multipart gets one empty text/plain child (as one whose boundary never
 * appears does) and a message/rfc822 part becomes an opaque
 * application/octet-stream leaf. Nothing is lost: the bytes stay in the
 * part's body. (Dovecot cuts one level earlier and merges parts past its
 * limit into the last one: tests/mime/DIFFERENCES.md.)
 */
#ifndef MDIMAPD_MIME_H
#define MDIMAPD_MIME_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct envelope;

/*
 * A parameter of Content-Type or Content-Disposition, as in the message:
 * the name as written, the value unquoted (not decoded from its charset).
 * RFC 2231 continuations are joined, as Dovecot does: "name*0*=a;
 * name*1=b" becomes "name*" = "ab" (an extended value keeps its
 * "charset'language'" prefix); such parameters come after the plain ones.
 */
struct mime_param {
	const char		*name;
	const char		*value;
	struct mime_param	*next;
};

struct mime_part {
	struct mime_part	*parent;
	struct mime_part	*children;	/* multipart and message/rfc822 */
	struct mime_part	*next;		/* sibling */
	unsigned		 nchildren;

	/* Where the part is in the message bytes. The header runs from
	 * hdr_off for hdr_len bytes (including the empty line that ends
	 * it, if any); the body from body_off for body_len bytes. */
	size_t			 hdr_off, hdr_len;
	size_t			 body_off, body_len;
	/* The same with every bare LF counted as CRLF (IMAP sizes). */
	uint64_t		 hdr_size, body_size;
	uint64_t		 body_lines;	/* lines of the body */

	/* Content-Type as written (compare without case); "text"/"plain"
	 * with charset us-ascii when missing or invalid ("message"/"rfc822"
	 * in a multipart/digest); a text type without a charset gets
	 * charset us-ascii last (RFC 2045 5.2). */
	const char		*type;
	const char		*subtype;
	struct mime_param	*params;
	/* Other fields, as in the header (unfolded, outer white space
	 * removed), NULL when missing. */
	const char		*id;		/* Content-ID */
	const char		*description;	/* Content-Description */
	const char		*encoding;	/* Content-Transfer-Encoding */
	const char		*md5;		/* Content-MD5 */
	const char		*disposition;	/* its value, as written */
	struct mime_param	*disp_params;
	const char		*language;	/* Content-Language, raw */
	const char		*location;	/* Content-Location */

	/* message/rfc822 (and global): the envelope of the enclosed
	 * message; its one child is the enclosed message itself. */
	struct envelope		*env;
	unsigned		 is_multipart:1;
	unsigned		 is_message:1;	/* message/rfc822 or global */
	unsigned		 has_mime_version:1;
};

/* Parse the message data[0..len) (LF or CRLF line ends). The root is the
 * message: its header is the message header. Never fails: malformed input
 * gives the best structure it can. */
struct mime_part	*mime_parse(const char *data, size_t len,
			    struct arena *);
/* The same parts, with the same offsets, types, parameters and fields,
 * without what costs a pass over every byte or an address parser: sizes
 * and line counts stay 0, envelopes NULL (what SEARCH needs). */
struct mime_part	*mime_parse_parts(const char *data, size_t len,
			    struct arena *);

/* The value of parameter name (any case) of a list, or NULL. */
const char		*mime_param_get(const struct mime_param *,
			    const char *name);

/*
 * The part a FETCH section number names (RFC 9051 6.4.5: "1.2.3"), parts
 * numbered from 1: nums[0..n). A non-multipart message has its body as
 * part 1; a leaf has no parts, except that a leaf inside a multipart is
 * its own part 1 once ("2.1" = "2"), as Dovecot answers; message/rfc822's
 * parts are those of the enclosed message's body. Returns
 * NULL when there is no such part.
 */
const struct mime_part	*mime_part_find(const struct mime_part *root,
			    const uint32_t *nums, size_t n);

/* The first header field called name (case-insensitive) in a header
 * (hdr[0..len)): its value unfolded (CR and LF of folding removed, outer
 * white space removed), NUL-terminated in the arena; NULL if missing. */
char			*mime_header_get(const char *hdr, size_t len,
			    const char *name, struct arena *);

#endif
