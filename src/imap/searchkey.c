/*
 * searchkey.c: SEARCH's arguments into a tree (see searchkey.h). The
 * grammar is RFC 9051 9 "search" with RFC 3501's keys that IMAP4rev2
 * dropped (NEW, OLD, RECENT, UNKEYWORD...) kept, RFC 4731's
 * search-return-opts in front and RFC 5182's "$" as a sequence set.
 */
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "imapdate.h"
#include "mdlimits.h"
#include "parser.h"
#include "searchkey.h"

struct skparse {
	struct arena		*a;
	struct search_cmd	*cmd;
	const char		*err;
	int			 status;	/* SKE_* */
};

static struct skey *key_parse(struct skparse *, const struct imap_arg **,
		    int);

static struct skey *
fail(struct skparse *p, int status, const char *err)
{
	if (p->status == SKE_OK) {
		p->status = status;
		p->err = err;
	}
	return NULL;
}

static struct skey *
key_new(struct skparse *p, enum skey_type t)
{
	struct skey	*k;

	if (++p->cmd->nkeys > LIMIT_SEARCH_KEYS)
		return fail(p, SKE_LIMIT, "Too many search keys");
	k = arena_alloc(p->a, sizeof(*k));
	k->type = t;
	return k;
}

/* The next argument as an astring (text value or field name). */
static int
take_string(struct skparse *p, const struct imap_arg **cur, const char **s_r,
    size_t *len_r)
{
	const struct imap_arg	*a = *cur;

	if (a == NULL || arg_get_astring(a, s_r) == -1) {
		(void)fail(p, SKE_SYNTAX, a == NULL ? "Missing search "
		    "argument" : "Invalid search string");
		return -1;
	}
	if (a->len > LIMIT_SEARCH_STRING) {
		(void)fail(p, SKE_LIMIT, "Search string too long");
		return -1;
	}
	*len_r = a->len;
	*cur = a->next;
	return 0;
}

static int
take_date(struct skparse *p, const struct imap_arg **cur, long *day_r)
{
	const struct imap_arg	*a = *cur;
	const char		*s;
	time_t			 t;

	/* date = date-text / DQUOTE date-text DQUOTE */
	if (a == NULL || (arg_get_atom(a, &s) == -1 && (a->type !=
	    ARG_QUOTED || arg_get_string(a, &s) == -1)) ||
	    imapdate_parse_date(s, a->len, &t) == -1) {
		(void)fail(p, SKE_SYNTAX, "Invalid search date");
		return -1;
	}
	*day_r = (long)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
	*cur = a->next;
	return 0;
}

static int
take_set(struct skparse *p, const struct imap_arg *a, struct seqset *set)
{
	const char	*s;
	int		 r;

	if (arg_get_atom(a, &s) == -1 ||
	    (r = seqset_parse(p->a, s, a->len, set)) == -1) {
		(void)fail(p, SKE_SYNTAX, "Invalid search sequence set");
		return -1;
	}
	if (r == -2) {
		(void)fail(p, SKE_LIMIT, "Too many ranges in the sequence set");
		return -1;
	}
	if (set->saved)
		p->cmd->uses_saved = 1;
	return 0;
}

static const struct {
	const char	*name;
	enum skey_flag	 flag;
	int		 neg;
} flag_keys[] = {
	{ "ANSWERED", SKF_ANSWERED, 0 }, { "UNANSWERED", SKF_ANSWERED, 1 },
	{ "DELETED", SKF_DELETED, 0 }, { "UNDELETED", SKF_DELETED, 1 },
	{ "DRAFT", SKF_DRAFT, 0 }, { "UNDRAFT", SKF_DRAFT, 1 },
	{ "FLAGGED", SKF_FLAGGED, 0 }, { "UNFLAGGED", SKF_FLAGGED, 1 },
	{ "SEEN", SKF_SEEN, 0 }, { "UNSEEN", SKF_SEEN, 1 },
	{ "RECENT", SKF_RECENT, 0 }, { "OLD", SKF_RECENT, 1 },
};

