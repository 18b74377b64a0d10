/*
 * listen.c: the accept loop. Children are not waited for (SA_NOCLDWAIT):
 * each is a whole session, as under inetd. The loop stops on SIGINT or
 * SIGTERM; running sessions go on to their end.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"

void
listen_run(const char *spec)
{
	struct addrinfo		 hints, *res, *ai;
	struct sigaction	 sa;
	char			 host[256], *port;
	const char		*h;
	int			 s = -1, c, one = 1;
	pid_t			 pid;

	if (strlcpy(host, spec, sizeof(host)) >= sizeof(host) ||
	    (port = strrchr(host, ':')) == NULL)
		fatalx("--listen %s: expected ADDR:PORT", spec);
	*port++ = '\0';
	h = host;
	if (host[0] == '[') {		/* [::1]:1143 */
		h = host + 1;
		host[strlen(host) - 1] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((c = getaddrinfo(*h ? h : NULL, port, &hints, &res)) != 0)
		fatalx("--listen %s: %s", spec, gai_strerror(c));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol)) == -1)
			continue;
		(void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
		if (bind(s, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(s, 64) == 0)
			break;
		close(s);
		s = -1;
	}
	freeaddrinfo(res);
	if (s == -1)
		fatal("--listen %s", spec);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = SA_NOCLDWAIT;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) == -1)
		fatal("sigaction");
	log_info("listening on %s", spec);
	for (;;) {
		if ((c = accept(s, NULL, NULL)) == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fatal("accept");
		}
		if ((pid = fork()) == -1) {
			log_warn("fork");
			close(c);
			continue;
		}
		if (pid == 0) {
			close(s);
			sa.sa_handler = SIG_DFL;
			sa.sa_flags = 0;
			(void)sigaction(SIGCHLD, &sa, NULL);
			if (dup2(c, 0) == -1 || dup2(c, 1) == -1)
				_exit(1);
			if (c > 1)
				close(c);
			return;
		}
		close(c);
	}
}
