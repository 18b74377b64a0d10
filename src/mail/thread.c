/*
 * thread.c: THREAD=ORDEREDSUBJECT and THREAD=REFERENCES, RFC 5256 3.
 *
 * REFERENCES follows the RFC's six steps over one array of nodes: the
 * messages (in mailbox order), then a dummy for each ID referenced but
 * not found, then the root, then the dummies step 5 makes. Nodes link to
 * each other by their numbers in it (20 bytes a node); IDs and subjects
 * are numbers too (thread.h), so step 1 finds an ID's node in an array
 * and step 5 a subject's thread. Choices where the RFC leaves room:
 *
 * - Step 1 first gives every Message-ID to its first message (a later
 *   duplicate, or a message without a valid ID, is a node no reference
 *   finds), then links references message by message.
 * - Step 1.B is read as written, as Dovecot does: the message's current
 *   parent link is broken, then the link to its last reference made unless
 *   that makes a loop. A message whose last reference is itself or one of
 *   its descendants is thus left at the top.
 * - Step 3 is done without recursion: a message's parent becomes its
 *   nearest ancestor that is a message, or, when all its ancestors are
 *   dummies, the topmost of them; a top-level dummy then left with one
 *   child gives it up to the top and one with none disappears. This is
 *   what pruning each thread from the leaves up gives.
 *
 * Nothing here recurses: threads can be as deep as the mailbox is long.
 * The loop check of step 1 walks up from the would-be parent, and is
 * skipped when the would-be child has no children.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "log.h"
#include "thread.h"

/* No node. */
#define NIL	UINT32_MAX
/* up of a node that had no parent after step 1 (step 3). */
#define TOP	(UINT32_MAX - 1)
/* Messages at most: the nodes (messages, dummies, root) stay below TOP. */
#define THREAD_MSGS_MAX	(UINT32_MAX / 4)

/* A node: node i < n is message i; the others dummies and the root.
 * Links are node numbers. */
struct tn {
	uint32_t		 parent;
	uint32_t		 child;
	uint32_t		 next;
	uint32_t		 prev;
	uint32_t		 up;	/* step 3: nearest message or top */
};

/* What a node sorts by (RFC 5256 2.2): the sent date and mailbox order
 * of the message that stands for it; seq NIL when none does (date is
 * then its place in the list). */
struct tkey {
	time_t			 date;
	uint32_t		 seq;
	uint32_t		 node;
};

struct tctx {
	const struct thread_msg	*msgs;
	uint32_t		 n;
	struct tn		*nodes;
	uint32_t		 nnodes;
	uint32_t		 cap;
	uint32_t		 root;
	struct tkey		*tmp;		/* sorting */
	size_t			 tmpcap;
};

static void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (n == 0)
		n = 1;
	if ((p = reallocarray(p, n, size)) == NULL)
		fatalx("out of memory");
	return p;
}

#define N(t, x)	(&(t)->nodes[x])

static void
tn_unlink(struct tctx *t, uint32_t c)
{
	struct tn	*x = N(t, c);

	if (x->parent == NIL)
		return;
	if (x->prev != NIL)
		N(t, x->prev)->next = x->next;
	else
		N(t, x->parent)->child = x->next;
	if (x->next != NIL)
		N(t, x->next)->prev = x->prev;
	x->parent = x->next = x->prev = NIL;
}

static void
tn_add(struct tctx *t, uint32_t p, uint32_t c)
{
	struct tn	*x = N(t, c), *y = N(t, p);

	x->parent = p;
	x->prev = NIL;
	x->next = y->child;
	if (y->child != NIL)
		N(t, y->child)->prev = c;
	y->child = c;
}

static uint32_t
tn_new(struct tctx *t)
{
	struct tn	*x;

	if (t->nnodes == t->cap)
		abort();
	x = N(t, t->nnodes);
	x->parent = x->child = x->next = x->prev = x->up = NIL;
	return t->nnodes++;
}

/* Whether x is y or one of its descendants. */
static int
tn_under(const struct tctx *t, uint32_t x, uint32_t y)
{
	if (t->nodes[y].child == NIL)
		return x == y;
	for (; x != NIL; x = t->nodes[x].parent)
		if (x == y)
			return 1;
	return 0;
}

/* The message that stands for x when sorting: x, or a dummy's first
 * child (RFC 5256 3 steps 4 and 6); a dummy if it has none. */
static uint32_t
tn_key(const struct tctx *t, uint32_t x)
{
	while (x >= t->n && t->nodes[x].child != NIL)
		x = t->nodes[x].child;
	return x;
}

