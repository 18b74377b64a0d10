/*
 * msgset.c: sequence sets to view indexes. Ranges stay ranges: each is
 * mapped with two binary searches, so "1:4294967295" costs nothing more
 * than the messages it really names.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "log.h"
#include "maildir.h"
#include "msgset.h"
#include "parser.h"
#include "seqset.h"
#include "session.h"

/* First index whose UID is >= uid. */
static size_t
lower_bound(const struct maildir *m, uint32_t uid)
{
	size_t	lo = 0, hi = m->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (m->msgs[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
msgset_get(struct session *s, struct imap_arg *arg, size_t **idx_r,
    size_t *n_r)
{
	struct maildir	*m = s->sel;
	struct seqset	 set, res;
	const char	*str;
	size_t		 i, j, n = 0, cap = 0, lo, hi;
	size_t		*idx = NULL;
	uint32_t	 max;
	int		 r;

	if (arg_get_atom(arg, &str) == -1 ||
	    (r = seqset_parse(s->cmd_arena, str, strlen(str), &set)) == -1) {
		session_bad(s, NULL, "Invalid message set");
		return -1;
	}
	if (r == 0 && set.saved) {
		/* RFC 5182 2.1: "$" is the saved UIDs; an empty one is
		 * valid and matches nothing. */
		idx = arena_reallocarray(s->cmd_arena, NULL, 0,
		    s->nsearchres + 1, sizeof(*idx));
		for (i = 0; i < s->nsearchres; i++) {
			lo = lower_bound(m, s->searchres[i]);
			if (lo < m->n && m->msgs[lo].uid == s->searchres[i])
				idx[n++] = lo;
		}
		*idx_r = idx;
		*n_r = n;
		return 0;
	}
	if (r == -2) {
		session_bad(s, "LIMIT", "Too many ranges in the message set");
		return -1;
	}
	if (!s->uid_cmd && !seqset_within(&set, (uint32_t)m->n)) {
		session_bad(s, NULL, "Invalid message sequence number");
		return -1;
	}
	max = s->uid_cmd ? (m->n > 0 ? m->msgs[m->n - 1].uid : 0) :
	    (uint32_t)m->n;
	seqset_resolve(s->cmd_arena, &set, max, &res);
	for (i = 0; i < res.n; i++) {
		if (s->uid_cmd) {
			lo = lower_bound(m, res.r[i].lo);
			hi = res.r[i].hi == UINT32_MAX ? m->n :
			    lower_bound(m, res.r[i].hi + 1);
		} else {
			lo = res.r[i].lo - 1;
			hi = res.r[i].hi;
		}
		if (hi <= lo)
			continue;
		if (n + (hi - lo) > cap) {
			size_t ncap = (n + (hi - lo)) * 2;
			idx = arena_reallocarray(s->cmd_arena, idx, n, ncap,
			    sizeof(*idx));
			cap = ncap;
		}
		for (j = lo; j < hi; j++)
			idx[n++] = j;
	}
	*idx_r = idx;
	*n_r = n;
	return 0;
}

void
msgset_save(struct session *s, const uint32_t *uids, size_t n)
{
	uint32_t	*copy = NULL;

	if (n > 0) {
		if ((copy = reallocarray(NULL, n, sizeof(*copy))) == NULL)
			fatalx("out of memory");
		memcpy(copy, uids, n * sizeof(*copy));
	}
	free(s->searchres);
	s->searchres = copy;
	s->nsearchres = n;
}

void
msgset_save_reset(struct session *s)
{
	msgset_save(s, NULL, 0);
}

int
msgset_saved_has(const struct session *s, uint32_t uid)
{
	size_t	lo = 0, hi = s->nsearchres, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (s->searchres[mid] == uid)
			return 1;
		if (s->searchres[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void
msgset_saved_set(struct session *s, struct seqset *out)
{
	size_t	i;

	memset(out, 0, sizeof(*out));
	out->r = arena_reallocarray(s->cmd_arena, NULL, 0, s->nsearchres + 1,
	    sizeof(*out->r));
	for (i = 0; i < s->nsearchres; i++) {
		if (out->n > 0 && out->r[out->n - 1].hi + 1 == s->searchres[i]) {
			out->r[out->n - 1].hi = s->searchres[i];
			continue;
		}
		out->r[out->n].lo = out->r[out->n].hi = s->searchres[i];
		out->n++;
	}
}
