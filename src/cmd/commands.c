/*
 * commands.c: the command table (see commands.h). Commands valid in no
 * state of a session are unreachable: before login only CAPABILITY, NOOP,
 * LOGOUT, ID and the login commands exist.
 */
#include <stddef.h>
#include <strings.h>

#include "commands.h"

const struct command command_table[] = {
	{ "CAPABILITY",	ST_ANY,		0,	NULL,		cmd_capability, NULL },
	{ "NOOP",	ST_ANY,		0,	NULL,		cmd_noop, NULL },
	{ "LOGOUT",	ST_ANY,		0,	NULL,		cmd_logout, NULL },
	{ "ID",		ST_ANY,		0,	"ID",		cmd_id, NULL },
	{ "LOGIN",	ST_NOTAUTH,	CMD_PRELOGIN_LITERAL, NULL,	cmd_login, NULL },
	{ "AUTHENTICATE", ST_NOTAUTH,	0,	NULL,		cmd_authenticate, NULL },
	{ "ENABLE",	ST_AUTH,	0,	"ENABLE",	cmd_enable, NULL },
	{ "SELECT",	ST_LOGGEDIN,	0,	NULL,		cmd_select, NULL },
	{ "EXAMINE",	ST_LOGGEDIN,	0,	NULL,		cmd_examine, NULL },
	{ "APPEND",	ST_LOGGEDIN,	0,	NULL,		cmd_append,
	    append_literal },
	{ "CHECK",	ST_SELECTED,	0,	NULL,		cmd_check, NULL },
	{ "CLOSE",	ST_SELECTED,	0,	NULL,		cmd_close, NULL },
	{ "UNSELECT",	ST_SELECTED,	0,	"UNSELECT",	cmd_unselect, NULL },
	{ "EXPUNGE",	ST_SELECTED,	CMD_UID, NULL,		cmd_expunge, NULL },
	{ "FETCH",	ST_SELECTED,	CMD_UID | CMD_NO_EXPUNGE, NULL, cmd_fetch, NULL },
	{ "STORE",	ST_SELECTED,	CMD_UID | CMD_NO_EXPUNGE, NULL, cmd_store, NULL },
	{ "COPY",	ST_SELECTED,	CMD_UID | CMD_NO_EXPUNGE, NULL, cmd_copy, NULL },
	/* RFC 9051 7.5.1: no EXPUNGE while SEARCH runs */
	{ "SEARCH",	ST_SELECTED,	CMD_UID | CMD_NO_EXPUNGE, NULL, cmd_search, NULL },
	{ "SORT",	ST_SELECTED,	CMD_UID | CMD_NO_EXPUNGE, "SORT", cmd_sort, NULL },
	{ "THREAD",	ST_SELECTED,	CMD_UID | CMD_NO_EXPUNGE, NULL, cmd_thread, NULL },
	{ "MOVE",	ST_SELECTED,	CMD_UID, "MOVE",	cmd_move, NULL },
	{ "IDLE",	ST_LOGGEDIN,	0,	"IDLE",		cmd_idle, NULL },
	{ "UID",	ST_SELECTED,	0,	NULL,		cmd_uid, NULL },
	{ "CREATE",	ST_LOGGEDIN,	0,	NULL,		cmd_create, NULL },
	{ "DELETE",	ST_LOGGEDIN,	0,	NULL,		cmd_delete, NULL },
	{ "RENAME",	ST_LOGGEDIN,	0,	NULL,		cmd_rename, NULL },
	{ "SUBSCRIBE",	ST_LOGGEDIN,	0,	NULL,		cmd_subscribe, NULL },
	{ "UNSUBSCRIBE", ST_LOGGEDIN,	0,	NULL,		cmd_unsubscribe, NULL },
	{ "LIST",	ST_LOGGEDIN,	0,	NULL,		cmd_list, NULL },
	{ "LSUB",	ST_LOGGEDIN,	0,	NULL,		cmd_lsub, NULL },
	{ "NAMESPACE",	ST_LOGGEDIN,	0,	"NAMESPACE",	cmd_namespace, NULL },
	{ "STATUS",	ST_LOGGEDIN,	0,	NULL,		cmd_status, NULL },
	{ "GETQUOTA",	ST_LOGGEDIN,	0,	"QUOTA",	cmd_getquota, NULL },
	{ "GETQUOTAROOT", ST_LOGGEDIN,	0,	NULL,		cmd_getquotaroot, NULL },
	{ "SETQUOTA",	ST_LOGGEDIN,	0,	NULL,		cmd_setquota, NULL },
	{ "COMPRESS",	ST_LOGGEDIN,	0,	"COMPRESS=DEFLATE", cmd_compress,
	    NULL },
	{ NULL,		0,		0,	NULL,		NULL,		NULL },
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
