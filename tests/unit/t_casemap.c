/*
 * t_casemap.c: i;unicode-casemap (RFC 5051): Latin, Greek, Cyrillic,
 * German sharp s, ligatures, combining marks, Hangul, invalid UTF-8, and
 * that mapping is idempotent and the same a byte at a time.
 */
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
