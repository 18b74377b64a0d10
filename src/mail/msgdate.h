/*
 * msgdate.h: the date of an RFC 5322 Date: field (RFC 5322 3.3, with the
 * obsolete forms of 4.3: two- and three-digit years, zone names, comments
 * anywhere, seconds missing). Pure code.
 */
#ifndef MDIMAPD_MSGDATE_H
#define MDIMAPD_MSGDATE_H

#include <stddef.h>
#include <time.h>

/*
 * Parse s[0..len) ("Tue, 1 Jul 2003 10:52:37 +0200"). Sets *t_r to the
 * instant (UTC) and *tzoff_r to the zone's offset east of UTC in minutes
 * (unknown zone names, "-0000" and a missing zone: 0). Returns 0, or -1
 * if it is no date (the outputs are then left alone).
 */
int	msgdate_parse(const char *s, size_t len, time_t *t_r, int *tzoff_r);

#endif
