/*
 * subject.c: base subject extraction, RFC 5256 2.1.
 *
 * The steps work on one copy of the subject with white space already
 * folded (step 1), between two indexes [b, e): step 2 moves e back over
 * trailers, steps 3 and 4 move b forward over leaders and blobs, step 6
 * moves both and starts again from step 2. Nothing is copied until the
 * end, so the work is linear in the subject's length except for one
 * rescan that a cache avoids (see leaders_skip()).
 *
 * The grammar (RFC 5256 5), with ABNF strings case-insensitive:
 *	subj-refwd   = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
 *	subj-blob    = "[" *BLOBCHAR "]" *WSP	; BLOBCHAR: not "[" or "]"
 *	subj-leader  = (*subj-blob subj-refwd) / WSP
 *	subj-trailer = "(fwd)" / WSP
 *	subj-fwd-hdr = "[fwd:"    subj-fwd-trl = "]"
 * After step 1 the only WSP left is a single space.
 */
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "casemap.h"
#include "decode.h"
#include "subject.h"

/* Length of the subj-blob at s[i..e), trailing spaces included; 0 if none. */
static size_t
blob_len(const char *s, size_t i, size_t e)
{
	size_t	j;

	if (i >= e || s[i] != '[')
		return 0;
	for (j = i + 1; j < e && s[j] != '[' && s[j] != ']'; j++)
		;
	if (j >= e || s[j] != ']')
		return 0;
	for (j++; j < e && s[j] == ' '; j++)
		;
	return j - i;
}

/* Length of the subj-refwd at s[i..e); 0 if none. */
static size_t
refwd_len(const char *s, size_t i, size_t e)
{
	size_t	j = i;

	if (e - i >= 2 && strncasecmp(s + i, "re", 2) == 0)
		j += 2;
	else if (e - i >= 2 && strncasecmp(s + i, "fw", 2) == 0) {
		j += 2;
		if (j < e && (s[j] == 'd' || s[j] == 'D'))
			j++;
	} else
		return 0;
	while (j < e && s[j] == ' ')
		j++;
	j += blob_len(s, j, e);
	if (j >= e || s[j] != ':')
		return 0;
	return j + 1 - i;
}

/*
 * Step 3: remove every subj-leader at b. *nolead is the end of a run of
 * blobs already found to lead to no subj-refwd: step 4 then removes those
 * blobs one at a time, and looking again for a refwd behind each would
 * rescan the same run (quadratic on "[a][a][a]...").
 */
static size_t
leaders_skip(const char *s, size_t b, size_t e, size_t *nolead, int *reply)
{
	size_t	i, n;
	int	found;

	while (b < e) {
		if (s[b] == ' ') {
			b++;
			continue;
		}
		if (b < *nolead)
			break;
		for (i = b, found = 0; i < e; i += n) {
			if ((n = refwd_len(s, i, e)) > 0) {
				i += n;
				found = 1;
				break;
			}
			if ((n = blob_len(s, i, e)) == 0)
				break;
		}
		if (!found) {
			*nolead = i;
			break;
		}
		*reply = 1;
		b = i;
	}
	return b;
}

char *
subject_base(struct arena *a, const char *subj, size_t len, size_t *len_r,
    int *reply_r)
{
	char	*s;
	size_t	 i, n, b, e, bl, nolead;
	int	 reply = 0, changed;

	/* Step 1: tabs, line ends (continuations) and runs of them to one
	 * space. */
	s = arena_alloc(a, len + 1);
	for (i = n = 0; i < len; i++) {
		if (subj[i] == ' ' || subj[i] == '\t' || subj[i] == '\r' ||
		    subj[i] == '\n') {
			if (n > 0 && s[n - 1] == ' ')
				continue;
			s[n++] = ' ';
		} else
			s[n++] = subj[i];
	}
	b = 0;
	e = n;
	for (;;) {
		/* Step 2: trailers. */
		while (e > b) {
			if (s[e - 1] == ' ')
				e--;
			else if (e - b >= 5 &&
			    strncasecmp(s + e - 5, "(fwd)", 5) == 0) {
				e -= 5;
				reply = 1;
			} else
				break;
		}
		/* Steps 3 to 5: leaders, then a blob if something is left
		 * behind it (RFC 5256 2.1 (4): "leaves a non-empty
		 * subj-base"), until neither is there. */
		nolead = 0;
		do {
			changed = 0;
			i = leaders_skip(s, b, e, &nolead, &reply);
			if (i != b)
				changed = 1;
			b = i;
			bl = blob_len(s, b, e);
			if (bl > 0 && b + bl < e) {
				b += bl;
				changed = 1;
			}
		} while (changed);
		/* Step 6: "[fwd:" ... "]", then again from step 2. */
		if (e - b >= 6 && strncasecmp(s + b, "[fwd:", 5) == 0 &&
		    s[e - 1] == ']') {
			b += 5;
			e--;
			reply = 1;
			continue;
		}
		break;
	}
	memmove(s, s + b, e - b);
	s[e - b] = '\0';
	if (len_r != NULL)
		*len_r = e - b;
	if (reply_r != NULL)
		*reply_r = reply;
	return s;
}

/* Whether decode_header() would give s[0..len) back as it is: ASCII, no
 * NUL, no line end to unfold, nothing that could start an encoded word. */
static int
subject_plain(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\0' ||
		    s[i] == '\r' || s[i] == '\n')
			return 0;
		if (s[i] == '=' && i + 1 < len && s[i + 1] == '?')
			return 0;
	}
	return 1;
}

void
subject_key(struct arena *a, struct buf *dec, struct buf *key,
    const char *value, size_t len, int *reply_r)
{
	const char	*s = value;
	char		*base;
	size_t		 bl;

	buf_reset(key);
	/* Most subjects are plain ASCII: decoding them is copying them. */
	if (value == NULL || len > dec->max || !subject_plain(value, len)) {
		buf_reset(dec);
		if (value != NULL)
			(void)decode_header(dec, value, len);
		s = dec->data;
		len = dec->len;
	}
	base = subject_base(a, s, len, &bl, reply_r);
	(void)casemap_buf(key, base, bl);
}
