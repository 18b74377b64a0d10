/*
 * peer.c: the peer's address. A socket from another host is the client
 * itself; stunnel's REMOTE_HOST (with REMOTE_PORT) is believed when fd 0
 * is a pipe, a socketpair or stunnel's own loopback connection, and
 * tcpserver's TCPREMOTEIP when fd 0 is no Internet socket at all.
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

/*
 * Whether fd 0 looks like stunnel's end of the pipe to us: not a socket
 * from another host, and, for a loopback connection, not the client named
 * in REMOTE_HOST/REMOTE_PORT itself (xinetd sets REMOTE_HOST and hands
 * us the client's own socket; stunnel sets REMOTE_PORT too and connects
 * from a port of its own).
 */
static int
stunnel_like(int inet, int loop, const struct sockaddr_storage *ss)
{
	const char	*rp = getenv("REMOTE_PORT");
	unsigned	 port;

	if (rp == NULL || *rp == '\0')
		return 0;
	if (!inet)
		return 1;
	if (!loop)
		return 0;
	port = ss->ss_family == AF_INET ?
	    ntohs(((const struct sockaddr_in *)ss)->sin_port) :
	    ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return (unsigned long)strtoul(rp, NULL, 10) != port;
}

int
peer_describe(int fd, char *buf, size_t size, int *proxied_r)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	char			 host[NI_MAXHOST];
	const char		*env, *rh = getenv("REMOTE_HOST");
	int			 inet = 0, loop = 1;

	if (proxied_r != NULL)
		*proxied_r = 0;
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    (ss.ss_family == AF_INET || ss.ss_family == AF_INET6) &&
	    getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host),
	    NULL, 0, NI_NUMERICHOST) == 0) {
		inet = 1;
		loop = addr_is_loopback(host);
	}
	/*
	 * stunnel runs us on a socketpair or a loopback connection and names
	 * the client in REMOTE_HOST. A socket from elsewhere is the client
	 * itself (xinetd sets REMOTE_HOST as well): believe the socket.
	 */
	if (rh != NULL && *rh != '\0' && stunnel_like(inet, loop, &ss)) {
		if (proxied_r != NULL)
			*proxied_r = 1;
		log_escape(buf, size, rh, strlen(rh));
		return addr_is_loopback(rh);
	}
	if (inet) {
		log_escape(buf, size, host, strlen(host));
		return loop;
	}
	if ((env = getenv("TCPREMOTEIP")) != NULL && *env != '\0') {
		log_escape(buf, size, env, strlen(env));
		return addr_is_loopback(env);
	}
	log_escape(buf, size, "local", 5);
	return 1;
}
