/*
 * crlf.c: LF to CRLF, counted and copied. Every FETCH of a body passes its
 * text through here twice (the size first: the literal's length comes
 * before the text), so where the compiler has SSE2 (every x86-64) 16 bytes
 * are looked at a step; a line at a time with memchr elsewhere, and for
 * the last bytes of a piece.
 */
#include <stdint.h>
#include <string.h>

#include "crlf.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#define CRLF_SSE2	1
#endif

/* Whether the LF at in[j] is bare: no CR before it (before in: prev_cr). */
static inline int
bare_lf(const char *in, size_t j, int prev_cr)
{
	return j == 0 ? !prev_cr : in[j - 1] != '\r';
}

size_t
crlf_extra(const char *in, size_t n, int *prev_cr)
{
	const char	*nl;
	size_t		 i = 0, extra = 0;

	if (n == 0)
		return 0;
#ifdef CRLF_SSE2
	{
		const __m128i	lf = _mm_set1_epi8('\n');
		const __m128i	cr = _mm_set1_epi8('\r');
		unsigned	carry = *prev_cr != 0, mn, mc;

		/* A bare LF: an LF whose byte before is not a CR (the
		 * CR mask moved up one, the last block's top CR in). */
		for (; i + 16 <= n; i += 16) {
			__m128i	v = _mm_loadu_si128((const void *)(in + i));

			mn = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf));
			mc = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, cr));
			extra += (size_t)__builtin_popcount(mn &
			    ~((mc << 1) | carry));
			carry = mc >> 15;
		}
	}
#endif
	for (; i < n && (nl = memchr(in + i, '\n', n - i)) != NULL;
	    i = (size_t)(nl - in) + 1)
		extra += (size_t)bare_lf(in, (size_t)(nl - in), *prev_cr);
	*prev_cr = in[n - 1] == '\r';
	return extra;
}

size_t
crlf_copy(char *out, const char *in, size_t n, int *prev_cr)
{
	const char	*nl;
	size_t		 i = 0, o = 0, j;

	if (n == 0)
		return 0;
#ifdef CRLF_SSE2
	{
		const __m128i	lf = _mm_set1_epi8('\n');
		unsigned	m;

		/* Store 16 bytes, then keep those before the first LF in
		 * them; the next store starts past what was kept. (Never
		 * past the end: what is left of in becomes at least as many
		 * bytes of out as the store wrote.) */
		while (i + 16 <= n) {
			__m128i	v = _mm_loadu_si128((const void *)(in + i));

			_mm_storeu_si128((void *)(out + o), v);
			m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf));
			if (m == 0) {
				i += 16;
				o += 16;
				continue;
			}
			j = (size_t)__builtin_ctz(m);
			o += j;
			i += j;
			if (bare_lf(in, i, *prev_cr))
				out[o++] = '\r';
			out[o++] = '\n';
			i++;
		}
	}
#endif
	for (; i < n; i = j + 1) {
		if ((nl = memchr(in + i, '\n', n - i)) == NULL) {
			memcpy(out + o, in + i, n - i);
			o += n - i;
			break;
		}
		j = (size_t)(nl - in);
		memcpy(out + o, in + i, j - i);
		o += j - i;
		if (bare_lf(in, j, *prev_cr))
			out[o++] = '\r';
		out[o++] = '\n';
	}
	*prev_cr = in[n - 1] == '\r';
	return o;
}
