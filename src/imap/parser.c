/*
 * parser.c: the IMAP command parser, a byte-driven state machine.
 *
 * Every state consumes bytes and keeps what it needs in struct parser, so the
 * input may be cut anywhere. A command is counted as one line: the bytes of
 * all its lines except literal data are held to line_max (RFC 9051 leaves the
 * limit to us; 8 KiB before login, 64 KiB after, as Dovecot).
 *
 * Errors: fail() records the first error and switches to P_SKIP, which
 * consumes the rest of the line. A line that ends in "{n+}" announces
 * non-synchronizing literal data that the client sends without waiting, so
 * P_SKIP_LIT discards n bytes and skipping goes on (RFC 7888 4). Everything
 * skipped counts against LIMIT_DISCARD; past it the stream cannot be trusted
 * and PARSE_FATAL is returned. A line ending in "{n}" (synchronizing) ends
 * the command: the client waits for a "+" that never comes.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "mdlimits.h"
#include "log.h"
#include "parser.h"

enum pstate {
	P_TAG,
	P_TAG_CR,	/* CR of an empty line */
	P_NAME,
	P_ARGS,		/* between arguments */
	P_ATOM,
	P_QUOTED,
	P_QUOTED_ESC,
	P_LIT8,		/* after "~", expecting "{" */
	P_LIT_LEN,
	P_LIT_CLOSE,	/* after "+", expecting "}" */
	P_LIT_CR,	/* after "}", expecting CR or LF */
	P_LIT_LF,
	P_LIT_WAIT,	/* PARSE_LITERAL returned, waiting for a decision */
	P_LIT_DATA,
	P_EOL,		/* after CR, expecting LF */
	P_SKIP,
	P_SKIP_LIT,
	P_ERROR_NOW,	/* report the error without consuming input */
	P_DONE,
};

struct parser {
	struct arena	*a;
	size_t		 line_max;
	size_t		 line_len;
	enum pstate	 st;
	struct buf	 tok;
	char		*tag;
	char		*name;
	struct imap_arg	 root;
	struct imap_arg	*list[LIMIT_NESTING + 1];	/* open lists */
	struct imap_arg	*last[LIMIT_NESTING + 1];	/* their last child */
	int		 depth;
	size_t		 nargs;
	int		 need_sep;	/* an argument just ended */
	int		 brackets;	/* open "[" in the current atom */
	int		 br_quoted;	/* inside "..." within brackets */
	int		 br_esc;

	uint64_t	 litsize;
	uint64_t	 litgot;
	int		 litdigits;
	int		 litplus;
	int		 lit8;
	char		*litdata;

	int		 failed;
	enum parse_error err;
	const char	*errmsg;
	/* Watch for "{n}" / "{n+}" at the end of every line, also of lines
	 * being skipped after an error (RFC 7888 4): la_state is 1 after
	 * "{" and digits, 2 after "+", 3 after "}", 4 after "}" CR. */
	int		 la_state;
	int		 la_digits;
	int		 la_plus;
	uint64_t	 la_value;
	uint64_t	 skipped;
};

struct parser *
parser_new(struct arena *a, size_t line_max)
{
	struct parser	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatalx("out of memory");
	p->a = a;
	p->line_max = line_max;
	buf_init(&p->tok, LIMIT_LINE);
	parser_reset(p);
	return p;
}

void
parser_free(struct parser **pp)
{
	if (*pp == NULL)
		return;
	buf_free(&(*pp)->tok);
	free(*pp);
	*pp = NULL;
}

void
parser_set_line_max(struct parser *p, size_t max)
{
	p->line_max = max;
}

void
parser_reset(struct parser *p)
{
	p->line_len = 0;
	p->st = P_TAG;
	buf_reset(&p->tok);
	p->tag = p->name = NULL;
	memset(&p->root, 0, sizeof(p->root));
	p->root.type = ARG_LIST;
	p->list[0] = &p->root;
	p->last[0] = NULL;
	p->depth = 0;
	p->nargs = 0;
	p->need_sep = 0;
	p->brackets = p->br_quoted = p->br_esc = 0;
	p->litsize = p->litgot = 0;
	p->litdigits = p->litplus = p->lit8 = 0;
	p->litdata = NULL;
	p->failed = 0;
	p->err = PERR_SYNTAX;
	p->errmsg = NULL;
	p->la_state = 0;
	p->skipped = 0;
}

static void
fail(struct parser *p, enum parse_error err, const char *msg)
{
	if (!p->failed) {
		p->failed = 1;
		p->err = err;
		p->errmsg = msg;
	}
	p->st = P_SKIP;
}

