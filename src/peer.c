/*
 * peer.c: the peer's address. An environment variable is trusted only when
 * fd 0 is not an Internet socket itself (the launcher set it and sits
 * between us and the client: stunnel in exec mode, tcpserver).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "peer.h"

static int
addr_is_loopback(const char *a)
{
	return strncmp(a, "127.", 4) == 0 || strcmp(a, "::1") == 0 ||
	    strncmp(a, "::ffff:127.", 11) == 0;
}

int
peer_describe(int fd, char *buf, size_t size)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	char			 host[NI_MAXHOST];
	const char		*env;

	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    (ss.ss_family == AF_INET || ss.ss_family == AF_INET6) &&
	    getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host),
	    NULL, 0, NI_NUMERICHOST) == 0) {
		log_escape(buf, size, host, strlen(host));
		return addr_is_loopback(host);
	}
	if ((env = getenv("REMOTE_HOST")) != NULL ||
	    (env = getenv("TCPREMOTEIP")) != NULL) {
		log_escape(buf, size, env, strlen(env));
		return addr_is_loopback(env);
	}
	log_escape(buf, size, "local", 5);
	return 1;
}
