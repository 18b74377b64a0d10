/*
 * same_parts.h: for the tests of mime_parse_parts (t_mime.c, fuzz_mime.c):
 * whether its tree is mime_parse's without the sizes, line counts and
 * envelopes. Test code only, included by both.
 */
#ifndef MDIMAPD_TEST_SAME_PARTS_H
#define MDIMAPD_TEST_SAME_PARTS_H

#include <string.h>

#include "mime.h"

static int
same_str(const char *x, const char *y)
{
	return x == y || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

/* Whether mime_parse_parts's part q is mime_parse's p without the sizes,
 * line counts and envelopes. */
static int
same_parts(const struct mime_part *p, const struct mime_part *q)
{
	const struct mime_param	*x, *y;

	if (q->hdr_size != 0 || q->body_size != 0 || q->body_lines != 0 ||
	    q->env != NULL || p->hdr_off != q->hdr_off ||
	    p->hdr_len != q->hdr_len || p->body_off != q->body_off ||
	    p->body_len != q->body_len || !same_str(p->type, q->type) ||
	    !same_str(p->subtype, q->subtype) ||
	    !same_str(p->encoding, q->encoding) ||
	    !same_str(p->disposition, q->disposition) ||
	    p->is_multipart != q->is_multipart ||
	    p->is_message != q->is_message || p->nchildren != q->nchildren)
		return 0;
	for (x = p->params, y = q->params; x != NULL && y != NULL;
	    x = x->next, y = y->next)
		if (!same_str(x->name, y->name) || !same_str(x->value, y->value))
			return 0;
	if (x != NULL || y != NULL)
		return 0;
	for (p = p->children, q = q->children; p != NULL && q != NULL;
	    p = p->next, q = q->next)
		if (!same_parts(p, q))
			return 0;
	return p == NULL && q == NULL;
}

#endif
