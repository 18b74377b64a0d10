/*
 * maildir.h: one Maildir folder, opened: its messages, UIDs and flags,
 * kept in sync with what other processes do to it. Storage only: no IMAP
 * syntax; the session turns the changes it reports into untagged responses.
 *
 * The message list (the "view") is in ascending UID order, and its index
 * + 1 is the message sequence number. Messages that vanished from disk stay
 * in the view, marked MSG_GONE, until the session has reported them
 * (maildir_purge_gone), so sequence numbers change only when the client is
 * told (RFC 9051 7.5.1).
 */
#ifndef MDIMAPD_MAILDIR_H
#define MDIMAPD_MAILDIR_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mdlimits.h"
#include "modseq.h"
#include "namepool.h"
#include "uidlist.h"

struct stat;

/* System flags, as Maildir info letters (maildir.md). */
#define MF_DRAFT	0x01	/* D */
#define MF_FLAGGED	0x02	/* F */
#define MF_PASSED	0x04	/* P: not an IMAP flag, kept */
#define MF_ANSWERED	0x08	/* R */
#define MF_SEEN		0x10	/* S */
#define MF_DELETED	0x20	/* T */
#define MF_ALL		0x3f

/* Keywords: bit i is filename letter 'a' + i, named in dovecot-keywords. */
#define KEYWORDS_MAX	LIMIT_KEYWORDS

/* Message states. */
#define MSG_IN_NEW	0x01	/* the file is in new/ */
#define MSG_GONE	0x02	/* vanished from disk, not yet reported */
#define MSG_RECENT	0x04	/* \Recent for this session */
#define MSG_FLAGS_CHANGED 0x08	/* flags changed by another process */
#define MSG_X_RECORDED	0x10	/* its expunge is in mdimapd-state */

/* Ordered for size (40 bytes: 100,000 of them in a large folder). */
struct mmsg {
	char		*name;		/* current file name in new/ or cur/,
					 * in the view's namepool */
	uint64_t	 vsize;		/* RFC822.SIZE; 0 = not known yet */
	uint64_t	 modseq;	/* RFC 7162 MODSEQ; 0: not recorded yet;
				 * MSG_GONE: of its expunge (modseq.c) */
	uint32_t	 uid;
	uint32_t	 keywords;	/* bits, see KEYWORDS_MAX */
	uint32_t	 rec_keywords;	/* flags as recorded with modseq */
	uint8_t		 flags;		/* MF_* */
	uint8_t		 state;		/* MSG_* */
	uint8_t		 rec_flags;
};

struct maildir {
	int		 rootfd;	/* the Maildir root */
	int		 dirfd;		/* this folder */
	int		 curfd;		/* its cur/, new/ and tmp/ */
	int		 newfd;
	int		 tmpfd;
	int		 readonly;
	int		 light;		/* MAILDIR_LIGHT: no view */	/* EXAMINE: change nothing */
	char		*name;		/* mailbox name, as the client sent it */
	struct uidlist	 ul;
	struct mmsg	*msgs;		/* the view */
	size_t		 n;
	size_t		 cap;
	struct namepool	 names;		/* of msgs */
	uint32_t	*hash;		/* base name -> index + 1, open addressing */
	size_t		 hashsize;
	char		*keywords[KEYWORDS_MAX];	/* by letter; NULL unused */
	uint32_t	 uidvalidity;
	size_t		 recent;	/* MSG_RECENT in the view */
	size_t		 gone;		/* MSG_GONE in the view */
	size_t		 changed;	/* MSG_FLAGS_CHANGED, at most */
	size_t		 new_from;	/* no MSG_IN_NEW to take below it
					 * (SIZE_MAX: none at all) */
	int		 kw_changed;	/* keyword names changed (FLAGS) */
	dev_t		 kw_dev;	/* dovecot-keywords as last read */
	ino_t		 kw_ino;
	off_t		 kw_size;
	struct timespec	 kw_mtim;
	struct timespec	 cur_mtime;	/* of cur/ and new/ when last listed */
	struct timespec	 new_mtime;
	int		 synced;	/* the times above can be trusted */
	int		 finetimes;	/* maildir_fine_times() of cur/, new/ */
	int		 listed;	/* listed fully at least once */
	int		 inofd;		/* inotify on cur/ and new/, or -1 */
	int		 wd_cur;
	int		 wd_new;
	int		 watched;	/* listed fully since the watch began */
	int		 nowatch;	/* inotify failed: list instead */
	struct modseq_state ms;		/* mdimapd-state */
	size_t		 ms_from;	/* below it (and with no gone), no
					 * message has flags to record in
					 * ms (SIZE_MAX: none has) */
};

