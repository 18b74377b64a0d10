/*
 * cache.h: the per-folder message cache, the file mdimapd-cache: what
 * parsing a message produced (its ENVELOPE and BODYSTRUCTURE as sent, its
 * size with CRLF line ends...), so that a later FETCH, in this process or
 * another, need not open and parse the file again. Storage only: the
 * values are opaque bytes to it.
 *
 * It is a cache in the sense of DESIGN.md: deleting it, or any damage to
 * it, costs speed, never a wrong answer. Every record names the message's
 * UID and its key (the base name and the file's size): a record whose key
 * does not match the file as it is now is ignored, so a file replaced
 * under the same UID is parsed again.
 */
#ifndef MDIMAPD_CACHE_H
#define MDIMAPD_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define CACHE_FILE	"mdimapd-cache"

/* What a record holds. */
enum cache_field {
	CACHE_ENVELOPE = 'E',
	CACHE_BODYSTRUCTURE = 'B',
	CACHE_BODY = 'b',		/* BODY (no extension data) */
	CACHE_VSIZE = 'W',		/* RFC822.SIZE, decimal */
	CACHE_HEADER = 'H',		/* the fields CACHE_HEADER_FIELDS */
	CACHE_INTERNALDATE = 'I',	/* the file's mtime, decimal */
	CACHE_SENTDATE = 'D',		/* the Date: field's time, decimal,
					 * "-" if none is valid (RFC 5256) */
};

/*
 * The header fields CACHE_HEADER keeps (their lines, CRLF, in the
 * message's order, then the empty line): what clients ask for in
 * HEADER.FIELDS lists, and what SEARCH, SORT and THREAD read.
 */
#define CACHE_HEADER_FIELDS \
	"BCC", "CC", "CONTENT-TYPE", "DATE", "FROM", "IMPORTANCE", \
	"IN-REPLY-TO", "LIST-ID", "LIST-POST", "MESSAGE-ID", "NEWSGROUPS", \
	"PRIORITY", "REFERENCES", "REPLY-TO", "SENDER", "SUBJECT", "TO", \
	"X-PRIORITY"

struct maildir;
struct cache;

/* The cache of m's folder: read on first use. Never NULL. */
struct cache	*cache_open(struct maildir *);
void		 cache_close(struct cache **);

/*
 * The value of field (not a numeric one) for message idx of the view, if
 * the cache has one for the message's current file: its bytes (valid
 * until the next cache_* call) and length; NULL if not.
 */
const char	*cache_get(struct cache *, size_t idx, enum cache_field,
		    size_t *len_r);
/*
 * The value of a numeric field (CACHE_VSIZE, CACHE_INTERNALDATE,
 * CACHE_SENTDATE: cache_get() has none of them) for message idx, if the
 * cache has one for its current file: 0 and *v_r, 1 for the record "-"
 * (none known), -1 if none.
 */
int		 cache_get_num(struct cache *, size_t idx, enum cache_field,
		    int64_t *v_r);
/* Remember a value for message idx; written by cache_flush(). Numeric
 * fields' values as decimal text, or "-". */
void		 cache_put(struct cache *, size_t idx, enum cache_field,
		    const char *data, size_t len);
/* Append what was put to the file (one writev(), so that processes writing
 * at once never interleave records); rewrite the file when dead records
 * outweigh live ones. Failure only costs speed. */
void		 cache_flush(struct cache *);

#endif