static const struct {
	const char	*name;
	enum skey_type	 type;
} date_keys[] = {
	{ "BEFORE", SK_BEFORE }, { "ON", SK_ON }, { "SINCE", SK_SINCE },
	{ "SENTBEFORE", SK_SENTBEFORE }, { "SENTON", SK_SENTON },
	{ "SENTSINCE", SK_SENTSINCE }, { "SAVEDBEFORE", SK_SAVEDBEFORE },
	{ "SAVEDON", SK_SAVEDON }, { "SAVEDSINCE", SK_SAVEDSINCE },
};

/* The address and subject keys: HEADER with their field. */
static const char *const header_keys[] = {
	"BCC", "CC", "FROM", "SUBJECT", "TO",
};

static struct skey *
text_key(struct skparse *p, const struct imap_arg **cur, enum skey_type t,
    const char *field)
{
	struct skey	*k;
	size_t		 flen, i;
	char		*f;

	if ((k = key_new(p, t)) == NULL)
		return NULL;
	if (t == SK_HEADER && field == NULL) {
		if (take_string(p, cur, &field, &flen) == -1)
			return NULL;
	}
	if (field != NULL) {
		f = arena_strdup(p->a, field);
		for (i = 0; f[i] != '\0'; i++)
			if (f[i] >= 'A' && f[i] <= 'Z')
				f[i] = (char)(f[i] - 'A' + 'a');
		k->field = f;
	}
	if (take_string(p, cur, &k->str, &k->len) == -1)
		return NULL;
	k->id = p->cmd->ntext++;
	return k;
}

static struct skey *
list_parse(struct skparse *p, const struct imap_arg *first, int depth)
{
	const struct imap_arg	*cur = first;
	struct skey		*k, *c, **tail;

	if (first == NULL)
		return fail(p, SKE_SYNTAX, "Empty search list");
	if ((k = key_new(p, SK_AND)) == NULL)
		return NULL;
	tail = &k->child;
	while (cur != NULL) {
		if ((c = key_parse(p, &cur, depth + 1)) == NULL)
			return NULL;
		*tail = c;
		tail = &c->next;
	}
	return k;
}