static struct imap_arg *
arg_add(struct parser *p, enum arg_type type)
{
	struct imap_arg	*arg, *parent = p->list[p->depth];

	if (++p->nargs > LIMIT_ARGS) {
		fail(p, PERR_LIMIT, "Too many arguments");
		return NULL;
	}
	arg = arena_alloc(p->a, sizeof(*arg));
	arg->type = type;
	if (p->last[p->depth] == NULL)
		parent->child = arg;
	else
		p->last[p->depth]->next = arg;
	p->last[p->depth] = arg;
	parent->n++;
	p->need_sep = 1;
	return arg;
}

static void
arg_add_token(struct parser *p, enum arg_type type)
{
	struct imap_arg	*arg;

	if ((arg = arg_add(p, type)) == NULL)
		return;
	arg->str = arena_strndup(p->a, p->tok.data ? p->tok.data : "",
	    p->tok.len);
	arg->len = p->tok.len;
	buf_reset(&p->tok);
}

/* Tag characters: ASTRING-CHAR except "+" (RFC 9051 9). */
static int
is_tag_char(unsigned char c)
{
	if (c <= 0x20 || c >= 0x7f)
		return 0;
	return strchr("(){%*\"\\+", c) == NULL;
}

/* Characters of an atom argument: ATOM-CHAR, plus the list wildcards,
 * "\" (flags) and "]" (astring), all of which some argument needs. */
static int
is_atom_char(unsigned char c)
{
	if (c <= 0x20 || c >= 0x7f)
		return 0;
	return strchr("(){\"", c) == NULL;
}

/* Whether the atom so far opens a FETCH section ("BODY[", "BINARY.PEEK["
 * ...), whose brackets may hold spaces and a list. Any other "[" is an
 * ordinary atom character ("Sent[" is a mailbox name). */
static int
atom_opens_section(const struct buf *tok)
{
	static const char *const names[] = {
		"BODY[", "BODY.PEEK[", "BINARY[", "BINARY.PEEK[",
		"BINARY.SIZE[",
	};
	size_t	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (tok->len == strlen(names[i]) &&
		    strncasecmp(tok->data, names[i], tok->len) == 0)
			return 1;
	return 0;
}

static int
tok_add(struct parser *p, unsigned char c)
{
	if (buf_addc(&p->tok, c) == -1) {
		fail(p, PERR_TOOBIG, "Command line too long");
		return -1;
	}
	return 0;
}

/* Skipping would pass LIMIT_DISCARD: the stream cannot be trusted. The
 * error that started the skipping is the one reported (with TOOBIG). */
static enum parse_result
skip_fatal(struct parser *p)
{
	p->err = PERR_TOOBIG;
	if (p->errmsg == NULL)
		p->errmsg = "Too much invalid input";
	return PARSE_FATAL;
}

/* One byte of command text, for the literal watch. */
static void
la_byte(struct parser *p, unsigned char c)
{
	if (c == '{') {
		p->la_state = 1;
		p->la_digits = 0;
		p->la_plus = 0;
		p->la_value = 0;
		return;
	}
	switch (p->la_state) {
	case 1:
		if (c >= '0' && c <= '9') {
			p->la_digits++;
			/* saturate: any number of leading zeros is a number */
			if (p->la_value > (UINT64_MAX - 9) / 10)
				p->la_value = UINT64_MAX;
			else
				p->la_value = p->la_value * 10 + (c - '0');
		} else if (c == '+' && p->la_digits > 0) {
			p->la_state = 2;
			p->la_plus = 1;
		} else if (c == '}' && p->la_digits > 0)
			p->la_state = 3;
		else
			p->la_state = 0;
		break;
	case 2:
		p->la_state = c == '}' ? 3 : 0;
		break;
	case 3:
		p->la_state = c == '\r' ? 4 : 0;
		break;
	default:
		p->la_state = 0;
		break;
	}
}

static void
literal_start(struct parser *p)
{
	p->litsize = 0;
	p->litgot = 0;
	p->litdigits = 0;
	p->litplus = 0;
	p->st = P_LIT_LEN;
}

/* A line ended: the command is complete unless a list is still open. */
static enum parse_result
line_end(struct parser *p)
{
	if (p->depth > 0) {
		fail(p, PERR_SYNTAX, "Missing ')'");
		p->st = P_DONE;
		return PARSE_ERROR;
	}
	p->st = P_DONE;
	return PARSE_COMMAND;
}

