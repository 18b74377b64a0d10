/*
 * config.c: the settings table and the configuration file reader.
 *
 * The file is "name = value" lines; "#" starts a comment; blank lines are
 * ignored. Values are numbers with a range, words from a list, or strings
 * (the rest of the line, trimmed). Nothing is clamped silently.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "mdlimits.h"

struct config config = {
	.line_max_prelogin = LIMIT_LINE_PRELOGIN,
	.line_max = LIMIT_LINE,
	.idle_prelogin = LIMIT_IDLE_PRELOGIN,
	.idle = LIMIT_IDLE,
	.write_timeout = LIMIT_WRITE_TIMEOUT,
	.memory_limit = LIMIT_MEMORY_MB,
	.auth_delay = 2,
	.auth_failures = LIMIT_AUTH_FAILURES,
	.throttle_failures = 10,
	.throttle_window = 600,
	.secure = SECURE_AUTO,
	.login_cleartext = CLEARTEXT_LOOPBACK,
};

enum stype {
	S_NUM,
	S_WORD,
	S_STR,
};

struct setting {
	const char	 *name;
	enum stype	  type;
	long		 *num;
	char		**str;
	long		  min;
	long		  max;
	const char	 *words;	/* S_WORD: "a b c", value = index */
	const char	 *def;		/* S_STR default */
};

static const struct setting settings[] = {
	/* Below 1 KiB a LOGIN with long credentials no longer fits. */
	{ "line_max_prelogin", S_NUM, &config.line_max_prelogin, NULL, 1024,
	    LIMIT_LINE, NULL, NULL },
	{ "line_max", S_NUM, &config.line_max, NULL, 1024, LIMIT_LINE, NULL,
	    NULL },
	{ "idle_prelogin", S_NUM, &config.idle_prelogin, NULL, 1, 3600, NULL,
	    NULL },
	/* RFC 9051 5.4: at least 30 minutes; shorter only for testing. */
	{ "idle", S_NUM, &config.idle, NULL, 1, 24 * 3600, NULL, NULL },
	{ "write_timeout", S_NUM, &config.write_timeout, NULL, 1, 3600, NULL,
	    NULL },
	/* yescrypt alone takes 32 MiB; a session with 100,000 messages
	 * selected, some tens. */
	{ "memory_limit", S_NUM, &config.memory_limit, NULL, 0, 1024 * 1024,
	    NULL, NULL },
	{ "auth", S_STR, NULL, &config.auth, 0, 0, NULL, "system" },
	{ "passwd_file", S_STR, NULL, &config.passwd_file, 0, 0, NULL, "" },
	{ "maildir", S_STR, NULL, &config.maildir, 0, 0, NULL, "~/Maildir" },
	{ "auth_delay", S_NUM, &config.auth_delay, NULL, 0, 60, NULL, NULL },
	{ "auth_failures", S_NUM, &config.auth_failures, NULL, 1, 100, NULL,
	    NULL },
	{ "throttle_failures", S_NUM, &config.throttle_failures, NULL, 0,
	    100000, NULL, NULL },
	{ "throttle_window", S_NUM, &config.throttle_window, NULL, 1,
	    7 * 24 * 3600, NULL, NULL },
	{ "throttle_dir", S_STR, NULL, &config.throttle_dir, 0, 0, NULL,
	    "/run/mdimapd" },
	{ "secure", S_WORD, &config.secure, NULL, 0, 0, "no yes auto", NULL },
	{ "login_cleartext", S_WORD, &config.login_cleartext, NULL, 0, 0,
	    "never loopback always", NULL },
	{ "prelogin_user", S_STR, NULL, &config.prelogin_user, 0, 0, NULL,
	    "nobody" },
	{ "prelogin_chroot", S_STR, NULL, &config.prelogin_chroot, 0, 0, NULL,
	    "" },
	/* Maildir++ quota (RFC 9208 QUOTA); 0 leaves the limits to the
	 * first line of maildirsize. The maximum keeps sums in 63 bits. */
	{ "quota_storage", S_NUM, &config.quota_storage, NULL, 0,
	    LONG_MAX / 4, NULL, NULL },
	{ "quota_messages", S_NUM, &config.quota_messages, NULL, 0,
	    LONG_MAX / 4, NULL, NULL },
	{ NULL, S_NUM, NULL, NULL, 0, 0, NULL, NULL },
};

static void
config_defaults(void)
{
	const struct setting	*s;
	static int		 done;

	if (done)
		return;
	done = 1;
	for (s = settings; s->name != NULL; s++)
		if (s->type == S_STR && *s->str == NULL &&
		    (*s->str = strdup(s->def)) == NULL)
			fatalx("out of memory");
}

