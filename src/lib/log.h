/*
 * log.h: syslog (facility mail) or stderr (-d), OpenBSD style.
 * log_warn/fatal append strerror(errno); the x variants do not.
 * fatal/fatalx are the session-fatal exit: they call the hook set by the
 * session (which writes "* BYE") once, then exit(1).
 */
#ifndef MDIMAPD_LOG_H
#define MDIMAPD_LOG_H

#include <stddef.h>

void	log_init(const char *ident, int to_stderr, int debug);
int	log_debugging(void);
/* While on, messages logged to syslog are also written to stderr (for
 * start-up errors, before stderr may be the client's socket). */
void	log_mirror_stderr(int on);
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
/* Called by fatal()/fatalx() with the message before exiting. */
void	log_set_fatal_hook(void (*)(const char *));

/* Copy untrusted text into dst for a log line: printable ASCII kept,
 * everything else as \xNN, cut with "..." when dst is too small. */
void	log_escape(char *dst, size_t dstsize, const char *src, size_t len);

#endif
