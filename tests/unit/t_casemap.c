/*
 * t_casemap.c: i;unicode-casemap (RFC 5051): Latin, Greek, Cyrillic,
 * German sharp s, ligatures, combining marks, Hangul, invalid UTF-8, and
 * that mapping is idempotent and the same a byte at a time; ASCII mapped
 * in blocks as a character at a time; the needle search as memmem.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "casemap.h"
#include "test.h"

static const char *
map(const char *s)
{
	static struct buf	b;

	buf_free(&b);
	buf_init(&b, 1 << 20);
	(void)casemap_buf(&b, s, strlen(s));
	return b.data != NULL ? b.data : "";
}

/* s mapped a character (or invalid byte) at a time, each alone, so that
 * no run of ASCII reaches casemap_chunk's blocks: the slow way. */
static const char *
map_slow(const char *s, size_t len)
{
	static struct buf	b;
	char			tmp[CASEMAP_MAX_BYTES];
	size_t			i, n, used;
	uint32_t		cp;
	int			r;

	buf_free(&b);
	buf_init(&b, 1 << 20);
	for (i = 0; i < len; i += (size_t)r) {
		r = casemap_utf8_get((const unsigned char *)s + i, len - i, &cp);
		if (r <= 0)
			r = 1;
		n = casemap_chunk(s + i, (size_t)r, &used, tmp, sizeof(tmp));
		(void)buf_add(&b, tmp, n);
	}
	return b.data != NULL ? b.data : "";
}

/* Whether text with ins at every offset 0..70 of ASCII letters and
 * punctuation maps the same whole (blocks of 32 and 8) and the slow way,
 * and casemap_ascii_span stops right at it. */
static int
blocks_agree(const char *ins)
{
	static const char	abc[] = "the Quick brown fox, {jumps} @ `lazy` "
	    "dogs_AZaz[]09 ~ the quick brown fox jumps";
	char			text[256], whole[2048];
	size_t			k, len, il = strlen(ins);

	for (k = 0; k <= 70; k++) {
		memcpy(text, abc, k);
		memcpy(text + k, ins, il);
		memcpy(text + k + il, abc, 40);
		len = k + il + 40;
		text[len] = '\0';
		if ((unsigned char)ins[0] >= 0x80 &&
		    casemap_ascii_span(text, len) != k)
			return 0;
		(void)snprintf(whole, sizeof(whole), "%s", map(text));
		if (strcmp(whole, map_slow(text, len)) != 0)
			return 0;
	}
	return 1;
}

/* casemap_find against memmem: every needle of lengths 1..6 cut from
 * hay, and a few that are not in it. */
static int
find_agrees(const char *hay)
{
	/* "EE" and "E EE" after many E's: memmem takes over */
	static const char *const others[] = { "QUOKKA", "  ", "E E", "ZZ",
	    "\xcc\x81" "E", "THE QUICK BROWN FOX JUMPS OVER", "EE", "E EE" };
	struct casemap_needle	 nd;
	size_t			 hl = strlen(hay), i, n;

	for (i = 0; i < hl; i++)
		for (n = 1; n <= 6 && i + n <= hl; n++) {
			casemap_needle_init(&nd, hay + i, n);
			if (casemap_find(hay, hl, &nd) !=
			    memmem(hay, hl, hay + i, n))
				return 0;
		}
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		casemap_needle_init(&nd, others[i], strlen(others[i]));
		if (casemap_find(hay, hl, &nd) != memmem(hay, hl, others[i],
		    strlen(others[i])))
			return 0;
	}
	return 1;
}

