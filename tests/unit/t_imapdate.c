/*
 * t_imapdate.c: unit tests for imapdate.c: date and date-time syntax,
 * calendar limits (leap years, month lengths, years 1000..9999), zones,
 * formatting, round trips over every day of the range, and agreement with
 * the C library's timegm() whatever TZ says.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "imapdate.h"
#include "test.h"

/* Parse from an exact-size heap copy, so reading past len trips ASan. */
static int
pdate(const char *s, time_t *t)
{
	size_t	 len = strlen(s);
	char	*copy;
	int	 rc;

	if ((copy = malloc(len == 0 ? 1 : len)) == NULL)
		abort();
	memcpy(copy, s, len);
	rc = imapdate_parse_date(copy, len, t);
	free(copy);
	return rc;
}

static int
pdatetime(const char *s, time_t *t, int *tz)
{
	size_t	 len = strlen(s);
	char	*copy;
	int	 rc;

	if ((copy = malloc(len == 0 ? 1 : len)) == NULL)
		abort();
	memcpy(copy, s, len);
	rc = imapdate_parse_datetime(copy, len, t, tz);
	free(copy);
	return rc;
}

static const struct {
	const char	*in;
	int		 rc;
	long long	 t;
} date_tab[] = {
	{ "1-Jan-1970", 0, 0 },
	{ "01-Jan-1970", 0, 0 },
	{ "1-Feb-1994", 0, 760060800 },
	{ "01-Feb-1994", 0, 760060800 },
	{ "1-feb-1994", 0, 760060800 },
	{ "1-FEB-1994", 0, 760060800 },
	{ "1-fEb-1994", 0, 760060800 },
	{ "17-Jul-1996", 0, 837561600 },
	{ "31-Dec-1969", 0, -86400 },
	{ "19-Jan-2038", 0, 2147472000 },
	{ "20-Jan-2038", 0, 2147558400 },
	/* Leap years: every 4th, not every 100th, every 400th. */
	{ "29-Feb-1996", 0, 825552000 },
	{ "29-Feb-2000", 0, 951782400 },
	{ "29-Feb-2004", 0, 1078012800 },
	{ "29-Feb-2024", 0, 1709164800 },
	{ "29-Feb-2400", 0, 13574563200LL },
	{ "28-Feb-2100", 0, 4107456000LL },
	{ "28-Feb-1900", 0, -2203977600LL },
	{ "29-Feb-1900", -1, 0 },
	{ "29-Feb-2100", -1, 0 },
	{ "29-Feb-2200", -1, 0 },
	{ "29-Feb-2300", -1, 0 },
	{ "29-Feb-2023", -1, 0 },
	{ "29-Feb-1999", -1, 0 },
	{ "30-Feb-2000", -1, 0 },
	{ "1-Mar-2100", 0, 4107542400LL },
	/* Month lengths. */
	{ "31-Jan-2021", 0, 1612051200 },
	{ "31-Mar-2021", 0, 1617148800 },
	{ "30-Apr-2021", 0, 1619740800 },
	{ "31-Apr-2021", -1, 0 },
	{ "31-Jun-2021", -1, 0 },
	{ "31-Sep-2021", -1, 0 },
	{ "31-Nov-2021", -1, 0 },
	{ "32-Jan-2021", -1, 0 },
	{ "32-Dec-2021", -1, 0 },
	{ "0-Jan-2021", -1, 0 },
	{ "00-Jan-2021", -1, 0 },
	{ "99-Jan-2021", -1, 0 },
	/* Years: four digits, 1000..9999. */
	{ "1-Jan-1000", 0, -30610224000LL },
	{ "31-Dec-9999", 0, 253402214400LL },
	{ "31-Dec-0999", -1, 0 },
	{ "1-Jan-0000", -1, 0 },
	{ "1-Jan-0001", -1, 0 },
	{ "1-Jan-99", -1, 0 },
	{ "1-Jan-999", -1, 0 },
	{ "1-Jan-10000", -1, 0 },
	{ "1-Jan-20000", -1, 0 },
	{ "1-Jan--200", -1, 0 },
	{ "1-Jan-+200", -1, 0 },
	{ "1-Jan-2o00", -1, 0 },
	/* Months. */
	{ "1-Jam-2000", -1, 0 },
	{ "1-January-2000", -1, 0 },
	{ "1-Ja-2000", -1, 0 },
	{ "1-1-2000", -1, 0 },
	{ "1-01-2000", -1, 0 },
	{ "1--2000", -1, 0 },
	{ "1-Jan", -1, 0 },
	{ "1-Jan-", -1, 0 },
	{ "1-J", -1, 0 },
	/* Days and separators. */
	{ "", -1, 0 },
	{ "1", -1, 0 },
	{ "1-", -1, 0 },
	{ " 1-Jan-2000", -1, 0 },
	{ "001-Jan-2000", -1, 0 },
	{ "-1-Jan-2000", -1, 0 },
	{ "+1-Jan-2000", -1, 0 },
	{ "1 Jan 2000", -1, 0 },
	{ "1/Jan/2000", -1, 0 },
	{ "1-Jan-2000 ", -1, 0 },
	{ "1-Jan-2000x", -1, 0 },
	{ "1-Jan-2000\n", -1, 0 },
	{ "\"1-Jan-2000\"", -1, 0 },
	{ "1-Jan-2000 00:00:00 +0000", -1, 0 },
	{ "Jan-1-2000", -1, 0 },
	{ "2000-01-01", -1, 0 },
	{ "a-Jan-2000", -1, 0 },
	{ "1a-Jan-2000", -1, 0 },
};

