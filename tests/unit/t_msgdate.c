/*
 * t_msgdate.c: RFC 5322 dates, current and obsolete forms; the day count
 * against timegm() on the first and last days of every month of years 0
 * to 9999 (a day past a month's end refused where timegm() would move it
 * to the next month).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "msgdate.h"
#include "test.h"

static long long
parse(const char *s, int *off)
{
	time_t	t = 12345;

	*off = 9999;
	if (msgdate_parse(s, strlen(s), &t, off) == -1)
		return -1;
	return (long long)t;
}

/* Days 1 and 28 to 31 of every month of years 0 to 9999, at one time of
 * day or another, against timegm(). */
static void
test_calendar(void)
{
	static const char *const mon[12] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm		 tm;
	char			 s[64];
	time_t			 t, want;
	static const int	 day[] = { 1, 28, 29, 30, 31 };
	long			 y, bad = 0, leaps = 0;
	int			 m, i, d, off, r, ok;

	for (y = 0; y <= 9999; y++)
		for (m = 0; m < 12; m++)
			for (i = 0; i < 5; i++) {
				d = day[i];
				memset(&tm, 0, sizeof(tm));
				tm.tm_year = (int)y - 1900;
				tm.tm_mon = m;
				tm.tm_mday = d;
				tm.tm_hour = (int)(y % 24);
				tm.tm_min = d;
				tm.tm_sec = m;
				want = timegm(&tm);
				ok = tm.tm_mday == d && tm.tm_mon == m;
				(void)snprintf(s, sizeof(s),
				    "%d %s %04ld %02ld:%02d:%02d +0000", d,
				    mon[m], y, y % 24, d, m);
				t = 0;
				r = msgdate_parse(s, strlen(s), &t, &off);
				if (ok ? r != 0 || t != want : r != -1)
					bad++;
				leaps += ok && m == 1 && d == 29;
			}
	CHECK_INT(bad, 0);
	/* 97 leap years in 400. */
	CHECK_INT(leaps, 2425);
}

int
main(void)
{
	test_calendar();
	static const struct {
		const char	*in;
		long long	 t;
		int		 off;
	} t[] = {
		{ "Tue, 1 Jul 2003 10:52:37 +0200", 1057049557, 120 },
		{ "1 Jul 2003 10:52:37 +0200", 1057049557, 120 },
		{ "Tue,  01 Jul 2003 08:52 +0000", 1057049520, 0 },
		{ "Thu, 13 Feb 1969 23:32:54 -0330", -27723426, -210 },
		{ "Fri, 21 Nov 97 09:55:06 GMT", 880106106, 0 },
		{ "21 Nov 03 09:55:06 PST", 1069437306, -480 },
		{ "21 Nov 103 09:55:06 EDT", 1069422906, -240 },
		{ "Mon (comment) , 2 (two) Jan 2023 (x) 10 : 00 : 00 (y) +0100",
		    1672650000, 60 },
		{ "2 jan 2023 10:00:00", 1672653600, 0 },
		{ "2 Jan 2023 10:00:00 A", 1672653600, 0 },
		{ "2-Jan-2023 10:00:00 -0000", 1672653600, 0 },
		{ "31 Dec 2016 23:59:60 +0000", 1483228799, 0 },
		{ "31 Apr 2023 10:00:00 +0000", -1, 0 },
		{ "Tue, 1 Jul 2003", -1, 0 },
		{ "not a date", -1, 0 },
		{ "", -1, 0 },
		{ "1 Jul 2003 24:00:00 +0000", -1, 0 },
		{ "1 Jul 2003 10:00:00 +02", -1, 0 },
		{ "1 Jux 2003 10:00:00 +0000", -1, 0 },
		{ "1 Jul 2003 10:00:00 +0260", -1, 0 },
	};
	size_t	i;
	int	off;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		long long got = parse(t[i].in, &off);

		CHECK_INT(got, t[i].t);
		if (t[i].t != -1)
			CHECK_INT(off, t[i].off);
		else
			CHECK_INT(off, 9999);
	}
	return test_done("t_msgdate");
}
