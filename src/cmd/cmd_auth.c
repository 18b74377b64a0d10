/*
 * cmd_auth.c: LOGIN and AUTHENTICATE (RFC 9051 6.2.2, 6.2.3), the
 * not-authenticated state's way in.
 *
 * No authentication backend is built in yet, so the server advertises
 * LOGINDISABLED and no AUTH= mechanism, and both commands refuse after
 * checking their syntax. The password is wiped from memory at once.
 */
#include <stdint.h>
#include <string.h>

#include "commands.h"
#include "parser.h"
#include "session.h"

/* Wipe a credential held in a command argument. */
static void
arg_wipe(struct imap_arg *a)
{
	if (a != NULL && a->str != NULL && a->len > 0)
		explicit_bzero((void *)(uintptr_t)a->str, a->len);
}

void
cmd_login(struct session *s, struct imap_arg *args)
{
	const char	*user, *pass;

	if (args == NULL || args->next == NULL || args->next->next != NULL ||
	    arg_get_astring(args, &user) == -1 ||
	    arg_get_astring(args->next, &pass) == -1) {
		if (args != NULL)
			arg_wipe(args->next);
		session_bad(s, NULL, "LOGIN needs a user name and a password");
		return;
	}
	arg_wipe(args->next);
	/* RFC 9051 6.2.3: LOGINDISABLED is advertised. */
	session_no(s, "UNAVAILABLE", "Login is disabled: no "
	    "authentication backend is configured");
}

void
cmd_authenticate(struct session *s, struct imap_arg *args)
{
	const char	*mech;

	if (args == NULL || arg_get_atom(args, &mech) == -1 ||
	    (args->next != NULL && args->next->next != NULL)) {
		session_bad(s, NULL, "AUTHENTICATE needs a mechanism name");
		return;
	}
	arg_wipe(args->next);
	/* No AUTH= capability is advertised: every mechanism is unknown. */
	session_no(s, "CANNOT", "Unsupported authentication mechanism");
}