/* 17-Jul-1996 09:44:25 UTC */
#define T17	837596665LL
/* 7-Jul-1996 09:44:25 UTC */
#define T7	836732665LL

static const struct {
	const char	*in;
	int		 rc;
	long long	 t;
	int		 tz;
} datetime_tab[] = {
	{ "17-Jul-1996 02:44:25 -0700", 0, T17, -420 },
	{ "17-jul-1996 02:44:25 -0700", 0, T17, -420 },
	{ "17-Jul-1996 09:44:25 +0000", 0, T17, 0 },
	{ "17-Jul-1996 09:44:25 -0000", 0, T17, 0 },
	{ "17-Jul-1996 11:44:25 +0200", 0, T17, 120 },
	{ "17-Jul-1996 15:14:25 +0530", 0, T17, 330 },
	{ "17-Jul-1996 15:29:25 +0545", 0, T17, 345 },
	{ " 7-Jul-1996 02:44:25 -0700", 0, T7, -420 },
	{ "07-Jul-1996 02:44:25 -0700", 0, T7, -420 },
	{ "7-Jul-1996 02:44:25 -0700", 0, T7, -420 },
	{ " 1-Jan-1970 00:00:00 +0000", 0, 0, 0 },
	{ "31-Dec-1969 23:59:59 +0000", 0, -1, 0 },
	{ " 1-Jan-1970 14:00:00 +1400", 0, 0, 840 },
	{ "31-Dec-1969 12:00:00 -1200", 0, 0, -720 },
	{ " 1-Jan-1970 23:59:00 +2359", 0, 0, 1439 },
	{ "31-Dec-1969 00:01:00 -2359", 0, 0, -1439 },
	{ "19-Jan-2038 03:14:07 +0000", 0, 2147483647LL, 0 },
	{ "19-Jan-2038 03:14:08 +0000", 0, 2147483648LL, 0 },
	{ "29-Feb-2000 23:59:59 +0000", 0, 951868799, 0 },
	{ " 1-Jan-1000 00:00:00 +0000", 0, -30610224000LL, 0 },
	{ " 1-Jan-1000 00:00:00 +1400", 0, -30610224000LL - 50400, 840 },
	{ "31-Dec-9999 23:59:59 +0000", 0, 253402300799LL, 0 },
	{ "31-Dec-9999 23:59:59 -1200", 0, 253402300799LL + 43200, -720 },
	{ "31-Dec-9999 00:00:00 +0000", 0, 253402214400LL, 0 },
	{ "01-Jan-2000 00:00:00 +0000", 0, 946684800, 0 },
	{ "01-JAN-2000 00:00:00 +0000", 0, 946684800, 0 },
	/* Times. */
	{ "17-Jul-1996 24:00:00 +0000", -1, 0, 0 },
	{ "17-Jul-1996 23:60:00 +0000", -1, 0, 0 },
	{ "17-Jul-1996 23:59:60 +0000", -1, 0, 0 },
	{ "17-Jul-1996 99:99:99 +0000", -1, 0, 0 },
	{ "17-Jul-1996 2:44:25 -0700", -1, 0, 0 },
	{ "17-Jul-1996 02:4:25 -0700", -1, 0, 0 },
	{ "17-Jul-1996 02:44:5 -0700", -1, 0, 0 },
	{ "17-Jul-1996 02:44 -0700", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25.5 -0700", -1, 0, 0 },
	{ "17-Jul-1996 02-44-25 -0700", -1, 0, 0 },
	{ "17-Jul-1996 02:44:2a -0700", -1, 0, 0 },
	/* Zones. */
	{ "17-Jul-1996 02:44:25 +2400", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25 -2400", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25 +1260", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25 +0099", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25 +9999", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25 0700", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25 -700", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25 -07000", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25 -07:00", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25 PDT", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25 GMT", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25 Z", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25 ", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25 +", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25 --700", -1, 0, 0 },
	/* Dates and spacing. */
	{ "29-Feb-2100 00:00:00 +0000", -1, 0, 0 },
	{ "31-Apr-2021 00:00:00 +0000", -1, 0, 0 },
	{ " 0-Jan-2021 00:00:00 +0000", -1, 0, 0 },
	{ "00-Jan-2021 00:00:00 +0000", -1, 0, 0 },
	{ "31-Dec-0999 23:59:59 +0000", -1, 0, 0 },
	{ "  7-Jul-1996 02:44:25 -0700", -1, 0, 0 },
	{ " 17-Jul-1996 02:44:25 -0700", -1, 0, 0 },
	{ "007-Jul-1996 02:44:25 -0700", -1, 0, 0 },
	{ "17-Jul-1996  02:44:25 -0700", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25  -0700", -1, 0, 0 },
	{ "17-Jul-1996\t02:44:25 -0700", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25 -0700 ", -1, 0, 0 },
	{ "17-Jul-1996 02:44:25 -0700x", -1, 0, 0 },
	{ "\"17-Jul-1996 02:44:25 -0700\"", -1, 0, 0 },
	{ "17-Jul-96 02:44:25 -0700", -1, 0, 0 },
	{ "17 Jul 1996 02:44:25 -0700", -1, 0, 0 },
	{ "Wed, 17 Jul 1996 02:44:25 -0700", -1, 0, 0 },
	{ "17-Jul-1996", -1, 0, 0 },
	{ "", -1, 0, 0 },
	{ " ", -1, 0, 0 },
};

static void
test_parse(void)
{
	time_t	 t;
	size_t	 i;
	int	 tz, rc;

	for (i = 0; i < sizeof(date_tab) / sizeof(date_tab[0]); i++) {
		t = 12345;
		rc = pdate(date_tab[i].in, &t);
		if (rc != date_tab[i].rc)
			fprintf(stderr, "date \"%s\"\n", date_tab[i].in);
		CHECK_INT(rc, date_tab[i].rc);
		if (date_tab[i].rc == 0)
			CHECK_INT(t, date_tab[i].t);
		else
			CHECK_INT(t, 12345);	/* untouched */
	}
	for (i = 0; i < sizeof(datetime_tab) / sizeof(datetime_tab[0]); i++) {
		t = 12345;
		tz = 999;
		rc = pdatetime(datetime_tab[i].in, &t, &tz);
		if (rc != datetime_tab[i].rc)
			fprintf(stderr, "date-time \"%s\"\n",
			    datetime_tab[i].in);
		CHECK_INT(rc, datetime_tab[i].rc);
		if (datetime_tab[i].rc == 0) {
			CHECK_INT(t, datetime_tab[i].t);
			CHECK_INT(tz, datetime_tab[i].tz);
		} else {
			CHECK_INT(t, 12345);
			CHECK_INT(tz, 999);
		}
	}

	/* Only len bytes count. */
	CHECK_INT(imapdate_parse_date("1-Jan-1970xyz", 10, &t), 0);
	CHECK_INT(t, 0);
	CHECK_INT(imapdate_parse_date("1-Jan-1970", 9, &t), -1);
	CHECK_INT(imapdate_parse_date("1-Jan-1970\0", 11, &t), -1);
	CHECK_INT(imapdate_parse_date(NULL, 0, &t), -1);
	CHECK_INT(imapdate_parse_datetime("17-Jul-1996 02:44:25 -07001", 26,
	    &t, &tz), 0);
	CHECK_INT(t, T17);
	CHECK_INT(imapdate_parse_datetime("17-Jul-1996 02:44:25 -0700", 25,
	    &t, &tz), -1);
	CHECK_INT(imapdate_parse_datetime(NULL, 0, &t, &tz), -1);
}

/* Every zone from -1200 to +1400, minute by minute. */
static void
test_zones(void)
{
	char	 in[64], out[IMAPDATE_DATETIME_LEN + 1];
	time_t	 t;
	int	 tz, off, bad = 0;

	for (off = -720; off <= 840; off++) {
		snprintf(in, sizeof(in), "17-Jul-1996 12:00:00 %c%02d%02d",
		    off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
		if (pdatetime(in, &t, &tz) != 0 || tz != off ||
		    (long long)t != 837604800LL - off * 60) {
			fprintf(stderr, "zone \"%s\"\n", in);
			bad++;
			continue;
		}
		imapdate_format_datetime(t, tz, out);
		if (strcmp(in, out) != 0) {
			fprintf(stderr, "\"%s\" formats as \"%s\"\n", in, out);
			bad++;
		}
	}
	CHECK_INT(bad, 0);
	CHECK_INT(pdatetime("17-Jul-1996 12:00:00 -1200", &t, &tz), 0);
	CHECK_INT(tz, -720);
	CHECK_INT(pdatetime("17-Jul-1996 12:00:00 +1400", &t, &tz), 0);
	CHECK_INT(tz, 840);
	CHECK_INT(pdatetime("17-Jul-1996 12:00:00 -0001", &t, &tz), 0);
	CHECK_INT(tz, -1);
}

static const struct {
	long long	 t;
	int		 tz;
	const char	*want;
} format_tab[] = {
	{ T17, -420, "17-Jul-1996 02:44:25 -0700" },
	{ T7, -420, " 7-Jul-1996 02:44:25 -0700" },
	{ T17, 0, "17-Jul-1996 09:44:25 +0000" },
	{ T17, 330, "17-Jul-1996 15:14:25 +0530" },
	{ T17, -1, "17-Jul-1996 09:43:25 -0001" },
	{ 0, 0, " 1-Jan-1970 00:00:00 +0000" },
	{ -1, 0, "31-Dec-1969 23:59:59 +0000" },
	{ 0, 840, " 1-Jan-1970 14:00:00 +1400" },
	{ 0, -720, "31-Dec-1969 12:00:00 -1200" },
	{ 0, 1439, " 1-Jan-1970 23:59:00 +2359" },
	{ 0, -1439, "31-Dec-1969 00:01:00 -2359" },
	{ 951782400, 0, "29-Feb-2000 00:00:00 +0000" },
	{ 951868799, 0, "29-Feb-2000 23:59:59 +0000" },
	{ 951868800, 0, " 1-Mar-2000 00:00:00 +0000" },
	{ 4107456000LL, 0, "28-Feb-2100 00:00:00 +0000" },
	{ 4107542400LL, 0, " 1-Mar-2100 00:00:00 +0000" },
	{ 13574563200LL, 0, "29-Feb-2400 00:00:00 +0000" },
	{ 2147483647LL, 0, "19-Jan-2038 03:14:07 +0000" },
	{ 2147483648LL, 0, "19-Jan-2038 03:14:08 +0000" },
	{ 1709164800, 0, "29-Feb-2024 00:00:00 +0000" },
	{ 1735689599, 0, "31-Dec-2024 23:59:59 +0000" },
	{ -30610224000LL, 0, " 1-Jan-1000 00:00:00 +0000" },
	{ 253402300799LL, 0, "31-Dec-9999 23:59:59 +0000" },
	/* Clamped to the four-digit years. */
	{ -30610224001LL, 0, " 1-Jan-1000 00:00:00 +0000" },
	{ -30610224000LL, -1, " 1-Jan-1000 00:00:00 -0001" },
	{ 253402300800LL, 0, "31-Dec-9999 23:59:59 +0000" },
	{ 253402300799LL, 60, "31-Dec-9999 23:59:59 +0100" },
	{ INT64_MAX, 0, "31-Dec-9999 23:59:59 +0000" },
	{ INT64_MAX, -720, "31-Dec-9999 23:59:59 -1200" },
	{ INT64_MIN, 0, " 1-Jan-1000 00:00:00 +0000" },
	{ INT64_MIN, 840, " 1-Jan-1000 00:00:00 +1400" },
	/* A zone of a day or more is taken as UTC. */
	{ 0, 1440, " 1-Jan-1970 00:00:00 +0000" },
	{ 0, -1440, " 1-Jan-1970 00:00:00 +0000" },
	{ 0, 100000, " 1-Jan-1970 00:00:00 +0000" },
	{ 0, -2147483647 - 1, " 1-Jan-1970 00:00:00 +0000" },
};

static void
test_format(void)
{
	char	 buf[IMAPDATE_DATETIME_LEN + 8];
	size_t	 i;

	for (i = 0; i < sizeof(format_tab) / sizeof(format_tab[0]); i++) {
		if (sizeof(time_t) < 8 && (format_tab[i].t < INT32_MIN ||
		    format_tab[i].t > INT32_MAX))
			continue;
		memset(buf, 'X', sizeof(buf));
		imapdate_format_datetime((time_t)format_tab[i].t,
		    format_tab[i].tz, buf);
		CHECK_STR(buf, format_tab[i].want);
		CHECK_INT(strlen(buf), IMAPDATE_DATETIME_LEN);
		CHECK(buf[IMAPDATE_DATETIME_LEN + 1] == 'X');
	}
}

static const int mdays[12] = {
	31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
};
static const char *mnames[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

/*
 * Every day from 1-Jan-1000 to 31-Dec-9999, counted with the test's own
 * calendar: each parses to the day after the one before, as a date and
 * as a date-time, and formats back to the same text; the day after each
 * month's last is refused. One CHECK each for the whole walk.
 */
static void
test_every_day(void)
{
	char		 in[64], out[IMAPDATE_DATETIME_LEN + 1];
	long long	 want = -30610224000LL;
	time_t		 t;
	int		 y, m, d, n, tz, bad = 0, badfmt = 0, badend = 0;

	for (y = 1000; y <= 9999; y++) {
		for (m = 0; m < 12; m++) {
			n = mdays[m];
			if (m == 1 && ((y % 4 == 0 && y % 100 != 0) ||
			    y % 400 == 0))
				n = 29;
			for (d = 1; d <= n; d++, want += 86400) {
				snprintf(in, sizeof(in), "%d-%s-%d", d,
				    mnames[m], y);
				if (pdate(in, &t) != 0 || t != want)
					bad++;
				snprintf(in, sizeof(in),
				    "%2d-%s-%d 12:34:56 -0130", d, mnames[m],
				    y);
				if (pdatetime(in, &t, &tz) != 0 ||
				    t != want + 45296 + 5400 || tz != -90) {
					bad++;
					continue;
				}
				imapdate_format_datetime(t, tz, out);
				if (strcmp(in, out) != 0)
					badfmt++;
			}
			snprintf(in, sizeof(in), "%d-%s-%d", n + 1, mnames[m],
			    y);
			if (pdate(in, &t) != -1)
				badend++;
		}
	}
	CHECK_INT(bad, 0);
	CHECK_INT(badfmt, 0);
	CHECK_INT(badend, 0);
	CHECK_INT(want, 253402300800LL);
}

/*
 * Agreement with the C library's timegm() and gmtime_r() (glibc: proleptic
 * Gregorian, no leap seconds), at instants spread over the whole range,
 * with TZ set to something far from UTC to show it is not consulted.
 */
static void
test_libc(void)
{
	char		 buf[IMAPDATE_DATETIME_LEN + 1], want[64];
	struct tm	 tm;
	long long	 v;
	time_t		 t, back;
	int		 tz, bad = 0;

	if (sizeof(time_t) < 8)
		return;
	setenv("TZ", "Pacific/Kiritimati", 1);
	tzset();
	for (v = -30610224000LL; v <= 253402300799LL; v += 999999937LL / 7) {
		t = (time_t)v;
		if (gmtime_r(&t, &tm) == NULL) {
			bad++;
			continue;
		}
		snprintf(want, sizeof(want), "%2d-%s-%04d %02d:%02d:%02d +0000",
		    tm.tm_mday, mnames[tm.tm_mon], tm.tm_year + 1900,
		    tm.tm_hour, tm.tm_min, tm.tm_sec);
		imapdate_format_datetime(t, 0, buf);
		if (strcmp(buf, want) != 0) {
			fprintf(stderr, "%lld: \"%s\", libc \"%s\"\n", v, buf,
			    want);
			bad++;
		}
		if (pdatetime(buf, &back, &tz) != 0 || back != t ||
		    back != timegm(&tm))
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(pdatetime(" 1-Jan-1970 00:00:00 +0000", &t, &tz), 0);
	CHECK_INT(t, 0);
	CHECK_INT(pdate("1-Jan-1970", &t), 0);
	CHECK_INT(t, 0);
	unsetenv("TZ");
	tzset();
}

int
main(void)
{
	test_parse();
	test_zones();
	test_format();
	test_every_day();
	test_libc();
	return test_done("t_imapdate");
}
