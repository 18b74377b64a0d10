/*
 * args.c: typed access to parsed command arguments (RFC 9051 9 grammar
 * rules: atom, astring, string, nstring, number, nz-number, number64).
 */
#include <string.h>
#include <strings.h>

#include "parser.h"

int
imap_number_parse(const char *s, size_t len, uint64_t max, uint64_t *r)
{
	uint64_t	v = 0;
	size_t		i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if ((uint64_t)(s[i] - '0') > max ||
		    v > (max - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*r = v;
	return 0;
}

int
arg_is_nil(const struct imap_arg *a)
{
	return a != NULL && a->type == ARG_ATOM && strcasecmp(a->str, "NIL") == 0;
}

int
arg_is_atom(const struct imap_arg *a, const char *word)
{
	return a != NULL && a->type == ARG_ATOM && strcasecmp(a->str, word) == 0;
}

int
arg_get_atom(const struct imap_arg *a, const char **r)
{
	if (a == NULL || a->type != ARG_ATOM)
		return -1;
	*r = a->str;
	return 0;
}

int
arg_get_string(const struct imap_arg *a, const char **r)
{
	if (a == NULL || (a->type != ARG_QUOTED && a->type != ARG_LITERAL))
		return -1;
	/* A string is text: no NUL (literal8 is binary data). */
	if (a->type == ARG_LITERAL && (a->literal8 ||
	    memchr(a->str, '\0', a->len) != NULL))
		return -1;
	*r = a->str;
	return 0;
}

int
arg_get_astring(const struct imap_arg *a, const char **r)
{
	size_t	i;

	if (a != NULL && a->type == ARG_ATOM) {
		/* ASTRING-CHAR: no list wildcards, no "\" (RFC 9051 9). */
		for (i = 0; i < a->len; i++)
			if (strchr("%*\\", a->str[i]) != NULL)
				return -1;
		*r = a->str;
		return 0;
	}
	return arg_get_string(a, r);
}

int
arg_get_nstring(const struct imap_arg *a, const char **r)
{
	if (arg_is_nil(a)) {
		*r = NULL;
		return 0;
	}
	return arg_get_string(a, r);
}

int
arg_get_number64(const struct imap_arg *a, uint64_t *r)
{
	if (a == NULL || a->type != ARG_ATOM)
		return -1;
	/* number64 = 1*DIGIT, at most 2^63 - 1 (RFC 9051 9). */
	return imap_number_parse(a->str, a->len, INT64_MAX, r);
}

int
arg_get_number(const struct imap_arg *a, uint32_t *r)
{
	uint64_t	v;

	if (a == NULL || a->type != ARG_ATOM ||
	    imap_number_parse(a->str, a->len, UINT32_MAX, &v) == -1)
		return -1;
	*r = (uint32_t)v;
	return 0;
}

int
arg_get_nznumber(const struct imap_arg *a, uint32_t *r)
{
	if (arg_get_number(a, r) == -1 || *r == 0 || a->str[0] == '0')
		return -1;
	return 0;
}

int
arg_get_list(const struct imap_arg *a, struct imap_arg **first_r, size_t *n_r)
{
	if (a == NULL || a->type != ARG_LIST)
		return -1;
	*first_r = a->child;
	*n_r = a->n;
	return 0;
}
