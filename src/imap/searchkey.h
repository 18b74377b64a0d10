/*
 * searchkey.h: the arguments of SEARCH and UID SEARCH (RFC 9051 6.4.4 and
 * 9; RFC 4731 ESEARCH RETURN options; RFC 5182 SAVE and "$") parsed into
 * a tree of keys. Pure code: it knows the syntax, not the mailbox; text
 * values are kept as sent (the caller maps them for comparison), dates are
 * calendar days, sequence sets stay unresolved.
 *
 * Limits (mdlimits.h): LIMIT_SEARCH_KEYS keys, LIMIT_SEARCH_DEPTH levels
 * of NOT, OR and lists, LIMIT_SEARCH_STRING bytes per text value.
 */
#ifndef MDIMAPD_SEARCHKEY_H
#define MDIMAPD_SEARCHKEY_H

#include <stddef.h>
#include <stdint.h>

#include "seqset.h"

struct arena;
struct imap_arg;

enum skey_type {
	SK_ALL,
	SK_AND,			/* child: a list (parentheses, the program) */
	SK_OR,			/* child, child->next */
	SK_NOT,			/* child */
	SK_FLAG,		/* flag set (or not, with neg) */
	SK_KEYWORD,		/* str set (or not, with neg) */
	SK_NEW,			/* \Recent and not \Seen */
	SK_SEQ,			/* set: sequence numbers */
	SK_UID,			/* set: UIDs */
	SK_LARGER,		/* size */
	SK_SMALLER,
	SK_BEFORE,		/* day: INTERNALDATE */
	SK_ON,
	SK_SINCE,
	SK_SENTBEFORE,		/* day: Date: header */
	SK_SENTON,
	SK_SENTSINCE,
	SK_HEADER,		/* field (lower case), str */
	SK_BODY,		/* str */
	SK_TEXT,		/* str */
	SK_MODSEQ,		/* size: RFC 7162 3.1.5, modseq >= it */
	SK_EMAILID,		/* str: RFC 8474 6 */
	SK_THREADID,		/* str: matches nothing (no THREADID) */
	SK_SAVEDBEFORE,		/* day: RFC 8514 4.3, the save date */
	SK_SAVEDON,
	SK_SAVEDSINCE,
	SK_ALL_SAVEDATE,	/* SAVEDATESUPPORTED: every message */
};

/* SK_FLAG's flags (the store's letters are not known here). */
enum skey_flag {
	SKF_ANSWERED,
	SKF_DELETED,
	SKF_DRAFT,
	SKF_FLAGGED,
	SKF_SEEN,
	SKF_RECENT,
};

struct skey {
	enum skey_type	 type;
	struct skey	*child;
	struct skey	*next;
	int		 neg;		/* SK_FLAG, SK_KEYWORD: UN... */
	enum skey_flag	 flag;
	struct seqset	 set;		/* SK_SEQ, SK_UID (set.saved: "$") */
	uint64_t	 size;
	long		 day;		/* days since 1970-01-01 */
	const char	*field;		/* SK_HEADER */
	const char	*str;		/* SK_KEYWORD, SK_HEADER, SK_BODY... */
	size_t		 len;
	unsigned	 id;		/* text keys: 0..ntext-1 */
	int		 kw;		/* the evaluator's (keyword letter) */
};

/* RETURN options (RFC 4731 3.1, RFC 5182). */
#define SRET_MIN	0x01
#define SRET_MAX	0x02
#define SRET_ALL	0x04
#define SRET_COUNT	0x08
#define SRET_SAVE	0x10

struct search_cmd {
	int		 ret_given;	/* RETURN (...) was sent */
	unsigned	 ret;		/* SRET_*; RETURN () is ALL */
	const char	*charset;	/* NULL: none given */
	struct skey	*root;		/* SK_AND of the program's keys */
	size_t		 nkeys;
	unsigned	 ntext;		/* SK_HEADER, SK_BODY, SK_TEXT */
	int		 uses_saved;	/* "$" somewhere */
	int		 uses_modseq;	/* MODSEQ somewhere (RFC 7162 3.1.5) */
	int		 uses_savedate;	/* SAVED* somewhere (RFC 8514) */
};

enum searchkey_error {
	SKE_OK = 0,
	SKE_SYNTAX = -1,		/* BAD */
	SKE_LIMIT = -2,			/* BAD [LIMIT] */
	SKE_CHARSET = -3,		/* NO [BADCHARSET (UTF-8 US-ASCII)] */
};

/*
 * Parse SEARCH's arguments (args: the first one after the command name)
 * into cmd, allocating from a. CHARSET must be UTF-8 or US-ASCII
 * (case-insensitive). On error, *err_r says what was wrong.
 */
enum searchkey_error searchkey_parse(struct arena *a,
		    const struct imap_arg *args, struct search_cmd *cmd,
		    const char **err_r);

#endif
