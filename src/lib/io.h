/*
 * io.h: buffered I/O on the client's file descriptors (0 and 1), with
 * timeouts. The protocol code never checks for EOF, errors or timeouts:
 * io ends the process itself, after calling the close hook (which logs the
 * session's end). Output is flushed whenever input must be waited for, so
 * pipelined commands are answered in one write.
 *
 * fd 0 may be a socket, a pipe, a terminal or a regular file: it is only
 * ever poll()ed and read() in blocking mode.
 *
 * After io_compress_start() (COMPRESS=DEFLATE, RFC 4978) both directions
 * are raw deflate; everything below works on the inflated input and
 * uncompressed output as before, and io_bytes_in/out count the bytes on
 * the wire. A corrupt compressed stream ends the session ("* BYE", reason
 * "compression error", status 1).
 */
#ifndef MDIMAPD_IO_H
#define MDIMAPD_IO_H

#include <stddef.h>
#include <stdint.h>

void	io_init(int infd, int outfd);
/* Seconds to wait for input before writing "* BYE <bye>" and ending. */
void	io_set_idle(int seconds, const char *bye);
/* From now, all input must come within seconds (0: no deadline, only the
 * idle limit between reads). */
void	io_set_deadline(int seconds);
/* Called once when the session ends for an I/O reason ("EOF",
 * "idle timeout", "write error"...). It logs; io exits afterwards. */
void	io_set_close_hook(void (*)(const char *reason));

/* Buffered input, waiting for some if there is none (never returns with
 * *len_r == 0). */
const char *io_peek(size_t *len_r);
void	io_consume(size_t n);
/* Put input read by another process (the pre-login child) in front of
 * what comes next; at most 64 KiB. */
void	io_prefeed(const char *, size_t);
/* Input already buffered, without waiting. */
size_t	io_buffered(void);

/* Wait (flushing output first) for input on fd 0 (returns 1), for
 * extra_fd to become readable (2; -1 for none) or for timeout_ms (0).
 * Input already buffered counts. EOF ends the session as io_peek does. */
int	io_wait(int extra_fd, int timeout_ms);
/* Read one line (through LF; CR LF and LF both end it) into buf, without
 * the line end, NUL-terminated. Returns its length, or -1 if it was longer
 * than size - 1 (then it is read and thrown away whole). */
long	io_getline(char *buf, size_t size);

void	io_write(const void *, size_t);
void	io_puts(const char *);
void	io_printf(const char *, ...) __attribute__((format(printf, 1, 2)));
void	io_flush(void);
/* Flush, call the close hook with reason, exit with status. */
void	io_exit(const char *reason, int status) __attribute__((noreturn));

/* COMPRESS: get zlib's streams ready (0), or -1 when there is no memory
 * for them; then, once the tagged OK is written, start: output written so
 * far is flushed as it is, and input already buffered past the command is
 * taken as compressed. */
int	io_compress_prepare(void);
void	io_compress_start(void);
int	io_compressing(void);

uint64_t io_bytes_in(void);
uint64_t io_bytes_out(void);

#endif
