/*
 * mailbox.h: the user's folders as a Maildir++ tree, by name. Storage only:
 * no IMAP syntax and no session; the commands (cmd_mailbox.c, cmd_list.c)
 * parse arguments and turn the results into responses.
 *
 * Names: INBOX (any case) is the Maildir root itself; folder "A.B" is the
 * directory ".A.B" holding cur/ new/ tmp/ and an empty "maildirfolder"
 * file; the hierarchy separator is "."; names are stored exactly as sent
 * in IMAP4rev1, i.e. modified UTF-7 (RFC 3501 5.1.3), as Dovecot and
 * Courier store them. A first component "inbox" in any case is INBOX, so
 * "inbox.sub" is the folder ".INBOX.sub".
 *
 * Every file access is relative to the root fd (openat, mkdirat, renameat,
 * unlinkat with O_NOFOLLOW / AT_SYMLINK_NOFOLLOW): no name reaches outside
 * the Maildir, and a symbolic link inside it is never a folder and is
 * never followed.
 *
 * Files: mailbox.c (names, create, delete, rename), mailbox_list.c (the
 * folder tree, LIST patterns and selection), subscriptions.c (Dovecot's
 * subscriptions file and our special-use file).
 */
#ifndef MDIMAPD_MAILBOX_H
#define MDIMAPD_MAILBOX_H

#include "mdlimits.h"

#include <stddef.h>

struct arena;

#define MAILBOX_SEP		'.'
#define MAILBOX_INBOX		"INBOX"
/* Limits (MAILBOX_NAME_MAX, MAILBOX_LIST_MAX...) are in mdlimits.h. */

/* Results of the operations that change folders. */
enum mailbox_result {
	MBX_OK = 0,
	MBX_INVALID,		/* not a valid name (mailbox_name_invalid) */
	MBX_NONEXISTENT,	/* no such folder */
	MBX_EXISTS,		/* the (new) name is taken */
	MBX_INBOX,		/* not allowed on INBOX (DELETE) */
	MBX_INFERIOR,		/* RENAME into its own hierarchy */
	MBX_ERROR,		/* system error: errno set, logged */
};

/* Special-use attributes (RFC 6154), as bits. */
#define MBX_USE_ALL		0x01
#define MBX_USE_ARCHIVE		0x02
#define MBX_USE_DRAFTS		0x04
#define MBX_USE_FLAGGED		0x08
#define MBX_USE_JUNK		0x10
#define MBX_USE_SENT		0x20
#define MBX_USE_TRASH		0x40
/* What a folder can be given (\All and \Flagged need virtual folders). */
#define MBX_USE_SETTABLE	(MBX_USE_ARCHIVE | MBX_USE_DRAFTS | \
				 MBX_USE_JUNK | MBX_USE_SENT | MBX_USE_TRASH)

struct mailbox_use {
	const char	*name;		/* "\Sent" */
	unsigned	 bit;
};
/* The attributes in RFC 6154 order, ended by { NULL, 0 }. */
extern const struct mailbox_use	mailbox_uses[];
/* Bit of an attribute name (case-insensitive), or 0. */
unsigned	mailbox_use_bit(const char *name);

/*
 * Names (mailbox.c).
 */
/* NULL if name is valid, else why not ("Contains '/'"...). Invalid: empty,
 * "/", leading or trailing ".", "..", control characters or DEL, 8-bit
 * bytes, invalid modified UTF-7, longer than MAILBOX_NAME_MAX. */
const char	*mailbox_name_invalid(const char *name);
/* Whether name is INBOX (any case). */
int		 mailbox_is_inbox(const char *name);
/* The canonical form of a valid name (first component INBOX in capitals)
 * into out. Returns 0, or -1 if invalid or out is too small. */
int		 mailbox_name_canon(const char *name, char *out, size_t outsize);
/* The directory of a name relative to the root: "" for INBOX, ".Name"
 * otherwise. Returns 0, or -1 for an invalid name or a short out. */
int		 mailbox_dirname(const char *name, char *out, size_t outsize);

/*
 * Folders (mailbox.c).
 */
/* Every folder: the names of the root's entries that are directories
 * (not symbolic links) named "." + a valid canonical name, INBOX not
 * included, in directory order. Returns 0 or -1 (errno; E2BIG past
 * MAILBOX_LIST_MAX). */
int		 mailbox_folders(int rootfd, struct arena *, char ***names_r,
		    size_t *n_r);
/* The folder name of a root entry's name, or NULL if no folder is there
 * (".x", "..x", ".a..b", ".Inbox.x", "cur"...). */
const char	*mailbox_entry_name(const char *d_name);
/* 1 if the folder exists (INBOX always does), 0 if not or the name is
 * invalid, -1 on a system error. A directory reached through a symbolic
 * link is not a folder. */
int		 mailbox_exists(int rootfd, const char *name);
/*
 * Create a folder, with the special-use attributes use (0: none). A
 * trailing separator is dropped ("A." creates A); missing superior folders
 * are created ("A.B.C" creates A and A.B too, RFC 9051 6.3.4). The folder
 * is built under a temporary name and renamed into place, so a crash
 * never leaves half a folder.
 */
