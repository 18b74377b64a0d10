/*
 * t_decode.c: quoted-printable and base64 (whole and a byte at a time),
 * RFC 2047 encoded words, charsets to UTF-8.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "decode.h"
#include "test.h"

/* Decode s whole, and again a byte at a time: both must agree. */
static const char *
body(enum decode_cte cte, const char *s)
{
	static char		 whole[4096], bytes[4096];
	struct decode_body	 d;
	size_t			 n, i, len = strlen(s);

	decode_body_init(&d, cte);
	n = decode_body_chunk(&d, s, len, whole, 1);
	whole[n] = '\0';
	decode_body_init(&d, cte);
	for (i = 0, n = 0; i < len; i++)
		n += decode_body_chunk(&d, s + i, 1, bytes + n, 0);
	n += decode_body_chunk(&d, "", 0, bytes + n, 1);
	bytes[n] = '\0';
	if (strcmp(whole, bytes) != 0)
		return "(whole and byte at a time differ)";
	return whole;
}

/* Convert s from cs, whole and a byte at a time (with a small output). */
static const char *
conv(const char *cs, const char *s, size_t len)
{
	static char		 whole[4096], bytes[4096];
	struct decode_conv	 c;
	size_t			 n, i, used, pos;

	if (decode_conv_init(&c, cs) == -1)
		return "(unknown)";
	n = decode_conv_chunk(&c, s, len, &used, whole, sizeof(whole), 1);
	whole[n] = '\0';
	decode_conv_end(&c);
	(void)decode_conv_init(&c, cs);
	n = 0;
	for (i = 0; i < len; i++) {
		pos = 0;
		do {
			n += decode_conv_chunk(&c, s + i + pos, 1 - pos, &used,
			    bytes + n, DECODE_CONV_MINOUT, 0);
			pos += used;
		} while (pos < 1);
	}
	n += decode_conv_chunk(&c, "", 0, &used, bytes + n, DECODE_CONV_MINOUT,
	    1);
	bytes[n] = '\0';
	decode_conv_end(&c);
	if (strcmp(whole, bytes) != 0)
		return "(whole and byte at a time differ)";
	return whole;
}

static const char *
hdr(const char *s)
{
	static struct buf	b;

	buf_free(&b);
	buf_init(&b, 1 << 20);
	if (decode_header(&b, s, strlen(s)) == -1)
		return "(full)";
	return b.data != NULL ? b.data : "";
}

/* s through decode_header's fast way (hdr) and its slow one (an empty
 * encoded word after s, which adds nothing, takes s the long way): both
 * must agree. */
static const char *
hdr2(const char *s)
{
	static char	slow[1024];
	char		tmp[1024];

	(void)snprintf(tmp, sizeof(tmp), "%s=?utf-8?q?" "?=", s);
	(void)snprintf(slow, sizeof(slow), "%s", hdr(tmp));
	if (strcmp(hdr(s), slow) != 0)
		return "(fast and slow differ)";
	return slow;
}

