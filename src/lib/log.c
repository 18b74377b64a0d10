/*
 * log.c: one sink, syslog or stderr, chosen once at start.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static int	  log_stderr = 1;
static int	  log_dbg;
static int	  log_mirror;
static const char *log_ident = "mdimapd";
static void	(*fatal_hook)(const char *);

void
log_init(const char *ident, int to_stderr, int debug)
{
	log_ident = ident;
	log_stderr = to_stderr;
	log_dbg = debug;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void
log_mirror_stderr(int on)
{
	log_mirror = on;
}

int
log_debugging(void)
{
	return log_dbg;
}

void
log_set_fatal_hook(void (*hook)(const char *))
{
	fatal_hook = hook;
}

static void
vlog(int pri, const char *fmt, va_list ap, const char *err)
{
	char	msg[2048];

	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_stderr || log_mirror) {
		if (err != NULL)
			fprintf(stderr, "%s: %s: %s\n", log_ident, msg, err);
		else
			fprintf(stderr, "%s: %s\n", log_ident, msg);
	}
	if (!log_stderr) {
		if (err != NULL)
			syslog(pri, "%s: %s", msg, err);
		else
			syslog(pri, "%s", msg);
	}
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (!log_dbg)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	char	*err = strerror(errno);

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, err);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

static void __attribute__((noreturn))
vfatal(const char *fmt, va_list ap, const char *err)
{
	char	 msg[1024];
	void	(*hook)(const char *) = fatal_hook;

	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err != NULL) {
		if (log_stderr || log_mirror)
			fprintf(stderr, "%s: fatal: %s: %s\n", log_ident, msg,
			    err);
		if (!log_stderr)
			syslog(LOG_CRIT, "fatal: %s: %s", msg, err);
	} else {
		if (log_stderr || log_mirror)
			fprintf(stderr, "%s: fatal: %s\n", log_ident, msg);
		if (!log_stderr)
			syslog(LOG_CRIT, "fatal: %s", msg);
	}
	fatal_hook = NULL;	/* a hook that fails must not recurse */
	if (hook != NULL)
		hook(msg);
	exit(1);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	char	*err = strerror(errno);

	va_start(ap, fmt);
	vfatal(fmt, ap, err);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vfatal(fmt, ap, NULL);
}

void
log_escape(char *dst, size_t dstsize, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t		  i, o = 0;
	unsigned char	  c;

	if (dstsize == 0)
		return;
	for (i = 0; i < len; i++) {
		c = (unsigned char)src[i];
		if (o + 5 >= dstsize) {
			if (dstsize >= 4) {
				o = dstsize - 4 < o ? dstsize - 4 : o;
				memcpy(dst + o, "...", 3);
				o += 3;
			}
			break;
		}
		/* No spaces: a value cannot fake another field. */
		if (c > 0x20 && c < 0x7f && c != '\\') {
			dst[o++] = (char)c;
		} else {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	dst[o] = '\0';
}