static int
tkey_cmp(const void *va, const void *vb)
{
	const struct tkey	*a = va, *b = vb;

	if (a->seq == NIL || b->seq == NIL) {
		if (a->seq != b->seq)
			return a->seq == NIL ? 1 : -1;
		/* Two without a message keep their order. */
		return (a->date > b->date) - (a->date < b->date);
	}
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Sort p's children by sent date, then mailbox order (RFC 5256 2.2). */
static void
tn_sort(struct tctx *t, uint32_t p)
{
	uint32_t	c, m;
	size_t		k, i;

	c = N(t, p)->child;
	if (c == NIL || N(t, c)->next == NIL)
		return;
	for (k = 0; c != NIL; c = N(t, c)->next, k++) {
		if (k == t->tmpcap) {
			t->tmpcap = t->tmpcap == 0 ? 256 : t->tmpcap * 2;
			t->tmp = xreallocarray(t->tmp, t->tmpcap,
			    sizeof(*t->tmp));
		}
		m = tn_key(t, c);
		t->tmp[k].node = c;
		if (m < t->n) {
			t->tmp[k].seq = m;
			t->tmp[k].date = t->msgs[m].date;
		} else {
			t->tmp[k].seq = NIL;
			t->tmp[k].date = (time_t)k;
		}
	}
	qsort(t->tmp, k, sizeof(*t->tmp), tkey_cmp);
	N(t, p)->child = t->tmp[0].node;
	for (i = 0; i < k; i++) {
		c = t->tmp[i].node;
		N(t, c)->prev = i > 0 ? t->tmp[i - 1].node : NIL;
		N(t, c)->next = i + 1 < k ? t->tmp[i + 1].node : NIL;
	}
}

/* Step 1, for message i; idnode maps ID numbers to their nodes. */
static void
refs_link(struct tctx *t, uint32_t *idnode, const uint32_t *refs,
    uint32_t i)
{
	const struct thread_msg	*m = &t->msgs[i];
	uint32_t		 prev = NIL, r, j, id;

	/* 1.A: each reference the parent of the next, where the next has
	 * no parent yet and no loop comes of it. */
	for (j = 0; j < m->nrefs; j++) {
		id = refs[m->refs + j];
		if ((r = idnode[id]) == NIL)
			r = idnode[id] = tn_new(t);
		if (prev != NIL && N(t, r)->parent == NIL &&
		    !tn_under(t, prev, r))
			tn_add(t, prev, r);
		prev = r;
	}
	/* 1.B: the last reference is the parent. */
	tn_unlink(t, i);
	if (prev != NIL && !tn_under(t, prev, i))
		tn_add(t, prev, i);
}

/* Step 3 helper: x itself if a message or at the top, else the nearest
 * ancestor that is. Paths are remembered, so all calls take linear time. */
static uint32_t
tn_up(struct tctx *t, uint32_t x)
{
	uint32_t	y, r;

	for (y = x;; y = N(t, y)->parent) {
		if (y < t->n || N(t, y)->parent == NIL) {
			r = y;
			break;
		}
		if (N(t, y)->up != NIL) {
			r = N(t, y)->up;
			break;
		}
	}
	for (y = x; y >= t->n && N(t, y)->parent != NIL &&
	    N(t, y)->up == NIL; y = N(t, y)->parent)
		N(t, y)->up = r;
	return r;
}

/* Steps 2 and 3: the threads under the root, dummies pruned. */
static void
refs_prune(struct tctx *t)
{
	struct tn	*x;
	uint32_t	 i, c, nn = t->nnodes;

	/* The root is the last node. */
	nn--;
	for (i = 0; i < nn; i++) {
		x = N(t, i);
		if (x->parent == NIL)
			x->up = TOP;
		else if (i < t->n)
			x->up = tn_up(t, x->parent);
	}
	for (i = 0; i < nn; i++) {
		x = N(t, i);
		x->child = x->next = x->prev = x->parent = NIL;
	}
	for (i = 0; i < t->n; i++) {
		x = N(t, i);
		tn_add(t, x->up == TOP ? t->root : x->up, i);
	}
	for (i = t->n; i < nn; i++) {
		x = N(t, i);
		if (x->up != TOP || (c = x->child) == NIL)
			continue;
		if (N(t, c)->next == NIL) {
			tn_unlink(t, c);
			tn_add(t, t->root, c);
		} else
			tn_add(t, t->root, i);
	}
}

/* The thread subject of a child of the root (step 5.B.i): its number,
 * 0 when none (empty, or no message stands for it). */
static uint32_t
thread_subject(const struct tctx *t, uint32_t x)
{
	uint32_t	m = tn_key(t, x);

	return m < t->n ? t->msgs[m].subject : 0;
}

/* Steps 4 and 5: sort the top, then gather threads by subject. */
static void
refs_subjects(struct tctx *t)
{
	uint32_t	*top, *tab, c, x, d, e, s, smax = 0;
	size_t		 k, i;

	for (c = N(t, t->root)->child; c != NIL; c = N(t, c)->next)
		if (c >= t->n)
			tn_sort(t, c);
	tn_sort(t, t->root);
	for (k = 0, c = N(t, t->root)->child; c != NIL; c = N(t, c)->next)
		k++;
	/* Step 5 makes a dummy for each two threads it merges, fewer than
	 * the threads at the top. */
	if (k > (size_t)(TOP - t->cap))
		abort();
	t->cap += (uint32_t)k;
	t->nodes = xreallocarray(t->nodes, t->cap, sizeof(*t->nodes));
	top = xreallocarray(NULL, k, sizeof(*top));
	for (k = 0, c = N(t, t->root)->child; c != NIL; c = N(t, c)->next)
		top[k++] = c;
	for (i = 0; i < t->n; i++)
		if (t->msgs[i].subject > smax)
			smax = t->msgs[i].subject;
	/* Subject number to the thread that holds it, NIL for none. */
	tab = xreallocarray(NULL, (size_t)smax + 1, sizeof(*tab));
	memset(tab, 0xff, ((size_t)smax + 1) * sizeof(*tab));
	/* 5.B: one thread per subject, a dummy rather than a message, a
	 * message rather than a reply. */
	for (i = 0; i < k; i++) {
		x = top[i];
		if ((s = thread_subject(t, x)) == 0)
			continue;
		if ((e = tab[s]) == NIL)
			tab[s] = x;
		else if (e < t->n && (x >= t->n ||
		    (t->msgs[e].reply && !t->msgs[x].reply)))
			tab[s] = x;
	}
	/* 5.C: merge the others into it. */
	for (i = 0; i < k; i++) {
		x = top[i];
		if (N(t, x)->parent != t->root)
			continue;
		if ((s = thread_subject(t, x)) == 0)
			continue;
		if ((e = tab[s]) == x)
			continue;
		tn_unlink(t, x);
		if (e >= t->n && x >= t->n) {
			while ((c = N(t, x)->child) != NIL) {
				tn_unlink(t, c);
				tn_add(t, e, c);
			}
		} else if (e >= t->n || (x < t->n && t->msgs[x].reply &&
		    !t->msgs[e].reply))
			tn_add(t, e, x);
		else {
			d = tn_new(t);
			tn_unlink(t, e);
			tn_add(t, t->root, d);
			tn_add(t, d, e);
			tn_add(t, d, x);
			tab[s] = d;
		}
	}
	free(tab);
	free(top);
}

/* The tree under t->root as thread_node, in the arena. */
static struct thread_node *
tree_out(struct tctx *t, struct arena *a)
{
	struct thread_node	*out;
	const struct tn		*x;
	uint32_t		 i;

	out = arena_reallocarray(a, NULL, 0, t->nnodes, sizeof(*out));
	for (i = 0; i < t->nnodes; i++) {
		x = N(t, i);
		out[i].id = i < t->n ? t->msgs[i].id : 0;
		out[i].child = x->child != NIL ? &out[x->child] : NULL;
		out[i].next = x->next != NIL ? &out[x->next] : NULL;
	}
	return &out[t->root];
}

/* The messages' nodes, room for extra more. */
static void
tctx_init(struct tctx *t, const struct thread_msg *msgs, size_t n,
    size_t extra)
{
	uint32_t	i;

	memset(t, 0, sizeof(*t));
	if (n > THREAD_MSGS_MAX || extra > THREAD_MSGS_MAX)
		abort();
	t->msgs = msgs;
	t->n = (uint32_t)n;
	t->cap = (uint32_t)(n + extra);
	t->nodes = xreallocarray(NULL, t->cap, sizeof(*t->nodes));
	for (i = 0; i < t->n; i++) {
		t->nodes[i].parent = t->nodes[i].child = NIL;
		t->nodes[i].next = t->nodes[i].prev = NIL;
		t->nodes[i].up = NIL;
	}
	t->nnodes = t->n;
}

static void
tctx_free(struct tctx *t)
{
	free(t->nodes);
	free(t->tmp);
	t->nodes = NULL;
	t->tmp = NULL;
}

struct thread_node *
thread_references(struct arena *a, const struct thread_msg *msgs, size_t n,
    const uint32_t *refs, uint32_t nids)
{
	struct tctx		 t;
	struct thread_node	*out;
	uint32_t		*idnode, i, dummies;

	if (n > THREAD_MSGS_MAX || nids > THREAD_MSGS_MAX)
		abort();
	/* Step 1: Message-IDs to their first message; then a dummy for
	 * each ID no message has, made when first referenced. */
	idnode = xreallocarray(NULL, (size_t)nids + 1, sizeof(*idnode));
	memset(idnode, 0xff, ((size_t)nids + 1) * sizeof(*idnode));
	dummies = nids;
	for (i = 0; i < n; i++)
		if (msgs[i].msgid != 0 && idnode[msgs[i].msgid] == NIL) {
			idnode[msgs[i].msgid] = i;
			dummies--;
		}
	tctx_init(&t, msgs, n, (size_t)dummies + 1);
	for (i = 0; i < n; i++)
		refs_link(&t, idnode, refs, i);
	free(idnode);
	t.root = tn_new(&t);
	refs_prune(&t);
	refs_subjects(&t);
	/* Step 6: every set of siblings; a dummy sorts as its first child,
	 * so dummies' children before the top. */
	for (i = 0; i < t.n; i++)
		tn_sort(&t, i);
	for (i = t.n; i < t.nnodes; i++)
		if (i != t.root)
			tn_sort(&t, i);
	tn_sort(&t, t.root);
	out = tree_out(&t, a);
	tctx_free(&t);
	return out;
}

/* For ORDEREDSUBJECT: what a message sorts by. */
struct skey {
	time_t		 date;
	uint32_t	 subject;
	uint32_t	 seq;
};

static int
skey_cmp(const void *va, const void *vb)
{
	const struct skey	*a = va, *b = vb;

	if (a->subject != b->subject)
		return a->subject < b->subject ? -1 : 1;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

struct thread_node *
thread_orderedsubject(struct arena *a, const struct thread_msg *msgs,
    size_t n)
{
	struct tctx		 t;
	struct thread_node	*out;
	struct skey		*v;
	uint32_t		 i, x, head = NIL, last = NIL;

	tctx_init(&t, msgs, n, 1);
	t.root = tn_new(&t);
	if (n == 0) {
		out = tree_out(&t, a);
		tctx_free(&t);
		return out;
	}
	/* By base subject, then sent date: each run of one subject is a
	 * thread, its first message the parent of all the others
	 * (RFC 5256 3, ORDEREDSUBJECT). */
	v = xreallocarray(NULL, n, sizeof(*v));
	for (i = 0; i < t.n; i++) {
		v[i].date = msgs[i].date;
		v[i].subject = msgs[i].subject;
		v[i].seq = i;
	}
	qsort(v, n, sizeof(*v), skey_cmp);
	for (i = 0; i < t.n; i++) {
		x = v[i].seq;
		if (head != NIL && msgs[head].subject == msgs[x].subject) {
			/* In date order: after the last child. */
			N(&t, x)->parent = head;
			N(&t, x)->prev = last != head ? last : NIL;
			if (last != head)
				N(&t, last)->next = x;
			else
				N(&t, head)->child = x;
			last = x;
			continue;
		}
		head = last = x;
		tn_add(&t, t.root, x);
	}
	free(v);
	/* Threads by the sent date of their first message. */
	tn_sort(&t, t.root);
	out = tree_out(&t, a);
	tctx_free(&t);
	return out;
}

/*
 * Write the children of a node: below the root, an only child follows its
 * parent after a space; otherwise each child opens a parenthesis, holding
 * its number (none for a dummy) and its own children. An explicit stack of
 * the next sibling to write at each open level replaces recursion.
 */
int
thread_write(struct arena *a, struct buf *out, const struct thread_node *root)
{
	const struct thread_node	**stack, *c, *x;
	size_t				  sp = 0, cap = 64;
	int				  rc = 0, space;

	if (root->child == NULL)
		return 0;
	stack = arena_reallocarray(a, NULL, 0, cap, sizeof(*stack));
	stack[sp++] = root->child;
	while (sp > 0 && rc == 0) {
		if ((c = stack[sp - 1]) == NULL) {
			if (--sp > 0)
				rc = buf_addc(out, ')');
			continue;
		}
		stack[sp - 1] = c->next;
		rc = buf_addc(out, '(');
		space = 0;
		for (x = c; rc == 0; x = x->child) {
			if (x->id != 0) {
				if (space)
					rc |= buf_addc(out, ' ');
				rc |= buf_addu(out, x->id);
				space = 1;
			}
			if (x->child == NULL) {
				rc |= buf_addc(out, ')');
				break;
			}
			if (x->child->next != NULL) {
				if (space)
					rc |= buf_addc(out, ' ');
				if (sp == cap) {
					stack = arena_reallocarray(a, stack,
					    cap, cap * 2, sizeof(*stack));
					cap *= 2;
				}
				stack[sp++] = x->child;
				break;
			}
		}
	}
	return rc == 0 ? 0 : -1;
}
