/*
 * mutf7.c: modified UTF-7 (RFC 3501 5.1.3) to and from UTF-8.
 *
 * Printable US-ASCII stands for itself, "&" is "&-", and every run of other
 * characters is UTF-16, in base64 with "," for "/", between "&" and "-".
 * The encoder writes the one canonical form; the decoder accepts only that
 * form, so a name and its encoding map one to one. Both run twice over
 * their input, once to check and measure and once to write, and allocate
 * the exact size from the arena in between. No I/O.
 */
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "mutf7.h"

#define SURR_HI		0xd800		/* high (first) surrogates */
#define SURR_LO		0xdc00		/* low (second) surrogates */
#define SURR_END	0xe000

static const char mutf7_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/* Whether the character stands for itself in modified UTF-7 ("&" too). */
static int
mutf7_direct(uint32_t c)
{
	return c >= 0x20 && c <= 0x7e;
}

static int
mutf7_b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == ',')
		return 63;
	return -1;
}

/* Append c at out[*np] (when out is not NULL) and count it. */
static void
mutf7_emit(char *out, size_t *np, char c)
{
	if (out != NULL)
		out[*np] = c;
	(*np)++;
}

/*
 * The code point of the UTF-8 sequence at s[*ip], with *ip moved past it,
 * or -1 for NUL, a bad or truncated sequence, an overlong form, a
 * surrogate or a value past U+10FFFF.
 */
static int32_t
utf8_next(const char *s, size_t len, size_t *ip)
{
	const unsigned char	*p = (const unsigned char *)s + *ip;
	size_t			 left = len - *ip, need, k;
	unsigned char		 lo2 = 0x80, hi2 = 0xbf;
	int32_t			 cp;

	if (p[0] == 0)
		return -1;
	if (p[0] < 0x80) {
		(*ip)++;
		return p[0];
	}
	if (p[0] < 0xc2)		/* continuation, or overlong C0 C1 */
		return -1;
	if (p[0] < 0xe0) {
		need = 1;
		cp = p[0] & 0x1f;
	} else if (p[0] < 0xf0) {
		need = 2;
		cp = p[0] & 0x0f;
		if (p[0] == 0xe0)
			lo2 = 0xa0;	/* overlong */
		else if (p[0] == 0xed)
			hi2 = 0x9f;	/* surrogates */
	} else if (p[0] < 0xf5) {
		need = 3;
		cp = p[0] & 0x07;
		if (p[0] == 0xf0)
			lo2 = 0x90;	/* overlong */
		else if (p[0] == 0xf4)
			hi2 = 0x8f;	/* past U+10FFFF */
	} else
		return -1;
	if (left <= need || p[1] < lo2 || p[1] > hi2)
		return -1;
	for (k = 1; k <= need; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (p[k] & 0x3f);
	}
	*ip += need + 1;
	return cp;
}