enum parse_result
parser_feed(struct parser *p, const char *data, size_t len, size_t *used_r)
{
	size_t		 i = 0, fed = SIZE_MAX;
	unsigned char	 c;
	uint64_t	 n;

	*used_r = 0;
	if (p->st == P_ERROR_NOW) {
		p->st = P_DONE;
		return PARSE_ERROR;
	}
	if (p->st == P_SKIP && p->skipped >= LIMIT_DISCARD)
		return skip_fatal(p);
	if (p->st == P_LIT_WAIT || p->st == P_DONE)
		return p->st == P_DONE ? (p->failed ? PARSE_ERROR :
		    PARSE_COMMAND) : PARSE_LITERAL;

	while (i < len) {
		c = (unsigned char)data[i];

		if (p->st == P_SKIP_LIT) {
			n = len - i;
			if (n > p->litsize - p->litgot)
				n = p->litsize - p->litgot;
			p->litgot += n;
			i += n;
			if (p->litgot == p->litsize) {
				p->st = P_SKIP;
				p->la_state = 0;
			}
			continue;
		}
		if (p->st == P_LIT_DATA) {
			n = len - i;
			if (n > p->litsize - p->litgot)
				n = p->litsize - p->litgot;
			if (!p->lit8 && memchr(data + i, '\0', n) != NULL) {
				/* RFC 9051 9: CHAR8 excludes NUL. */
				fail(p, PERR_SYNTAX, "NUL in literal");
				p->st = P_SKIP_LIT;
				p->skipped += p->litsize - p->litgot;
				continue;
			}
			memcpy(p->litdata + p->litgot, data + i, n);
			p->litgot += n;
			i += n;
			if (p->litgot == p->litsize) {
				p->st = P_ARGS;
				p->need_sep = 1;
				p->la_state = 0;
			}
			continue;
		}
		/* Every byte of command text once, for the literal watch. */
		if (fed != i) {
			fed = i;
			if (c != '\n')
				la_byte(p, c);
		}
		if (p->st == P_SKIP) {
			i++;
			if (++p->skipped > LIMIT_DISCARD) {
				*used_r = i;
				return skip_fatal(p);
			}
			if (c != '\n')
				continue;
			if (p->la_state != 3 && p->la_state != 4) {
				p->st = P_DONE;
				*used_r = i;
				return PARSE_ERROR;
			}
			p->la_state = 0;
			if (!p->la_plus) {
				/* The client waits for "+": the command ends. */
				p->st = P_DONE;
				*used_r = i;
				return PARSE_ERROR;
			}
			n = p->la_value;
			if (n > LIMIT_DISCARD || p->skipped + n > LIMIT_DISCARD) {
				*used_r = i;
				return skip_fatal(p);
			}
			p->skipped += n;
			p->litsize = n;
			p->litgot = 0;
			p->st = P_SKIP_LIT;
			continue;
		}

		/* Every other state reads the command text itself. */
		if (++p->line_len > p->line_max) {
			fail(p, PERR_TOOBIG, "Command line too long");
			continue;
		}
		if (c == '\0') {
			fail(p, PERR_SYNTAX, "NUL in command");
			continue;
		}

		switch (p->st) {
		case P_TAG_CR:
			if (c != '\n') {
				fail(p, PERR_SYNTAX, "CR without LF");
				continue;
			}
			/* An empty line is ignored. */
			p->st = P_TAG;
			p->line_len = 0;
			break;
		case P_TAG:
			if (c == '\n' || c == '\r') {
				if (p->tok.len == 0) {
					/* An empty line is ignored. */
					if (c == '\r')
						p->st = P_TAG_CR;
					else
						p->line_len = 0;
					i++;
					continue;
				}
				/* "a" alone: the tag is readable, use it */
				if (is_tag_char((unsigned char)p->tok.data[0]) &&
				    p->tok.len <= LIMIT_TAG)
					p->tag = arena_strndup(p->a, p->tok.data,
					    p->tok.len);
				fail(p, PERR_SYNTAX, "Missing command");
				continue;
			}
			if (c == ' ') {
				if (p->tok.len == 0) {
					fail(p, PERR_SYNTAX, "Missing tag");
					continue;
				}
				p->tag = arena_strndup(p->a, p->tok.data,
				    p->tok.len);
				buf_reset(&p->tok);
				p->st = P_NAME;
				break;
			}
			if (!is_tag_char(c)) {
				fail(p, PERR_SYNTAX, "Invalid tag");
				continue;
			}
			if (p->tok.len >= LIMIT_TAG) {
				fail(p, PERR_TOOBIG, "Tag too long");
				continue;
			}
			if (tok_add(p, c) == -1)
				continue;
			break;
		case P_NAME:
			if (c == ' ' || c == '\r' || c == '\n') {
				if (p->tok.len == 0) {
					fail(p, PERR_SYNTAX, "Missing command");
					continue;
				}
				p->name = arena_strndup(p->a, p->tok.data,
				    p->tok.len);
				buf_reset(&p->tok);
				p->st = P_ARGS;
				p->need_sep = 0;
				if (c == ' ')
					break;
				p->line_len--;	/* the line end, in P_ARGS */
				continue;
			}
			if (!is_atom_char(c) || strchr("%*\\[]", c) != NULL) {
				fail(p, PERR_SYNTAX, "Invalid command name");
				continue;
			}
			if (tok_add(p, c) == -1)
				continue;
			break;
		case P_ARGS:
			if (c == ' ') {
				p->need_sep = 0;
				break;
			}
			if (c == '\r') {
				p->st = P_EOL;
				break;
			}
			if (c == '\n') {
				*used_r = i + 1;
				return line_end(p);
			}
			if (c == ')') {
				if (p->depth == 0) {
					fail(p, PERR_SYNTAX, "Unexpected ')'");
					continue;
				}
				p->depth--;
				p->need_sep = 1;
				break;
			}
			if (p->need_sep) {
				fail(p, PERR_SYNTAX,
				    "Missing space between arguments");
				continue;
			}
			if (c == '(') {
				struct imap_arg	*l;

				if (p->depth == LIMIT_NESTING) {
					fail(p, PERR_LIMIT,
					    "Lists nested too deep");
					continue;
				}
				if ((l = arg_add(p, ARG_LIST)) == NULL)
					continue;
				p->depth++;
				p->list[p->depth] = l;
				p->last[p->depth] = NULL;
				p->need_sep = 0;
				break;
			}
			if (c == '"') {
				buf_reset(&p->tok);
				p->st = P_QUOTED;
				break;
			}
			if (c == '{') {
				p->lit8 = 0;
				literal_start(p);
				break;
			}
			if (c == '~' && i + 1 < len && data[i + 1] != '{') {
				/* "~" not before "{": an atom character. */
			} else if (c == '~') {
				p->st = P_LIT8;
				break;
			}
			if (!is_atom_char(c)) {
				fail(p, PERR_SYNTAX, "Invalid character");
				continue;
			}
			buf_reset(&p->tok);
			p->brackets = 0;
			p->st = P_ATOM;
			p->line_len--;	/* read it again as an atom */
			continue;
		case P_ATOM:
			if (p->brackets > 0) {
				if (c == '\r' || c == '\n') {
					fail(p, PERR_SYNTAX, "Missing ']'");
					continue;
				}
				if (c >= 0x7f || c < 0x20) {
					fail(p, PERR_SYNTAX,
					    "Invalid character");
					continue;
				}
				if (p->br_esc)
					p->br_esc = 0;
				else if (p->br_quoted && c == '\\')
					p->br_esc = 1;
				else if (c == '"')
					p->br_quoted = !p->br_quoted;
				else if (!p->br_quoted && c == ']')
					p->brackets--;
				if (tok_add(p, c) == -1)
					continue;
				break;
			}
			if (c == ' ' || c == '\r' || c == '\n' || c == ')' ||
			    c == '(') {
				arg_add_token(p, ARG_ATOM);
				if (p->st == P_ATOM)
					p->st = P_ARGS;
				p->line_len--;
				continue;
			}
			if (!is_atom_char(c)) {
				fail(p, PERR_SYNTAX, "Invalid character in atom");
				continue;
			}
			if (tok_add(p, c) == -1)
				continue;
			if (c == '[' && atom_opens_section(&p->tok)) {
				p->brackets = 1;
				p->br_quoted = p->br_esc = 0;
			}
			break;
		case P_QUOTED:
			if (c == '"') {
				arg_add_token(p, ARG_QUOTED);
				p->st = P_ARGS;
				break;
			}
			if (c == '\\') {
				p->st = P_QUOTED_ESC;
				break;
			}
			if (c == '\r' || c == '\n') {
				fail(p, PERR_SYNTAX, "Unterminated quoted string");
				continue;
			}
			if (tok_add(p, c) == -1)
				continue;
			break;
		case P_QUOTED_ESC:
			if (c != '"' && c != '\\') {
				fail(p, PERR_SYNTAX,
				    "Invalid escape in quoted string");
				continue;
			}
			if (tok_add(p, c) == -1)
				continue;
			p->st = P_QUOTED;
			break;
		case P_LIT8:
			/* only reached with "{" next: checked in P_ARGS,
			 * or the input was cut right after "~". */
			if (c != '{') {
				buf_reset(&p->tok);
				(void)tok_add(p, '~');
				p->brackets = 0;
				p->st = P_ATOM;
				p->line_len--;
				continue;
			}
			p->lit8 = 1;
			literal_start(p);
			break;
		case P_LIT_LEN:
			if (c >= '0' && c <= '9') {
				p->litdigits++;
				/* number64 may have leading zeros: saturate */
				if (p->litsize > (UINT64_MAX - 9) / 10)
					p->litsize = UINT64_MAX;
				else
					p->litsize = p->litsize * 10 +
					    (uint64_t)(c - '0');
				break;
			}
			if (p->litdigits == 0) {
				fail(p, PERR_SYNTAX, "Invalid literal");
				continue;
			}
			if (c == '+') {
				p->litplus = 1;
				p->st = P_LIT_CLOSE;
				break;
			}
			if (c == '}') {
				p->st = P_LIT_CR;
				break;
			}
			fail(p, PERR_SYNTAX, "Invalid literal");
			continue;
		case P_LIT_CLOSE:
			if (c != '}') {
				fail(p, PERR_SYNTAX, "Invalid literal");
				continue;
			}
			p->st = P_LIT_CR;
			break;
		case P_LIT_CR:
		case P_LIT_LF:
			if (c == '\r' && p->st == P_LIT_CR) {
				p->st = P_LIT_LF;
				break;
			}
			if (c != '\n') {
				fail(p, PERR_SYNTAX,
				    "Literal must end the line");
				continue;
			}
			p->st = P_LIT_WAIT;
			*used_r = i + 1;
			return PARSE_LITERAL;
		case P_EOL:
			if (c != '\n') {
				fail(p, PERR_SYNTAX, "CR without LF");
				continue;
			}
			*used_r = i + 1;
			return line_end(p);
		default:
			fatalx("parser: bad state %d", (int)p->st);
		}
		i++;
	}
	*used_r = i;
	return PARSE_MORE;
}

