/*
 * mdlimits.h: every limit mdimapd enforces, in one place.
 *
 * Each limit has a default, the reason for it, and a test (tests/limits.bats or
 * tests/unit/). Exceeding one gives a tagged BAD/NO with a response code when the
 * command stream can be resynchronised, or "* BYE" when it cannot.
 * mdimapd(8) documents them all under LIMITS.
 */
#ifndef MDIMAPD_LIMITS_H
#define MDIMAPD_LIMITS_H

/* Command line, literals excluded: Dovecot's values. A client that sends
 * more before login is not a mail client. */
#define LIMIT_LINE_PRELOGIN	(8 * 1024)
#define LIMIT_LINE		(64 * 1024)

/* How much of an over-long line (or of a rejected non-synchronizing literal)
 * is read and thrown away to resynchronise before giving up with BYE. */
#define LIMIT_DISCARD		(1024 * 1024)

/* Literal before login: only to LOGIN / AUTHENTICATE, and only this big
 * (a user name or password never needs more). */
#define LIMIT_LITERAL_PRELOGIN	1024

/* Non-synchronizing literal: the LITERAL- bound (RFC 7888 5). */
#define LIMIT_LITERAL_NONSYNC	4096

/* Any literal a command keeps in memory (APPEND streams instead). */
#define LIMIT_LITERAL_MEM	(64 * 1024)

/* All literals of one command kept in memory, together. */
#define LIMIT_COMMAND_MEM	(1024 * 1024)

/* APPEND message size, advertised as APPENDLIMIT (RFC 7889). */
#define LIMIT_APPEND		(64UL * 1024 * 1024)

/* Parenthesised list nesting in one command. */
#define LIMIT_NESTING		32

/* Number of arguments (atoms, strings, lists) in one command. */
#define LIMIT_ARGS		10000

/* Ranges in one sequence set (a 64 KiB line holds about 16,000). */
#define LIMIT_SEQSET_RANGES	20000

/* Tag length (the line limit would do, but a tag is echoed in every reply). */
#define LIMIT_TAG		128

/* Bad commands in a row before login, then BYE. */
#define LIMIT_BAD_PRELOGIN	3

/* Failed logins on one connection, then BYE. */
#define LIMIT_AUTH_FAILURES	3

/* Seconds without a command: before login, and after (RFC 9051 5.4: at least
 * 30 minutes once authenticated). */
#define LIMIT_IDLE_PRELOGIN	60
#define LIMIT_IDLE		(30 * 60)

/* Seconds a reader that does not read may keep a response waiting. */
#define LIMIT_WRITE_TIMEOUT	(5 * 60)

/* ID (RFC 2971 3.3): at most 30 field/value pairs, fields of 30 octets,
 * values of 1024 octets. */
#define LIMIT_ID_PAIRS		30
#define LIMIT_ID_FIELD		30
#define LIMIT_ID_VALUE		1024

/* Mailboxes (src/store/mailbox*.c). */
/* Longest name: "." + name must fit a directory entry (NAME_MAX 255). */
#define MAILBOX_NAME_MAX	254
/* Longest canonical LIST pattern; longer ones match nothing (RFC 9051
 * 6.3.9 lets a server ignore a pattern it does not accept). */
#define MAILBOX_PATTERN_MAX	1024
/* Most names (folders, their implied parents, subscriptions) one LIST
 * handles: 100,000 names take about 16 MiB of the command's arena. */
#define MAILBOX_LIST_MAX	100000
/* Largest subscriptions or special-use file read. */
#define MAILBOX_FILE_MAX	(1024 * 1024)
/* A lock file (subscriptions.lock...) older than this is stale; a lock
 * held by another process is waited for this long (seconds). */
#define MAILBOX_LOCK_STALE	120
#define MAILBOX_LOCK_WAIT	10
/* Leftovers of a crashed CREATE or DELETE older than this are removed by
 * the next DELETE (seconds). */
#define MAILBOX_LEFTOVER_AGE	3600

/* SEARCH (src/imap/searchkey.c): keys in one program, and how deep NOT, OR
 * and parenthesised lists may nest. Each key costs a pass over every
 * message; nobody's client sends more than a few dozen. */
#define LIMIT_SEARCH_KEYS	1000
#define LIMIT_SEARCH_DEPTH	64
/* Longest string a text key (BODY, TEXT, HEADER...) may search for. */
#define LIMIT_SEARCH_STRING	(16 * 1024)

/* Maildir++ quota (src/store/quota.c). maildirsize is recalculated from a
 * scan of every folder when it grows past QUOTA_FILE_MAX bytes, or when the
 * user is over quota and it is older than QUOTA_STALE seconds (the Maildir++
 * rules, which MDAs follow too). Its lock, maildirsize.lock, is stale after
 * QUOTA_LOCK_STALE seconds (Dovecot's value); a scan that sees a folder
 * change under it is repeated up to QUOTA_SCAN_TRIES times. */
#define QUOTA_FILE_MAX		5120
#define QUOTA_STALE		(15 * 60)
#define QUOTA_LOCK_STALE	30
#define QUOTA_SCAN_TRIES	3

/* Keywords per folder: the letters a..z of a Maildir file name. */
#define LIMIT_KEYWORDS		26

/* Longest msg-id looked at, from its "<" to its ">" (RFC 5322 2.1.1's
 * line length): a longer one is not taken as an ID, so that garbage with
 * many "<" costs at most this much per "<" (src/mail/msgid.c). */
#define LIMIT_MSGID		998
/* Expunge history kept for QRESYNC (RFC 7162 3.2.5, 5.3), in ranges of
 * UIDs with the modseq of their expunge, per folder (16 bytes each in
 * memory, about 25 in mdimapd-state). Past it the older half is summarised
 * into one modseq (the "E" of the file's header): a client asking about
 * changes since before it is told every UID it may know that is not in the
 * folder, which RFC 7162 3.2.5.2 and 3.2.6 allow. */
#define LIMIT_EXPUNGE_HISTORY	10000

/* Data memory of one process (RLIMIT_DATA), in MiB: setting memory_limit. */
#define LIMIT_MEMORY_MB		512

/* Memory of one command's arena, beyond which the session ends. */
#define LIMIT_ARENA		(64UL * 1024 * 1024)
/* Memory of one SORT or THREAD: per message a few short strings, and
 * for THREAD its references (past it: THREAD answers NO [LIMIT], SORT
 * ends the session as the command memory does). */
#define LIMIT_SORT_MEMORY	(256UL * 1024 * 1024)

/* Messages (src/mail/mime.c): MIME nesting and parts per message, as
 * Dovecot limits them; deeper or further parts are not split (mime.h). */
#define LIMIT_MIME_DEPTH	100
#define LIMIT_MIME_PARTS	10000
/* The part of a header field's value that is looked at (ENVELOPE,
 * BODYSTRUCTURE fields, SEARCH on a header): a longer value is cut there,
 * so a hostile header cannot make a response grow without bound. */
#define LIMIT_HEADER_VALUE	(64 * 1024)

#endif
