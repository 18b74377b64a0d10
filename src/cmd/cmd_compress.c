/*
 * cmd_compress.c: COMPRESS DEFLATE (RFC 4978), logged in only. The command
 * checks its argument and answers; the compression itself is io's (io.c,
 * deflate.c): from right after the CRLF of the tagged OK, everything both
 * ways is raw deflate, and input the client pipelined after the command
 * is taken as compressed.
 *
 * Answers, in the order Dovecot checks: arguments other than one atom are
 * BAD; a second COMPRESS is "NO [COMPRESSIONACTIVE]" (RFC 4978 3 allows
 * BAD too; the response code tells a client exactly what happened, and
 * Dovecot answers so); a mechanism other than DEFLATE is BAD, as RFC 4978
 * 3 says ("invalid or unknown argument"; Dovecot answers NO).
 *
 * The file is shorter than STYLE.md's 150 lines: it is a command family
 * of one.
 */
#include <stddef.h>
#include <strings.h>

#include "commands.h"
#include "io.h"
#include "parser.h"
#include "session.h"

void
cmd_compress(struct session *s, struct imap_arg *args)
{
	const char	*mech;

	if (args == NULL || args->next != NULL ||
	    arg_get_atom(args, &mech) == -1) {
		session_bad(s, NULL, "COMPRESS takes one mechanism: DEFLATE");
		return;
	}
	if (io_compressing()) {
		session_no(s, "COMPRESSIONACTIVE",
		    "DEFLATE active via COMPRESS");
		return;
	}
	if (strcasecmp(mech, "DEFLATE") != 0) {
		session_bad(s, NULL, "Unknown compression mechanism");
		return;
	}
	/* Before the OK: once it is sent, there is no going back. */
	if (io_compress_prepare() == -1) {
		session_no(s, "UNAVAILABLE", "Out of memory for compression");
		return;
	}
	session_ok(s, NULL, "DEFLATE active");
	io_compress_start();
}