/* What a sync found, for the session to report. */
struct maildir_changes {
	size_t		 added;		/* new messages at the end of the view */
	size_t		 flags;		/* messages with MSG_FLAGS_CHANGED */
	size_t		 gone;		/* messages newly MSG_GONE */
};

/* Status of a folder without selecting it. */
struct maildir_status {
	uint32_t	 messages;
	uint32_t	 recent;
	uint32_t	 unseen;
	uint32_t	 uidnext;
	uint32_t	 uidvalidity;
	uint64_t	 size;		/* sum of RFC822.SIZE */
	uint32_t	 deleted;	/* messages with \Deleted */
	uint64_t	 deleted_size;	/* their sizes as maildirsize counts */
	uint64_t	 highestmodseq;	/* RFC 7162 3.1.7; 0: none kept */
	char		 mailboxid[40];	/* RFC 8474 4.3 (objectid.h) */
};

/*
 * Open the folder dirname ("" for INBOX, ".A.B" for A.B; from
 * mailbox_dirname()) under rootfd and sync it for the first time. With
 * readonly nothing on disk changes except that new messages get UIDs;
 * MAILDIR_LIGHT opens it for delivery only (no message list).
 * Returns NULL with errno set (ENOENT: no such folder).
 */
#define MAILDIR_LIGHT	2	/* readonly: read-only, without the listing */
struct maildir	*maildir_open(int rootfd, const char *dirname,
		    const char *name, int readonly);
void		 maildir_close(struct maildir **);

/* Bring the view up to date; ch may be NULL. Returns 0, or -1 (errno). */
int		 maildir_sync(struct maildir *, struct maildir_changes *ch);
/* Forget messages marked MSG_GONE (the session reported them) and clear
 * MSG_FLAGS_CHANGED. */
void		 maildir_purge_gone(struct maildir *);
void		 maildir_clear_changed(struct maildir *);

/* Index of uid in the view, or -1. */
long		 maildir_find_uid(const struct maildir *, uint32_t uid);
/* The next UID that will be given out. */
uint32_t	 maildir_uidnext(const struct maildir *);

/*
 * Change a message's flags: clear some, set others, applied to the flags
 * its file has when it is renamed (so a change another process made
 * meanwhile is kept). Returns 0, 1 if the message is gone from disk, or
 * -1 (errno).
 */
int		 maildir_change_flags(struct maildir *, size_t idx,
		    uint8_t clear, uint32_t clear_kw, uint8_t set,
		    uint32_t set_kw);
/* Letter index for a keyword, adding it to dovecot-keywords if create and
 * there is room. Returns 0..25, -1 unknown (or no room: errno ENOSPC), or
 * -2 on I/O error. Case-insensitive, as IMAP flags are. */
int		 maildir_keyword(struct maildir *, const char *kw, int create);
size_t		 maildir_keyword_count(const struct maildir *);

/* Message files up to this size are read by FETCH and SEARCH into a
 * buffer kept for the next one (no page faults, no unmapping); larger ones
 * are mapped. */
#define MAILDIR_MSG_READ_MAX	(256 * 1024)

/* Open a message file for reading (O_NOFOLLOW, regular files only),
 * following renames by other processes. Returns fd or -1 (ENOENT: gone). */
int		 maildir_open_msg(struct maildir *, size_t idx);
/* The same, with the file's stat (its mtime is the INTERNALDATE). With
 * NULL, no fstat() and no check that the file is a regular one: for a
 * caller that reads it with pread(), which fails on a FIFO (ESPIPE) or a
 * directory (EISDIR), and that stats it then. */
int		 maildir_open_msg_stat(struct maildir *, size_t idx,
		    struct stat *);
/* Watch the folder (inotify) from now on, as IDLE waits on m->inofd; 1 if
 * the watch starts now (sync then: what changed before it is not told). A
 * sync starts it too, the first time it must list the folder again. */
