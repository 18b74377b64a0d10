/*
 * bodystructure.h: ENVELOPE, BODY and BODYSTRUCTURE as FETCH writes them
 * (RFC 9051 7.5.2 and 9: envelope, body, body-type-1part, body-type-mpart,
 * body-ext-1part, body-ext-mpart), from the parsed message (mime.h,
 * envelope.h). Every string goes through resp.h, so nothing is quoted by
 * hand. Dovecot's output is the reference where the RFC leaves room.
 */
#ifndef MDIMAPD_BODYSTRUCTURE_H
#define MDIMAPD_BODYSTRUCTURE_H

struct buf;
struct envelope;
struct mime_part;

/*
 * opts: resp.h RESP_* options. flush (may be NULL) is called between
 * addresses and parts once the buffer holds BODYSTRUCTURE_FLUSH bytes, to
 * send what is there: a message with 10,000 parts or huge address lists
 * never needs more than that (and LIMIT_HEADER_VALUE) in memory.
 */
#define BODYSTRUCTURE_FLUSH	(256 * 1024)
void	imap_envelope_write(struct buf *, const struct envelope *, int opts,
	    void (*flush)(struct buf *));
/* BODYSTRUCTURE with extension data when extended, else BODY. */
void	imap_bodystructure_write(struct buf *, const struct mime_part *,
	    int extended, int opts, void (*flush)(struct buf *));

#endif
