/*
 * threadset.c: gathering THREAD's messages as numbers (threadset.h).
 *
 * Message-IDs are numbered by one intern table, base subjects by another
 * (0 for the empty one, which thread.c treats as no subject). REFERENCES
 * only compares subject numbers; ORDEREDSUBJECT sorts by them, so they
 * are replaced by the subjects' ranks first (intern_rank()). The
 * messages and their references are two arrays grown by doubling.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intern.h"
#include "log.h"
#include "mdlimits.h"
#include "msgid.h"
#include "thread.h"
#include "threadset.h"

/* Messages at most (thread.c counts nodes in 32 bits). */
#define THREAD_SET_MSGS_MAX	(UINT32_MAX / 4)

struct thread_set {
	struct intern		*ids;
	struct intern		*subjects;
	struct thread_msg	*msgs;
	size_t			 n, cap;
	uint32_t		*refs;
	size_t			 nrefs, refcap;
	size_t			 max;
	int			 full;		/* an add failed */
};

struct thread_set *
thread_set_new(size_t max)
{
	struct thread_set	*ts;

	if ((ts = calloc(1, sizeof(*ts))) == NULL)
		fatalx("out of memory");
	ts->max = max;
	ts->ids = intern_new(max);
	ts->subjects = intern_new(max);
	return ts;
}

void
thread_set_free(struct thread_set **tsp)
{
	struct thread_set	*ts = *tsp;

	if (ts == NULL)
		return;
	intern_free(&ts->ids);
	intern_free(&ts->subjects);
	free(ts->msgs);
	free(ts->refs);
	free(ts);
	*tsp = NULL;
}

size_t
thread_set_count(const struct thread_set *ts)
{
	return ts->n;
}

/* Bytes held in all. */
static size_t
set_size(const struct thread_set *ts)
{
	return (ts->ids != NULL ? intern_size(ts->ids) : 0) +
	    (ts->subjects != NULL ? intern_size(ts->subjects) : 0) +
	    ts->cap * sizeof(*ts->msgs) + ts->refcap * sizeof(*ts->refs);
}

/* Whether more bytes fit. */
static int
set_room(const struct thread_set *ts, size_t more)
{
	size_t	now = set_size(ts);

	return now <= ts->max && more <= ts->max - now;
}

static int
ref_push(struct thread_set *ts, uint32_t id)
{
	size_t	ncap;

	if (ts->nrefs == ts->refcap) {
		ncap = ts->refcap == 0 ? 1024 : ts->refcap * 2;
		if (ncap > UINT32_MAX ||
		    !set_room(ts, (ncap - ts->refcap) * sizeof(*ts->refs)))
			return -1;
		if ((ts->refs = reallocarray(ts->refs, ncap,
		    sizeof(*ts->refs))) == NULL)
			fatalx("out of memory");
		ts->refcap = ncap;
	}
	ts->refs[ts->nrefs++] = id;
	return 0;
}

/* Every valid ID of a value, numbered and pushed; the count, or -1. */
static long
refs_push(struct thread_set *ts, const char *v, size_t len, int first)
{
	char		 id[LIMIT_MSGID];
	const char	*p = v, *end;
	size_t		 l;
	uint32_t	 num;
	long		 n = 0;

	if (v == NULL)
		return 0;
	end = v + len;
	while ((l = msgid_scan(&p, end, id)) > 0) {
		if ((num = intern_add(ts->ids, id, l)) == 0 ||
		    ref_push(ts, num) == -1)
			return -1;
		n++;
		if (first)
			break;
	}
	return n;
}

int
thread_set_add(struct thread_set *ts, uint32_t id, time_t date,
    const char *subject, size_t subject_len, int reply, const char *msgid,
    size_t msgid_len, const char *refs, size_t refs_len, const char *irt,
    size_t irt_len)
{
	struct thread_msg	*m;
	char			 buf[LIMIT_MSGID];
	const char		*p;
	size_t			 ncap, l, start = ts->nrefs;
	long			 nr;

	if (ts->full || ts->ids == NULL || ts->n == THREAD_SET_MSGS_MAX)
		return -1;
	ts->full = 1;
	if (ts->n == ts->cap) {
		ncap = ts->cap == 0 ? 1024 : ts->cap * 2;
		if (!set_room(ts, (ncap - ts->cap) * sizeof(*ts->msgs)))
			return -1;
		if ((ts->msgs = reallocarray(ts->msgs, ncap,
		    sizeof(*ts->msgs))) == NULL)
			fatalx("out of memory");
		ts->cap = ncap;
	}
	m = &ts->msgs[ts->n];
	memset(m, 0, sizeof(*m));
	m->id = id;
	m->date = date;
	m->reply = reply;
	if (subject_len > 0 &&
	    (m->subject = intern_add(ts->subjects, subject, subject_len)) == 0)
		return -1;
	if (msgid != NULL) {
		p = msgid;
		if ((l = msgid_scan(&p, msgid + msgid_len, buf)) > 0 &&
		    (m->msgid = intern_add(ts->ids, buf, l)) == 0)
			return -1;
	}
	/* RFC 5256 3: References, else In-Reply-To's first ID. */
	if ((nr = refs_push(ts, refs, refs_len, 0)) == 0)
		nr = refs_push(ts, irt, irt_len, 1);
	if (nr == -1 || !set_room(ts, 0))
		return -1;
	m->refs = (uint32_t)start;
	m->nrefs = (uint32_t)nr;
	ts->n++;
	ts->full = 0;
	return 0;
}

struct thread_node *
thread_set_references(struct thread_set *ts, struct arena *a)
{
	uint32_t	nids = ts->ids != NULL ? intern_count(ts->ids) : 0;

	intern_free(&ts->ids);
	intern_free(&ts->subjects);
	return thread_references(a, ts->msgs, ts->n, ts->refs, nids);
}

struct thread_node *
thread_set_orderedsubject(struct thread_set *ts, struct arena *a)
{
	uint32_t	*rank;
	size_t		 i;

	if (ts->subjects != NULL) {
		if ((rank = reallocarray(NULL,
		    (size_t)intern_count(ts->subjects) + 1,
		    sizeof(*rank))) == NULL)
			fatalx("out of memory");
		intern_rank(ts->subjects, rank);
		for (i = 0; i < ts->n; i++)
			ts->msgs[i].subject = rank[ts->msgs[i].subject];
		free(rank);
	}
	intern_free(&ts->ids);
	intern_free(&ts->subjects);
	return thread_orderedsubject(a, ts->msgs, ts->n);
}
