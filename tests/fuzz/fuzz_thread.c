/*
 * fuzz_thread.c: libFuzzer harness for subject.c, msgid.c and thread.c,
 * with sortkey.c's sort on the same messages.
 *
 * The input is a mailbox: one message per line, its fields separated by
 * tabs: a date byte, the Subject, Message-ID, References and In-Reply-To
 * values (a missing field is absent). Each goes through subject_base() and
 * msgid.c, and into a thread set (threadset.c) as the THREAD command
 * uses them, then both algorithms, then thread_write().
 *
 * Checked: a base subject is no longer than its subject, with no tab, CR,
 * LF, leading, trailing or double space; an ID holds an '@', no NUL, and
 * is at most LIMIT_MSGID long; the thread-list parses by RFC 5256 5's
 * grammar with balanced parentheses and names every message exactly once,
 * for REFERENCES and ORDEREDSUBJECT; the SORT order is a permutation,
 * sorted, ties in mailbox order.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "fuzz.h"
#include "mdlimits.h"
#include "msgid.h"
#include "sortkey.h"
#include "subject.h"
#include "thread.h"
#include "threadset.h"

#define FUZZ_MSGS	512

static void
id_check(const char *id)
{
	size_t	len = strlen(id);

	FUZZ_ASSERT(len >= 3 && len <= LIMIT_MSGID);
	FUZZ_ASSERT(strchr(id, '@') != NULL);
}

/* RFC 5256 5 thread-list, each number 1..n seen once. */
static void
list_check(const char *s, size_t len, unsigned char *seen, size_t n)
{
	size_t		 i = 0, depth = 0;
	unsigned long	 v;
	int		 prev = 0;	/* 0 start, 1 '(', 2 number, 3 ')' */

	while (i < len) {
		if (s[i] == '(') {
			FUZZ_ASSERT(prev != 2 || s[i - 1] == ' ');
			depth++;
			prev = 1;
			i++;
		} else if (s[i] == ')') {
			FUZZ_ASSERT(prev != 1 && depth > 0);
			depth--;
			prev = 3;
			i++;
		} else if (s[i] == ' ') {
			FUZZ_ASSERT(prev == 2 && i + 1 < len);
			i++;
		} else {
			FUZZ_ASSERT(s[i] >= '1' && s[i] <= '9');
			FUZZ_ASSERT(prev != 3 && depth > 0);
			FUZZ_ASSERT(prev != 2 || s[i - 1] == ' ');
			for (v = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
				v = v * 10 + (unsigned long)(s[i] - '0');
			FUZZ_ASSERT(v >= 1 && v <= n && seen[v] == 0);
			seen[v] = 1;
			prev = 2;
		}
	}
	FUZZ_ASSERT(depth == 0);
	for (v = 1; v <= n; v++)
		FUZZ_ASSERT(seen[v] == 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct arena	*a;
	struct thread_set	*ts[2];
	struct fmsg {
		time_t		 date;
		const char	*subject;
		size_t		 subject_len;
	}			*m;
	struct sortkey_val	*vals;
	struct sortkey_crit	 crit[2] = { { SORTKEY_STR, 0 },
				    { SORTKEY_NUM, 1 } };
	const char		*p = (const char *)data, *end = p + size;
	const char		*line, *eol, *f[5], *fe[5], *id;
	char			**ids;
	unsigned char		 seen[FUZZ_MSGS + 1];
	struct buf		 b;
	size_t			 n = 0, i, j, k, nr, *o, fl[5];
	int			 alg, reply;

	if (a == NULL)
		a = arena_new(LIMIT_ARENA);
	m = arena_reallocarray(a, NULL, 0, FUZZ_MSGS, sizeof(*m));
	ts[0] = thread_set_new(LIMIT_ARENA);
	ts[1] = thread_set_new(LIMIT_ARENA);
	while (p < end && n < FUZZ_MSGS) {
		line = p;
		if ((eol = memchr(p, '\n', end - p)) == NULL)
			eol = end;
		p = eol < end ? eol + 1 : end;
		for (k = 0; k < 5; k++)
			f[k] = fe[k] = NULL;
		for (k = 0; k < 5 && line <= eol; k++) {
			f[k] = line;
			if ((fe[k] = memchr(line, '\t', eol - line)) == NULL)
				fe[k] = eol;
			line = fe[k] + 1;
		}
		for (k = 0; k < 5; k++)
			fl[k] = f[k] != NULL ? (size_t)(fe[k] - f[k]) : 0;
		m[n].date = f[0] != NULL && fe[0] > f[0] ?
		    (unsigned char)f[0][0] % 8 : 0;
		m[n].subject = subject_base(a, f[1], fl[1], &m[n].subject_len,
		    &reply);
		FUZZ_ASSERT(f[1] != NULL || m[n].subject_len == 0);
		FUZZ_ASSERT(f[1] == NULL || m[n].subject_len <= fl[1]);
		for (i = 0; i < m[n].subject_len; i++) {
			FUZZ_ASSERT(m[n].subject[i] != '\t' &&
			    m[n].subject[i] != '\r' && m[n].subject[i] != '\n');
			FUZZ_ASSERT(m[n].subject[i] != ' ' || (i > 0 &&
			    i + 1 < m[n].subject_len &&
			    m[n].subject[i + 1] != ' '));
		}
		if ((id = msgid_first(a, f[2], fl[2])) != NULL)
			id_check(id);
		nr = msgid_references(a, f[3], fl[3], f[4], fl[4], &ids);
		for (i = 0; i < nr; i++)
			id_check(ids[i]);
		for (k = 0; k < 2; k++)
			FUZZ_ASSERT(thread_set_add(ts[k], (uint32_t)(n + 1),
			    m[n].date, m[n].subject, m[n].subject_len, reply,
			    f[2], fl[2], f[3], fl[3], f[4], fl[4]) == 0);
		n++;
	}

	for (alg = 0; alg < 2; alg++) {
		buf_init(&b, LIMIT_ARENA);
		FUZZ_ASSERT(thread_write(a, &b, alg == 0 ?
		    thread_set_references(ts[alg], a) :
		    thread_set_orderedsubject(ts[alg], a)) == 0);
		memset(seen, 0, sizeof(seen));
		list_check(b.data, b.len, seen, n);
		buf_free(&b);
		thread_set_free(&ts[alg]);
	}

	/* SORT (SUBJECT REVERSE DATE). */
	vals = arena_reallocarray(a, NULL, 0, 2 * n + 1, sizeof(*vals));
	for (i = 0; i < n; i++) {
		vals[2 * i].str = m[i].subject;
		vals[2 * i].len = m[i].subject_len;
		vals[2 * i + 1].num = m[i].date;
	}
	o = sortkey_sort(a, crit, 2, vals, n);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(o[i] < n && !seen[o[i]]);
		seen[o[i]] = 1;
		if (i > 0) {
			j = (size_t)sortkey_cmp(crit, 2, &vals[2 * o[i - 1]],
			    &vals[2 * o[i]]);
			FUZZ_ASSERT((int)j < 0 || ((int)j == 0 &&
			    o[i - 1] < o[i]));
		}
	}
	arena_reset(a);
	return 0;
}
