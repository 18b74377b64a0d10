/*
 * cache_int.h: what cache.c (the file mdimapd-cache and its index in
 * memory) and cache_idx.c (that index kept in mdimapd-cache.idx) share.
 */
#ifndef MDIMAPD_CACHE_INT_H
#define MDIMAPD_CACHE_INT_H

#include <sys/types.h>

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "fileid.h"

#define CACHE_LOCK_STALE	120
/* Values larger than this are not cached. */
#define CACHE_VALUE_MAX		(1024 * 1024)
/* Fields a message can have records for (cache.h). */
#define CACHE_FIELDS		7
/* Records indexed at most (chain links are 24 bits): 16 million, far
 * more than a folder's live records (compaction comes long before);
 * past it, values are parsed again instead of read. */
#define CACHE_RECORDS_MAX	((1u << 24) - 1)
/* Offsets indexed (a larger file's later records are parsed again). */
#define CACHE_OFF_BITS		40
/* Longest header line of a record. */
#define CACHE_HEADER_MAX	80

struct maildir;

/* Little-endian words of the files (the same bytes on every machine). */
static inline uint64_t
cache_get64(const void *p)
{
	uint64_t	v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static inline uint32_t
cache_get32(const void *p)
{
	uint32_t	v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static inline void
cache_put64(void *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

static inline void
cache_put32(void *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

/*
 * A record in the index: 16 bytes. Its key and sum are read from its
 * header line when the record is asked for, not when the file is read:
 * loading the index parses only what places the records.
 */
struct crec {
	uint64_t	 off : CACHE_OFF_BITS;	/* of its header line */
	uint64_t	 len : 21;		/* of the value */
	uint64_t	 fi : 3;		/* field_index() */
	uint32_t	 uid;
	uint32_t	 next : 24;		/* older record of the UID, + 1 */
	uint32_t	 hl : 8;		/* header line, LF included */
};

/* Field indices (cache.c field_index(): "EBbWHID"). */
#define CACHE_FI_W		3
#define CACHE_FI_I		5
#define CACHE_FI_D		6

/* A numeric field's value, parsed (cache_recs.c). */
struct cnum {
	uint64_t	 key;
	int64_t		 val;		/* CACHE_NUM_NONE: the record "-" */
	uint32_t	 uid;
};
#define CACHE_NUM_NONE		INT64_MIN

struct cnumtab {
	struct cnum	*e;
	size_t		 n, cap;
	uint32_t	*hash;		/* index + 1; hsize a power of 2 */
	size_t		 hsize;
	/* The values of mdimapd-cache.idx as read (CACHE_IDX_NUM bytes
	 * each, by UID ascending), older than any in e: looked up there
	 * when e has none (cache_recs.c). */
	unsigned char	*idx;
	size_t		 nidx;
	size_t		 hint;		/* where the last one was found */
	struct cnum	 found;
};
#define CACHE_IDX_NUM		24

/* A UID's newest record (+ 1; 0: an empty slot). */
struct cslot {
	uint32_t	 uid;
	uint32_t	 head;
};

struct cache {
	struct maildir	*m;
	int		 loaded;
	int		 fd;		/* the file read, or -1 */
	struct fileid	 id;		/* of the file read */
	uint64_t	 off;		/* read up to here */
	int		 valid;		/* its header matches UIDVALIDITY */
	struct crec	*recs;		/* in file order */
	size_t		 n, cap;
	size_t		 dead;		/* superseded records */
	size_t		 parsed;	/* records read from the file (not
					 * from mdimapd-cache.idx) */
	struct cslot	*slots;		/* UID -> chain; hsize a power of 2 */
	const char	*key_name;	/* key_last: the key of key_idx, */
	size_t		 key_idx;	/* under key_name, in this command */
	uint64_t	 key_last;
	size_t		 hsize, nuids;
	struct cnumtab	 num[CACHE_FIELDS];	/* of numeric fields */
	/* mdimapd-cache.idx (cache_idx.c), while fields are left to read */
	int		 idx_fd;
	uint64_t	 idx_covered;	/* the cache file's bytes it covers */
	struct cache_idx_sec {
		uint64_t	 at;	/* in the index file */
		uint32_t	 n, dead, sum;
		int		 pending;	/* not read yet */
	}		 idx_sec[CACHE_FIELDS];
	struct buf	 pending[CACHE_FIELDS];	/* by field */
	size_t		 npend;		/* records in pending */
	size_t		 pendlen;	/* their bytes */
	struct window {
		char		*data;	/* file bytes [off, off + len) */
		uint64_t	 off;
		size_t		 len, cap;
	}		 win[CACHE_FIELDS];	/* one per field */
};

/* A lock file name in dirfd, created with O_EXCL (one left for over
 * CACHE_LOCK_STALE seconds is taken over): its fd, or -1. */
int		cache_lock(int dirfd, const char *name);
/* The newest record of (uid, field index), or NULL (cache_recs.c). */
struct crec	*cache_recs_find(struct cache *, uint32_t uid, unsigned fi);
/* Whether a field index is of a numeric field (W, I, D), whose values
 * are kept parsed: cache_num_put() (one from_idx never replaces one read
 * from the file; dead counts the values replaced), cache_num_find(), cache_num_count() (values of all
 * fields), cache_num_reset() (release: free the memory too). */
int		cache_field_numeric(int fi);
void		cache_num_reserve(struct cache *, int fi, size_t n);
void		cache_num_put(struct cache *, int fi, uint32_t uid,
		    uint64_t key, int64_t val, int from_idx);
const struct cnum *cache_num_find(struct cache *, int fi, uint32_t uid);
size_t		cache_num_count(const struct cache *);
/* Take the values of a numeric field's section of mdimapd-cache.idx, d
 * (n of them, allocated: kept), as they are: 0, or -1 if they are not in
 * UID order (then d is freed). cache_num_thaw(): put them in the table
 * (for all of them to be written, by compaction or a new index). */
int		cache_num_take(struct cache *, int fi, unsigned char *d,
		    size_t n);
void		cache_num_thaw(struct cache *, int fi);
/* Order a numeric field's values by UID (the table's, not the index's). */
void		cache_num_sort(struct cache *, int fi);
void		cache_num_reset(struct cache *, int release);
/* A record line as read or written. */
struct rechdr {
	uint64_t	 key;
	uint32_t	 uid;
	uint32_t	 len;		/* <= CACHE_VALUE_MAX */
	uint32_t	 sum;
	char		 field;
};

/*
 * The text of records (cache_text.c): cache_header_parse() reads a
 * header line "<uid> <field> <key> <sum> <len>\n" (its length with the
 * LF, or 0; without full, the key and sum only skipped);
 * cache_record_line() writes one for a value into hdr (CACHE_HEADER_MAX +
 * 1 bytes);
 * cache_hash64() hashes a base name and a size into a key;
 * cache_num_parse() reads a numeric value (decimal, a '-' before it
 * allowed, or "-" alone: CACHE_NUM_NONE), -1 if it is not one;
 * cache_num_format() writes one into out (BUF_FMTU_MAX + 2 bytes).
 */
size_t		cache_header_parse(const char *, size_t, struct rechdr *,
		    int full);
size_t		cache_record_line(char *hdr, uint32_t uid, char field,
		    uint64_t key, const char *data, size_t len);
uint64_t	cache_hash64(const char *, size_t, uint64_t size);
int		cache_num_parse(const char *, size_t, int64_t *);
size_t		cache_num_format(char *, int64_t);
/* The check of a value as the file has it; the same of len bytes given
 * in pieces (each but the last a multiple of 8 bytes long). */
uint32_t	cache_sum32(const char *, size_t);
uint64_t	cache_sum_start(size_t len);
uint64_t	cache_sum_add(uint64_t, const char *, size_t);
uint32_t	cache_sum_end(uint64_t);
/* Index a record of UID uid, field index fi, whose header line (hl
 * bytes) is at off in the file and its value len bytes: 0, or -1 if it
 * cannot be (not indexed: its value is parsed again if asked for).
 * from_idx: it comes from mdimapd-cache.idx, and a record the cache file
 * has after the part indexed (newer) wins over it. */
int		cache_recs_link(struct cache *, uint32_t uid, int fi,
		    uint64_t off, size_t len, size_t hl, int from_idx);
/* Room for nrecs records of nuids UIDs in all. */
void		cache_recs_reserve(struct cache *, size_t nrecs, size_t nuids);
/* The newest record of r's UID and field. */
const struct crec *cache_recs_newest(struct cache *, const struct crec *r);

/*
 * mdimapd-cache.idx (cache_idx.c). cache_idx_load(): its header, if it is
 * of the file c->fd (of size size): 1 (c->off and c->valid set; each
 * field's records are read by cache_idx_field() when first needed), else
 * 0. cache_idx_field(), cache_idx_all(): read one field's or every
 * field's records left: 0, or -1 if they are damaged (then the index must
 * not be used: cache.c reads the cache file from its start).
 * cache_idx_left(): records not read yet, and how many of them are
 * superseded (*dead).
 * cache_idx_save(): keep the index, if enough of it was read from the
 * cache file itself for that to pay. cache_idx_drop(): close it.
 */
int		cache_idx_load(struct cache *, uint64_t size);
int		cache_idx_field(struct cache *, int fi);
int		cache_idx_all(struct cache *);
size_t		cache_idx_left(const struct cache *, size_t *dead);
void		cache_idx_save(struct cache *);
void		cache_idx_drop(struct cache *);

#endif
