/*
 * io.c: fixed input and output buffers over fd 0 and fd 1.
 *
 * Reading waits in poll() for at most the idle limit. Writing is blocking;
 * a reader that does not read would block us forever, so each flush is
 * bounded by an alarm (SIGALRM, installed without SA_RESTART so write()
 * returns EINTR) of LIMIT_WRITE_TIMEOUT. We do not make fd 1 non-blocking:
 * under inetd it is the same open file as fd 0, and in a shell pipeline it
 * may be shared with other programs.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "io.h"
#include "mdlimits.h"
#include "log.h"

#define IN_SIZE		(64 * 1024)
#define OUT_SIZE	(64 * 1024)

static int		 in_fd, out_fd = 1;
static char		 inbuf[IN_SIZE];
static size_t		 in_off, in_len;
static char		 outbuf[OUT_SIZE];
static size_t		 out_len;
static uint64_t		 bytes_in, bytes_out;
static int		 idle_secs = LIMIT_IDLE_PRELOGIN;
static const char	*idle_bye = "Autologout; idle for too long";
static void		(*close_hook)(const char *);
static int		 out_dead;
static time_t		 deadline;	/* 0: none */
static volatile sig_atomic_t write_timedout;

static void
alarm_handler(int sig)
{
	(void)sig;
	write_timedout = 1;
}

void
io_init(int infd, int outfd)
{
	struct sigaction	sa;

	in_fd = infd;
	out_fd = outfd;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = alarm_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;		/* no SA_RESTART: write() gets EINTR */
	if (sigaction(SIGALRM, &sa, NULL) == -1)
		fatal("sigaction");
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) == -1)
		fatal("sigaction");
}

void
io_set_idle(int seconds, const char *bye)
{
	idle_secs = seconds;
	idle_bye = bye;
}

void
io_set_deadline(int seconds)
{
	deadline = seconds > 0 ? time(NULL) + seconds : 0;
}

void
io_set_close_hook(void (*hook)(const char *))
{
	close_hook = hook;
}

void
io_exit(const char *reason, int status)
{
	void	(*hook)(const char *) = close_hook;

	io_flush();
	close_hook = NULL;
	if (hook != NULL)
		hook(reason);
	exit(status);
}

static void
io_write_all(const char *p, size_t n)
{
	ssize_t	w;

	if (out_dead)
		return;
	write_timedout = 0;
	alarm((unsigned)config.write_timeout);
	while (n > 0) {
		w = write(out_fd, p, n);
		if (w == -1 && errno == EINTR && !write_timedout)
			continue;
		/* A write cut short by the alarm returns what it wrote:
		 * the timeout still ends the session. */
		if (w <= 0 || write_timedout) {
			alarm(0);
			out_dead = 1;
			io_exit(write_timedout ? "write timeout" :
			    "write error", 1);
		}
		p += w;
		n -= (size_t)w;
		bytes_out += (uint64_t)w;
	}
	alarm(0);
}

void
io_flush(void)
{
	if (out_len == 0)
		return;
	io_write_all(outbuf, out_len);
	out_len = 0;
}

void
io_write(const void *p, size_t n)
{
	if (n >= OUT_SIZE) {
		io_flush();
		io_write_all(p, n);
		return;
	}
	if (out_len + n > OUT_SIZE)
		io_flush();
	memcpy(outbuf + out_len, p, n);
	out_len += n;
}

void
io_puts(const char *s)
{
	io_write(s, strlen(s));
}

void
io_printf(const char *fmt, ...)
{
	char	 small[1024], *big;
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("io_printf: bad format");
	if ((size_t)n < sizeof(small)) {
		io_write(small, (size_t)n);
		return;
	}
	if ((big = malloc((size_t)n + 1)) == NULL)
		fatalx("out of memory");
	va_start(ap, fmt);
	(void)vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	io_write(big, (size_t)n);
	free(big);
}

static void
io_fill(void)
{
	struct pollfd	pfd;
	ssize_t		r;
	time_t		now;
	int		n, timeout;

	io_flush();
	in_off = in_len = 0;
	for (;;) {
		pfd.fd = in_fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		timeout = idle_secs;
		if (deadline != 0) {
			now = time(NULL);
			if (deadline - now < timeout)
				timeout = deadline > now ? (int)(deadline - now) : 0;
		}
		n = poll(&pfd, 1, timeout * 1000);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			fatal("poll");
		if (n == 0) {
			io_printf("* BYE %s\r\n", idle_bye);
			io_exit("idle timeout", 0);
		}
		r = read(in_fd, inbuf, sizeof(inbuf));
		if (r == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r == 0)
			io_exit("EOF", 0);
		if (r == -1)
			io_exit("read error", 0);
		in_len = (size_t)r;
		bytes_in += (uint64_t)r;
		return;
	}
}

int
io_wait(int extra_fd, int timeout_ms)
{
	struct pollfd	pfd[2];
	int		n;

	if (in_off != in_len)
		return 1;
	io_flush();
	for (;;) {
		pfd[0].fd = in_fd;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		pfd[1].fd = extra_fd;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		n = poll(pfd, extra_fd >= 0 ? 2 : 1, timeout_ms);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			fatal("poll");
		if (n == 0)
			return 0;
		if (pfd[0].revents != 0)
			return 1;	/* data, EOF or error: io_peek tells */
		return 2;
	}
}

long
io_getline(char *buf, size_t size)
{
	const char	*p;
	size_t		 len, i, n = 0;
	int		 toolong = 0;

	for (;;) {
		p = io_peek(&len);
		for (i = 0; i < len; i++) {
			if (p[i] == '\n') {
				io_consume(i + 1);
				if (toolong)
					return -1;
				if (n > 0 && buf[n - 1] == '\r')
					n--;
				buf[n] = '\0';
				return (long)n;
			}
			if (n + 1 < size)
				buf[n++] = p[i];
			else
				toolong = 1;
		}
		io_consume(len);
	}
}

const char *
io_peek(size_t *len_r)
{
	if (in_off == in_len)
		io_fill();
	*len_r = in_len - in_off;
	return inbuf + in_off;
}

void
io_consume(size_t n)
{
	if (n > in_len - in_off)
		fatalx("io_consume: %zu > %zu", n, in_len - in_off);
	in_off += n;
}

void
io_prefeed(const char *p, size_t n)
{
	if (n > sizeof(inbuf) || in_len != in_off)
		fatalx("io_prefeed: %zu bytes", n);
	memcpy(inbuf, p, n);
	in_off = 0;
	in_len = n;
}

size_t
io_buffered(void)
{
	return in_len - in_off;
}

uint64_t
io_bytes_in(void)
{
	return bytes_in;
}

uint64_t
io_bytes_out(void)
{
	return bytes_out;
}