/* Word number i of a space-separated list, or -1. */
static long
word_index(const char *words, const char *w)
{
	const char	*p = words, *end;
	size_t		 len = strlen(w);
	long		 i = 0;

	for (;;) {
		end = strchr(p, ' ');
		if ((end == NULL ? strlen(p) : (size_t)(end - p)) == len &&
		    strncmp(p, w, len) == 0)
			return i;
		if (end == NULL)
			return -1;
		p = end + 1;
		i++;
	}
}

static int
set_value(const char *name, size_t namelen, const char *value, char *err,
    size_t errsize)
{
	const struct setting	*s;
	char			*end, *copy;
	long			 v;

	config_defaults();
	for (s = settings; s->name != NULL; s++)
		if (strlen(s->name) == namelen &&
		    strncmp(s->name, name, namelen) == 0)
			break;
	if (s->name == NULL) {
		(void)snprintf(err, errsize, "unknown setting %.*s",
		    (int)namelen, name);
		return -1;
	}
	switch (s->type) {
	case S_NUM:
		errno = 0;
		v = strtol(value, &end, 10);
		if (value[0] < '0' || value[0] > '9' || *end != '\0' ||
		    errno != 0 || v < s->min || v > s->max) {
			(void)snprintf(err, errsize, "%s: value must be a "
			    "number from %ld to %ld", s->name, s->min, s->max);
			return -1;
		}
		*s->num = v;
		return 0;
	case S_WORD:
		if ((v = word_index(s->words, value)) == -1) {
			(void)snprintf(err, errsize, "%s: value must be one "
			    "of: %s", s->name, s->words);
			return -1;
		}
		*s->num = v;
		return 0;
	case S_STR:
		if (strlen(value) >= PATH_MAX) {
			(void)snprintf(err, errsize, "%s: value too long",
			    s->name);
			return -1;
		}
		if ((copy = strdup(value)) == NULL)
			fatalx("out of memory");
		free(*s->str);
		*s->str = copy;
		return 0;
	}
	return -1;
}

int
config_set(const char *assignment, char *err, size_t errsize)
{
	const char	*eq;

	if ((eq = strchr(assignment, '=')) == NULL) {
		(void)snprintf(err, errsize, "%s: expected name=value",
		    assignment);
		return -1;
	}
	return set_value(assignment, (size_t)(eq - assignment), eq + 1, err,
	    errsize);
}

static char *
trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int
config_load(const char *path, int missing_ok, char *err, size_t errsize)
{
	FILE		*f;
	struct stat	 st;
	char		 line[PATH_MAX + 128], msg[256], *p, *eq, *name;
	size_t		 lineno = 0;

	config_defaults();
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT && missing_ok)
			return 1;
		(void)snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == -1 || (!S_ISREG(st.st_mode) &&
	    !S_ISCHR(st.st_mode) && !S_ISFIFO(st.st_mode))) {
		(void)snprintf(err, errsize, "%s: not a file", path);
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			(void)snprintf(err, errsize, "%s:%zu: line too long",
			    path, lineno);
			fclose(f);
			return -1;
		}
		line[strcspn(line, "\n")] = '\0';
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		p = trim(line);
		if (*p == '\0')
			continue;
		if ((eq = strchr(p, '=')) == NULL) {
			(void)snprintf(err, errsize, "%s:%zu: expected "
			    "name = value", path, lineno);
			fclose(f);
			return -1;
		}
		*eq = '\0';
		name = trim(p);
		if (set_value(name, strlen(name), trim(eq + 1), msg,
		    sizeof(msg)) == -1) {
			(void)snprintf(err, errsize, "%s:%zu: %s", path,
			    lineno, msg);
			fclose(f);
			return -1;
		}
	}
	if (ferror(f)) {
		(void)snprintf(err, errsize, "%s: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

void
config_print(void)
{
	const struct setting	*s;

	config_defaults();
	for (s = settings; s->name != NULL; s++) {
		switch (s->type) {
		case S_NUM:
			printf("%s = %ld\n", s->name, *s->num);
			break;
		case S_WORD: {
			const char	*p = s->words, *end;
			long		 i;

			for (i = 0; i < *s->num && p != NULL; i++)
				p = (end = strchr(p, ' ')) ? end + 1 : NULL;
			printf("%s = %.*s\n", s->name, p == NULL ? 0 :
			    (int)(strchr(p, ' ') ? (size_t)(strchr(p, ' ') - p) :
			    strlen(p)), p == NULL ? "" : p);
			break;
		}
		case S_STR:
			printf("%s = %s\n", s->name, *s->str);
			break;
		}
	}
}
