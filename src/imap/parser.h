/*
 * parser.h: the IMAP command parser. It does no I/O: the session feeds it
 * whatever bytes it has (one at a time works as well as 64 KiB at a time)
 * and it answers "need more", "a literal is announced: decide", "a command
 * is complete" or "error". A complete command is a tag, a name and a tree
 * of arguments allocated from the command's arena.
 *
 * What it knows: RFC 9051 9 tokens (tag, atom, quoted, literal, literal8,
 * lists, NIL as an atom), non-synchronizing literals (RFC 7888), the
 * bracketed atoms of FETCH (BODY[HEADER.FIELDS (A B)]<0.10> is one atom),
 * the line limit, nesting and argument limits, NUL bytes (always an error
 * outside literal8). What it does not know: what a command's arguments
 * mean (the arg_get_* helpers and the commands decide), and which literals
 * are acceptable (the session decides on PARSE_LITERAL).
 *
 * After an error the parser resynchronises by itself: it skips to the end
 * of the line, skipping the data of non-synchronizing literals announced at
 * line ends (RFC 7888 4), so a client cannot smuggle commands inside one.
 */
#ifndef MDIMAPD_PARSER_H
#define MDIMAPD_PARSER_H

#include <stddef.h>
#include <stdint.h>

struct arena;

enum arg_type {
	ARG_ATOM,		/* includes NIL, numbers, flags, fetch atoms */
	ARG_QUOTED,
	ARG_LITERAL,		/* literal or literal8 held in memory */
	ARG_LIST,
	ARG_STREAM,		/* literal the session streamed elsewhere */
};

struct imap_arg {
	enum arg_type	 type;
	const char	*str;		/* ATOM, QUOTED, LITERAL: NUL-terminated */
	size_t		 len;		/* its length (LITERAL8 may hold NULs) */
	int		 literal8;	/* LITERAL, STREAM: sent as ~{n} */
	uint64_t	 size;		/* STREAM: literal size */
	void		*stream;	/* STREAM: what the session kept */
	struct imap_arg	*child;		/* LIST: first element */
	size_t		 n;		/* LIST: element count */
	struct imap_arg	*next;		/* next sibling */
};

enum parse_result {
	PARSE_MORE,		/* all input consumed, command incomplete */
	PARSE_LITERAL,		/* literal announced: call parser_literal_*() */
	PARSE_COMMAND,		/* command complete: parser_tag(), parser_args() */
	PARSE_ERROR,		/* bad command, line skipped: parser_error() */
	PARSE_FATAL,		/* cannot resynchronise: BYE and exit */
};

/* Response codes the parser's errors carry. */
enum parse_error {
	PERR_SYNTAX,		/* BAD, no code */
	PERR_TOOBIG,		/* BAD [TOOBIG] */
	PERR_LIMIT,		/* BAD [LIMIT] */
	PERR_HANDLED,		/* the caller has answered already */
};

struct parser;

/* A parser allocating from arena a; line_max is the line limit (it can be
 * raised after login with parser_set_line_max). */
struct parser	*parser_new(struct arena *a, size_t line_max);
void		 parser_free(struct parser **);
void		 parser_set_line_max(struct parser *, size_t);
/* Start a new command (after PARSE_COMMAND / PARSE_ERROR is handled and
 * the arena reset). */
void		 parser_reset(struct parser *);

/*
 * Feed len bytes; *used_r tells how many were consumed (the rest belongs to
 * the next call: after PARSE_LITERAL, PARSE_COMMAND or PARSE_ERROR the parser
 * stops at that point).
 */
enum parse_result parser_feed(struct parser *, const char *data, size_t len,
		    size_t *used_r);

/* What the current command has so far; NULL when not yet read. */
const char	*parser_tag(const struct parser *);
const char	*parser_name(const struct parser *);	/* as sent */
struct imap_arg	*parser_args(const struct parser *);	/* NULL: none */
size_t		 parser_arg_count(const struct parser *); /* top-level so far */
int		 parser_depth(const struct parser *);	/* open lists */

/* After PARSE_LITERAL: the announced literal. */
uint64_t	 parser_literal_size(const struct parser *);
int		 parser_literal_nonsync(const struct parser *);
int		 parser_literal_is8(const struct parser *);
/* Take the literal into memory (size already checked by the caller). For
 * a synchronizing literal the caller sends "+ " first. */
void		 parser_literal_accept(struct parser *);
/* The caller consumed the literal's data itself (streaming): record an
 * ARG_STREAM argument carrying handle, and go on with the line. */
void		 parser_literal_streamed(struct parser *, void *handle);
/* Refuse it. A synchronizing literal ends the command at once (the client
 * sends nothing until it sees our reply): PARSE_ERROR is returned by the
 * next parser_feed() without consuming input. A non-synchronizing literal's
 * data is read and discarded (up to LIMIT_DISCARD, else PARSE_FATAL), the
 * line skipped, then PARSE_ERROR. */
void		 parser_literal_reject(struct parser *, enum parse_error,
		    const char *msg);

/* After PARSE_ERROR / PARSE_FATAL. */
enum parse_error parser_error(const struct parser *);
const char	*parser_error_msg(const struct parser *);

/* Argument helpers: each returns 0 and sets *r, or -1 if the argument is
 * missing or of the wrong type. */
int	arg_is_nil(const struct imap_arg *);
int	arg_is_atom(const struct imap_arg *, const char *word); /* case-insens. */
int	arg_get_atom(const struct imap_arg *, const char **r);
/* astring: atom (not NIL-checked), quoted or literal; no NUL inside. */
int	arg_get_astring(const struct imap_arg *, const char **r);
/* string: quoted or literal. */
int	arg_get_string(const struct imap_arg *, const char **r);
/* nstring: NIL (sets *r = NULL) or string. */
int	arg_get_nstring(const struct imap_arg *, const char **r);
/* number (RFC 9051 9): 1*DIGIT fitting in 32 bits / nz-number / number64. */
int	arg_get_number(const struct imap_arg *, uint32_t *r);
int	arg_get_nznumber(const struct imap_arg *, uint32_t *r);
int	arg_get_number64(const struct imap_arg *, uint64_t *r);
int	arg_get_list(const struct imap_arg *, struct imap_arg **first_r,
	    size_t *n_r);
/* Parse a decimal number of len bytes with overflow check against max. */
int	imap_number_parse(const char *s, size_t len, uint64_t max,
	    uint64_t *r);

#endif