int
main(void)
{
	static const struct {
		const char	*in, *out;
	} t[] = {
		{ "Hello, World 123", "HELLO, WORLD 123" },
		{ "caf\xc3\xa9", "CAFE\xcc\x81" },		/* é: E + U+0301 */
		{ "CAF\xc3\x89", "CAFE\xcc\x81" },		/* É */
		{ "cafe\xcc\x81", "CAFE\xcc\x81" },		/* decomposed */
		{ "\xce\xb1\xce\xb2\xce\xb3", "\xce\x91\xce\x92\xce\x93" },
		{ "\xcf\x83\xcf\x82\xce\xa3", "\xce\xa3\xce\xa3\xce\xa3" },
		{ "\xd0\xbf\xd1\x80\xd0\xb8", "\xd0\x9f\xd0\xa0\xd0\x98" },
		{ "\xd1\x91", "\xd0\x95\xcc\x88" },		/* ё */
		/* ß has no simple titlecase: kept (not "SS") */
		{ "stra\xc3\x9f" "e", "STRA\xc3\x9f" "E" },
		{ "\xef\xac\x81" "le", "FILE" },		/* ﬁ ligature */
		{ "\xef\xac\x80", "FF" },			/* ﬀ */
		{ "\xe2\x84\xab", "A\xcc\x8a" },		/* Kelvin Å */
		{ "\xef\xbc\xa1\xef\xbd\x82", "AB" },		/* fullwidth */
		{ "\xc2\xb2", "2" },				/* superscript */
		{ "\xea\xb0\x80", "\xe1\x84\x80\xe1\x85\xa1" },	/* 가 */
		{ "\xea\xb0\x81",
		    "\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8" },	/* 각 */
		{ "\xc4\xb1", "I" },				/* dotless i */
		{ "a\xffz", "A\xef\xbf\xbdZ" },
		{ "a\xc3", "A\xef\xbf\xbd" },
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xf0\x9d\x90\x80", "A" },			/* math bold A */
		{ "", "" },
	};
	char		 out[CASEMAP_MAX_BYTES * 4], in[16];
	uint32_t	 cps[CASEMAP_MAX_CPS], cp, c2[CASEMAP_MAX_CPS];
	size_t		 i, n, used, k, j;
	struct buf	 b;
	int		 idem = 1;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK_STR(map(t[i].in), t[i].out);
	/* ǆ: titlecase ǅ, NFKD "D" + "ž" decomposed, then titlecase Z */
	CHECK_STR(map("\xc7\x86"), "DZ\xcc\x8c");
	CHECK_INT(casemap_cp(0xfdfa, cps), 18);
	CHECK_INT(casemap_cp('q', cps), 1);
	CHECK_INT(cps[0], 'Q');

	/* idempotent: every code point's mapping maps to itself */
	for (cp = 0; cp < 0x110000 && idem; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		n = casemap_cp(cp, cps);
		for (k = 0; k < n && idem; k++)
			if (casemap_cp(cps[k], c2) != 1 || c2[0] != cps[k])
				idem = 0;
	}
	CHECK(idem);

	/* the chunk function stops when the output might not fit */
	n = casemap_chunk("\xef\xb7\xba" "abc", 6, &used, out,
	    CASEMAP_MAX_BYTES);
	CHECK_INT(used, 6);
	CHECK(n > 3 && memcmp(out + n - 3, "ABC", 3) == 0);
	n = casemap_chunk("\xef\xb7\xba" "abc", 6, &used, out,
	    CASEMAP_MAX_BYTES - 1);
	CHECK_INT(used, 0);
	CHECK_INT(n, 0);
	n = casemap_chunk("abc", 3, &used, out, 2);
	CHECK_INT(used, 2);

	/* ASCII goes 32 and 8 bytes at a time: as a character at a time,
	 * next to whatever is not ASCII: the Kelvin sign (maps to ASCII
	 * K), sharp s, a combining mark, invalid and cut bytes */
	CHECK_STR(map("\xe2\x84\xaa"), "K");
	CHECK(blocks_agree("\xe2\x84\xaa"));
	CHECK(blocks_agree("\xc3\x9f"));
	CHECK(blocks_agree("e\xcc\x81"));
	CHECK(blocks_agree("\xff"));
	CHECK(blocks_agree("\xe2\x84"));
	CHECK(blocks_agree("\xef\xb7\xba"));
	CHECK(blocks_agree(" "));
	CHECK_INT(casemap_ascii_span("", 0), 0);
	CHECK_INT(casemap_ascii_span("abc\x80", 4), 3);
	CHECK_INT(casemap_ascii_span("\x7f\x7f", 2), 2);

	/* the needle search finds what memmem finds */
	CHECK(find_agrees("THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG, THE "
	    "END. CAFE\xcc\x81 AAAAAAAB AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAB E E E E E E E E E E E E E E E E E E EE"));
	CHECK(find_agrees("E E E E E E E E E E E E E E E E E E E E E E E E E "
	    "E E E E E E E E E E E E E E E E E E E E E E E E E E E E E E QE"));
	/* a match right after the miss on which memmem takes over */
	CHECK(find_agrees("A A A A A A A A A A A A A A A A AAE"));
	{
		struct casemap_needle	nd;

		casemap_needle_init(&nd, "THE", 3);
		CHECK_INT(nd.rare, 1);			/* H */
		casemap_needle_init(&nd, "QUOKKA", 6);
		CHECK_INT(nd.rare, 0);			/* Q */
		casemap_needle_init(&nd, "", 0);
		CHECK(casemap_find(t[0].in, 3, &nd) == t[0].in);
		casemap_needle_init(&nd, "ABCD", 4);
		CHECK(casemap_find("ABC", 3, &nd) == NULL);
	}

	/* UTF-8 reader */
	CHECK_INT(casemap_utf8_get((const unsigned char *)"\xc3", 1, &cp), -1);
	CHECK_INT(casemap_utf8_get((const unsigned char *)"\xe0\x80", 2, &cp),
	    0);
	CHECK_INT(casemap_utf8_get((const unsigned char *)"\xf4\x90", 2, &cp),
	    0);
	CHECK_INT(casemap_utf8_get((const unsigned char *)"\xf4\x8f\xbf\xbf",
	    4, &cp), 4);
	CHECK_INT(cp, 0x10ffff);
	CHECK_INT(casemap_utf8_get((const unsigned char *)"\x80", 1, &cp), 0);

	buf_init(&b, 3);
	CHECK_INT(casemap_buf(&b, "abcd", 4), -1);
	buf_free(&b);
	(void)in;
	(void)j;
	return test_done("t_casemap");
}
