/*
 * t_searchkey.c: SEARCH arguments into key trees, table-driven: every
 * key, RETURN, CHARSET, "$", syntax errors and the limits.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "mdlimits.h"
#include "parser.h"
#include "searchkey.h"
#include "test.h"

static void
dump(struct buf *b, const struct skey *k)
{
	static const char *const flags[] = { "ANSWERED", "DELETED", "DRAFT",
	    "FLAGGED", "SEEN", "RECENT" };
	static const char *const names[] = { "ALL", "AND", "OR", "NOT", "FLAG",
	    "KEYWORD", "NEW", "SEQ", "UID", "LARGER", "SMALLER", "BEFORE",
	    "ON", "SINCE", "SENTBEFORE", "SENTON", "SENTSINCE", "HEADER",
	    "BODY", "TEXT" };
	size_t	i;

	for (; k != NULL; k = k->next) {
		(void)buf_adds(b, names[k->type]);
		switch (k->type) {
		case SK_AND:
		case SK_OR:
		case SK_NOT:
			(void)buf_addc(b, '(');
			dump(b, k->child);
			(void)buf_addc(b, ')');
			break;
		case SK_FLAG:
			(void)buf_printf(b, ":%s%s", k->neg ? "-" : "",
			    flags[k->flag]);
			break;
		case SK_KEYWORD:
			(void)buf_printf(b, ":%s%s", k->neg ? "-" : "", k->str);
			break;
		case SK_SEQ:
		case SK_UID:
			if (k->set.saved)
				(void)buf_adds(b, ":$");
			for (i = 0; i < k->set.n; i++)
				(void)buf_printf(b, ":%u-%u", k->set.r[i].lo,
				    k->set.r[i].hi);
			break;
		case SK_LARGER:
		case SK_SMALLER:
			(void)buf_printf(b, ":%llu",
			    (unsigned long long)k->size);
			break;
		case SK_BEFORE:
		case SK_ON:
		case SK_SINCE:
		case SK_SENTBEFORE:
		case SK_SENTON:
		case SK_SENTSINCE:
			(void)buf_printf(b, ":%ld", k->day);
			break;
		case SK_HEADER:
			(void)buf_printf(b, ":%s=%s#%u", k->field, k->str,
			    k->id);
			break;
		case SK_BODY:
		case SK_TEXT:
			(void)buf_printf(b, ":%s#%u", k->str, k->id);
			break;
		default:
			break;
		}
		if (k->next != NULL)
			(void)buf_addc(b, ' ');
	}
}

static struct arena	*a;

/* "ret charset | tree", or "E<code> message" */
static const char *
parse(const char *args)
{
	static struct buf	 out;
	struct parser		*p;
	struct search_cmd	 cmd;
	const char		*err;
	char			 line[LIMIT_LINE];
	size_t			 used;
	int			 r;

	arena_reset(a);
	buf_free(&out);
	buf_init(&out, 1 << 20);
	p = parser_new(a, LIMIT_LINE);
	(void)snprintf(line, sizeof(line), "t SEARCH %s\r\n", args);
	if (parser_feed(p, line, strlen(line), &used) != PARSE_COMMAND) {
		parser_free(&p);
		return "(parse error)";
	}
	r = searchkey_parse(a, parser_args(p), &cmd, &err);
	if (r != SKE_OK)
		(void)buf_printf(&out, "E%d %s", r, err);
	else {
		(void)buf_printf(&out, "%s%x %s%u | ", cmd.ret_given ? "R" : "",
		    cmd.ret, cmd.charset ? cmd.charset : "-", cmd.ntext);
		dump(&out, cmd.root->child);
	}
	parser_free(&p);
	return out.data;
}

