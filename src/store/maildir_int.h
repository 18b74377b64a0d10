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
/* Delivery order of two file names, for qsort of struct entry. */
int	maildir_entry_cmp(const void *, const void *);
/* List new/ then cur/ (regular files only). */
int	maildir_scan_all(struct maildir *, struct scan *);
void	maildir_scan_free(struct scan *);
/* (Re)read dovecot-keywords. */
void	maildir_keywords_read(struct maildir *);

#endif
