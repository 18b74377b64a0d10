/*
 * maildir_int.h: what the store's files share among themselves (not for
 * the layers above).
 */
#ifndef MDIMAPD_MAILDIR_INT_H
#define MDIMAPD_MAILDIR_INT_H

#include <stddef.h>

struct maildir;

struct entry {
	char		*name;
	int		 in_new;
};

struct scan {
	struct entry	*e;
	size_t		 n;
	size_t		 cap;
};

/* Length of a file name's base (before ":"). */
size_t	maildir_baselen(const char *name);
/* Sort entries in delivery order: the seconds at the start of the name,
 * then the name. */
void	maildir_sort_delivery(struct entry *, size_t);
/* List new/ then cur/ (regular files only). */
int	maildir_scan_all(struct maildir *, struct scan *);
void	maildir_scan_free(struct scan *);
/* The view index of a base name, or -1. */
long	maildir_hash_find(const struct maildir *, const char *, size_t);
/* inotify on cur/ and new/ (maildir_watch.c). */
void	maildir_watch_start(struct maildir *);
void	maildir_watch_stop(struct maildir *);
/*
 * The files that changed since the last call, as a partial listing in sc
 * (their current names), with seen[] 0 for the view's messages that are
 * gone: 1, or 0 if everything must be listed again. *nothing_r: nothing
 * happened.
 */
int	maildir_watch_changes(struct maildir *, struct scan *,
	    unsigned char *seen, int *nothing_r);
/* (Re)read dovecot-keywords. */
void	maildir_keywords_read(struct maildir *);

#endif
