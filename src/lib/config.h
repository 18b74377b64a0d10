/*
 * config.h: run-time settings. Each has a default from mdlimits.h, a
 * range, and a name used by "-o name=value" on the command line (and by
 * the configuration file, which reads the same table).
 */
#ifndef MDIMAPD_CONFIG_H
#define MDIMAPD_CONFIG_H

struct config {
	long	line_max_prelogin;	/* bytes */
	long	line_max;
	long	idle_prelogin;		/* seconds */
	long	idle;
	long	write_timeout;
};

extern struct config	config;

/* Apply "name=value"; returns 0, or -1 with a message in err. */
int	config_set(const char *assignment, char *err, size_t errsize);
/* Print every setting as "name = value" lines (mdimapd -n). */
void	config_print(void);

#endif
