/*
 * imapdate.c: IMAP "date" and "date-time" (RFC 9051 9) to and from UTC
 * seconds.
 *
 * The calendar arithmetic is done here, on the proleptic Gregorian
 * calendar, rather than with timegm()/gmtime_r(): the result depends on
 * nothing but the input (not on TZ, the locale or the C library's range).
 * Years are limited to 1000..9999, the four-digit years of the grammar that
 * do not start with 0. No I/O.
 */
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "imapdate.h"

#define SECS_PER_DAY	86400
/* Days from 0001-01-01 to 1970-01-01. */
#define EPOCH_DAYS	719162
#define YEAR_MIN	1000
#define YEAR_MAX	9999
/* A zone is at most 23:59 away from UTC ("+2400" is refused). */
#define TZOFF_MAX	(24 * 60 - 1)

/* Days in 400, 100, 4 and 1 years of the Gregorian calendar. */
#define DAYS_400	146097
#define DAYS_100	36524
#define DAYS_4		1461
#define DAYS_1		365

static const char imapdate_months[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static const int imapdate_mdays[12] = {
	31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
};

static int
imapdate_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days in month m (0..11) of year y. */
static int
imapdate_month_days(int y, int m)
{
	return m == 1 && imapdate_leap(y) ? 29 : imapdate_mdays[m];
}

/* Days from 1970-01-01 to y-(m+1)-d; y >= 1, m 0..11, d 1..31. */
static int64_t
imapdate_days_from_civil(int y, int m, int d)
{
	int64_t	 p = y - 1, days;
	int	 i;

	days = p * DAYS_1 + p / 4 - p / 100 + p / 400;
	for (i = 0; i < m; i++)
		days += imapdate_month_days(y, i);
	return days + d - 1 - EPOCH_DAYS;
}

/* The inverse, for days on or after 0001-01-01. */
static void
imapdate_civil_from_days(int64_t days, int *y_r, int *m_r, int *d_r)
{
	int64_t	 r, q400, q100, q4, q1;
	int	 y, m, md;

	r = days + EPOCH_DAYS;
	q400 = r / DAYS_400;
	r %= DAYS_400;
	/* The last day of a 400-year (4-year) cycle is the 366th of its
	 * last century (year), not the first of a fifth one. */
	if ((q100 = r / DAYS_100) == 4)
		q100 = 3;
	r -= q100 * DAYS_100;
	q4 = r / DAYS_4;
	r %= DAYS_4;
	if ((q1 = r / DAYS_1) == 4)
		q1 = 3;
	r -= q1 * DAYS_1;
	y = (int)(1 + 400 * q400 + 100 * q100 + 4 * q4 + q1);
	for (m = 0; m < 11; m++) {
		md = imapdate_month_days(y, m);
		if (r < md)
			break;
		r -= md;
	}
	*y_r = y;
	*m_r = m;
	*d_r = (int)r + 1;
}

/* Exactly n digits at s[*ip] into *r. */
static int
imapdate_digits(const char *s, size_t len, size_t *ip, int n, int *r)
{
	size_t	 i = *ip;
	int	 v = 0;

	for (; n > 0; n--, i++) {
		if (i >= len || s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*ip = i;
	*r = v;
	return 0;
}

static int
imapdate_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* A three-letter month name, any case, at s[*ip]; *r is 0..11. */
static int
imapdate_month(const char *s, size_t len, size_t *ip, int *r)
{
	size_t	 i = *ip, k;
	int	 m;

	if (len - i < 3)
		return -1;
	for (m = 0; m < 12; m++) {
		for (k = 0; k < 3; k++)
			if (imapdate_lower(s[i + k]) !=
			    imapdate_lower(imapdate_months[m][k]))
				break;
		if (k == 3) {
			*ip = i + 3;
			*r = m;
			return 0;
		}
	}
	return -1;
}

static int
imapdate_char(const char *s, size_t len, size_t *ip, char c)
{
	if (*ip >= len || s[*ip] != c)
		return -1;
	(*ip)++;
	return 0;
}

/*
 * The day, month and year at s[*ip] to days since the epoch. The day is
 * date-day (1*2DIGIT); with fixed, also date-day-fixed's SP DIGIT.
 */
static int
imapdate_day(const char *s, size_t len, size_t *ip, int fixed, int64_t *r)
{
	size_t	 i = *ip;
	int	 d, d2, m, y;

	if (fixed && i < len && s[i] == ' ')
		i++;
	else
		fixed = 0;
	if (imapdate_digits(s, len, &i, 1, &d) == -1)
		return -1;
	if (!fixed && i < len && s[i] >= '0' && s[i] <= '9') {
		if (imapdate_digits(s, len, &i, 1, &d2) == -1)
			return -1;
		d = d * 10 + d2;
	}
	if (imapdate_char(s, len, &i, '-') == -1 ||
	    imapdate_month(s, len, &i, &m) == -1 ||
	    imapdate_char(s, len, &i, '-') == -1 ||
	    imapdate_digits(s, len, &i, 4, &y) == -1)
		return -1;
	if (y < YEAR_MIN || y > YEAR_MAX || d < 1 ||
	    d > imapdate_month_days(y, m))
		return -1;
	*ip = i;
	*r = imapdate_days_from_civil(y, m, d);
	return 0;
}

/* Store v in *r if time_t can hold it. */
static int
imapdate_time(int64_t v, time_t *r)
{
	time_t	 t = (time_t)v;

	if ((int64_t)t != v)
		return -1;
	*r = t;
	return 0;
}

int
imapdate_parse_date(const char *s, size_t len, time_t *r)
{
	size_t	 i = 0;
	int64_t	 days;

	if (imapdate_day(s, len, &i, 0, &days) == -1 || i != len)
		return -1;
	return imapdate_time(days * SECS_PER_DAY, r);
}

int
imapdate_parse_datetime(const char *s, size_t len, time_t *r, int *tzoff_r)
{
	size_t	 i = 0;
	int64_t	 days;
	int	 hh, mm, ss, zh, zm, tzoff;
	char	 sign;

	if (imapdate_day(s, len, &i, 1, &days) == -1 ||
	    imapdate_char(s, len, &i, ' ') == -1 ||
	    imapdate_digits(s, len, &i, 2, &hh) == -1 ||
	    imapdate_char(s, len, &i, ':') == -1 ||
	    imapdate_digits(s, len, &i, 2, &mm) == -1 ||
	    imapdate_char(s, len, &i, ':') == -1 ||
	    imapdate_digits(s, len, &i, 2, &ss) == -1 ||
	    imapdate_char(s, len, &i, ' ') == -1 || i >= len)
		return -1;
	sign = s[i++];
	if ((sign != '+' && sign != '-') ||
	    imapdate_digits(s, len, &i, 2, &zh) == -1 ||
	    imapdate_digits(s, len, &i, 2, &zm) == -1 || i != len)
		return -1;
	/* No leap second: time_t has none, and 60 would not format back. */
	if (hh > 23 || mm > 59 || ss > 59 || zh > 23 || zm > 59)
		return -1;
	tzoff = zh * 60 + zm;
	if (sign == '-')
		tzoff = -tzoff;
	if (imapdate_time(days * SECS_PER_DAY + hh * 3600 + mm * 60 + ss -
	    (int64_t)tzoff * 60, r) == -1)
		return -1;
	*tzoff_r = tzoff;
	return 0;
}

/* Write v (0..99) as two digits; pad is the first digit's stand-in for 0. */
static char *
imapdate_put2(char *p, int v, char pad)
{
	*p++ = v >= 10 ? (char)('0' + v / 10) : pad;
	*p++ = (char)('0' + v % 10);
	return p;
}

void
imapdate_format_datetime(time_t t, int tzoff, char *buf)
{
	int64_t	 v, days, secs, lo, hi;
	int	 y, m, d, off;
	char	*p = buf;

	if (tzoff < -TZOFF_MAX || tzoff > TZOFF_MAX)
		tzoff = 0;
	/* Out-of-range instants are clamped so the year keeps 4 digits. */
	lo = imapdate_days_from_civil(YEAR_MIN, 0, 1) * SECS_PER_DAY;
	hi = imapdate_days_from_civil(YEAR_MAX + 1, 0, 1) * SECS_PER_DAY - 1;
	v = (int64_t)t;
	if (v < lo - SECS_PER_DAY)
		v = lo - SECS_PER_DAY;
	if (v > hi + SECS_PER_DAY)
		v = hi + SECS_PER_DAY;
	v += (int64_t)tzoff * 60;
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;

	days = v / SECS_PER_DAY;
	secs = v % SECS_PER_DAY;
	if (secs < 0) {
		secs += SECS_PER_DAY;
		days--;
	}
	imapdate_civil_from_days(days, &y, &m, &d);

	p = imapdate_put2(p, d, ' ');
	*p++ = '-';
	*p++ = imapdate_months[m][0];
	*p++ = imapdate_months[m][1];
	*p++ = imapdate_months[m][2];
	*p++ = '-';
	p = imapdate_put2(p, y / 100, '0');
	p = imapdate_put2(p, y % 100, '0');
	*p++ = ' ';
	p = imapdate_put2(p, (int)(secs / 3600), '0');
	*p++ = ':';
	p = imapdate_put2(p, (int)(secs / 60 % 60), '0');
	*p++ = ':';
	p = imapdate_put2(p, (int)(secs % 60), '0');
	*p++ = ' ';
	*p++ = tzoff < 0 ? '-' : '+';
	off = tzoff < 0 ? -tzoff : tzoff;
	p = imapdate_put2(p, off / 60, '0');
	p = imapdate_put2(p, off % 60, '0');
	*p = '\0';
}
