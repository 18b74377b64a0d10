/*
 * cmd_enable.c: ENABLE (RFC 5161; RFC 9051 6.3.1). Valid in the
 * authenticated state only. Names the server does not know are ignored;
 * the ENABLED response lists only what this command newly turned on.
 */
#include <stddef.h>
#include <strings.h>

#include "buf.h"
#include "commands.h"
#include "parser.h"
#include "session.h"

/* What can be enabled. */
const struct enable_ext enable_table[] = {
	{ "CONDSTORE",	ENABLED_CONDSTORE },	/* RFC 7162 3.1 */
	{ "QRESYNC",	ENABLED_QRESYNC },	/* RFC 7162 3.2.3 */
	{ "UTF8=ACCEPT", ENABLED_UTF8 },	/* RFC 6855 3 */
	{ "IMAP4rev2",	ENABLED_IMAP4REV2 },	/* RFC 9051 6.3.1 */
	{ NULL,		0 },
};

void
cmd_enable(struct session *s, struct imap_arg *args)
{
	const struct enable_ext	*e;
	struct imap_arg		*a;
	struct buf		*b;
	const char		*name;

	if (args == NULL) {
		session_bad(s, NULL, "ENABLE needs at least one capability");
		return;
	}
	for (a = args; a != NULL; a = a->next)
		if (arg_get_atom(a, &name) == -1) {
			session_bad(s, NULL, "ENABLE takes capability names");
			return;
		}
	b = session_out(s);
	(void)buf_adds(b, "* ENABLED");
	for (a = args; a != NULL; a = a->next)
		for (e = enable_table; e->name != NULL; e++)
			if (strcasecmp(e->name, a->str) == 0 &&
			    !(s->enabled & e->flag)) {
				s->enabled |= e->flag;
				(void)buf_addc(b, ' ');
				(void)buf_adds(b, e->name);
			}
	session_send_line(s);
	/* RFC 7162 3.1, 3.2.3: both are CONDSTORE enabling commands */
	if (s->enabled & (ENABLED_CONDSTORE | ENABLED_QRESYNC))
		s->condstore = 1;
	session_ok(s, NULL, "ENABLE completed.");
}
