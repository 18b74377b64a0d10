/*
 * thread.c: THREAD=ORDEREDSUBJECT and THREAD=REFERENCES, RFC 5256 3.
 *
 * REFERENCES follows the RFC's six steps over one array of nodes: the
 * messages (in mailbox order), then a dummy for each ID referenced but
 * not found, then the dummies step 5 makes, then the root. Choices where
 * the RFC leaves room:
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
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "thread.h"

struct tn {
	struct tn		*parent;
	struct tn		*child;
	struct tn		*next;
	struct tn		*prev;
	const struct thread_msg	*m;	/* NULL: dummy (or the root) */
	size_t			 seq;	/* index in msgs */
	const char		*msgid;	/* dummies made by step 1 */
	struct tn		*up;	/* step 3: nearest message or top */
	int			 top;	/* step 3: had no parent */
};

struct tctx {
	struct arena		*a;
	const struct thread_msg	*msgs;
	size_t			 n;
	struct tn		*nodes;
	size_t			 nnodes;
	size_t			 cap;
	struct tn		*root;
	struct tn		**hash;		/* Message-ID -> node */
	size_t			 hmask;
	struct tn		**tmp;		/* sorting */
};

static size_t
str_hash(const char *s, size_t len)
{
	size_t	h = 2166136261u;

	while (len-- > 0)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void
tn_unlink(struct tn *c)
{
	if (c->parent == NULL)
		return;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		c->parent->child = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->parent = c->next = c->prev = NULL;
}

static void
tn_add(struct tn *p, struct tn *c)
{
	c->parent = p;
	c->prev = NULL;
	c->next = p->child;
	if (p->child != NULL)
		p->child->prev = c;
	p->child = c;
}

static struct tn *
tn_new(struct tctx *t)
{
	if (t->nnodes == t->cap)
		abort();
	return &t->nodes[t->nnodes++];
}

/* The node of a Message-ID; with create, a dummy made for it if none. */
static struct tn *
id_node(struct tctx *t, const char *id, struct tn *add)
{
	size_t		 i;
	const char	*k;

	for (i = str_hash(id, strlen(id)) & t->hmask; t->hash[i] != NULL;
	    i = (i + 1) & t->hmask) {
		k = t->hash[i]->m != NULL ? t->hash[i]->m->msgid :
		    t->hash[i]->msgid;
		if (strcmp(k, id) == 0)
			return t->hash[i];
	}
	if (add == NULL) {
		add = tn_new(t);
		add->msgid = id;
	}
	t->hash[i] = add;
	return add;
}

/* Whether x is y or one of its descendants. */
static int
tn_under(const struct tn *x, const struct tn *y)
{
	if (y->child == NULL)
		return x == y;
	for (; x != NULL; x = x->parent)
		if (x == y)
			return 1;
	return 0;
}

/* The message that stands for x when sorting: x, or a dummy's first
 * child (RFC 5256 3 steps 4 and 6). */
static const struct tn *
tn_key(const struct tn *x)
{
	while (x->m == NULL && x->child != NULL)
		x = x->child;
	return x;
}

static int
tn_cmp(const void *va, const void *vb)
{
	const struct tn	*a = tn_key(*(struct tn *const *)va);
	const struct tn	*b = tn_key(*(struct tn *const *)vb);

	if (a->m == NULL || b->m == NULL)
		return (a->m == NULL) - (b->m == NULL);
	if (a->m->date != b->m->date)
		return a->m->date < b->m->date ? -1 : 1;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Sort p's children by sent date, then mailbox order (RFC 5256 2.2). */
static void
tn_sort(struct tctx *t, struct tn *p)
{
	struct tn	*c;
	size_t		 k, i;

	if (p->child == NULL || p->child->next == NULL)
		return;
	for (k = 0, c = p->child; c != NULL; c = c->next)
		t->tmp[k++] = c;
	qsort(t->tmp, k, sizeof(*t->tmp), tn_cmp);
	p->child = t->tmp[0];
	for (i = 0; i < k; i++) {
		t->tmp[i]->prev = i > 0 ? t->tmp[i - 1] : NULL;
		t->tmp[i]->next = i + 1 < k ? t->tmp[i + 1] : NULL;
	}
}

/* Step 1, for message i. */
static void
refs_link(struct tctx *t, size_t i)
{
	const struct thread_msg	*m = &t->msgs[i];
	struct tn		*me = &t->nodes[i], *prev = NULL, *r;
	size_t			 j;

	/* 1.A: each reference the parent of the next, where the next has
	 * no parent yet and no loop comes of it. */
	for (j = 0; j < m->nrefs; j++) {
		r = id_node(t, m->refs[j], NULL);
		if (prev != NULL && r->parent == NULL && !tn_under(prev, r))
			tn_add(prev, r);
		prev = r;
	}
	/* 1.B: the last reference is the parent. */
	tn_unlink(me);
	if (prev != NULL && !tn_under(prev, me))
		tn_add(prev, me);
}

/* Step 3 helper: x itself if a message or at the top, else the nearest
 * ancestor that is. Paths are remembered, so all calls take linear time. */
static struct tn *
tn_up(struct tn *x)
{
	struct tn	*y, *r;

	for (y = x;; y = y->parent) {
		if (y->m != NULL || y->parent == NULL) {
			r = y;
			break;
		}
		if (y->up != NULL) {
			r = y->up;
			break;
		}
	}
	for (y = x; y->m == NULL && y->parent != NULL && y->up == NULL;
	    y = y->parent)
		y->up = r;
	return r;
}

/* Steps 2 and 3: the threads under the root, dummies pruned. */
static void
refs_prune(struct tctx *t)
{
	struct tn	*x, *c;
	size_t		 i, nn = t->nnodes;

	/* The root is the last node. */
	nn--;
	for (i = 0; i < nn; i++) {
		x = &t->nodes[i];
		x->top = x->parent == NULL;
		if (x->m != NULL && x->parent != NULL)
			x->up = tn_up(x->parent);
	}
	for (i = 0; i < nn; i++) {
		x = &t->nodes[i];
		x->child = x->next = x->prev = x->parent = NULL;
	}
	for (i = 0; i < nn; i++) {
		x = &t->nodes[i];
		if (x->m != NULL)
			tn_add(x->top ? t->root : x->up, x);
	}
	for (i = 0; i < nn; i++) {
		x = &t->nodes[i];
		if (x->m != NULL || !x->top || (c = x->child) == NULL)
			continue;
		if (c->next == NULL) {
			tn_unlink(c);
			tn_add(t->root, c);
		} else
			tn_add(t->root, x);
	}
}

struct subj {
	const char	*s;
	size_t		 len;
	struct tn	*n;
};

/* The thread subject of a child of the root (step 5.B.i). */
static const struct thread_msg *
thread_subject(const struct tn *x)
{
	return tn_key(x)->m;
}

static struct subj *
subj_find(struct subj *tab, size_t mask, const struct thread_msg *m)
{
	size_t	i;

	for (i = str_hash(m->subject, m->subject_len) & mask;
	    tab[i].n != NULL; i = (i + 1) & mask)
		if (tab[i].len == m->subject_len &&
		    memcmp(tab[i].s, m->subject, m->subject_len) == 0)
			break;
	return &tab[i];
}

/* Steps 4 and 5: sort the top, then gather threads by subject. */
static void
refs_subjects(struct tctx *t)
{
	struct tn		**top, *c, *x, *d;
	struct subj		*tab, *e;
	const struct thread_msg	*m;
	size_t			 k, i, cap;

	for (c = t->root->child; c != NULL; c = c->next)
		if (c->m == NULL)
			tn_sort(t, c);
	tn_sort(t, t->root);
	for (k = 0, c = t->root->child; c != NULL; c = c->next)
		k++;
	top = arena_reallocarray(t->a, NULL, 0, k + 1, sizeof(*top));
	for (k = 0, c = t->root->child; c != NULL; c = c->next)
		top[k++] = c;
	for (cap = 16; cap < 2 * k; cap *= 2)
		;
	tab = arena_reallocarray(t->a, NULL, 0, cap, sizeof(*tab));
	/* 5.B: one message per subject, a dummy rather than a message, a
	 * message rather than a reply. */
	for (i = 0; i < k; i++) {
		x = top[i];
		if ((m = thread_subject(x)) == NULL || m->subject_len == 0)
			continue;
		e = subj_find(tab, cap - 1, m);
		if (e->n == NULL) {
			e->s = m->subject;
			e->len = m->subject_len;
			e->n = x;
		} else if (e->n->m != NULL &&
		    (x->m == NULL || (e->n->m->reply && !x->m->reply)))
			e->n = x;
	}
	/* 5.C: merge the others into it. */
	for (i = 0; i < k; i++) {
		x = top[i];
		if (x->parent != t->root)
			continue;
		if ((m = thread_subject(x)) == NULL || m->subject_len == 0)
			continue;
		e = subj_find(tab, cap - 1, m);
		if (e->n == x)
			continue;
		tn_unlink(x);
		if (e->n->m == NULL && x->m == NULL) {
			while ((c = x->child) != NULL) {
				tn_unlink(c);
				tn_add(e->n, c);
			}
		} else if (e->n->m == NULL || (x->m != NULL && x->m->reply &&
		    !e->n->m->reply))
			tn_add(e->n, x);
		else {
			d = tn_new(t);
			tn_unlink(e->n);
			tn_add(t->root, d);
			tn_add(d, e->n);
			tn_add(d, x);
			e->n = d;
		}
	}
}

/* A copy of the tree under t->root as thread_node. */
static struct thread_node *
tree_out(struct tctx *t)
{
	struct thread_node	*out;
	struct tn		*x;
	size_t			 i;

	out = arena_reallocarray(t->a, NULL, 0, t->nnodes, sizeof(*out));
	for (i = 0; i < t->nnodes; i++) {
		x = &t->nodes[i];
		out[i].id = x->m != NULL ? x->m->id : 0;
		out[i].child = x->child != NULL ? &out[x->child - t->nodes] :
		    NULL;
		out[i].next = x->next != NULL ? &out[x->next - t->nodes] :
		    NULL;
	}
	return &out[t->root - t->nodes];
}

static void
tctx_init(struct tctx *t, struct arena *a, const struct thread_msg *msgs,
    size_t n, size_t extra)
{
	size_t	i;

	memset(t, 0, sizeof(*t));
	t->a = a;
	t->msgs = msgs;
	t->n = n;
	/* The messages, dummies, and the root. */
	t->cap = n + extra + 1;
	if (t->cap < n)
		abort();
	t->nodes = arena_reallocarray(a, NULL, 0, t->cap, sizeof(*t->nodes));
	t->tmp = arena_reallocarray(a, NULL, 0, t->cap, sizeof(*t->tmp));
	for (i = 0; i < n; i++) {
		t->nodes[i].m = &msgs[i];
		t->nodes[i].seq = i;
	}
	t->nnodes = n;
}

struct thread_node *
thread_references(struct arena *a, const struct thread_msg *msgs, size_t n)
{
	struct tctx	 t;
	size_t		 i, refs = 0, hcap;

	for (i = 0; i < n; i++) {
		if (refs + msgs[i].nrefs < refs)
			abort();
		refs += msgs[i].nrefs;
	}
	/* Dummies: one per reference at most (step 1), one per message at
	 * most (step 5 makes one for two threads it merges). */
	if (refs + n < refs)
		abort();
	tctx_init(&t, a, msgs, n, refs + n);
	for (hcap = 16; hcap < 2 * (n + refs); hcap *= 2)
		;
	t.hash = arena_reallocarray(a, NULL, 0, hcap, sizeof(*t.hash));
	t.hmask = hcap - 1;
	/* Step 1: Message-IDs to their first message, then links. */
	for (i = 0; i < n; i++)
		if (msgs[i].msgid != NULL)
			(void)id_node(&t, msgs[i].msgid, &t.nodes[i]);
	for (i = 0; i < n; i++)
		refs_link(&t, i);
	t.root = tn_new(&t);
	refs_prune(&t);
	refs_subjects(&t);
	/* Step 6: every set of siblings; a dummy sorts as its first child,
	 * so dummies' children before the top. */
	for (i = 0; i < t.nnodes; i++)
		if (t.nodes[i].m != NULL)
			tn_sort(&t, &t.nodes[i]);
	for (i = 0; i < t.nnodes; i++)
		if (t.nodes[i].m == NULL && &t.nodes[i] != t.root)
			tn_sort(&t, &t.nodes[i]);
	tn_sort(&t, t.root);
	return tree_out(&t);
}

static int
subj_cmp(const void *va, const void *vb)
{
	const struct tn	*a = *(struct tn *const *)va;
	const struct tn	*b = *(struct tn *const *)vb;
	size_t		 l;
	int		 r;

	l = a->m->subject_len < b->m->subject_len ? a->m->subject_len :
	    b->m->subject_len;
	if (l > 0 && (r = memcmp(a->m->subject, b->m->subject, l)) != 0)
		return r;
	if (a->m->subject_len != b->m->subject_len)
		return a->m->subject_len < b->m->subject_len ? -1 : 1;
	return tn_cmp(va, vb);
}

struct thread_node *
thread_orderedsubject(struct arena *a, const struct thread_msg *msgs,
    size_t n)
{
	struct tctx	 t;
	struct tn	**v, *head = NULL, *last = NULL, *x;
	size_t		 i;

	tctx_init(&t, a, msgs, n, 0);
	t.root = tn_new(&t);
	if (n == 0)
		return tree_out(&t);
	/* By base subject, then sent date: each run of one subject is a
	 * thread, its first message the parent of all the others
	 * (RFC 5256 3, ORDEREDSUBJECT). */
	v = arena_reallocarray(a, NULL, 0, n, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = &t.nodes[i];
	qsort(v, n, sizeof(*v), subj_cmp);
	for (i = 0; i < n; i++) {
		x = v[i];
		if (head != NULL && head->m->subject_len == x->m->subject_len &&
		    (x->m->subject_len == 0 || memcmp(head->m->subject,
		    x->m->subject, x->m->subject_len) == 0)) {
			/* In date order: after the last child. */
			x->parent = head;
			x->prev = last != head ? last : NULL;
			if (last != head)
				last->next = x;
			else
				head->child = x;
			last = x;
			continue;
		}
		head = last = x;
		tn_add(t.root, x);
	}
	/* Threads by the sent date of their first message. */
	tn_sort(&t, t.root);
	return tree_out(&t);
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
				rc |= buf_printf(out, "%u", (unsigned)x->id);
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
