/*
 * config.c: the settings table. Values are integers with a unit and a
 * range; out-of-range values are errors, never clamped silently.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "mdlimits.h"

struct config config = {
	.line_max_prelogin = LIMIT_LINE_PRELOGIN,
	.line_max = LIMIT_LINE,
	.idle_prelogin = LIMIT_IDLE_PRELOGIN,
	.idle = LIMIT_IDLE,
	.write_timeout = LIMIT_WRITE_TIMEOUT,
};

struct setting {
	const char	*name;
	long		*value;
	long		 min;
	long		 max;
};

static const struct setting settings[] = {
	/* Below 1 KiB a LOGIN with long credentials no longer fits. */
	{ "line_max_prelogin",	&config.line_max_prelogin, 1024, LIMIT_LINE },
	{ "line_max",		&config.line_max, 1024, LIMIT_LINE },
	{ "idle_prelogin",	&config.idle_prelogin, 1, 3600 },
	/* RFC 9051 5.4: at least 30 minutes; shorter only for testing. */
	{ "idle",		&config.idle, 1, 24 * 3600 },
	{ "write_timeout",	&config.write_timeout, 1, 3600 },
	{ NULL,			NULL, 0, 0 },
};

int
config_set(const char *assignment, char *err, size_t errsize)
{
	const struct setting	*s;
	const char		*eq;
	char			*end;
	size_t			 namelen;
	long			 v;

	if ((eq = strchr(assignment, '=')) == NULL) {
		(void)snprintf(err, errsize, "%s: expected name=value",
		    assignment);
		return -1;
	}
	namelen = (size_t)(eq - assignment);
	for (s = settings; s->name != NULL; s++)
		if (strlen(s->name) == namelen &&
		    strncmp(s->name, assignment, namelen) == 0)
			break;
	if (s->name == NULL) {
		(void)snprintf(err, errsize, "unknown setting %.*s",
		    (int)namelen, assignment);
		return -1;
	}
	errno = 0;
	v = strtol(eq + 1, &end, 10);
	if (eq[1] == '\0' || *end != '\0' || errno != 0 || v < s->min ||
	    v > s->max) {
		(void)snprintf(err, errsize, "%s: value must be a number from "
		    "%ld to %ld", s->name, s->min, s->max);
		return -1;
	}
	*s->value = v;
	return 0;
}

void
config_print(void)
{
	const struct setting	*s;

	for (s = settings; s->name != NULL; s++)
		printf("%s = %ld\n", s->name, *s->value);
}
