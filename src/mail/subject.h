/*
 * subject.h: the base subject of RFC 5256 2.1, which SORT SUBJECT and both
 * THREAD algorithms compare. Pure code: UTF-8 in (RFC 2047 encoded-words
 * already decoded by the caller), an arena string out.
 *
 * Case: the extraction itself only matches "re", "fw", "fwd" and "[fwd:"
 * without regard to ASCII case and otherwise keeps the text as it is. The
 * comparisons RFC 5256 7 asks for (i;unicode-casemap) are the caller's: it
 * casemaps the base subject once and compares the keys octet by octet
 * (thread.h and sortkey.h take such keys).
 */
#ifndef MDIMAPD_SUBJECT_H
#define MDIMAPD_SUBJECT_H

#include <stddef.h>

struct arena;
struct buf;

/*
 * The base subject of subj[0..len-1] (RFC 5256 2.1 steps 1 to 6), as a
 * NUL-terminated arena string, its length in *len_r. An absent Subject
 * field is the empty string (subj may be NULL when len is 0).
 *
 * *reply_r (may be NULL) is set to 1 when the extraction removed a
 * subj-refwd ("Re:", "Fwd:", "Fw[2]:"...), a "(fwd)" trailer or a
 * "[fwd: ...]" wrapper: RFC 5256 3, "reply or forward", which THREAD
 * REFERENCES steps 5.B and 5.C use; to 0 otherwise.
 */
char	*subject_base(struct arena *, const char *subj, size_t len,
	    size_t *len_r, int *reply_r);

/*
 * The SORT SUBJECT and THREAD key of a Subject value (unfolded, as
 * rfc822_unfold() gives it; value NULL and len 0: no Subject field): RFC
 * 2047 decoded (decode_header()), reduced by subject_base(), casemapped
 * (casemap_buf(), RFC 5256 7), into key, which is reset first. dec is
 * scratch space; what does not fit in either buffer's maximum is left
 * out. The arena holds a copy of the subject. *reply_r as subject_base()
 * sets it.
 */
void	 subject_key(struct arena *, struct buf *dec, struct buf *key,
	    const char *value, size_t len, int *reply_r);

#endif