/* Append the UTF-8 form of cp (a scalar value) at out[*np]. */
static void
utf8_emit(char *out, size_t *np, uint32_t cp)
{
	if (cp < 0x80)
		mutf7_emit(out, np, (char)cp);
	else if (cp < 0x800) {
		mutf7_emit(out, np, (char)(0xc0 | cp >> 6));
		mutf7_emit(out, np, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		mutf7_emit(out, np, (char)(0xe0 | cp >> 12));
		mutf7_emit(out, np, (char)(0x80 | (cp >> 6 & 0x3f)));
		mutf7_emit(out, np, (char)(0x80 | (cp & 0x3f)));
	} else {
		mutf7_emit(out, np, (char)(0xf0 | cp >> 18));
		mutf7_emit(out, np, (char)(0x80 | (cp >> 12 & 0x3f)));
		mutf7_emit(out, np, (char)(0x80 | (cp >> 6 & 0x3f)));
		mutf7_emit(out, np, (char)(0x80 | (cp & 0x3f)));
	}
}

/*
 * Decode the base64 run at s[*ip] (just past its "&") up to and including
 * its "-", appending UTF-8 at out[*np]. Returns 0 or -1.
 */
static int
mutf7_decode_run(const char *s, size_t len, size_t *ip, char *out,
    size_t *np)
{
	size_t		 i = *ip;
	uint32_t	 bits = 0, u, cp, hi = 0;
	int		 nbits = 0, v;

	if (i >= len || s[i] == '-')
		return -1;	/* "&" at the end; "&-" is the caller's */
	for (; i < len && (v = mutf7_b64_value((unsigned char)s[i])) != -1;
	    i++) {
		bits = (bits << 6) | (uint32_t)v;
		if ((nbits += 6) < 16)
			continue;
		nbits -= 16;
		u = bits >> nbits;
		bits &= (1U << nbits) - 1;
		if (hi != 0) {
			if (u < SURR_LO || u >= SURR_END)
				return -1;
			cp = 0x10000 + ((hi - SURR_HI) << 10) + (u - SURR_LO);
			hi = 0;
		} else if (u >= SURR_HI && u < SURR_LO) {
			hi = u;
			continue;
		} else if (u >= SURR_LO && u < SURR_END)
			return -1;
		else if (u == 0 || mutf7_direct(u))
			return -1;
		else
			cp = u;
		utf8_emit(out, np, cp);
	}
	/*
	 * The run must end with "-", hold whole characters, and have no more
	 * left over than the padding of its last base64 digit, all zero.
	 */
	if (i >= len || s[i] != '-' || hi != 0 || nbits >= 6 || bits != 0)
		return -1;
	*ip = i + 1;
	return 0;
}

/* Decode s to UTF-8 at out (if not NULL); the length goes in *n_r. */
static int
mutf7_decode(const char *s, size_t len, char *out, size_t *n_r)
{
	size_t	 i = 0, n = 0;
	int	 after_run = 0;

	while (i < len) {
		if (!mutf7_direct((unsigned char)s[i]))
			return -1;
		if (s[i] != '&') {
			mutf7_emit(out, &n, s[i++]);
			after_run = 0;
		} else if (i + 1 < len && s[i + 1] == '-') {
			mutf7_emit(out, &n, '&');
			i += 2;
			after_run = 0;
		} else {
			/* Two runs in a row should have been one. */
			if (after_run)
				return -1;
			i++;
			if (mutf7_decode_run(s, len, &i, out, &n) == -1)
				return -1;
			after_run = 1;
		}
	}
	*n_r = n;
	return 0;
}

/* Add a 16-bit unit to the pending bits, writing each full base64 digit. */
static void
mutf7_emit_unit(char *out, size_t *np, uint32_t *bits, int *nbits,
    uint32_t u)
{
	*bits = (*bits << 16) | u;
	*nbits += 16;
	while (*nbits >= 6) {
		*nbits -= 6;
		mutf7_emit(out, np, mutf7_b64[(*bits >> *nbits) & 0x3f]);
	}
	*bits &= (1U << *nbits) - 1;
}

/* Write what is left of a run, zero-padded, and its "-". */
static void
mutf7_end_run(char *out, size_t *np, uint32_t bits, int nbits)
{
	if (nbits > 0)
		mutf7_emit(out, np, mutf7_b64[(bits << (6 - nbits)) & 0x3f]);
	mutf7_emit(out, np, '-');
}

/* Encode UTF-8 s at out (if not NULL); the length goes in *n_r. */
static int
mutf7_encode(const char *s, size_t len, char *out, size_t *n_r)
{
	size_t		 i = 0, n = 0;
	uint32_t	 bits = 0, c;
	int32_t		 cp;
	int		 nbits = 0, in_run = 0;

	while (i < len) {
		if ((cp = utf8_next(s, len, &i)) == -1)
			return -1;
		c = (uint32_t)cp;
		if (mutf7_direct(c)) {
			if (in_run) {
				mutf7_end_run(out, &n, bits, nbits);
				in_run = 0;
			}
			mutf7_emit(out, &n, (char)c);
			if (c == '&')
				mutf7_emit(out, &n, '-');
			continue;
		}
		if (!in_run) {
			mutf7_emit(out, &n, '&');
			in_run = 1;
			bits = 0;
			nbits = 0;
		}
		if (c >= 0x10000) {
			c -= 0x10000;
			mutf7_emit_unit(out, &n, &bits, &nbits,
			    SURR_HI + (c >> 10));
			mutf7_emit_unit(out, &n, &bits, &nbits,
			    SURR_LO + (c & 0x3ff));
		} else
			mutf7_emit_unit(out, &n, &bits, &nbits, c);
	}
	if (in_run)
		mutf7_end_run(out, &n, bits, nbits);
	*n_r = n;
	return 0;
}

int
mutf7_to_utf8(struct arena *a, const char *s, size_t len, char **r)
{
	size_t	 n;
	char	*p;

	*r = NULL;
	if (mutf7_decode(s, len, NULL, &n) == -1)
		return -1;
	p = arena_alloc(a, n + 1);
	if (mutf7_decode(s, len, p, &n) == -1)
		return -1;	/* not reached: the first pass accepted it */
	p[n] = '\0';
	*r = p;
	return 0;
}

int
mutf7_from_utf8(struct arena *a, const char *s, size_t len, char **r)
{
	size_t	 n;
	char	*p;

	*r = NULL;
	if (mutf7_encode(s, len, NULL, &n) == -1)
		return -1;
	p = arena_alloc(a, n + 1);
	if (mutf7_encode(s, len, p, &n) == -1)
		return -1;	/* not reached: the first pass accepted it */
	p[n] = '\0';
	*r = p;
	return 0;
}

int
mutf7_valid(const char *s, size_t len)
{
	size_t	 n;

	return mutf7_decode(s, len, NULL, &n) == 0;
}

int
utf8_valid(const char *s, size_t len)
{
	size_t	 i = 0;

	while (i < len)
		if (utf8_next(s, len, &i) == -1)
			return 0;
	return 1;
}
