/*
 * t_mutf7.c: unit tests for mutf7.c: decoding (and its strictness),
 * encoding, UTF-8 validation, round trips of every code point, and an
 * exhaustive check over short strings that whatever the decoder accepts is
 * exactly what the encoder writes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "mdlimits.h"
#include "mutf7.h"
#include "test.h"

static struct arena	*a;
static char		 untouched[] = "untouched";

/* Exact-size heap copies, so reading past len trips ASan. */
static char *
copy(const char *s, size_t len)
{
	char	*p;

	if ((p = malloc(len == 0 ? 1 : len)) == NULL)
		abort();
	memcpy(p, s, len);
	return p;
}

static int
decode(const char *s, size_t len, char **r)
{
	char	*p = copy(s, len);
	int	 rc;

	rc = mutf7_to_utf8(a, p, len, r);
	if (mutf7_valid(p, len) != (rc == 0))
		rc = 99;
	free(p);
	return rc;
}

static int
encode(const char *s, size_t len, char **r)
{
	char	*p = copy(s, len);
	int	 rc;

	rc = mutf7_from_utf8(a, p, len, r);
	if (utf8_valid(p, len) != (rc == 0))
		rc = 99;
	free(p);
	return rc;
}

/* Both directions, for names that are valid either way. */
static const struct {
	const char	*utf8;
	const char	*mutf7;
} pairs[] = {
	{ "", "" },
	{ "INBOX", "INBOX" },
	{ "a", "a" },
	{ "-", "-" },
	{ "--", "--" },
	{ " ", " " },
	{ "~", "~" },
	{ "+", "+" },
	{ "/", "/" },
	{ "\\", "\\" },
	{ "a.b/c d", "a.b/c d" },
	{ "&", "&-" },
	{ "&&", "&-&-" },
	{ "a&b", "a&-b" },
	{ "&-", "&--" },
	{ "-&", "-&-" },
	{ "!\"#$%'()*+,-./0123456789:;<=>?@[\\]^_`{|}~",
	    "!\"#$%'()*+,-./0123456789:;<=>?@[\\]^_`{|}~" },
	{ "\xc3\xa9", "&AOk-" },				/* é */
	{ "caf\xc3\xa9", "caf&AOk-" },
	{ "\xc3\xa9t\xc3\xa9", "&AOk-t&AOk-" },
	{ "\xc3\xa9-", "&AOk--" },
	{ "\xc3\xa9&", "&AOk-&-" },
	{ "&\xc3\xa9", "&-&AOk-" },
	{ "\xc3\xa9\xc3\xa9", "&AOkA6Q-" },
	{ "\xe2\x98\xba!", "&Jjo-!" },			/* RFC 3501 */
	{ "\xe5\x8f\xb0\xe5\x8c\x97", "&U,BTFw-" },
	{ "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/"
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	    "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
	/* Привет */
	{ "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",
	    "&BB8EQAQ4BDIENQRC-" },
	{ "\xf0\x9f\x98\x80", "&2D3eAA-" },			/* U+1F600 */
	{ "a\xf0\x9f\x98\x80" "b", "a&2D3eAA-b" },
	{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", "&2D3eANg93gA-" },
	{ "\xf0\x9f\x98\x80\xc3\xa9", "&2D3eAADp-" },
	{ "\xc3\xa9\xf0\x9f\x98\x80", "&AOnYPd4A-" },
	{ "\xf0\x9f\x98\x80&\xf0\x9f\x98\x80", "&2D3eAA-&-&2D3eAA-" },
	{ "\xf0\x90\x80\x80", "&2ADcAA-" },			/* U+10000 */
	{ "\xf4\x8f\xbf\xbf", "&2,,f,w-" },			/* U+10FFFF */
	{ "\x01", "&AAE-" },
	{ "\x1f", "&AB8-" },
	{ "\x7f", "&AH8-" },
	{ "\t", "&AAk-" },
	{ "a\nb", "a&AAo-b" },
	{ "\xc2\x80", "&AIA-" },				/* U+0080 */
	{ "\xdf\xbf", "&B,8-" },				/* U+07FF */
	{ "\xe0\xa0\x80", "&CAA-" },				/* U+0800 */
	{ "\xed\x9f\xbf", "&1,8-" },				/* U+D7FF */
	{ "\xee\x80\x80", "&4AA-" },				/* U+E000 */
	{ "\xef\xbf\xbf", "&,,8-" },				/* U+FFFF */
	{ "\xef\xbb\xbf", "&,v8-" },				/* U+FEFF */
	{ "Sent/\xe9\x80\x81\xe4\xbf\xa1\xe6\xb8\x88\xe3\x81\xbf",
	    "Sent/&kAFP4W4IMH8-" },
};

/* Modified UTF-7 that the decoder must refuse. */
static const char *bad_mutf7[] = {
	"&",			/* no shift back */
	"a&",
	"&-&",
	"&Jjo!",		/* RFC 3501: no "-" */
	"&Jjo",
	"&AOk",
	"&2D3eAA",
	"&U,BTFw-&ZeVnLIqe-",	/* RFC 3501: superfluous shift */
	"&AOk-&AOk-",
	"&AOk-&AOk",
	"&&-",			/* "&" not followed by "-" or base64 */
	"&!-",
	"& -",
	"&/-",			/* "/" is not modified base64 */
	"&AOk/-",
	"&=-",
	"&AOk=-",
	"&AGE-",		/* "a" in base64 */
	"&ACY-",		/* "&" in base64 */
	"&ACA-",		/* " " */
	"&AH4-",		/* "~" */
	"&AC0-",		/* "-" */
	"&AOkAYQ-",		/* "a" after "é" in one run */
	"&AAA-",		/* NUL */
	"&AAAAAA-",
	"&AOl-",		/* non-zero padding */
	"&AOm-",
	"&AOn-",
	"&AOkB-",		/* non-zero padding of a longer run */
	"&2D3eAB-",
	"&A-",			/* 6 bits: no character */
	"&AA-",			/* 12 bits */
	"&AOkA-",		/* a needless base64 digit */
	"&AOkAA-",
	"&2D3eAAA-",
	"&2D0-",		/* high surrogate alone */
	"&2D3YPQ-",		/* high, high */
	"&2D0AYQ-",		/* high, "a" */
	"&2D0A6Q-",		/* high, "é" */
	"&3gA-",		/* low surrogate alone */
	"&3gDYPQ-",		/* low, high */
	"&AOneAA-",		/* "é", low */
	"&2D3eAA-&2D3eAA-",
	"\xc3\xa9",		/* raw 8-bit */
	"caf\xc3\xa9",
	"\x80",
	"\xff",
	"\t",			/* raw controls */
	"a\nb",
	"\x7f",
	"\x01",
	"&Jjo-!&",
};

static void
test_decode(void)
{
	char	*r;
	size_t	 i;
	int	 rc;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		rc = decode(pairs[i].mutf7, strlen(pairs[i].mutf7), &r);
		CHECK_INT(rc, 0);
		CHECK_STR(r, pairs[i].utf8);
	}
	for (i = 0; i < sizeof(bad_mutf7) / sizeof(bad_mutf7[0]); i++) {
		r = untouched;
		rc = decode(bad_mutf7[i], strlen(bad_mutf7[i]), &r);
		if (rc != -1)
			fprintf(stderr, "accepted \"%s\"\n", bad_mutf7[i]);
		CHECK_INT(rc, -1);
		CHECK(r == NULL);
	}
	/* NUL, raw or encoded, and len bytes only. */
	CHECK_INT(decode("a\0b", 3, &r), -1);
	CHECK_INT(decode("\0", 1, &r), -1);
	CHECK_INT(decode("&-xyz", 2, &r), 0);
	CHECK_STR(r, "&");
	CHECK_INT(decode("&AOk-", 4, &r), -1);
	CHECK_INT(mutf7_to_utf8(a, NULL, 0, &r), 0);
	CHECK_STR(r, "");
}

/* UTF-8 that the encoder must refuse. */
static const char *bad_utf8[] = {
	"\x80",				/* lone continuation */
	"\xbf",
	"a\x80" "b",
	"\xc0\xaf",			/* overlong "/" */
	"\xc0\x80",			/* overlong NUL */
	"\xc1\xbf",
	"\xe0\x80\xaf",
	"\xe0\x9f\xbf",			/* overlong U+07FF */
	"\xf0\x80\x80\xaf",
	"\xf0\x8f\xbf\xbf",		/* overlong U+FFFF */
	"\xed\xa0\x80",			/* U+D800 */
	"\xed\xaf\xbf",			/* U+DBFF */
	"\xed\xb0\x80",			/* U+DC00 */
	"\xed\xbf\xbf",			/* U+DFFF */
	"\xed\xa0\xbd\xed\xb8\x80",	/* CESU-8 U+1F600 */
	"\xf4\x90\x80\x80",		/* U+110000 */
	"\xf5\x80\x80\x80",
	"\xf7\xbf\xbf\xbf",
	"\xf8\x88\x80\x80\x80",
	"\xfc\x84\x80\x80\x80\x80",
	"\xfe",
	"\xff",
	"\xc3",				/* truncated */
	"\xe6\x97",
	"\xe6",
	"\xf0\x9f\x98",
	"\xf0\x9f",
	"\xf0",
	"a\xc3",
	"\xc3" "a",			/* continuation missing */
	"\xe6\x97" "a",
	"\xe6" "a\xa5",
	"\xf0\x9f\x98" "a",
	"\xc3\xa9\xa9",			/* one too many */
	"\xc3\xc3\xa9",
};

static void
test_encode(void)
{
	char	*r;
	size_t	 i;
	int	 rc;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		rc = encode(pairs[i].utf8, strlen(pairs[i].utf8), &r);
		CHECK_INT(rc, 0);
		CHECK_STR(r, pairs[i].mutf7);
	}
	for (i = 0; i < sizeof(bad_utf8) / sizeof(bad_utf8[0]); i++) {
		r = untouched;
		rc = encode(bad_utf8[i], strlen(bad_utf8[i]), &r);
		if (rc != -1)
			fprintf(stderr, "accepted utf-8 #%zu\n", i);
		CHECK_INT(rc, -1);
		CHECK(r == NULL);
	}
	/* NUL is refused: the result is a C string and IMAP has no NUL. */
	CHECK_INT(encode("a\0b", 3, &r), -1);
	CHECK_INT(encode("\0", 1, &r), -1);
	CHECK(!utf8_valid("\0", 1));
	CHECK_INT(encode("\xc3\xa9xyz", 2, &r), 0);
	CHECK_STR(r, "&AOk-");
	CHECK_INT(encode("\xc3\xa9", 1, &r), -1);
	CHECK_INT(mutf7_from_utf8(a, NULL, 0, &r), 0);
	CHECK_STR(r, "");
	CHECK(utf8_valid(NULL, 0));
	CHECK(mutf7_valid(NULL, 0));
}

