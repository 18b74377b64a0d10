/*
 * msgdate.c: RFC 5322 3.3 date-time, read leniently (RFC 5322 4.3 and what
 * mailers really write): the day of the week is ignored, comments are
 * skipped, two-digit years are 19xx from 50 on and 20xx before, zone names
 * of RFC 822 are known, military zones count as 0 (RFC 5322 4.3 says they
 * were given wrongly so often that they mean nothing).
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "msgdate.h"

struct rd {
	const char	*s;
	size_t		 len, i;
};

/* Skip white space and (nested) comments. */
static void
skip_cfws(struct rd *r)
{
	int	depth = 0;

	while (r->i < r->len) {
		char c = r->s[r->i];

		if (depth > 0 && c == '\\' && r->i + 1 < r->len)
			r->i++;
		else if (c == '(')
			depth++;
		else if (c == ')' && depth > 0)
			depth--;
		else if (depth == 0 && c != ' ' && c != '\t' && c != '\r' &&
		    c != '\n')
			break;
		r->i++;
	}
}

/* Digits, at most max of them: the number, or -1; *n_r the digit count. */
static long
num(struct rd *r, int max, int *n_r)
{
	long	v = 0;
	int	n = 0;

	while (r->i < r->len && n < max && r->s[r->i] >= '0' &&
	    r->s[r->i] <= '9') {
		v = v * 10 + (r->s[r->i++] - '0');
		n++;
	}
	*n_r = n;
	return n == 0 ? -1 : v;
}

static int
word(struct rd *r, char *w, size_t size)
{
	size_t	n = 0;

	/* ASCII letters (isalpha() in the C locale, without its calls) */
	while (r->i < r->len && (unsigned char)((r->s[r->i] | 0x20) - 'a') <
	    26) {
		if (n + 1 < size)
			w[n++] = r->s[r->i];
		r->i++;
	}
	w[n] = '\0';
	return n > 0 ? 0 : -1;
}

static int
month_of(const char *w)
{
	static const char	months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	char			l[3];
	int			m;

	if (strlen(w) < 3)
		return -1;
	/* word() takes letters only: ASCII case by one bit. */
	for (m = 0; m < 3; m++)
		l[m] = (char)(w[m] | 0x20);
	for (m = 0; m < 12; m++)
		if (memcmp(l, months + m * 3, 3) == 0)
			return m;
	return -1;
}

static int
zone_of(const char *w, int *off)
{
	static const struct {
		const char	*name;
		int		 off;
	} zones[] = {
		{ "UT", 0 }, { "UTC", 0 }, { "GMT", 0 }, { "Z", 0 },
		{ "EST", -300 }, { "EDT", -240 }, { "CST", -360 },
		{ "CDT", -300 }, { "MST", -420 }, { "MDT", -360 },
		{ "PST", -480 }, { "PDT", -420 },
	};
	size_t	i;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (strcasecmp(w, zones[i].name) == 0) {
			*off = zones[i].off;
			return 0;
		}
	*off = 0;		/* military or unknown: RFC 5322 4.3 */
	return 0;
}

static int
leap_year(long y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* Days in month mon (0 to 11) of year, in the proleptic Gregorian
 * calendar timegm() uses. */
static long
month_days(long year, int mon)
{
	static const unsigned char	days[12] = { 31, 28, 31, 30, 31, 30,
	    31, 31, 30, 31, 30, 31 };

	return mon == 1 && leap_year(year) ? 29 : days[mon];
}

/* Leap years before year y (y >= 0), year 0 being one. */
static long
leaps_before(long y)
{
	return y == 0 ? 0 : (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400 + 1;
}

/*
 * Days from 1 January 1970 to the given day (year 0 to 9999, as the
 * parser reads it; mon 0 to 11): what timegm() counts, without its
 * normalising and time zone machinery, which cost more than all of the
 * parsing.
 */
static long long
days_since_epoch(long year, int mon, int day)
{
	static const short	before[12] = { 0, 31, 59, 90, 120, 151, 181,
	    212, 243, 273, 304, 334 };

	return 365LL * (year - 1970) + leaps_before(year) -
	    leaps_before(1970) + before[mon] + (mon > 1 && leap_year(year)) +
	    day - 1;
}

int
msgdate_parse(const char *s, size_t len, time_t *t_r, int *tzoff_r)
{
	struct rd	 r = { s, len, 0 };
	char		 w[16];
	long		 day, year, hh, mm, ss = 0, z;
	int		 n, mon, off = 0, sign;
	size_t		 save;
	time_t		 t;

	skip_cfws(&r);
	save = r.i;
	if (word(&r, w, sizeof(w)) == 0) {
		/* day-of-week "," (the comma is optional in practice) */
		skip_cfws(&r);
		if (r.i < len && s[r.i] == ',')
			r.i++;
		skip_cfws(&r);
	} else
		r.i = save;
	if ((day = num(&r, 2, &n)) < 1 || day > 31)
		return -1;
	skip_cfws(&r);
	if (r.i < len && s[r.i] == '-')
		r.i++;
	if (word(&r, w, sizeof(w)) == -1 || (mon = month_of(w)) == -1)
		return -1;
	skip_cfws(&r);
	if (r.i < len && s[r.i] == '-')
		r.i++;
	if ((year = num(&r, 4, &n)) < 0)
		return -1;
	if (n == 2)
		year += year < 50 ? 2000 : 1900;
	else if (n == 3)
		year += 1900;
	skip_cfws(&r);
	if ((hh = num(&r, 2, &n)) < 0 || hh > 23)
		return -1;
	skip_cfws(&r);
	if (r.i >= len || s[r.i++] != ':')
		return -1;
	skip_cfws(&r);
	if ((mm = num(&r, 2, &n)) < 0 || mm > 59)
		return -1;
	skip_cfws(&r);
	if (r.i < len && s[r.i] == ':') {
		r.i++;
		skip_cfws(&r);
		if ((ss = num(&r, 2, &n)) < 0 || ss > 60)
			return -1;
		skip_cfws(&r);
	}
	if (r.i < len && (s[r.i] == '+' || s[r.i] == '-')) {
		sign = s[r.i++] == '-' ? -1 : 1;
		if ((z = num(&r, 4, &n)) < 0 || n != 4 || z % 100 > 59)
			return -1;
		off = sign * (int)(z / 100 * 60 + z % 100);
	} else if (word(&r, w, sizeof(w)) == 0)
		(void)zone_of(w, &off);
	/* day 31 of a 30-day month and such: no date */
	if (day > month_days(year, mon))
		return -1;
	t = (time_t)(days_since_epoch(year, mon, (int)day) * 86400 +
	    hh * 3600 + mm * 60 + (ss == 60 ? 59 : ss));
	*t_r = t - (time_t)off * 60;
	*tzoff_r = off;
	return 0;
}
