/*
 * t_crlf.c: crlf_extra and crlf_copy (crlf.c) against a byte-at-a-time
 * reference, on random text of every line-end density, whole and cut into
 * random pieces (the carried CR across a cut); out is exactly the size
 * announced, with a guard after it that must stay untouched.
 */
#include <stdlib.h>
#include <string.h>

#include "crlf.h"
#include "test.h"

#define MAXN	600

/* The reference: a byte at a time. */
static size_t
ref_copy(char *out, const char *in, size_t n)
{
	size_t	i, o = 0;

	for (i = 0; i < n; i++) {
		if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
			out[o++] = '\r';
		out[o++] = in[i];
	}
	return o;
}

/* Every way of cutting s in two and in three pieces counts the same. */
static void
splits(const char *s)
{
	static char	out[2 * MAXN];
	size_t		n = strlen(s), i, j, want, got;
	int		cr, bad = 0;

	want = ref_copy(out, s, n) - n;

	for (i = 0; i <= n; i++)
		for (j = i; j <= n; j++) {
			cr = 0;
			got = crlf_extra(s, i, &cr);
			got += crlf_extra(s + i, j - i, &cr);
			got += crlf_extra(s + j, n - j, &cr);
			if (got != want || cr != (n > 0 && s[n - 1] == '\r'))
				bad++;
		}
	CHECK_INT(bad, 0);
}

static void
test_extra(void)
{
	int	cr;

	cr = 0;
	CHECK_INT(crlf_extra("", 0, &cr), 0);
	CHECK_INT(cr, 0);
	CHECK_INT(crlf_extra("a\nb\n", 4, &cr), 2);
	CHECK_INT(crlf_extra("a\r\nb\r\n", 6, &cr), 0);
	CHECK_INT(cr, 0);
	/* the CR that ended the last piece */
	CHECK_INT(crlf_extra("x\r", 2, &cr), 0);
	CHECK_INT(cr, 1);
	CHECK_INT(crlf_extra("\n", 1, &cr), 0);
	CHECK_INT(cr, 0);
	/* a CR in an earlier piece, something else after it: a bare LF */
	CHECK_INT(crlf_extra("\r", 1, &cr), 0);
	CHECK_INT(crlf_extra("x\n", 2, &cr), 1);
	/* an empty piece changes nothing */
	CHECK_INT(crlf_extra("\r", 1, &cr), 0);
	CHECK_INT(crlf_extra("", 0, &cr), 0);
	CHECK_INT(cr, 1);
	CHECK_INT(crlf_extra("\n\n", 2, &cr), 1);

	splits("");
	splits("\n");
	splits("\r");
	splits("\r\n");
	splits("\n\r");
	splits("a\r\r\nb\n\r\n\n");
	splits("Subject: x\n\nbody\r\nline\rcr\n\n\r");
}

static unsigned long	seed = 12345;

static unsigned
rnd(unsigned n)
{
	seed = seed * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)(seed >> 33) % n;
}

/* Convert in[0..n) in pieces cut at random (whole when cuts is 0). */
static int
check_one(const char *in, size_t n, int cuts)
{
	static char	want[2 * MAXN], got[2 * MAXN + 64];
	size_t		wn, extra = 0, o = 0, i, k;
	int		pcr_e = 0, pcr_c = 0, ok;

	wn = ref_copy(want, in, n);
	for (i = 0; i < n; i += k) {
		k = cuts ? 1 + rnd((unsigned)(n - i)) : n - i;
		if (cuts && rnd(4) == 0)
			k = n - i < 17 ? n - i : 17;
		extra += crlf_extra(in + i, k, &pcr_e);
		/* out: room for exactly this piece's CRLF form, then a
		 * guard */
		{
			int	 p = pcr_c;
			size_t	 e = crlf_extra(in + i, k, &p), w;

			memset(got + o + k + e, '#', 32);
			w = crlf_copy(got + o, in + i, k, &pcr_c);
			if (w != k + e || got[o + k + e] != '#' ||
			    memcmp(got + o + k + e, "################", 16)
			    != 0)
				return 0;
			o += w;
		}
	}
	ok = extra == wn - n && o == wn && memcmp(got, want, wn) == 0;
	return ok;
}

int
main(void)
{
	static const char	*alpha[] = {
		"a", "ab\n", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", "\r\n",
		"\n\r", "\r", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
	};
	char	in[MAXN + 1];
	size_t	n, i, len;
	int	round, bad = 0, pcr;
	char	out[64];

	test_extra();
	/* the fixed cases first */
	pcr = 0;
	CHECK_INT(crlf_copy(out, "a\nb\r\nc\r", 7, &pcr), 8);
	CHECK(memcmp(out, "a\r\nb\r\nc\r", 8) == 0);
	CHECK_INT(pcr, 1);
	/* a CR carried: the LF that starts the next piece is not bare */
	CHECK_INT(crlf_copy(out, "\nx", 2, &pcr), 2);
	CHECK(memcmp(out, "\nx", 2) == 0);
	CHECK_INT(pcr, 0);
	pcr = 1;
	CHECK_INT(crlf_extra("\n\n", 2, &pcr), 1);
	pcr = 0;
	CHECK_INT(crlf_extra("", 0, &pcr), 0);
	CHECK_INT(crlf_copy(out, "", 0, &pcr), 0);
	/* 16 LFs: one vector step of nothing but line ends */
	pcr = 0;
	CHECK_INT(crlf_extra("\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n", 17, &pcr),
	    17);
	CHECK_INT(crlf_copy(out, "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n", 17,
	    &pcr), 34);
	/* a CR at the end of a 16-byte block, its LF in the next */
	pcr = 0;
	CHECK_INT(crlf_extra("aaaaaaaaaaaaaaa\r\naaaaaaaaaaaaaaa", 32, &pcr),
	    0);

	/* random text, every density of line ends */
	for (round = 0; round < 20000; round++) {
		len = rnd(MAXN);
		for (n = 0; n < len; ) {
			const char *a = alpha[rnd(round % 7 + 1)];

			for (i = 0; a[i] != '\0' && n < len; i++)
				in[n++] = a[i];
		}
		if (!check_one(in, n, 0) || !check_one(in, n, 1))
			bad++;
	}
	CHECK_INT(bad, 0);
	return test_done("t_crlf");
}