int		 maildir_watch_begin(struct maildir *);
/* RFC822.SIZE (CRLF line ends), from ,W= or by reading the file. */
int		 maildir_vsize(struct maildir *, size_t idx, uint64_t *r);
/* INTERNALDATE: the file's mtime. */
int		 maildir_internaldate(struct maildir *, size_t idx, time_t *r);

/*
 * Expunge the view's messages with \Deleted (and, when uids is not NULL,
 * whose UID uids() accepts): unlink their files. The messages become
 * MSG_GONE for the session to report. Returns 0 or -1.
 */
int		 maildir_expunge(struct maildir *,
		    int (*uids)(void *, uint32_t), void *arg);

/*
 * Delivery. A new message is written to the folder's tmp/ through
 * maildir_save_write() (which counts its sizes as it goes), then
 * maildir_save_commit() fsyncs it, links it into cur/ with its flags,
 * assigns it a UID under the uidlist lock and removes the tmp name.
 * maildir_save_abort() removes the tmp file. A crash leaves at most a tmp/
 * file, which is cleaned up after 36 hours.
 *
 * m is the destination folder, open (the selected one, or opened with
 * MAILDIR_LIGHT), for its directories, uidlist and keywords: it must stay
 * open until the save is committed or aborted.
 */
struct maildir_save;
struct maildir_save *maildir_save_begin(struct maildir *m);
/* Append n bytes to the message (stored as given: LF line ends, or
 * mixed). Returns 0, or -1 (errno) and the save is to be aborted. */
int		 maildir_save_write(struct maildir_save *, const char *buf,
		    size_t n);
/* A keyword that finds no letter left fails it with EMLINK (nothing is
 * saved). Returns 0, 1 (saved, no UID yet: the lock was busy), or -1. */
int		 maildir_save_commit(struct maildir_save **, uint8_t flags,
		    const char *const *keywords, size_t nkeywords,
		    time_t internaldate, uint32_t *uidvalidity_r,
		    uint32_t *uid_r);
void		 maildir_save_abort(struct maildir_save **);

/* Copy messages of an open folder into another one (hard links where
 * possible), assigning UIDs in one lock. uids_r gets the new UIDs in the
 * order of idx. With move, the files are renamed instead (atomic: never
 * in both folders, never in neither) and the source messages become
 * MSG_GONE. Returns 0 or -1 (and then nothing was copied or moved). */
int		 maildir_copy(struct maildir *, const size_t *idx, size_t n,
		    struct maildir *dest, int move, uint32_t *uidvalidity_r,
		    uint32_t *uids_r);

/* A size in a file name's base: key ",W=" (RFC822.SIZE) or ",S=" (the
 * file's). Returns 0, or -1 if the name has none. */
int		 maildir_name_size(const char *name, const char *key,
		    uint64_t *r);
/* The same, of a name whose base is bl bytes long. */
int		 maildir_name_size_in(const char *name, size_t bl,
		    const char *key, uint64_t *r);

/* Internal to the store (maildir.c, maildir_ops.c). */
int		 maildir_name_parse(const char *name, size_t *baselen_r,
		    uint8_t *flags_r, uint32_t *kw_r);
char		*maildir_name_make(const char *base, size_t baselen,
		    uint8_t flags, uint32_t keywords);
char		*maildir_unique_base(void);
int		 maildir_relocate(struct maildir *, size_t idx);
/* The flags of the view's message idx changed (or it is new): modseq.c
 * records them at its next sync. */
void		 maildir_msg_changed(struct maildir *, size_t idx);
/* The message's file is now called name (copied into the view). */
void		 maildir_msg_rename(struct maildir *, struct mmsg *,
		    const char *name);
int		 maildir_assign(struct maildir *, const char *const *names,
		    size_t n, uint32_t *uids_r);

/* STATUS of a folder that is not selected (syncs it read-only). size
 * only with MST_SIZE in want (it may read every file), deleted_size only
 * with MST_DELETED_SIZE (a stat of each file without ",S="). */
#define MST_SIZE		0x01
#define MST_DELETED_SIZE	0x02
int		 maildir_status(int rootfd, const char *dirname,
		    unsigned want, struct maildir_status *);

#endif
