/*
 * quota.h: the Maildir++ quota of a Maildir, kept in its maildirsize file
 * as Courier's maildrop, Dovecot and other MDAs keep it: a first line with
 * the limits ("1000000S,1000C"), then lines "<bytes> <count>" whose sums
 * are the usage. Storage only: the commands turn the results into QUOTA
 * responses (RFC 9208) and OVERQUOTA codes.
 *
 * Limits come from the settings quota_storage and quota_messages when
 * either is set (the file is then rewritten with them), else from the
 * file's first line. With neither, there is no quota and nothing is kept
 * up to date.
 */
#ifndef MDIMAPD_QUOTA_H
#define MDIMAPD_QUOTA_H

#include <stddef.h>
#include <stdint.h>

#define QUOTA_FILE	"maildirsize"
#define QUOTA_LOCK	"maildirsize.lock"

struct quota {
	uint64_t	 limit_bytes;	/* 0: no limit */
	uint64_t	 limit_count;	/* 0: no limit */
	int64_t		 bytes;		/* usage */
	int64_t		 count;
};

/* --- pure: no I/O ---------------------------------------------------- */

/*
 * Parse a limits line ("1000000S,1000C"; a letter other than S or C and a
 * zero value are ignored, as Dovecot does). Returns 0, or -1 if an item is
 * not "<digits><letter>" (what could be read is kept).
 */
int	quota_limits_parse(const char *line, size_t len, uint64_t *bytes_r,
	    uint64_t *count_r);
/* "<bytes>S,<count>C" (each only when not 0) into buf, NUL-terminated;
 * returns the length. */
size_t	quota_limits_format(char *buf, size_t size, uint64_t bytes,
	    uint64_t count);

/*
 * Parse a whole maildirsize: limits from the first line, usage summed from
 * the others. Returns 0 if the file is sound, 1 if it needs recalculating
 * (a line that is not two numbers, a last line without its newline, a
 * negative sum, a first line with garbage: what could be read is in q),
 * -1 if it holds no first line at all.
 */
int	quota_file_parse(const char *buf, size_t len, struct quota *q);

/* The size Maildir++ counts for a message from its file name: the ",S="
 * value in the base name. Returns 0, or -1 if the name has none. */
int	quota_name_size(const char *name, uint64_t *size_r);

/* Whether adding bytes and count goes over a limit (1) or not (0). */
int	quota_exceeds(const struct quota *, uint64_t bytes, uint64_t count);

/* --- on disk ---------------------------------------------------------- */

/*
 * The quota of the Maildir at rootfd, recalculated first when the
 * Maildir++ rules say so. Returns 1 with q filled when a limit is in
 * force, 0 when there is none (q zeroed), -1 on error (errno).
 */
int	quota_get(int rootfd, struct quota *q);
/* Whether bytes and count more fit: 0 yes (or no quota), 1 no (errno
 * EDQUOT), -1 on error. A file that says no is recalculated first when it
 * is older than QUOTA_STALE, as Maildir++ asks. */
int	quota_check(int rootfd, uint64_t bytes, uint64_t count);
/* Record a change of usage: one line appended to maildirsize with a single
 * write (O_APPEND, so concurrent writers never mix). Without the file it
 * is created by a recalculation when limits are configured. */
void	quota_add(int rootfd, int64_t bytes, int64_t count);
/* The size of one message file in dirfd: quota_name_size, else st_size.
 * Returns 0 or -1 (errno). */
int	quota_msg_size(int dirfd, const char *name, uint64_t *size_r);
/* The messages of one folder (its cur/ and new/): 0 or -1 (errno). */
int	quota_folder_usage(int dirfd, int64_t *bytes_r, int64_t *count_r);

#endif