const char *
parser_tag(const struct parser *p)
{
	return p->tag;
}

const char *
parser_name(const struct parser *p)
{
	return p->name;
}

struct imap_arg *
parser_args(const struct parser *p)
{
	return p->root.child;
}

size_t
parser_arg_count(const struct parser *p)
{
	return p->root.n;
}

int
parser_depth(const struct parser *p)
{
	return p->depth;
}

uint64_t
parser_literal_size(const struct parser *p)
{
	return p->litsize;
}

int
parser_literal_nonsync(const struct parser *p)
{
	return p->litplus;
}

int
parser_literal_is8(const struct parser *p)
{
	return p->lit8;
}

void
parser_literal_accept(struct parser *p)
{
	struct imap_arg	*arg;

	if (p->st != P_LIT_WAIT)
		fatalx("parser_literal_accept: no literal");
	if ((arg = arg_add(p, ARG_LITERAL)) == NULL) {
		/* too many arguments: the data still follows */
		p->st = P_SKIP_LIT;
		p->litgot = 0;
		return;
	}
	p->litdata = arena_alloc(p->a, (size_t)p->litsize + 1);
	arg->str = p->litdata;
	arg->len = (size_t)p->litsize;
	arg->literal8 = p->lit8;
	p->litgot = 0;
	p->st = p->litsize == 0 ? P_ARGS : P_LIT_DATA;
}

