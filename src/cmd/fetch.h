/*
 * fetch.h: what the files of FETCH share (cmd_fetch.c: the command and
 * one message's response; fetch_parse.c: the items; fetch_body.c: body
 * sections and BINARY written from the file or the mapped message).
 */
#ifndef MDIMAPD_FETCH_H
#define MDIMAPD_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "mdlimits.h"

struct arena;
struct buf;
struct mime_part;
struct savedates;
struct session;

enum fetch_type {
	F_UID,
	F_FLAGS,
	F_INTERNALDATE,
	F_SIZE,
	F_ENVELOPE,
	F_BODYSTRUCTURE,
	F_BODYSTRUCTURE_NOEXT,	/* BODY */
	F_BODY,
	F_BINARY,		/* RFC 3516 */
	F_BINARY_SIZE,
	F_MODSEQ,		/* RFC 7162 3.1.4.2 (cmd_condstore.c) */
	F_EMAILID,		/* RFC 8474 5.3 */
	F_THREADID,
	F_SAVEDATE,		/* RFC 8514 4.2 */
};

/* Sections (RFC 9051 6.4.5), of the message or of a part. */
enum section {
	SEC_ALL,		/* BODY[], RFC822, BODY[1.2] */
	SEC_HEADER,		/* BODY[HEADER], RFC822.HEADER */
	SEC_TEXT,		/* BODY[TEXT], RFC822.TEXT */
	SEC_FIELDS,		/* BODY[HEADER.FIELDS (...)] */
	SEC_FIELDS_NOT,		/* BODY[HEADER.FIELDS.NOT (...)] */
	SEC_MIME,		/* BODY[1.MIME] */
};

/* Parts of a section number ("1.2.3"). */
#define FETCH_PART_DEPTH	LIMIT_MIME_DEPTH

struct fetch_item {
	enum fetch_type	 type;
	enum section	 sec;
	const char	*label;		/* "BODY[TEXT]", "RFC822.HEADER"... */
	const char	**names;	/* SEC_FIELDS*: field names */
	size_t		 nnames;
	uint32_t	*part;		/* section part numbers */
	size_t		 npart;
	int		 partial;
	uint64_t	 off;
	uint64_t	 len;
};

#define FETCH_ITEMS_MAX	32
#define FETCH_FIELDS_MAX 100
/* A header larger than this is cut there for HEADER sections. */
#define FETCH_HEADER_MAX (1024 * 1024)

struct fetch {
	struct arena	*a;
	struct fetch_item items[FETCH_ITEMS_MAX];
	size_t		 n;
	int		 want_uid;
	int		 sets_seen;
	int		 need_header;
	int		 need_parse;	/* sections need the MIME structure */
	int		 parsed;	/* ENVELOPE, BODY[STRUCTURE]: cached */
	struct arena	*ma;		/* the parsed message, per message */
	struct savedates *sd;		/* SAVEDATE: the folder's records */
};

int	fetch_add(struct fetch *, enum fetch_type);
/* Whether MODSEQ is among the items; add it at the end if not (RFC 7162
 * 3.1.4.1: CHANGEDSINCE, or \Seen set with CONDSTORE): 0, or -1 when
 * there is no room. */
int	fetch_has_modseq(const struct fetch *);
int	fetch_want_modseq(struct fetch *);
/* Parse one FETCH item (an atom as the parser gives it); -1 with *err
 * the text of the BAD. */
int	fetch_parse_item(struct fetch *, const char *, const char **err);

/* The message's header: its size in the file (*raw_r), as CRLF text in
 * hdr. */
int	fetch_read_header(int fd, struct buf *hdr, uint64_t *raw_r);
/* A section of the whole message: all of it and TEXT streamed from fd,
 * or from msg[0..msglen) if it was read whole (else NULL), HEADER and
 * HEADER.FIELDS from hdr. */
void	fetch_body_write(struct session *, const struct fetch_item *, int fd,
	    const char *msg, size_t msglen, uint64_t vsize,
	    const struct buf *hdr, uint64_t hdr_raw, uint32_t uid);
/* A section of the parsed message (part numbers, MIME). */
void	fetch_section_write(struct session *, const struct fetch_item *,
	    const char *msg, const struct mime_part *root);
/* BINARY: the part an item names, its encoding (-1: unknown), and the
 * item written. */
const struct mime_part *fetch_binary_part(const struct fetch_item *,
	    const struct mime_part *root);
int	fetch_binary_cte(const struct mime_part *);
void	fetch_binary_write(struct session *, const struct fetch_item *,
	    const char *msg, const struct mime_part *root);

#endif