int
main(void)
{
	static const struct {
		const char	*in, *out;
	} t[] = {
		{ "ALL", "0 -0 | ALL" },
		{ "all seen unseen", "0 -0 | ALL FLAG:SEEN FLAG:-SEEN" },
		{ "ANSWERED UNANSWERED DELETED UNDELETED DRAFT UNDRAFT",
		    "0 -0 | FLAG:ANSWERED FLAG:-ANSWERED FLAG:DELETED "
		    "FLAG:-DELETED FLAG:DRAFT FLAG:-DRAFT" },
		{ "FLAGGED UNFLAGGED RECENT OLD NEW",
		    "0 -0 | FLAG:FLAGGED FLAG:-FLAGGED FLAG:RECENT "
		    "FLAG:-RECENT NEW" },
		{ "KEYWORD $Junk UNKEYWORD foo",
		    "0 -0 | KEYWORD:$Junk KEYWORD:-foo" },
		{ "1:3,5 * $ 2:*", "0 -0 | SEQ:1-3:5-5 SEQ:0-0 SEQ:$ SEQ:2-0" },
		{ "UID 4:2 UID $", "0 -0 | UID:4-2 UID:$" },
		{ "LARGER 100 SMALLER 9223372036854775807",
		    "0 -0 | LARGER:100 SMALLER:9223372036854775807" },
		{ "BEFORE 1-Jan-1970 ON 2-Jan-1970 SINCE \"31-Dec-1969\"",
		    "0 -0 | BEFORE:0 ON:1 SINCE:-1" },
		{ "SENTBEFORE 1-Feb-1994 SENTON 1-Feb-1994 SENTSINCE 1-Feb-1994",
		    "0 -0 | SENTBEFORE:8797 SENTON:8797 SENTSINCE:8797" },
		{ "FROM joe TO \"a b\" CC c BCC d SUBJECT {3}\r\nx y",
		    "0 -0 | (parse)" },
		{ "FROM joe TO \"a b\" CC c BCC d SUBJECT \"\"",
		    "0 -5 | HEADER:from=joe#0 HEADER:to=a b#1 HEADER:cc=c#2 "
		    "HEADER:bcc=d#3 HEADER:subject=#4" },
		{ "HEADER X-Foo bar BODY b TEXT t",
		    "0 -3 | HEADER:x-foo=bar#0 BODY:b#1 TEXT:t#2" },
		{ "NOT SEEN", "0 -0 | NOT(FLAG:SEEN)" },
		{ "OR SEEN NOT DRAFT", "0 -0 | OR(FLAG:SEEN NOT(FLAG:DRAFT))" },
		{ "(SEEN (DRAFT)) OR (1) 2",
		    "0 -0 | AND(FLAG:SEEN AND(FLAG:DRAFT)) OR(AND(SEQ:1-1) "
		    "SEQ:2-2)" },
		{ "RETURN (MIN MAX) ALL", "R3 -0 | ALL" },
		{ "RETURN (ALL COUNT SAVE) ALL", "R1c -0 | ALL" },
		{ "RETURN () ALL", "R4 -0 | ALL" },
		{ "CHARSET utf-8 ALL", "0 utf-80 | ALL" },
		{ "RETURN (SAVE) CHARSET US-ASCII SEEN", "R10 US-ASCII0 | "
		    "FLAG:SEEN" },
		/* errors */
		{ "", "E-1 Missing search keys" },
		{ "CHARSET koi8-r ALL", "E-3 Unknown charset" },
		{ "CHARSET ALL", "E-3 Unknown charset" },
		{ "CHARSET UTF-8", "E-1 Missing search keys" },
		{ "CHARSET", "E-1 Invalid CHARSET" },
		{ "RETURN ALL", "E-1 RETURN needs a list of options" },
		{ "RETURN (FOO) ALL", "E-1 Unknown RETURN option" },
		{ "RETURN (MIN)", "E-1 Missing search keys" },
		{ "CHARSET UTF-8 RETURN () ALL", "E-1 Unknown search key" },
		{ "FOO", "E-1 Unknown search key" },
		{ "\"ALL\"", "E-1 Invalid search key" },
		{ "()", "E-1 Empty search list" },
		{ "NOT", "E-1 Missing search key" },
		{ "OR SEEN", "E-1 Missing search key" },
		{ "FROM", "E-1 Missing search argument" },
		{ "HEADER X", "E-1 Missing search argument" },
		{ "SUBJECT (a)", "E-1 Invalid search string" },
		{ "KEYWORD \\Seen", "E-1 Invalid search keyword" },
		{ "KEYWORD", "E-1 Invalid search keyword" },
		{ "LARGER x", "E-1 Invalid search size" },
		{ "LARGER -1", "E-1 Invalid search size" },
		{ "SMALLER", "E-1 Invalid search size" },
		{ "BEFORE 32-Jan-2020", "E-1 Invalid search date" },
		{ "ON 1-Jan-2020x", "E-1 Invalid search date" },
		{ "SINCE", "E-1 Invalid search date" },
		{ "UID", "E-1 Missing UID set" },
		{ "UID x", "E-1 Invalid search sequence set" },
		{ "1:0", "E-1 Invalid search sequence set" },
		{ "1,$", "E-1 Invalid search sequence set" },
	};
	struct buf	 b;
	size_t		 i;
	int		 n;

	a = arena_new(LIMIT_ARENA);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (strstr(t[i].out, "(parse)") != NULL)
			continue;	/* literals: see below */
		CHECK_STR(parse(t[i].in), t[i].out);
	}

	/* limits: depth (NOT NOT ... SEEN) and count, at and past */
	buf_init(&b, 1 << 20);
	for (n = 0; n < LIMIT_SEARCH_DEPTH - 1; n++)
		(void)buf_adds(&b, "NOT ");
	(void)buf_adds(&b, "SEEN");
	CHECK(strncmp(parse(b.data), "0 -0 | NOT(", 11) == 0);
	buf_reset(&b);
	for (n = 0; n < LIMIT_SEARCH_DEPTH; n++)
		(void)buf_adds(&b, "NOT ");
	(void)buf_adds(&b, "SEEN");
	CHECK_STR(parse(b.data), "E-2 Search keys nested too deep");
	buf_reset(&b);
	for (n = 0; n < LIMIT_SEARCH_KEYS - 1; n++)
		(void)buf_adds(&b, "ALL ");
	(void)buf_adds(&b, "ALL");
	CHECK(strncmp(parse(b.data), "0 -0 | ALL ALL", 14) == 0);
	(void)buf_adds(&b, " ALL");
	CHECK_STR(parse(b.data), "E-2 Too many search keys");
	buf_reset(&b);
	(void)buf_adds(&b, "BODY \"");
	for (n = 0; n < LIMIT_SEARCH_STRING; n++)
		(void)buf_addc(&b, 'x');
	(void)buf_adds(&b, "\"");
	CHECK(strncmp(parse(b.data), "0 -1 | BODY:xxx", 15) == 0);
	b.data[b.len - 1] = 'x';
	(void)buf_adds(&b, "\"");
	CHECK_STR(parse(b.data), "E-2 Search string too long");
	buf_free(&b);
	arena_free(&a);
	return test_done("t_searchkey");
}