void
parser_literal_streamed(struct parser *p, void *handle)
{
	struct imap_arg	*arg;

	if (p->st != P_LIT_WAIT)
		fatalx("parser_literal_streamed: no literal");
	p->st = P_ARGS;
	if ((arg = arg_add(p, ARG_STREAM)) == NULL)
		return;
	arg->size = p->litsize;
	arg->stream = handle;
	arg->literal8 = p->lit8;
}

void
parser_literal_reject(struct parser *p, enum parse_error err, const char *msg)
{
	if (p->st != P_LIT_WAIT)
		fatalx("parser_literal_reject: no literal");
	fail(p, err, msg);
	if (!p->litplus) {
		p->st = P_ERROR_NOW;
		return;
	}
	if (p->litsize > LIMIT_DISCARD ||
	    p->skipped + p->litsize > LIMIT_DISCARD) {
		/* Next feed: skipping it would pass the limit. */
		p->skipped = LIMIT_DISCARD;
		p->st = P_SKIP;
		return;
	}
	p->skipped += p->litsize;
	p->litgot = 0;
	p->st = P_SKIP_LIT;
}

enum parse_error
parser_error(const struct parser *p)
{
	return p->err;
}

const char *
parser_error_msg(const struct parser *p)
{
	return p->errmsg != NULL ? p->errmsg : "Syntax error";
}
