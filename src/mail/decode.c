/*
 * decode.c: quoted-printable and base64 bodies a chunk at a time, RFC 2047
 * encoded words in header values, and charsets to UTF-8 (see decode.h).
 * Nothing here fails on bad input: the search must find what a reader
 * would see, as far as there is anything to see.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "casemap.h"
#include "decode.h"

static const char	replacement[] = "\xef\xbf\xbd";	/* U+FFFD */

enum decode_cte
decode_cte_parse(const char *v)
{
	if (v == NULL)
		return CTE_NONE;
	while (*v == ' ' || *v == '\t')
		v++;
	if (strncasecmp(v, "quoted-printable", 16) == 0)
		return CTE_QP;
	if (strncasecmp(v, "base64", 6) == 0)
		return CTE_BASE64;
	return CTE_NONE;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The digit values of base64 (RFC 4648 4) by byte; -1: not a digit. */
static const signed char b64_value[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

int
decode_b64_value(int c)
{
	return c >= 0 && c < 256 ? b64_value[c] : -1;
}

void
decode_body_init(struct decode_body *d, enum decode_cte cte)
{
	memset(d, 0, sizeof(*d));
	d->cte = cte;
}

/*
 * What follows "=" (RFC 2045 6.7): two hex digits are a byte; white space
 * up to the line end is a soft line break; anything else is not an
 * encoding. Returns 1 when pend is settled (its output written), 0
 * when more input is needed, -1 when it is no encoding ("=" written, the
 * rest of pend to be looked at again).
 */
static int
qp_settle(struct decode_body *d, char *out, size_t *o, int final)
{
	size_t	i;
	int	h, l;

	if (d->npend >= 3 && (h = hexval((unsigned char)d->pend[1])) >= 0 &&
	    (l = hexval((unsigned char)d->pend[2])) >= 0) {
		out[(*o)++] = (char)(h << 4 | l);
		d->npend = 0;
		return 1;
	}
	for (i = 1; i < d->npend; i++) {
		char c = d->pend[i];

		if (c == '\n') {
			d->npend = 0;	/* soft line break */
			return 1;
		}
		if (c != ' ' && c != '\t' && c != '\r')
			break;
		if (c == '\r' && i + 1 < d->npend && d->pend[i + 1] != '\n')
			break;
	}
	if (i == d->npend && !final && d->npend < sizeof(d->pend) &&
	    (d->npend < 3 || d->pend[1] == ' ' || d->pend[1] == '\t' ||
	    d->pend[1] == '\r'))
		return 0;
	if (d->npend == 2 && !final && hexval((unsigned char)d->pend[1]) >= 0)
		return 0;
	/* Not an encoding: "=" as it is; the caller looks at the rest
	 * again (it may start another "="). */
	out[(*o)++] = '=';
	return -1;
}

static size_t	qp_chunk(struct decode_body *, const char *, size_t, char *,
		    int);

/* pend after its "=" was output: fed again (it is shorter each time). */
static size_t
qp_refeed(struct decode_body *d, char *out, int final)
{
	char	rest[sizeof(d->pend)];
	size_t	n = d->npend - 1;

	memcpy(rest, d->pend + 1, n);
	d->npend = 0;
	return qp_chunk(d, rest, n, out, final);
}

static size_t
qp_chunk(struct decode_body *d, const char *in, size_t len, char *out,
    int final)
{
	size_t		 i = 0, o = 0;
	const char	*eq;

	while (i < len) {
		if (d->npend > 0) {
			d->pend[d->npend++] = in[i++];
			if (qp_settle(d, out, &o, 0) == -1)
				o += qp_refeed(d, out + o, 0);
			continue;
		}
		eq = memchr(in + i, '=', len - i);
		if (eq == NULL) {
			memcpy(out + o, in + i, len - i);
			o += len - i;
			break;
		}
		memcpy(out + o, in + i, (size_t)(eq - (in + i)));
		o += (size_t)(eq - (in + i));
		i = (size_t)(eq - in) + 1;
		d->pend[0] = '=';
		d->npend = 1;
	}
	if (final && d->npend > 0 && qp_settle(d, out, &o, 1) == -1)
		o += qp_refeed(d, out + o, 1);
	return o;
}

static size_t
b64_chunk(struct decode_body *d, const char *in, size_t len, char *out)
{
	const unsigned char	*u = (const unsigned char *)in;
	size_t			 i, o = 0;
	unsigned		 q;
	int			 v;

	for (i = 0; i < len; i++) {
		/* four digits on a group boundary: three bytes at once */
		while (d->nbits == 0 && len - i >= 4 && (v = b64_value[u[i]] |
		    b64_value[u[i + 1]] | b64_value[u[i + 2]] |
		    b64_value[u[i + 3]]) >= 0) {
			q = (unsigned)b64_value[u[i]] << 18 |
			    (unsigned)b64_value[u[i + 1]] << 12 |
			    (unsigned)b64_value[u[i + 2]] << 6 |
			    (unsigned)b64_value[u[i + 3]];
			out[o++] = (char)(q >> 16);
			out[o++] = (char)(q >> 8);
			out[o++] = (char)q;
			d->bits = q;
			i += 4;
		}
		if (i == len)
			break;
		if ((v = b64_value[u[i]]) < 0) {
			/* Padding ends a group: what is left of it is not
			 * data. Other bytes are skipped (line ends, junk). */
			if (in[i] == '=')
				d->nbits = 0;
			continue;
		}
		d->bits = (d->bits << 6 | (unsigned)v) & 0xffffff;
		d->nbits += 6;
		if (d->nbits >= 8) {
			d->nbits -= 8;
			out[o++] = (char)(d->bits >> d->nbits);
		}
	}
	return o;
}

size_t
decode_body_chunk(struct decode_body *d, const char *in, size_t len,
    char *out, int final)
{
	switch (d->cte) {
	case CTE_QP:
		return qp_chunk(d, in, len, out, final);
	case CTE_BASE64:
		return b64_chunk(d, in, len, out);
	default:
		memcpy(out, in, len);
		return len;
	}
}

/* The iconv descriptors opened so far, by charset name; reused. */
#define CONV_CACHE	8
static struct {
	char	 name[40];
	iconv_t	 cd;
	int	 busy;
} conv_cache[CONV_CACHE];
static unsigned	conv_next;

static int
charset_is(const char *cs, const char *name)
{
	return strcasecmp(cs, name) == 0;
}

static int
charset_utf8(const char *cs)
{
	return charset_is(cs, "utf-8") || charset_is(cs, "utf8");
}

static int
charset_ascii(const char *cs)
{
	return *cs == '\0' || charset_is(cs, "us-ascii") ||
	    charset_is(cs, "ascii") || charset_is(cs, "ansi_x3.4-1968");
}

/* ISO-8859-1 by its commonest names: byte b is U+00bb (ISO/IEC 8859-1),
 * as glibc's iconv has it, without iconv's cost. */
static int
charset_latin1(const char *cs)
{
	return charset_is(cs, "iso-8859-1") || charset_is(cs, "latin1") ||
	    charset_is(cs, "iso8859-1");
}

static iconv_t
conv_open(const char *cs)
{
	iconv_t		cd;
	unsigned	i;

	if (strlen(cs) >= sizeof(conv_cache[0].name))
		return (iconv_t)-1;
	for (i = 0; i < CONV_CACHE; i++)
		if (conv_cache[i].name[0] != '\0' && !conv_cache[i].busy &&
		    strcasecmp(conv_cache[i].name, cs) == 0) {
			(void)iconv(conv_cache[i].cd, NULL, NULL, NULL, NULL);
			conv_cache[i].busy = 1;
			return conv_cache[i].cd;
		}
	if ((cd = iconv_open("UTF-8", cs)) == (iconv_t)-1)
		return cd;
	for (i = 0; i < CONV_CACHE; i++, conv_next++)
		if (!conv_cache[conv_next % CONV_CACHE].busy)
			break;
	if (i == CONV_CACHE)
		return cd;	/* all in use: not cached */
	i = conv_next++ % CONV_CACHE;
	if (conv_cache[i].name[0] != '\0')
		(void)iconv_close(conv_cache[i].cd);
	(void)strlcpy(conv_cache[i].name, cs, sizeof(conv_cache[i].name));
	conv_cache[i].cd = cd;
	conv_cache[i].busy = 1;
	return cd;
}

static void
conv_close(iconv_t cd)
{
	unsigned	i;

	for (i = 0; i < CONV_CACHE; i++)
		if (conv_cache[i].name[0] != '\0' && conv_cache[i].cd == cd) {
			conv_cache[i].busy = 0;
			return;
		}
	(void)iconv_close(cd);
}

int
decode_charset_known(const char *cs)
{
	iconv_t	cd;

	if (cs == NULL || charset_utf8(cs) || charset_ascii(cs))
		return 1;
	if ((cd = conv_open(cs)) == (iconv_t)-1)
		return 0;
	conv_close(cd);
	return 1;
}

int
decode_conv_init(struct decode_conv *c, const char *cs)
{
	iconv_t	cd;

	memset(c, 0, sizeof(*c));
	if (cs == NULL || charset_ascii(cs)) {
		c->ascii = 1;
		return 0;
	}
	if (charset_utf8(cs))
		return 0;
	if (charset_latin1(cs)) {
		c->latin1 = 1;
		return 0;
	}
	if ((cd = conv_open(cs)) == (iconv_t)-1)
		return -1;
	c->cd = cd;
	return 0;
}

void
decode_conv_end(struct decode_conv *c)
{
	if (c->cd != NULL)
		conv_close((iconv_t)c->cd);
	c->cd = NULL;
}

/*
 * UTF-8 (or US-ASCII) checked: whole valid characters copied, everything
 * else U+FFFD. The pending bytes of an incomplete character are joined to
 * the start of in through a small window.
 */
static size_t
check_chunk(struct decode_conv *c, const char *in, size_t len,
    size_t *used_r, char *out, size_t outsize, int final)
{
	unsigned char	 win[sizeof(c->pend) + 8];
	const unsigned char *p;
	size_t		 o = 0, i = 0, wlen = 0, np = c->npend, k, n;
	uint32_t	 cp;
	int		 r, inwin = np > 0, kept = 0;

	if (inwin) {
		memcpy(win, c->pend, np);
		k = len < 8 ? len : 8;
		memcpy(win + np, in, k);
		wlen = np + k;
		c->npend = 0;
	}
	for (;;) {
		if (inwin && i >= np) {
			/* past the pending bytes: on with in itself */
			i -= np;
			inwin = 0;
		}
		p = inwin ? win + i : (const unsigned char *)in + i;
		n = inwin ? wlen - i : len - i;
		if (n == 0 || outsize - o < 4)
			break;
		if (*p < 0x80) {
			/* ASCII runs, the common case */
			k = casemap_ascii_span((const char *)p,
			    n < outsize - o ? n : outsize - o);
			memcpy(out + o, p, k);
			o += k;
			i += k;
			continue;
		}
		r = c->ascii ? 0 : casemap_utf8_get(p, n, &cp);
		if (r == -1 && !final) {
			/* incomplete at the end of the input: keep it */
			memcpy(c->pend, p, n);
			c->npend = n;
			kept = 1;
			break;
		}
		if (r <= 0) {
			/* a character cut short by the end: one U+FFFD */
			memcpy(out + o, replacement, 3);
			o += 3;
			i += r == -1 ? n : 1;
			continue;
		}
		memcpy(out + o, p, (size_t)r);
		o += (size_t)r;
		i += (size_t)r;
	}
	if (kept)
		*used_r = len;
	else if (inwin) {
		/* out is full within the pending bytes: keep the rest */
		memmove(c->pend, win + i, np - i);
		c->npend = np - i;
		*used_r = 0;
	} else
		*used_r = i;
	return o;
}

/* ISO-8859-1: every byte is a character, so nothing is ever pending. */
static size_t
latin1_chunk(const char *in, size_t len, size_t *used_r, char *out,
    size_t outsize)
{
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 i = 0, o = 0, k;

	while (i < len) {
		if (p[i] < 0x80) {
			k = casemap_ascii_span(in + i, len - i < outsize - o ?
			    len - i : outsize - o);
			if (k == 0)
				break;		/* out is full */
			memcpy(out + o, in + i, k);
			o += k;
			i += k;
			continue;
		}
		if (outsize - o < 2)
			break;
		out[o++] = (char)(0xc0 | p[i] >> 6);
		out[o++] = (char)(0x80 | (p[i] & 0x3f));
		i++;
	}
	*used_r = i;
	return o;
}

/* One iconv call, EILSEQ and EINVAL handled. Returns -1 when out is full. */
static int
iconv_step(struct decode_conv *c, char **inp, size_t *inleft, char **outp,
    size_t *outleft, int final)
{
	size_t	r;

	r = iconv((iconv_t)c->cd, inp, inleft, outp, outleft);
	if (r != (size_t)-1)
		return 0;
	if (errno == E2BIG)
		return -1;
	if (errno == EINVAL && !final)
		return 0;		/* incomplete: the caller keeps it */
	if (*outleft < 3)
		return -1;
	/* invalid (or incomplete at the very end): U+FFFD for a byte */
	memcpy(*outp, replacement, 3);
	*outp += 3;
	*outleft -= 3;
	(*inp)++;
	(*inleft)--;
	(void)iconv((iconv_t)c->cd, NULL, NULL, NULL, NULL);
	return 0;
}

/*
 * glibc's converters can write what is not UTF-8: code points above
 * U+10FFFF (its UTF-8 and UCS-4 readers take values up to 2^31) as 4- to
 * 6-byte sequences. Each such sequence becomes U+FFFD, in place: a
 * sequence of three bytes or more never grows. iconv writes whole
 * characters, so out[0..n) holds no cut sequence.
 */
static size_t
iconv_sanitize(char *out, size_t n)
{
	const unsigned char	*u = (const unsigned char *)out;
	size_t			 i = 0, o = 0, k;
	uint32_t		 cp;
	int			 r;

	while (i < n) {
		if (u[i] < 0x80) {
			out[o++] = out[i++];
			continue;
		}
		if ((r = casemap_utf8_get(u + i, n - i, &cp)) > 0) {
			memmove(out + o, out + i, (size_t)r);
			o += (size_t)r;
			i += (size_t)r;
			continue;
		}
		for (k = 1; i + k < n && (u[i + k] & 0xc0) == 0x80; k++)
			;
		i += k;
		if (o + 3 <= i) {	/* else dropped: never written */
			memcpy(out + o, replacement, 3);
			o += 3;
		}
	}
	return o;
}

static size_t
iconv_chunk(struct decode_conv *c, const char *in, size_t len,
    size_t *used_r, char *out, size_t outsize, int final)
{
	char	*inp, *outp = out;
	size_t	 inleft, outleft = outsize - 4, used = 0, before;

	/* Pending bytes first, one more input byte at a time. */
	while (c->npend > 0) {
		int added = 0;

		if (used < len && c->npend < sizeof(c->pend)) {
			c->pend[c->npend++] = in[used++];
			added = 1;
		}
		inp = c->pend;
		inleft = c->npend;
		before = inleft;
		if (iconv_step(c, &inp, &inleft, &outp, &outleft,
		    final && used == len) == -1) {
			if (added) {
				used--;
				c->npend--;
			}
			goto out;
		}
		memmove(c->pend, inp, inleft);
		c->npend = inleft;
		if (inleft < before)
			continue;
		if (used == len && !final)
			goto out;	/* wait for more */
		if (!added) {
			/* stuck: give up a byte */
			if (outleft < 3)
				goto out;
			memcpy(outp, replacement, 3);
			outp += 3;
			outleft -= 3;
			memmove(c->pend, c->pend + 1, --c->npend);
		}
	}
	inp = (char *)(uintptr_t)(in + used);
	inleft = len - used;
	while (inleft > 0) {
		before = inleft;
		if (iconv_step(c, &inp, &inleft, &outp, &outleft, final) == -1)
			break;
		if (inleft == before) {
			/* incomplete at the end: keep it */
			if (inleft <= sizeof(c->pend)) {
				memcpy(c->pend, inp, inleft);
				c->npend = inleft;
				inleft = 0;
			}
			break;
		}
	}
	used = len - inleft;
out:
	*used_r = used;
	return iconv_sanitize(out, (size_t)(outp - out));
}

size_t
decode_conv_chunk(struct decode_conv *c, const char *in, size_t len,
    size_t *used_r, char *out, size_t outsize, int final)
{
	if (c->latin1)
		return latin1_chunk(in, len, used_r, out, outsize);
	if (c->cd == NULL)
		return check_chunk(c, in, len, used_r, out, outsize, final);
	return iconv_chunk(c, in, len, used_r, out, outsize, final);
}

/* Convert all of in[0..len) and append it to out. */
static int
conv_all(struct decode_conv *c, struct buf *out, const char *in, size_t len)
{
	char	tmp[1024];
	size_t	used, n, pos = 0;

	do {
		n = decode_conv_chunk(c, in + pos, len - pos, &used, tmp,
		    sizeof(tmp), 1);
		pos += used;
		if (buf_add(out, tmp, n) == -1)
			return -1;
	} while (pos < len || n > 0);
	return 0;
}

int
decode_utf8_valid(struct buf *out, const char *s, size_t len)
{
	struct decode_conv	c;

	/* ASCII is valid as it is (if out is short of room, conv_all
	 * fills what it can, as before) */
	if (casemap_ascii_span(s, len) == len && buf_add(out, s, len) == 0)
		return 0;
	memset(&c, 0, sizeof(c));	/* UTF-8 checked, no charset name */
	return conv_all(&c, out, s, len);
}

/*
 * An encoded word at s (RFC 2047 2): "=?" charset ["*" language] "?"
 * encoding "?" text "?=". Returns its length, or 0 if there is none; sets
 * the charset (without language) and the encoded text.
 */
static size_t
word_parse(const char *s, size_t len, char *cs, size_t cssize, int *enc_r,
    const char **text_r, size_t *textlen_r)
{
	size_t	i = 2, c0, n;

	if (len < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	c0 = i;
	while (i < len && s[i] != '?' && s[i] > ' ' && s[i] < 0x7f)
		i++;
	if (i + 3 >= len || s[i] != '?' || i == c0 || i - c0 >= cssize)
		return 0;
	memcpy(cs, s + c0, i - c0);
	cs[i - c0] = '\0';
	if ((n = strcspn(cs, "*")) < i - c0)
		cs[n] = '\0';	/* RFC 2231 5: the language is dropped */
	i++;
	if (s[i] != 'B' && s[i] != 'b' && s[i] != 'Q' && s[i] != 'q')
		return 0;
	*enc_r = s[i] == 'B' || s[i] == 'b' ? 'B' : 'Q';
	if (s[++i] != '?')
		return 0;
	*text_r = s + ++i;
	while (i + 1 < len && !(s[i] == '?' && s[i + 1] == '=') &&
	    s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
		i++;
	if (i + 1 >= len || s[i] != '?' || s[i + 1] != '=')
		return 0;
	*textlen_r = (size_t)(s + i - *text_r);
	return i + 2;
}

/* An encoded word's text, decoded to bytes, appended to raw. */
static int
word_decode(struct buf *raw, int enc, const char *t, size_t n)
{
	struct decode_body	d;
	char			tmp[256 + DECODE_SLACK];
	size_t			i, k, o;
	int			h, l;

	if (enc == 'B') {
		decode_body_init(&d, CTE_BASE64);
		for (i = 0; i < n; i += k) {
			k = n - i < 256 ? n - i : 256;
			o = decode_body_chunk(&d, t + i, k, tmp, 0);
			if (buf_add(raw, tmp, o) == -1)
				return -1;
		}
		return 0;
	}
	for (i = 0; i < n; i++) {
		char c = t[i];

		if (c == '_')
			c = ' ';
		else if (c == '=' && i + 2 < n &&
		    (h = hexval((unsigned char)t[i + 1])) >= 0 &&
		    (l = hexval((unsigned char)t[i + 2])) >= 0) {
			c = (char)(h << 4 | l);
			i += 2;
		}
		if (buf_addc(raw, c) == -1)
			return -1;
	}
	return 0;
}

/* Flush the decoded bytes of a run of encoded words in one charset. */
static int
run_flush(struct buf *out, struct buf *raw, const char *cs)
{
	struct decode_conv	c;
	int			r;

	if (raw->len == 0)
		return 0;
	(void)decode_conv_init(&c, cs);	/* unknown: taken as UTF-8 */
	if (c.ascii)
		(void)decode_conv_init(&c, "utf-8");
	r = conv_all(&c, out, raw->data, raw->len);
	decode_conv_end(&c);
	buf_reset(raw);
	return r;
}

/*
 * A value in ASCII with no "=?", as most are, appended as the loop of
 * decode_header would append it, without its steps: a line end is dropped
 * where it starts a run of white space (unfolding) and kept after a space
 * or tab of the run, as that loop keeps a run from its first space or tab.
 * Returns 0, or -1 (nothing appended) if the value is not such a one or out
 * could be short of room.
 */
static int
header_plain(struct buf *out, const char *s, size_t len)
{
	const char	*eq = s;
	size_t		 i, start = 0;
	int		 after_ws = 0;

	if (len > out->max - out->len || casemap_ascii_span(s, len) != len)
		return -1;
	while ((eq = memchr(eq, '=', len - (size_t)(eq - s))) != NULL)
		if (++eq < s + len && *eq == '?')
			return -1;
	if (memchr(s, '\n', len) == NULL && memchr(s, '\r', len) == NULL)
		return buf_add(out, s, len);
	for (i = 0; i < len; i++) {
		if (s[i] == '\r' || s[i] == '\n') {
			if (!after_ws) {
				(void)buf_add(out, s + start, i - start);
				start = i + 1;
			}
			continue;
		}
		after_ws = s[i] == ' ' || s[i] == '\t';
	}
	return buf_add(out, s + start, len - start);
}

int
decode_header(struct buf *out, const char *s, size_t len)
{
	struct buf	 raw;
	char		 cs[64], runcs[64] = "";
	const char	*text;
	size_t		 i = 0, j, wl, tl, ws = 0, wslen = 0;
	int		 enc, last_word = 0, r = -1;

	if (header_plain(out, s, len) == 0)
		return 0;
	buf_init(&raw, out->max);
	while (i < len) {
		if (s[i] == '\r' || s[i] == '\n') {
			i++;		/* unfolding (RFC 5322 2.2.3) */
			continue;
		}
		if (s[i] == ' ' || s[i] == '\t') {
			if (wslen == 0)
				ws = i;
			for (j = i; j < len && (s[j] == ' ' || s[j] == '\t' ||
			    s[j] == '\r' || s[j] == '\n'); j++)
				;
			wslen = j - ws;
			i = j;
			continue;
		}
		wl = word_parse(s + i, len - i, cs, sizeof(cs), &enc, &text,
		    &tl);
		if (wl > 0) {
			if (!last_word || strcasecmp(cs, runcs) != 0) {
				if (run_flush(out, &raw, runcs) == -1)
					goto out;
				(void)strlcpy(runcs, cs, sizeof(runcs));
			}
			/* RFC 2047 6.2: white space between two encoded
			 * words is not displayed. */
			if (wslen > 0 && !last_word && decode_utf8_valid(out,
			    s + ws, wslen) == -1)
				goto out;
			wslen = 0;
			if (word_decode(&raw, enc, text, tl) == -1)
				goto out;
			last_word = 1;
			i += wl;
			continue;
		}
		if (run_flush(out, &raw, runcs) == -1)
			goto out;
		if (wslen > 0 && decode_utf8_valid(out, s + ws, wslen) == -1)
			goto out;
		wslen = 0;
		last_word = 0;
		for (j = i + 1; j < len && s[j] != ' ' && s[j] != '\t' &&
		    s[j] != '\r' && s[j] != '\n' &&
		    !(s[j] == '=' && j + 1 < len && s[j + 1] == '?'); j++)
			;
		if (decode_utf8_valid(out, s + i, j - i) == -1)
			goto out;
		i = j;
	}
	if (run_flush(out, &raw, runcs) == -1)
		goto out;
	/* trailing white space is kept, as in the header */
	if (wslen > 0 && decode_utf8_valid(out, s + ws, wslen) == -1)
		goto out;
	r = 0;
out:
	buf_free(&raw);
	return r;
}
