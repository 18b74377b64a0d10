/*
 * cmd_idle.c: IDLE (RFC 2177). The process sleeps in poll() on the client
 * and on the selected folder's inotify descriptor; when the folder changes
 * it syncs and sends EXISTS, EXPUNGE and FETCH FLAGS at once. Without
 * inotify it looks every IDLE_POLL seconds. "DONE" ends it; anything else
 * is BAD and ends it too; the idle limit (30 minutes) ends the session.
 */
#include <strings.h>
#include <time.h>

#include "commands.h"
#include "config.h"
#include "io.h"
#include "maildir.h"
#include "session.h"

/* Seconds between looks at a folder that cannot be watched. */
#define IDLE_POLL	5

void
cmd_idle(struct session *s, struct imap_arg *args)
{
	char	line[64];
	time_t	start = time(NULL), now;
	long	left;
	int	r, fd, wait_ms;

	if (args != NULL) {
		session_bad(s, NULL, "IDLE takes no arguments");
		return;
	}
	io_puts("+ idling\r\n");
	/* Watched from now on; what changed before is told now. */
	if (s->sel != NULL && maildir_watch_begin(s->sel) == 1) {
		session_report(s);
		io_flush();
	}
	for (;;) {
		fd = s->sel != NULL ? s->sel->inofd : -1;
		now = time(NULL);
		left = config.idle - (long)(now - start);
		if (left <= 0)
			session_bye(s, NULL, "Autologout; idle for too long",
			    "idle timeout", 0);
		wait_ms = (int)(fd == -1 && left > IDLE_POLL ? IDLE_POLL :
		    left) * 1000;
		r = io_wait(fd, wait_ms);
		if (r == 1)
			break;
		/* A change in the folder (or time to look): tell now. */
		if (s->sel != NULL)
			session_report(s);
		io_flush();
	}
	if (io_getline(line, sizeof(line)) == -1 ||
	    strcasecmp(line, "DONE") != 0) {
		session_bad(s, NULL, "Expected DONE to end IDLE");
		return;
	}
	session_ok(s, NULL, "Idle completed.");
}
