/*
 * io.c: fixed input and output buffers over fd 0 and fd 1.
 *
 * Reading waits in poll() for at most the idle limit. Writing is blocking;
 * a reader that does not read would block us forever, so each flush is
 * bounded by an alarm (SIGALRM, installed without SA_RESTART so write()
 * returns EINTR) of LIMIT_WRITE_TIMEOUT. We do not make fd 1 non-blocking:
 * under inetd it is the same open file as fd 0, and in a shell pipeline it
 * may be shared with other programs.
 *
 * After COMPRESS (RFC 4978), every byte both ways goes through deflate.c:
 * what is read is compressed input, inflated into inbuf no more than inbuf
 * holds at a time, so everything above io (line and literal limits,
 * timeouts) sees the inflated bytes as it would see plain ones; output is
 * compressed, and each flush ends with a sync flush, so a response never
 * waits inside zlib while we wait for the client.
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
#include "deflate.h"
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
static struct deflate	*zs;		/* after COMPRESS: the streams */
static struct deflate	*zs_ready;	/* io_compress_prepare()d */
static int		 zs_unflushed;	/* compressed without a flush */

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

/* Write all of p; the alarm is set by the caller (io_send). */
static void
io_write_raw(const char *p, size_t n)
{
	ssize_t	w;

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
}

/* Send p as it is, or compressed (flush: to the end of what was given). */
static void
io_send(const char *p, size_t n, int flush)
{
	if (out_dead)
		return;
	write_timedout = 0;
	alarm((unsigned)config.write_timeout);
	if (zs != NULL) {
		deflate_write(zs, p, n, flush, io_write_raw);
		zs_unflushed = !flush;
	} else
		io_write_raw(p, n);
	alarm(0);
}

void
io_flush(void)
{
	if (out_len == 0 && !zs_unflushed)
		return;
	io_send(outbuf, out_len, 1);
	out_len = 0;
}

void
io_write(const void *p, size_t n)
{
	if (n >= OUT_SIZE) {
		io_flush();
		io_send(p, n, 0);
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

/* "* BYE text", log reason, exit: io's own ends of the session. */
static void
io_bye(const char *text, const char *reason, int status)
{
	io_printf("* BYE %s\r\n", text);
	io_exit(reason, status);
}

/*
 * Wait for input within the idle limit and the deadline, and read what
 * there is into p (size > 0): never returns 0 bytes. A timeout ends the
 * session with BYE, EOF and read errors end it.
 */
static size_t
io_read(char *p, size_t size)
{
	struct pollfd	pfd;
	ssize_t		r;
	time_t		now;
	int		n, timeout;

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
		if (n == 0)
			io_bye(idle_bye, "idle timeout", 0);
		r = read(in_fd, p, size);
		if (r == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r == 0)
			io_exit("EOF", 0);
		if (r == -1)
			io_exit("read error", 0);
		bytes_in += (uint64_t)r;
		return (size_t)r;
	}
}

/* After COMPRESS, with inbuf empty: inflate into it what the compressed
 * input held gives (0: it needs more). A corrupt stream ends the
 * session. */
static size_t
io_inflate(void)
{
	long	n;

	in_off = in_len = 0;
	if ((n = deflate_read(zs, inbuf, sizeof(inbuf))) == -1) {
		log_warnx("compressed input: %s", deflate_error(zs));
		io_bye("Invalid compressed data", "compression error", 1);
	}
	in_len = (size_t)n;
	return in_len;
}

/* Read compressed input from fd 0 (waiting as io_read does). */
static void
io_read_compressed(void)
{
	char	*p;
	size_t	 size;

	p = deflate_space(zs, &size);
	if (size == 0)
		fatalx("io_read_compressed: no room");
	deflate_added(zs, io_read(p, size));
}

static void
io_fill(void)
{
	io_flush();
	in_off = in_len = 0;
	if (zs == NULL) {
		in_len = io_read(inbuf, sizeof(inbuf));
		return;
	}
	while (io_inflate() == 0)
		io_read_compressed();
}

int
io_wait(int extra_fd, int timeout_ms)
{
	struct pollfd	pfd[2];
	struct timespec	t0, t1;
	long		left;
	int		n;

	if (in_off != in_len)
		return 1;
	if (zs != NULL && io_inflate() > 0)
		return 1;
	io_flush();
	clock_gettime(CLOCK_MONOTONIC, &t0);
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
		if (pfd[0].revents == 0)
			return 2;
		if (zs == NULL)
			return 1;	/* data, EOF or error: io_peek tells */
		/* Compressed input counts once it inflates to something
		 * (an empty flush does not); EOF and errors end here. */
		io_read_compressed();
		if (io_inflate() > 0)
			return 1;
		if (timeout_ms < 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = timeout_ms - ((long)(t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return 0;
		timeout_ms = (int)left;
		t0 = t1;
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

int
io_compress_prepare(void)
{
	if (zs_ready == NULL && zs == NULL)
		zs_ready = deflate_new();
	return zs_ready != NULL ? 0 : -1;
}

void
io_compress_start(void)
{
	char	*p;
	size_t	 size, n = in_len - in_off;

	if (zs_ready == NULL || zs != NULL)
		fatalx("io_compress_start: not prepared");
	/* RFC 4978 3: compressed from right after the CRLF of the OK. */
	io_flush();
	zs = zs_ready;
	zs_ready = NULL;
	/* What the client sent after COMPRESS is compressed already. */
	p = deflate_space(zs, &size);
	if (n > size)
		fatalx("io_compress_start: %zu bytes pending", n);
	memcpy(p, inbuf + in_off, n);
	deflate_added(zs, n);
	in_off = in_len = 0;
}

int
io_compressing(void)
{
	return zs != NULL;
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
