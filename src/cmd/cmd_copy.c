/*
 * cmd_copy.c: COPY, MOVE (RFC 6851) and their UID forms, with COPYUID
 * (RFC 4315). COPY hard-links the files into the destination; MOVE renames
 * them, so a message is never in both folders nor in neither, whenever the
 * process dies.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "commands.h"
#include "log.h"
#include "maildir.h"
#include "msgset.h"
#include "parser.h"
#include "seqset.h"
#include "savedate.h"
#include "session.h"

/* "1:3,7" from a list of UIDs in the order given (COPYUID keeps the
 * source and destination lists in step, so no sorting). */
static void
uids_write(struct buf *b, const uint32_t *uids, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && uids[j] == uids[j - 1] + 1; j++)
			;
		if (i > 0)
			(void)buf_addc(b, ',');
		if (j - i == 1)
			(void)buf_printf(b, "%u", uids[i]);
		else
			(void)buf_printf(b, "%u:%u", uids[i], uids[j - 1]);
	}
}

static void
copy_common(struct session *s, struct imap_arg *args, int move)
{
	struct maildir	*m = s->sel, *d;
	struct buf	 code, *b;
	const char	*name;
	char		 dir[512];
	size_t		*idx, n, i, k;
	uint32_t	*src, *dst, uv;
	int		 bad = 0;

	if (args == NULL || args->next == NULL || args->next->next != NULL ||
	    (name = cmd_mailbox_arg(s, args->next, &bad)) == NULL) {
		if (bad)
			cmd_mailbox_arg_fail(s, bad);
		else
			session_bad(s, NULL, "%s needs a message set and a "
			    "mailbox", move ? "MOVE" : "COPY");
		return;
	}
	if (msgset_get(s, args, &idx, &n) == -1)
		return;
	if (move && m->readonly) {
		session_no(s, "READ-ONLY", "Mailbox is read-only");
		return;
	}
	if (session_mailbox(s, name, dir, sizeof(dir)) == -1)
		return;
	/* Messages already expunged elsewhere cannot be copied. */
	for (i = k = 0; i < n; i++)
		if (!(m->msgs[idx[i]].state & MSG_GONE))
			idx[k++] = idx[i];
	if (k < n) {
		session_no(s, "EXPUNGEISSUED", "Some messages were expunged "
		    "by another session");
		return;
	}
	if (n == 0) {
		session_ok(s, NULL, "No messages found.");
		return;
	}
	dst = arena_reallocarray(s->cmd_arena, NULL, 0, n, sizeof(*dst));
	src = arena_reallocarray(s->cmd_arena, NULL, 0, n, sizeof(*src));
	for (i = 0; i < n; i++)
		src[i] = m->msgs[idx[i]].uid;
	if ((d = session_dest(s, dir)) == NULL ||
	    maildir_copy(m, idx, n, d, move, &uv, dst) == -1) {
		if (errno == ENOENT)
			session_no(s, "TRYCREATE", "Mailbox doesn't exist: %s",
			    name);
		else
			session_no_errno(s, errno, move ? "Move" : "Copy");
		return;
	}
	/* RFC 8514 3: a copy or a moved message is saved now */
	savedate_record(d->dirfd, uv, dst, n, time(NULL));
	buf_init(&code, 1024 * 1024);
	(void)buf_printf(&code, "COPYUID %u ", uv);
	uids_write(&code, src, n);
	(void)buf_addc(&code, ' ');
	uids_write(&code, dst, n);
	if (move) {
		/* RFC 6851 3.3: COPYUID untagged, then the EXPUNGEs. */
		b = session_out(s);
		(void)buf_printf(b, "* OK [%s] Moved UIDs.", code.data);
		session_send_line(s);
		session_ok(s, NULL, "Move completed.");
	} else
		session_ok(s, code.data, "Copy completed.");
	buf_free(&code);
}

void
cmd_copy(struct session *s, struct imap_arg *args)
{
	copy_common(s, args, 0);
}

void
cmd_move(struct session *s, struct imap_arg *args)
{
	copy_common(s, args, 1);
}
