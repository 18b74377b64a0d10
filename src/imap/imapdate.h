/*
 * imapdate.h: IMAP "date" and "date-time" (RFC 9051 9).
 *   date      = date-text / DQUOTE date-text DQUOTE,  date-text = d[d]-Mon-yyyy
 *   date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE
 * The callers pass the string's contents (quotes already removed by the
 * parser). Month names are case-insensitive. Pure code.
 */
#ifndef MDIMAPD_IMAPDATE_H
#define MDIMAPD_IMAPDATE_H

#include <stddef.h>
#include <time.h>

/* "dd-Mon-yyyy hh:mm:ss +zzzz" */
#define IMAPDATE_DATETIME_LEN	26

/*
 * Parse a date ("1-Feb-1994" or "01-Feb-1994") to the UTC midnight that
 * starts that day (SEARCH SINCE/BEFORE/ON compare calendar days).
 * Returns 0, or -1 if invalid (bad month, day 31 in April, year < 1000...);
 * *r is left alone on error.
 */
int	imapdate_parse_date(const char *s, size_t len, time_t *r);

/*
 * Parse a date-time ("17-Jul-1996 02:44:25 -0700"; the day may be " 7" or
 * "07"; some clients send "7"). Stores the instant (UTC seconds) in *r and
 * the zone's offset east of UTC in minutes in *tzoff_r.
 * Returns 0, or -1 if invalid (hour 24, minute 60, second 60 (no leap
 * seconds), zone +2400 or +0060...); *r and *tzoff_r are left alone on error.
 */
int	imapdate_parse_datetime(const char *s, size_t len, time_t *r,
	    int *tzoff_r);

/*
 * Format t in the zone tzoff minutes east of UTC as a date-time without
 * quotes, day space-padded as RFC 9051 date-day-fixed: " 7-Jul-1996 ...".
 * buf must hold IMAPDATE_DATETIME_LEN + 1 bytes. Instants whose local time
 * falls outside the years 1000..9999 are clamped to them, and a tzoff of a
 * day or more either way is taken as 0, so the text is always that long.
 */
void	imapdate_format_datetime(time_t t, int tzoff, char *buf);

#endif