int
main(void)
{
	static const struct {
		enum decode_cte	 cte;
		const char	*in, *out;
	} bodies[] = {
		{ CTE_QP, "caf=C3=A9", "caf\xc3\xa9" },
		{ CTE_QP, "soft=\nbreak", "softbreak" },
		{ CTE_QP, "soft=\r\nbreak", "softbreak" },
		{ CTE_QP, "soft= \t\nbreak", "softbreak" },
		{ CTE_QP, "lower=c3=a9", "lower\xc3\xa9" },
		{ CTE_QP, "bad=ZZ and =4", "bad=ZZ and =4" },
		{ CTE_QP, "a=\n", "a" },
		{ CTE_QP, "end=", "end=" },
		{ CTE_QP, "==41", "=A" },
		{ CTE_QP, "x = y", "x = y" },
		{ CTE_BASE64, "aGVsbG8gd29ybGQ=", "hello world" },
		{ CTE_BASE64, "aGVs\nbG8g\r\nd29y bGQ=\n", "hello world" },
		{ CTE_BASE64, "aGVsbG8*!gd29ybGQ", "hello world" },
		{ CTE_BASE64, "YQ==YQ==", "aa" },
		{ CTE_BASE64, "Y", "" },
		{ CTE_NONE, "=41 as is", "=41 as is" },
	};
	struct buf	b;
	size_t		i;
	char		all[255], want[1024];

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		CHECK_STR(body(bodies[i].cte, bodies[i].in), bodies[i].out);

	CHECK_INT(decode_cte_parse("Quoted-Printable"), CTE_QP);
	CHECK_INT(decode_cte_parse(" BASE64"), CTE_BASE64);
	CHECK_INT(decode_cte_parse("8bit"), CTE_NONE);
	CHECK_INT(decode_cte_parse(NULL), CTE_NONE);

	/* charsets */
	CHECK_STR(conv("iso-8859-1", "caf\xe9", 4), "caf\xc3\xa9");
	/* ISO-8859-1, converted without iconv, as iconv converts it (a
	 * name that goes to iconv) */
	for (i = 0; i < sizeof(all); i++)
		all[i] = (char)(i + 1);
	(void)snprintf(want, sizeof(want), "%s",
	    conv("ISO_8859-1:1987", all, sizeof(all)));
	CHECK_INT(strlen(want), 127 + 128 * 2);
	CHECK_STR(conv("iso-8859-1", all, sizeof(all)), want);
	CHECK_STR(conv("Latin1", all, sizeof(all)), want);
	CHECK_STR(conv("ISO8859-1", all, sizeof(all)), want);
	CHECK_STR(hdr("=?latin1?q?=FF=80?="), "\xc3\xbf\xc2\x80");
	CHECK_STR(conv("ISO-8859-7", "\xe1\xe2", 2), "\xce\xb1\xce\xb2");
	CHECK_STR(conv("koi8-r", "\xc1", 1), "\xd0\xb0");
	CHECK_STR(conv("windows-1252", "\x80", 1), "\xe2\x82\xac");
	CHECK_STR(conv("utf-8", "caf\xc3\xa9", 5), "caf\xc3\xa9");
	CHECK_STR(conv("UTF8", "a\xc3", 2), "a\xef\xbf\xbd");
	CHECK_STR(conv("utf-8", "\xff" "a\xe2\x82", 4),
	    "\xef\xbf\xbd" "a\xef\xbf\xbd");
	CHECK_STR(conv("utf-8", "\xc0\xaf\xed\xa0\x80", 5),
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_STR(conv("us-ascii", "a\xc3\xa9", 3),
	    "a\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_STR(conv(NULL, "plain", 5), "plain");
	CHECK_STR(conv("shift_jis", "\x82\xa0", 2), "\xe3\x81\x82");
	CHECK_STR(conv("shift_jis", "\x82", 1), "\xef\xbf\xbd");
	CHECK_STR(conv("utf-16le", "a\0b\0", 4), "ab");
	CHECK_STR(conv("iso-2022-jp", "\x1b$B$\"\x1b(B", 8), "\xe3\x81\x82");
	/* glibc's own UTF-8 and UCS-4 readers pass values over U+10FFFF:
	 * each becomes U+FFFD (a fuzzer's find) */
	CHECK_STR(conv("ut@f8", "a\xf7\xba\xaf\xa9" "b", 6),
	    "a\xef\xbf\xbd" "b");
	CHECK_STR(conv("ucs-4be", "\x00\x11\x00\x00\x00\x00\x00\x41", 8),
	    "\xef\xbf\xbd" "A");
	CHECK_STR(hdr("=?ut@f8?b?//e6r6k?="), "\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_STR(conv("x-no-such-charset", "a", 1), "(unknown)");
	CHECK_INT(decode_charset_known("ISO-8859-15"), 1);
	CHECK_INT(decode_charset_known("x-no-such-charset"), 0);
	CHECK_INT(decode_charset_known("utf-8"), 1);

	/* RFC 2047 */
	CHECK_STR(hdr("=?iso-8859-1?q?caf=E9?="), "caf\xc3\xa9");
	CHECK_STR(hdr("=?UTF-8?B?Y2Fmw6k=?= au lait"), "caf\xc3\xa9 au lait");
	CHECK_STR(hdr("a =?utf-8?q?b?= =?utf-8?q?c?= d"), "a bc d");
	CHECK_STR(hdr("=?utf-8?q?a_b?=\r\n =?utf-8?q?_c?="), "a b c");
	/* a character split across two words of one charset */
	CHECK_STR(hdr("=?utf-8?b?w6k=?= =?utf-8?q?=C3?= =?utf-8?q?=A9?="),
	    "\xc3\xa9\xc3\xa9");
	CHECK_STR(hdr("=?iso-8859-1*fr?q?=E9?="), "\xc3\xa9");
	CHECK_STR(hdr("=?x-unknown?q?caf=C3=A9?="), "caf\xc3\xa9");
	CHECK_STR(hdr("=?x-unknown?q?=E9?="), "\xef\xbf\xbd");
	CHECK_STR(hdr("not =?encoded"), "not =?encoded");
	CHECK_STR(hdr("=?utf-8?x?abc?="), "=?utf-8?x?abc?=");
	CHECK_STR(hdr("=?utf-8?q?has space?="), "=?utf-8?q?has space?=");
	CHECK_STR(hdr("folded\r\n\tline"), "folded\tline");
	CHECK_STR(hdr("raw 8bit caf\xc3\xa9 \xff"),
	    "raw 8bit caf\xc3\xa9 \xef\xbf\xbd");
	CHECK_STR(hdr("x=?utf-8?q?y?=z"), "xyz");
	CHECK_STR(hdr(""), "");
	/* ASCII without encoded words goes the fast way: as the slow one */
	CHECK_STR(hdr2("plain value"), "plain value");
	CHECK_STR(hdr2("folded\r\n\tline"), "folded\tline");
	CHECK_STR(hdr2("a \r\n\tb"), "a \r\n\tb");
	CHECK_STR(hdr2("a\r\n \r\nb\rc\nd"), "a \r\nbcd");
	CHECK_STR(hdr2("\r\n lead and trail \r\n"), " lead and trail \r\n");
	CHECK_STR(hdr2("x\n\n\t\t\r\r y"), "x\t\t\r\r y");
	CHECK_STR(hdr2("a= b ?= c=\r\n =x"), "a= b ?= c= =x");
	CHECK_STR(hdr2("ends with ="), "ends with =");
	CHECK_STR(hdr2("\t"), "\t");
	CHECK_STR(hdr2("\r\n"), "");

	buf_init(&b, 4);
	CHECK_INT(decode_header(&b, "toolong", 7), -1);
	buf_free(&b);
	return test_done("t_decode");
}
