/*
 * commands.c: the command table (see commands.h). Commands valid in no
 * state of a session are unreachable: before login only CAPABILITY, NOOP,
 * LOGOUT, ID and the login commands exist.
 */
#include <stddef.h>
#include <strings.h>

#include "commands.h"

const struct command command_table[] = {
	{ "CAPABILITY",	ST_ANY,		0,	NULL,		cmd_capability },
	{ "NOOP",	ST_ANY,		0,	NULL,		cmd_noop },
	{ "LOGOUT",	ST_ANY,		0,	NULL,		cmd_logout },
	{ "ID",		ST_ANY,		0,	"ID",		cmd_id },
	{ "LOGIN",	ST_NOTAUTH,	CMD_PRELOGIN_LITERAL, NULL,	cmd_login },
	{ "AUTHENTICATE", ST_NOTAUTH,	0,	NULL,		cmd_authenticate },
	{ "ENABLE",	ST_AUTH,	0,	"ENABLE",	cmd_enable },
	{ NULL,		0,		0,	NULL,		NULL },
};

const struct command *
command_find(const char *name)
{
	const struct command	*c;

	for (c = command_table; c->name != NULL; c++)
		if (strcasecmp(c->name, name) == 0)
			return c;
	return NULL;
}