enum mailbox_result mailbox_create(int rootfd, const char *name,
		    unsigned use);
/* Delete a folder and its messages; its children stay (RFC 9051 6.3.5).
 * INBOX cannot be deleted; neither can a name that exists only as the
 * parent of others. Subscriptions are kept. */
enum mailbox_result mailbox_delete(int rootfd, const char *name);
/*
 * Rename a folder and all its children (RFC 9051 6.3.6), creating missing
 * superiors of the new name. Renaming INBOX creates the new folder and
 * moves INBOX's messages into it (they get new UIDs there), leaving INBOX
 * and its children in place. Subscriptions are kept as they are.
 */
enum mailbox_result mailbox_rename(int rootfd, const char *from,
		    const char *to);

/*
 * Listing (mailbox_list.c).
 */
/* Whether name (canonical) matches the LIST pattern: "*" matches anything,
 * "%" anything but the separator, and INBOX's letters in any case. */
int		 mailbox_match(const char *pattern, const char *name);
/* The canonical LIST pattern for a reference and a mailbox argument
 * (RFC 9051 6.3.9: the reference, then the pattern), or NULL if too long
 * (the pattern then matches nothing). */
char		*mailbox_pattern(struct arena *, const char *ref,
		    const char *pat);
/* What "LIST ref ''" names as the root of ref: ref up to and including
 * its first separator, or "". */
char		*mailbox_list_root(struct arena *, const char *ref);

/* Selection options for mailbox_list(). */
#define MBL_SUBSCRIBED		0x01	/* subscribed names, not folders */
#define MBL_RECURSIVEMATCH	0x02	/* parents of selected names too */
#define MBL_SPECIALUSE		0x04	/* only folders with special uses */
#define MBL_WANT_SUBSCRIBED	0x08	/* compute MBE_SUBSCRIBED */

/* Facts about a listed name. */
#define MBE_NONEXISTENT	0x01	/* not a folder (a parent, a subscription) */
#define MBE_SUBSCRIBED	0x02	/* computed with MBL_(WANT_)SUBSCRIBED */
#define MBE_CHILDREN	0x04	/* some folder exists below it */
#define MBE_SELECTED	0x08	/* meets the selection options */
#define MBE_CHILDINFO	0x10	/* RECURSIVEMATCH: a descendant that meets
				 * them does not match the patterns */

struct mailbox_entry {
	const char	*name;		/* canonical */
	unsigned	 flags;		/* MBE_* */
	unsigned	 use;		/* MBX_USE_* */
};

/*
 * The names matching any of the canonical patterns and the selection
 * options (RFC 9051 6.3.9, RFC 5258): INBOX first, then in hierarchy order
 * (children right after their parent). Without MBL_SUBSCRIBED, names are
 * the folders and the parents they imply; with it, the subscribed names.
 * With MBL_RECURSIVEMATCH (or for LSUB), a name that is not selected is
 * listed when a descendant that is selected matches no pattern. Returns
 * 0, or -1 on a system error (errno set, logged) or past MAILBOX_LIST_MAX
 * (errno E2BIG).
 */
int		 mailbox_list(int rootfd, struct arena *,
		    const char *const *patterns, size_t npatterns,
		    unsigned opts, struct mailbox_entry **r, size_t *n_r);

/*
 * Subscriptions and special uses (subscriptions.c).
 */
/* The subscribed names that are valid, canonical, in file order (a name
 * the file holds twice comes twice). A missing file is an empty list.
 * Returns 0 or -1 (errno set). */
int		 mailbox_subscriptions(int rootfd, struct arena *,
		    char ***names_r, size_t *n_r);
/* Add (on) or remove a name from the subscriptions file. Already
 * subscribed / not subscribed is success. Returns MBX_OK, MBX_INVALID or
 * MBX_ERROR (errno EWOULDBLOCK: the file is locked by someone else). */
enum mailbox_result mailbox_subscribe(int rootfd, const char *name, int on);

/* Special uses a name has by itself: Sent, Drafts, Trash, Junk, Archive
 * (any case) at the top level. */
unsigned	 mailbox_use_default(const char *name);
struct mailbox_use_rec {
	char		*name;
	unsigned	 use;
};
/* The special uses stored with CREATE (USE (...)). Returns 0 or -1. */
int		 mailbox_uses_read(int rootfd, struct arena *,
		    struct mailbox_use_rec **r, size_t *n_r);
/* Set the stored uses of name (0: none; only MBX_USE_SETTABLE bits are
 * kept). Returns 0 or -1 (errno set). */
int		 mailbox_uses_set(int rootfd, const char *name, unsigned use);
/* Move the stored uses of from and its children to to (RENAME).
 * Returns 0 or -1 (errno set). */
int		 mailbox_uses_move(int rootfd, const char *from, const char *to);

#endif
