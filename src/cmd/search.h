/*
 * search.h: between cmd_search.c (the command, the cheap keys, the
 * answers) and search_text.c (the keys that need the message: HEADER and
 * the address and subject keys, SENT*, BODY, TEXT).
 */
#ifndef MDIMAPD_SEARCH_H
#define MDIMAPD_SEARCH_H

#include <stddef.h>

struct arena;
struct maildir;
struct search_cmd;
struct search_text;
struct session;

/* The selected folder's messages that cmd's program matches (SEARCH,
 * SORT, THREAD): view indexes, ascending, in the command's arena.
 * Returns 0, or -1 if some messages could not be read (logged). */
int		 search_run(struct session *, struct search_cmd *,
		    size_t **found_r, size_t *n_r);

/* One message's text, as far as it was needed. */
struct search_msg {
	const char	*data;		/* the file, read or mapped; NULL if
					 * empty */
	size_t		 size;
	size_t		 avail;		/* data[0..avail) read so far */
	int		 fd;		/* open while the rest is unread */
	size_t		 hdrlen;	/* the header, empty line included */
	int		 hdr_done;	/* header keys and date known */
	int		 body_done;	/* body and text keys known */
	long		 sent_day;	/* Date:'s day in its zone; 0 if none */
	int		 mapped;	/* data is the file, mapped */
	signed char	*res;		/* per text key: -1 unknown, 0, 1 */
};

/* The text keys of cmd, their strings mapped for comparison. */
struct search_text *search_text_new(struct arena *,
		    const struct search_cmd *);
void		 search_text_free(struct search_text *);
/* Start on message idx: read (the start of) its file. Returns 0, or -1 (errno: ENOENT
 * when it is gone). */
int		 search_msg_open(struct search_text *, struct maildir *,
		    size_t idx, struct search_msg *);
void		 search_msg_close(struct search_msg *);
/* Whether the program reads nothing but header fields that covers()
 * accepts (the cached ones, hdrcache.h). */
int		 search_text_header_only(const struct search_text *,
		    int (*covers)(const char *const *, size_t));
/* Start on a message whose header fields are given (hdr[0..len), CRLF,
 * ending with the empty line) instead of its file. */
void		 search_msg_header_only(struct search_text *,
		    struct search_msg *, const char *hdr, size_t len);
/* Settle the header keys (and the sent date), then the body ones. */
void		 search_msg_header(struct search_text *, struct search_msg *);
void		 search_msg_body(struct search_text *, struct search_msg *);

#endif
