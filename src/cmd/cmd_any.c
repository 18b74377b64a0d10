/*
 * cmd_any.c: the commands valid in every state (RFC 9051 6.1): CAPABILITY,
 * NOOP, LOGOUT, and ID (RFC 2971).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "mdlimits.h"
#include "log.h"
#include "parser.h"
#include "resp.h"
#include "session.h"
#include "version.h"

#define MDIMAPD_NAME	"mdimapd"

static int
no_args(struct session *s, struct imap_arg *args)
{
	if (args != NULL) {
		session_bad(s, NULL, "%s takes no arguments", s->cmd_name);
		return -1;
	}
	return 0;
}

void
cmd_capability(struct session *s, struct imap_arg *args)
{
	struct buf	*b;

	if (no_args(s, args) == -1)
		return;
	b = session_out(s);
	(void)buf_adds(b, "* ");
	capability_write(s, b);
	session_send_line(s);
	session_ok(s, NULL, "Capability completed.");
}

void
cmd_noop(struct session *s, struct imap_arg *args)
{
	if (no_args(s, args) == -1)
		return;
	session_ok(s, NULL, "NOOP completed.");
}

void
cmd_logout(struct session *s, struct imap_arg *args)
{
	if (no_args(s, args) == -1)
		return;
	s->no_report = 1;
	session_untagged(s, "BYE Logging out");
	session_ok(s, NULL, "Logout completed.");
	session_exit(s, "logout");
}

/*
 * RFC 2971 3.3: ID ( *(field value) ) or ID NIL; fields are strings of at
 * most 30 octets, values nstrings of at most 1024, at most 30 pairs.
 */
static int
id_check(struct session *s, struct imap_arg *args, char *log, size_t logsize)
{
	struct imap_arg	*a;
	size_t		 n, off = 0;
	const char	*field, *value;
	char		 esc[128];

	if (args == NULL || args->next != NULL) {
		session_bad(s, NULL, "ID takes one argument");
		return -1;
	}
	if (arg_is_nil(args))
		return 0;
	if (arg_get_list(args, &a, &n) == -1 || n % 2 != 0) {
		session_bad(s, NULL, "ID needs NIL or a list of field-value pairs");
		return -1;
	}
	if (n / 2 > LIMIT_ID_PAIRS) {
		session_bad(s, "LIMIT", "At most %d ID pairs", LIMIT_ID_PAIRS);
		return -1;
	}
	for (; a != NULL; a = a->next->next) {
		if (arg_get_string(a, &field) == -1 ||
		    arg_get_nstring(a->next, &value) == -1) {
			session_bad(s, NULL, "ID fields and values are strings");
			return -1;
		}
		if (a->len > LIMIT_ID_FIELD || (value != NULL &&
		    a->next->len > LIMIT_ID_VALUE)) {
			session_bad(s, "LIMIT", "ID field or value too long");
			return -1;
		}
		if (off + 8 < logsize) {
			log_escape(esc, sizeof(esc), field, a->len);
			off += (size_t)snprintf(log + off, logsize - off,
			    "%s%s=", off ? " " : "", esc);
			if (off >= logsize)
				break;
			if (value == NULL)
				(void)snprintf(esc, sizeof(esc), "NIL");
			else
				log_escape(esc, sizeof(esc), value,
				    a->next->len);
			off += (size_t)snprintf(log + off, logsize - off,
			    "%s", esc);
		}
	}
	return 0;
}

void
cmd_id(struct session *s, struct imap_arg *args)
{
	char	log[512] = "";

	if (id_check(s, args, log, sizeof(log)) == -1)
		return;
	if (log[0] != '\0')
		log_info("client id: %s", log);
	/* The version only once logged in: nothing for scanners. */
	if (s->state == STATE_NOTAUTH)
		session_untagged(s, "ID (\"name\" \"%s\")", MDIMAPD_NAME);
	else
		session_untagged(s, "ID (\"name\" \"%s\" \"version\" \"%s\")",
		    MDIMAPD_NAME, MDIMAPD_VERSION);
	session_ok(s, NULL, "ID completed.");
}
