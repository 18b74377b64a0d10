/*
 * crlf.h: Maildir text (LF line ends, or CRLF, or a mix) as IMAP wants it
 * (CRLF, RFC 9051 2.2): a bare LF becomes CRLF, a CRLF stays, a bare CR
 * stays. Both functions take text a piece at a time: *prev_cr carries
 * "the last byte of the previous piece was a CR" (0 before the first).
 */
#ifndef MDIMAPD_CRLF_H
#define MDIMAPD_CRLF_H

#include <stddef.h>

/* How many bytes the CRLF form of in[0..n) adds: its bare LFs. */
size_t	crlf_extra(const char *in, size_t n, int *prev_cr);
/* in[0..n) as CRLF text into out (room for n + crlf_extra() bytes, at
 * most 2n); returns the bytes written. */
size_t	crlf_copy(char *out, const char *in, size_t n, int *prev_cr);

#endif