/* cp as UTF-8 into p; returns the length. */
static size_t
put_utf8(char *p, uint32_t cp)
{
	if (cp < 0x80) {
		p[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (char)(0xc0 | cp >> 6);
		p[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (char)(0xe0 | cp >> 12);
		p[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		p[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	p[0] = (char)(0xf0 | cp >> 18);
	p[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	p[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	p[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Every code point, alone and between ASCII and "&": encodes, decodes
 * back, and the encoding is ASCII only; surrogates written as UTF-8 are
 * refused. Also every prefix of a few encodings: a cut inside a base64
 * run is refused, a cut outside one is accepted.
 */
static void
test_every_code_point(void)
{
	char		 in[16], *m, *u;
	size_t		 len, i;
	uint32_t	 cp;
	int		 bad = 0, badsurr = 0, inrun;

	for (cp = 1; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp < 0xe000) {
			len = put_utf8(in, cp);
			if (utf8_valid(in, len) ||
			    mutf7_from_utf8(a, in, len, &m) != -1)
				badsurr++;
			continue;
		}
		in[0] = 'x';
		len = 1 + put_utf8(in + 1, cp);
		in[len++] = '&';
		if (mutf7_from_utf8(a, in + 1, len - 2, &m) != 0 ||
		    mutf7_to_utf8(a, m, strlen(m), &u) != 0 ||
		    strlen(u) != len - 2 || memcmp(u, in + 1, len - 2) != 0)
			bad++;
		if (mutf7_from_utf8(a, in, len, &m) != 0 ||
		    mutf7_to_utf8(a, m, strlen(m), &u) != 0 ||
		    strlen(u) != len || memcmp(u, in, len) != 0)
			bad++;
		for (i = 0; m[i] != '\0'; i++)
			if ((unsigned char)m[i] < 0x20 ||
			    (unsigned char)m[i] > 0x7e)
				bad++;
		if ((cp & 0xffff) == 0)
			arena_reset(a);
	}
	arena_reset(a);
	CHECK_INT(bad, 0);
	CHECK_INT(badsurr, 0);

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const char	*s = pairs[i].mutf7;
		size_t		 k, n = strlen(s);

		/* Before each byte: inside a run, or not? */
		for (inrun = 0, k = 0; k <= n; k++) {
			if (mutf7_valid(s, k) == inrun) {
				fprintf(stderr, "prefix %zu of \"%s\"\n", k, s);
				bad++;
			}
			if (k == n)
				break;
			/* "&-" counts as a run too: "&" alone is refused. */
			if (!inrun && s[k] == '&')
				inrun = 1;
			else if (inrun && s[k] == '-')
				inrun = 0;
		}
	}
	CHECK_INT(bad, 0);
}

/*
 * Every string of up to 6 characters over an alphabet of shifts and base64
 * digits: if the decoder accepts one, the encoder writes it back exactly
 * (one encoding per name), and the result is valid UTF-8.
 */
static void
test_canonical(void)
{
	static const char	 alpha[] = "&-AOkg2D3e,a";
	const size_t		 na = sizeof(alpha) - 1;
	char			 s[8], *u, *m;
	size_t			 len, i, idx[8];
	long			 accepted = 0;
	int			 bad = 0;

	for (len = 0; len <= 6; len++) {
		memset(idx, 0, sizeof(idx));
		for (;;) {
			for (i = 0; i < len; i++)
				s[i] = alpha[idx[i]];
			if (mutf7_to_utf8(a, s, len, &u) == 0) {
				accepted++;
				if (!utf8_valid(u, strlen(u)) ||
				    mutf7_from_utf8(a, u, strlen(u), &m) != 0 ||
				    strlen(m) != len ||
				    memcmp(m, s, len) != 0) {
					fprintf(stderr, "not canonical: "
					    "\"%.*s\"\n", (int)len, s);
					bad++;
				}
				arena_reset(a);
			}
			for (i = 0; i < len; i++) {
				if (++idx[i] < na)
					break;
				idx[i] = 0;
			}
			if (i == len)
				break;
		}
	}
	CHECK_INT(bad, 0);
	/* Enough of them were valid for the check to mean something. */
	CHECK(accepted > 10000);
}

/*
 * Random byte strings: decoding either fails or round-trips; encoding
 * either fails or round-trips.
 */
static void
test_random(void)
{
	char		 s[24], *u, *m;
	uint32_t	 seed = 1;
	size_t		 len, i;
	int		 round, bad = 0, okd = 0, oke = 0;

	for (round = 0; round < 300000; round++) {
		seed = seed * 1103515245 + 12345;
		len = (seed >> 16) % sizeof(s);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245 + 12345;
			s[i] = (char)(seed >> 16);
			/* Mostly high bytes and shifts, to make UTF-8. */
			if ((seed & 0x30000000) == 0)
				s[i] = (char)(0x80 | (seed >> 8 & 0x3f));
		}
		if (mutf7_to_utf8(a, s, len, &u) == 0) {
			okd++;
			if (mutf7_from_utf8(a, u, strlen(u), &m) != 0 ||
			    strlen(m) != len || memcmp(m, s, len) != 0)
				bad++;
		}
		if (mutf7_from_utf8(a, s, len, &m) == 0) {
			oke++;
			if (mutf7_to_utf8(a, m, strlen(m), &u) != 0 ||
			    strlen(u) != len || memcmp(u, s, len) != 0)
				bad++;
		}
		arena_reset(a);
	}
	CHECK_INT(bad, 0);
	CHECK(okd > 0 && oke > 0);
}

int
main(void)
{
	a = arena_new(LIMIT_ARENA);
	test_decode();
	test_encode();
	test_every_code_point();
	test_canonical();
	test_random();
	arena_free(&a);
	return test_done("t_mutf7");
}
