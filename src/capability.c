/*
 * capability.c: the CAPABILITY list, generated. Commands that bring a
 * capability say so in the command table; extensions that are not commands
 * are listed here with the states they apply to. Nothing is listed twice.
 */
#include <stddef.h>

#include "buf.h"
#include "commands.h"
#include "session.h"

struct extension {
	const char	*name;
	unsigned	 states;
	/* 1: only where login is offered, -1: only where it is not */
	int		 login;
};

static const struct extension extension_table[] = {
	{ "IMAP4rev1",		ST_ANY,		0 },
	/* RFC 9051: rev2 behaviour after ENABLE IMAP4rev2 (session.h) */
	{ "IMAP4rev2",		ST_ANY,		0 },
	{ "LITERAL-",		ST_ANY,		0 },	/* RFC 7888 5: 4 KiB */
	/* RFC 9051 7.2.2, RFC 8314: no cleartext password where the
	 * channel is not secure (session_login_allowed). */
	{ "LOGINDISABLED",	ST_NOTAUTH,	-1 },
	{ "AUTH=PLAIN",		ST_NOTAUTH,	1 },	/* RFC 4616 */
	{ "SASL-IR",		ST_NOTAUTH,	1 },	/* RFC 4959 */
	{ "UIDPLUS",		ST_LOGGEDIN,	0 },	/* RFC 4315 */
	/* RFC 7889: LIMIT_APPEND */
	{ "APPENDLIMIT=67108864", ST_LOGGEDIN,	0 },
	{ "CHILDREN",		ST_LOGGEDIN,	0 },	/* RFC 3348 */
	{ "LIST-EXTENDED",	ST_LOGGEDIN,	0 },	/* RFC 5258 */
	{ "LIST-STATUS",	ST_LOGGEDIN,	0 },	/* RFC 5819 */
	{ "SPECIAL-USE",	ST_LOGGEDIN,	0 },	/* RFC 6154 */
	{ "CREATE-SPECIAL-USE",	ST_LOGGEDIN,	0 },	/* RFC 6154 3 */
	{ "STATUS=SIZE",	ST_LOGGEDIN,	0 },	/* RFC 8438 */
	{ "BINARY",		ST_LOGGEDIN,	0 },	/* RFC 3516 */
	/* RFC 5256 (SORT comes with its command), RFC 5957 */
	{ "SORT=DISPLAY",	ST_LOGGEDIN,	0 },
	{ "THREAD=ORDEREDSUBJECT", ST_LOGGEDIN,	0 },
	{ "THREAD=REFERENCES",	ST_LOGGEDIN,	0 },
	/* RFC 9208 with STATUS DELETED and DELETED-STORAGE (4.1.4); QUOTA
	 * itself comes with GETQUOTA. No QUOTASET: limits are the
	 * administrator's. */
	{ "QUOTA=RES-STORAGE",	ST_LOGGEDIN,	0 },
	{ "QUOTA=RES-MESSAGE",	ST_LOGGEDIN,	0 },
	{ "ESEARCH",		ST_LOGGEDIN,	0 },	/* RFC 4731 */
	{ "SEARCHRES",		ST_LOGGEDIN,	0 },	/* RFC 5182 */
	{ "UTF8=ACCEPT",	ST_LOGGEDIN,	0 },	/* RFC 6855 */
	{ "OBJECTID",		ST_LOGGEDIN,	0 },	/* RFC 8474 */
	{ "SAVEDATE",		ST_LOGGEDIN,	0 },	/* RFC 8514 */
	{ "CONDSTORE",		ST_LOGGEDIN,	0 },	/* RFC 7162 3.1 */
	{ "QRESYNC",		ST_LOGGEDIN,	0 },	/* RFC 7162 3.2 */
	{ NULL,			0,		0 },
};

static void
cap_add(struct buf *b, const char *name)
{
	if (b->len > 0 && b->data[b->len - 1] != ' ' &&
	    b->data[b->len - 1] != '[')
		(void)buf_addc(b, ' ');
	(void)buf_adds(b, name);
}

void
capability_write(const struct session *s, struct buf *b)
{
	const struct extension	*e;
	const struct command	*c;
	unsigned		 st;
	int			 login;

	/* Logged in, what is valid in either logged-in state is listed
	 * (ENABLE is valid only before SELECT, but it exists). */
	st = s->state == STATE_NOTAUTH ? ST_NOTAUTH : ST_LOGGEDIN;

	(void)buf_adds(b, "CAPABILITY");
	login = s->state == STATE_NOTAUTH && session_login_allowed(s);
	for (e = extension_table; e->name != NULL; e++)
		if ((e->states & st) && (e->login == 0 ||
		    (e->login == 1) == login))
			cap_add(b, e->name);
	for (c = command_table; c->name != NULL; c++)
		if (c->capability != NULL && (c->states & st))
			cap_add(b, c->capability);
}