static struct skey *
key_parse(struct skparse *p, const struct imap_arg **cur, int depth)
{
	const struct imap_arg	*a = *cur;
	const char		*w;
	struct skey		*k;
	size_t			 i;
	uint64_t		 n;

	if (depth > LIMIT_SEARCH_DEPTH)
		return fail(p, SKE_LIMIT, "Search keys nested too deep");
	if (a == NULL)
		return fail(p, SKE_SYNTAX, "Missing search key");
	*cur = a->next;
	if (a->type == ARG_LIST)
		return list_parse(p, a->child, depth);
	if (arg_get_atom(a, &w) == -1)
		return fail(p, SKE_SYNTAX, "Invalid search key");
	if ((w[0] >= '0' && w[0] <= '9') || w[0] == '*' || w[0] == '$') {
		if ((k = key_new(p, SK_SEQ)) == NULL ||
		    take_set(p, a, &k->set) == -1)
			return NULL;
		return k;
	}
	for (i = 0; i < sizeof(flag_keys) / sizeof(flag_keys[0]); i++)
		if (strcasecmp(w, flag_keys[i].name) == 0) {
			if ((k = key_new(p, SK_FLAG)) == NULL)
				return NULL;
			k->flag = flag_keys[i].flag;
			k->neg = flag_keys[i].neg;
			return k;
		}
	for (i = 0; i < sizeof(date_keys) / sizeof(date_keys[0]); i++)
		if (strcasecmp(w, date_keys[i].name) == 0) {
			if ((k = key_new(p, date_keys[i].type)) == NULL ||
			    take_date(p, cur, &k->day) == -1)
				return NULL;
			if (k->type >= SK_SAVEDBEFORE)
				p->cmd->uses_savedate = 1;
			return k;
		}
	for (i = 0; i < sizeof(header_keys) / sizeof(header_keys[0]); i++)
		if (strcasecmp(w, header_keys[i]) == 0)
			return text_key(p, cur, SK_HEADER, header_keys[i]);
	if (strcasecmp(w, "ALL") == 0)
		return key_new(p, SK_ALL);
	/* RFC 8514 4.3: every mailbox here keeps save dates */
	if (strcasecmp(w, "SAVEDATESUPPORTED") == 0)
		return key_new(p, SK_ALL_SAVEDATE);
	if (strcasecmp(w, "NEW") == 0)
		return key_new(p, SK_NEW);
	if (strcasecmp(w, "HEADER") == 0)
		return text_key(p, cur, SK_HEADER, NULL);
	if (strcasecmp(w, "BODY") == 0)
		return text_key(p, cur, SK_BODY, NULL);
	if (strcasecmp(w, "TEXT") == 0)
		return text_key(p, cur, SK_TEXT, NULL);
	if (strcasecmp(w, "KEYWORD") == 0 || strcasecmp(w, "UNKEYWORD") == 0) {
		if ((k = key_new(p, SK_KEYWORD)) == NULL)
			return NULL;
		k->neg = w[0] == 'U' || w[0] == 'u';
		/* flag-keyword: an atom ("\Seen" is not a keyword) */
		if (*cur == NULL || arg_get_atom(*cur, &k->str) == -1 ||
		    strpbrk(k->str, "\\(){%*\"]") != NULL)
			return fail(p, SKE_SYNTAX, "Invalid search keyword");
		k->len = (*cur)->len;
		*cur = (*cur)->next;
		return k;
	}
	if (strcasecmp(w, "LARGER") == 0 || strcasecmp(w, "SMALLER") == 0) {
		if ((k = key_new(p, w[0] == 'L' || w[0] == 'l' ? SK_LARGER :
		    SK_SMALLER)) == NULL)
			return NULL;
		if (arg_get_number64(*cur, &n) == -1)
			return fail(p, SKE_SYNTAX, "Invalid search size");
		k->size = n;
		*cur = (*cur)->next;
		return k;
	}
	if (strcasecmp(w, "EMAILID") == 0 || strcasecmp(w, "THREADID") == 0) {
		/* RFC 8474 7: objectid = 1*255(ALPHA / DIGIT / "_" / "-") */
		const char	*id;

		if ((k = key_new(p, w[0] == 'E' || w[0] == 'e' ? SK_EMAILID :
		    SK_THREADID)) == NULL)
			return NULL;
		if (*cur == NULL || arg_get_atom(*cur, &id) == -1 ||
		    strlen(id) > 255 || id[strspn(id, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")] != '\0')
			return fail(p, SKE_SYNTAX, "Invalid object ID");
		k->str = id;
		k->len = strlen(id);
		*cur = (*cur)->next;
		return k;
	}
	if (strcasecmp(w, "MODSEQ") == 0) {
		/* RFC 7162 3.1.5: MODSEQ [entry-name entry-type-req]
		 * mod-sequence-valzer. Modseqs are kept per message, not per
		 * flag: the entry only has to be well formed. */
		const char	*e;

		if ((k = key_new(p, SK_MODSEQ)) == NULL)
			return NULL;
		if (*cur != NULL && (*cur)->type == ARG_QUOTED) {
			if (strncasecmp((*cur)->str, "/flags/", 7) != 0 ||
			    (*cur)->str[7] == '\0' || (*cur = (*cur)->next) ==
			    NULL || arg_get_atom(*cur, &e) == -1 ||
			    (strcasecmp(e, "priv") != 0 &&
			    strcasecmp(e, "shared") != 0 &&
			    strcasecmp(e, "all") != 0))
				return fail(p, SKE_SYNTAX,
				    "Invalid MODSEQ entry");
			*cur = (*cur)->next;
		}
		if (arg_get_number64(*cur, &n) == -1)
			return fail(p, SKE_SYNTAX, "Invalid MODSEQ value");
		k->size = n;
		p->cmd->uses_modseq = 1;
		*cur = (*cur)->next;
		return k;
	}
	if (strcasecmp(w, "UID") == 0) {
		if ((k = key_new(p, SK_UID)) == NULL)
			return NULL;
		if (*cur == NULL)
			return fail(p, SKE_SYNTAX, "Missing UID set");
		if (take_set(p, *cur, &k->set) == -1)
			return NULL;
		*cur = (*cur)->next;
		return k;
	}
	if (strcasecmp(w, "NOT") == 0) {
		if ((k = key_new(p, SK_NOT)) == NULL ||
		    (k->child = key_parse(p, cur, depth + 1)) == NULL)
			return NULL;
		return k;
	}
	if (strcasecmp(w, "OR") == 0) {
		if ((k = key_new(p, SK_OR)) == NULL ||
		    (k->child = key_parse(p, cur, depth + 1)) == NULL ||
		    (k->child->next = key_parse(p, cur, depth + 1)) == NULL)
			return NULL;
		return k;
	}
	return fail(p, SKE_SYNTAX, "Unknown search key");
}

/* RETURN (options) (RFC 4731 3.1): MIN MAX ALL COUNT, and SAVE. */
static int
return_parse(struct skparse *p, const struct imap_arg *list)
{
	static const struct {
		const char	*name;
		unsigned	 bit;
	} opts[] = {
		{ "MIN", SRET_MIN }, { "MAX", SRET_MAX }, { "ALL", SRET_ALL },
		{ "COUNT", SRET_COUNT }, { "SAVE", SRET_SAVE },
	};
	const struct imap_arg	*a;
	size_t			 i;

	if (list == NULL || list->type != ARG_LIST) {
		(void)fail(p, SKE_SYNTAX, "RETURN needs a list of options");
		return -1;
	}
	p->cmd->ret_given = 1;
	for (a = list->child; a != NULL; a = a->next) {
		for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
			if (arg_is_atom(a, opts[i].name))
				break;
		if (i == sizeof(opts) / sizeof(opts[0])) {
			(void)fail(p, SKE_SYNTAX, "Unknown RETURN option");
			return -1;
		}
		p->cmd->ret |= opts[i].bit;
	}
	/* RFC 4731 3.1: "RETURN ()" asks for ALL */
	if (p->cmd->ret == 0)
		p->cmd->ret = SRET_ALL;
	return 0;
}

enum searchkey_error
searchkey_parse(struct arena *a, const struct imap_arg *args,
    struct search_cmd *cmd, const char **err_r)
{
	struct skparse		 p;
	const struct imap_arg	*cur = args;
	struct skey		*k, **tail;
	const char		*cs;

	memset(cmd, 0, sizeof(*cmd));
	memset(&p, 0, sizeof(p));
	p.a = a;
	p.cmd = cmd;
	*err_r = NULL;
	if (arg_is_atom(cur, "RETURN")) {
		if (return_parse(&p, cur->next) == -1)
			goto err;
		cur = cur->next->next;
	}
	if (arg_is_atom(cur, "CHARSET")) {
		cur = cur->next;
		if (cur == NULL || arg_get_astring(cur, &cs) == -1) {
			(void)fail(&p, SKE_SYNTAX, "Invalid CHARSET");
			goto err;
		}
		/* RFC 9051 6.4.4: US-ASCII and UTF-8 are what a server
		 * must know; text is compared as UTF-8 either way. */
		if (strcasecmp(cs, "UTF-8") != 0 &&
		    strcasecmp(cs, "US-ASCII") != 0) {
			(void)fail(&p, SKE_CHARSET, "Unknown charset");
			goto err;
		}
		cmd->charset = cs;
		cur = cur->next;
	}
	if (cur == NULL) {
		(void)fail(&p, SKE_SYNTAX, "Missing search keys");
		goto err;
	}
	if ((cmd->root = key_new(&p, SK_AND)) == NULL)
		goto err;
	cmd->nkeys = 0;		/* the keys sent, not this list */
	tail = &cmd->root->child;
	while (cur != NULL) {
		if ((k = key_parse(&p, &cur, 1)) == NULL)
			goto err;
		*tail = k;
		tail = &k->next;
	}
	return SKE_OK;
err:
	*err_r = p.err;
	return (enum searchkey_error)p.status;
}
