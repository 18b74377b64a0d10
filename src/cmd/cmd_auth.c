/*
 * cmd_auth.c: LOGIN and AUTHENTICATE PLAIN (RFC 9051 6.2.2, 6.2.3; RFC
 * 4616 PLAIN; RFC 4959 SASL-IR). Both are offered only where the
 * cleartext policy allows (session_login_allowed); elsewhere the server
 * advertises LOGINDISABLED and no AUTH=, and refuses them. Passwords are
 * wiped from the command's memory as soon as they are handed on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "auth.h"
#include "commands.h"
#include "decode.h"
#include "io.h"
#include "parser.h"
#include "session.h"

/* The longest SASL response line read after "+ " (base64 of the longest
 * PLAIN message). */
#define SASL_LINE_MAX	((AUTH_USER_MAX * 2 + AUTH_PASS_MAX + 2) * 4 / 3 + 8)

static void
wipe(const char *p, size_t n)
{
	if (p != NULL && n > 0)
		explicit_bzero((void *)(uintptr_t)p, n);
}

static void
arg_wipe(struct imap_arg *a)
{
	if (a != NULL && a->str != NULL)
		wipe(a->str, a->len);
}

static int
refused(struct session *s)
{
	if (session_login_allowed(s))
		return 0;
	/* RFC 9051 6.2.3: LOGINDISABLED is advertised. */
	session_no(s, "PRIVACYREQUIRED", "Login is allowed only on a "
	    "secure connection (IMAPS)");
	return 1;
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
	if (!refused(s))
		session_login(s, user, args->len, pass, args->next->len);
	arg_wipe(args->next);
}

/* Strict base64 (RFC 4648 4, padded); returns the length or -1. */
static long
b64_decode(const char *in, size_t len, char *out, size_t outsize)
{
	size_t	i, o = 0;
	int	v[4], k, pad;

	if (len % 4 != 0)
		return -1;
	for (i = 0; i < len; i += 4) {
		pad = 0;
		for (k = 0; k < 4; k++) {
			if (in[i + k] == '=' && i + 4 == len && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad > 0 ||
			    (v[k] = decode_b64_value(in[i + k])) < 0)
				return -1;
		}
		if (o + 3 - (size_t)pad > outsize)
			return -1;
		out[o++] = (char)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[o++] = (char)((v[1] & 15) << 4 | v[2] >> 2);
		if (pad < 1)
			out[o++] = (char)((v[2] & 3) << 6 | v[3]);
	}
	return (long)o;
}

void
cmd_authenticate(struct session *s, struct imap_arg *args)
{
	const char	*mech, *ir = NULL;
	char		*line, *msg, *authz, *authc, *pass, *end;
	long		 llen, mlen;
	size_t		 irlen = 0;

	if (args == NULL || arg_get_atom(args, &mech) == -1 ||
	    (args->next != NULL && (args->next->next != NULL ||
	    arg_get_atom(args->next, &ir) == -1))) {
		arg_wipe(args != NULL ? args->next : NULL);
		session_bad(s, NULL, "AUTHENTICATE needs a mechanism name");
		return;
	}
	if (ir != NULL)
		irlen = args->next->len;
	if (strcasecmp(mech, "PLAIN") != 0 || !session_login_allowed(s)) {
		arg_wipe(args->next);
		session_no(s, "CANNOT", "Unsupported authentication mechanism");
		return;
	}
	line = arena_alloc(s->cmd_arena, SASL_LINE_MAX + 1);
	msg = arena_alloc(s->cmd_arena, SASL_LINE_MAX + 1);
	if (ir != NULL) {
		/* RFC 4959: "=" is an empty initial response. */
		if (irlen == 1 && ir[0] == '=')
			irlen = 0;
		if (irlen > SASL_LINE_MAX) {
			arg_wipe(args->next);
			session_bad(s, NULL, "Initial response too long");
			return;
		}
		memcpy(line, ir, irlen);
		line[irlen] = '\0';
		llen = (long)irlen;
		arg_wipe(args->next);
	} else {
		io_puts("+ \r\n");
		io_flush();
		if ((llen = io_getline(line, SASL_LINE_MAX + 1)) == -1) {
			session_bad(s, NULL, "Response too long");
			return;
		}
		if (llen == 1 && line[0] == '*') {
			session_bad(s, NULL, "Authentication canceled");
			return;
		}
	}
	mlen = b64_decode(line, (size_t)llen, msg, SASL_LINE_MAX);
	wipe(line, SASL_LINE_MAX);
	/* RFC 4616 2: [authzid] NUL authcid NUL passwd */
	if (mlen < 0 || (authz = msg, (authc = memchr(msg, '\0',
	    (size_t)mlen)) == NULL) ||
	    (pass = memchr(authc + 1, '\0', (size_t)(msg + mlen - authc - 1)))
	    == NULL) {
		wipe(msg, SASL_LINE_MAX);
		session_bad(s, NULL, "Invalid PLAIN response");
		return;
	}
	authc++;
	pass++;
	end = msg + mlen;
	/* No proxy logins: authzid empty or the same user. */
	if (authc - 1 > authz && ((size_t)(authc - 1 - authz) !=
	    (size_t)(pass - 1 - authc) || memcmp(authz, authc,
	    (size_t)(authc - 1 - authz)) != 0)) {
		wipe(msg, SASL_LINE_MAX);
		session_no(s, "AUTHORIZATIONFAILED", "Cannot log in as "
		    "another user");
		return;
	}
	session_login(s, authc, (size_t)(pass - 1 - authc), pass,
	    (size_t)(end - pass));
	wipe(msg, SASL_LINE_MAX);
}
