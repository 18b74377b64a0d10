/*
 * mailbox_list.c: the folder tree for LIST and LSUB (RFC 9051 6.3.9,
 * RFC 5258, RFC 3501 6.3.9): pattern matching, selection options, and the
 * facts each listed name carries (exists or not, subscribed, has children,
 * special uses). What the IMAP attributes are made of these facts is the
 * command's business (cmd_list.c).
 *
 * The tree is built once per command: the folders (readdir of the root),
 * INBOX, the subscriptions when wanted, and every parent these names imply
 * ("A" and "A.B" for "A.B.C"), sorted so that INBOX comes first and every
 * name's descendants follow it directly (the separator sorts before every
 * other byte). A name's descendants are then a range of the array, which
 * makes \HasChildren and RECURSIVEMATCH a walk over that range.
 *
 * Patterns are matched by simulating the pattern as an automaton over the
 * name's bytes (a set of pattern positions), so a pattern full of "*" and
 * "%" costs at most its length per byte of the name, never backtracking.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "log.h"
#include "mailbox.h"

/* log_warn, keeping errno for the caller's reply. */
#define warn_keep(...) do {						\
	int warn_errno_ = errno;					\
	log_warn(__VA_ARGS__);						\
	errno = warn_errno_;						\
} while (0)

/* Facts kept while building, beyond the MBE_* ones. */
#define N_EXISTS	0x100	/* a folder, or INBOX */
#define N_SUBSCRIBED	0x200
#define N_INTREE	0x400	/* a folder or the parent of one */
#define N_CHILDREN	0x800	/* a folder exists below it */

struct node {
	const char	*name;
	unsigned	 flags;
	unsigned	 use;
	size_t		 ndesc;		/* descendants following it */
};

/* ASCII upper case: pattern letters matching INBOX's. */
static int
upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* Add pattern position st, and the positions after the wildcards that
 * follow it (a wildcard matches nothing too), to the set. */
static size_t
nfa_add(const char *pat, size_t plen, uint16_t *set, size_t n,
    uint16_t *seen, uint16_t gen, size_t st)
{
	for (;;) {
		if (seen[st] == gen)
			return n;
		seen[st] = gen;
		set[n++] = (uint16_t)st;
		if (st < plen && (pat[st] == '*' || pat[st] == '%')) {
			st++;
			continue;
		}
		return n;
	}
}

int
mailbox_match(const char *pat, const char *name)
{
	uint16_t	 a[MAILBOX_PATTERN_MAX + 1], b[MAILBOX_PATTERN_MAX + 1];
	uint16_t	 seen[MAILBOX_PATTERN_MAX + 1];
	uint16_t	*cur = a, *next = b, *t, gen = 1;
	size_t		 plen = strlen(pat), ncur, nnext, i, k, st;
	int		 fold, c, pc;

	if (plen > MAILBOX_PATTERN_MAX || strlen(name) > UINT16_MAX - 2)
		return 0;
	/* RFC 9051 6.3.9: INBOX matches in any case. */
	fold = strncmp(name, MAILBOX_INBOX, 5) == 0 &&
	    (name[5] == '\0' || name[5] == MAILBOX_SEP);
	memset(seen, 0, (plen + 1) * sizeof(seen[0]));
	ncur = nfa_add(pat, plen, cur, 0, seen, gen, 0);
	for (i = 0; name[i] != '\0' && ncur > 0; i++) {
		c = (unsigned char)name[i];
		gen++;
		nnext = 0;
		for (k = 0; k < ncur; k++) {
			if ((st = cur[k]) == plen)
				continue;
			pc = (unsigned char)pat[st];
			if (pc == '*' || (pc == '%' && c != MAILBOX_SEP))
				nnext = nfa_add(pat, plen, next, nnext, seen,
				    gen, st);
			else if (pc == c || (fold && i < 5 && upper(pc) == c))
				nnext = nfa_add(pat, plen, next, nnext, seen,
				    gen, st + 1);
		}
		t = cur;
		cur = next;
		next = t;
		ncur = nnext;
	}
	if (name[i] != '\0')
		return 0;
	for (k = 0; k < ncur; k++)
		if (cur[k] == plen)
			return 1;
	return 0;
}

char *
mailbox_pattern(struct arena *a, const char *ref, const char *pat)
{
	size_t	rlen = strlen(ref), plen = strlen(pat);

	if (rlen > MAILBOX_PATTERN_MAX || plen > MAILBOX_PATTERN_MAX - rlen)
		return NULL;
	return arena_printf(a, "%s%s", ref, pat);
}

char *
mailbox_list_root(struct arena *a, const char *ref)
{
	const char	*p = strchr(ref, MAILBOX_SEP);

	return p == NULL ? arena_strdup(a, "") :
	    arena_strndup(a, ref, (size_t)(p - ref) + 1);
}

/* Sort key of a byte: end of name, then the separator, then the rest. */
static int
hkey(unsigned char c)
{
	return c == '\0' ? 0 : c == MAILBOX_SEP ? 1 : c + 2;
}

static int
in_inbox(const char *name)
{
	return strncmp(name, MAILBOX_INBOX, 5) == 0 &&
	    (name[5] == '\0' || name[5] == MAILBOX_SEP);
}

/* INBOX and its children first, then hierarchy order. */
static int
name_cmp(const char *x, const char *y)
{
	int	ix = in_inbox(x), iy = in_inbox(y);

	if (ix != iy)
		return iy - ix;
	for (; *x == *y; x++, y++)
		if (*x == '\0')
			return 0;
	return hkey((unsigned char)*x) - hkey((unsigned char)*y);
}

static int
node_cmp(const void *p, const void *q)
{
	return name_cmp(((const struct node *)p)->name,
	    ((const struct node *)q)->name);
}

/* x is an ancestor of y. */
static int
is_ancestor(const char *x, const char *y)
{
	size_t	len = strlen(x);

	return strncmp(x, y, len) == 0 && y[len] == MAILBOX_SEP;
}

struct tree {
	struct arena	*a;
	struct node	*v;
	size_t		 n, cap;
};

static int
tree_add(struct tree *t, const char *name, unsigned flags)
{
	if (t->n >= MAILBOX_LIST_MAX) {
		errno = E2BIG;
		return -1;
	}
	if (t->n == t->cap) {
		t->v = arena_reallocarray(t->a, t->v, t->cap,
		    t->cap ? t->cap * 2 : 256, sizeof(*t->v));
		t->cap = t->cap ? t->cap * 2 : 256;
	}
	t->v[t->n].name = name;
	t->v[t->n].flags = flags;
	t->v[t->n].use = 0;
	t->v[t->n].ndesc = 0;
	t->n++;
	return 0;
}

/*
 * Sorted, without duplicates, then with every implied parent inserted in
 * its place: for each name, the parents it does not share with the name
 * before it (the parents it shares are already there, as the names under
 * a parent are contiguous).
 */
static int
tree_complete(struct tree *t)
{
	struct tree	 out = { t->a, NULL, 0, 0 };
	const char	*x, *prev = "";
	size_t		 i, j, common;

	qsort(t->v, t->n, sizeof(*t->v), node_cmp);
	for (i = j = 0; i < t->n; i++) {
		if (j > 0 && strcmp(t->v[j - 1].name, t->v[i].name) == 0)
			t->v[j - 1].flags |= t->v[i].flags;
		else
			t->v[j++] = t->v[i];
	}
	t->n = j;
	for (i = 0; i < t->n; i++) {
		x = t->v[i].name;
		common = 0;
		for (j = 0; prev[j] != '\0' && prev[j] == x[j]; j++)
			if (x[j] == MAILBOX_SEP)
				common = j;
		if (prev[j] == '\0' && x[j] == MAILBOX_SEP)
			common = j;
		for (j = common + 1; x[j] != '\0'; j++)
			if (x[j] == MAILBOX_SEP && tree_add(&out,
			    arena_strndup(t->a, x, j), 0) == -1)
				return -1;
		if (tree_add(&out, x, t->v[i].flags) == -1)
			return -1;
		prev = x;
	}
	*t = out;
	return 0;
}

/* Descendant counts, and the facts that flow up to the ancestors. */
static void
tree_facts(struct tree *t)
{
	size_t	stack[MAILBOX_NAME_MAX], sp = 0, i, k;

	for (i = 0; i < t->n; i++) {
		while (sp > 0 && !is_ancestor(t->v[stack[sp - 1]].name,
		    t->v[i].name))
			sp--;
		for (k = 0; k < sp; k++) {
			t->v[stack[k]].ndesc++;
			if (t->v[i].flags & N_EXISTS)
				t->v[stack[k]].flags |= N_CHILDREN | N_INTREE;
		}
		if (t->v[i].flags & N_EXISTS)
			t->v[i].flags |= N_INTREE;
		if (sp < MAILBOX_NAME_MAX)
			stack[sp++] = i;
	}
}

static struct node *
tree_find(struct tree *t, const char *name)
{
	struct node	key = { name, 0, 0, 0 };

	return bsearch(&key, t->v, t->n, sizeof(*t->v), node_cmp);
}

static int
tree_read(int rootfd, struct arena *a, unsigned opts, struct tree *t)
{
	struct mailbox_use_rec	 *uses;
	struct node		 *nd;
	char			**names;
	size_t			  n, i;

	t->a = a;
	if (mailbox_folders(rootfd, a, &names, &n) == -1) {
		warn_keep("list folders");
		return -1;
	}
	if (tree_add(t, MAILBOX_INBOX, N_EXISTS) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (tree_add(t, names[i], N_EXISTS) == -1)
			return -1;
	if (opts & (MBL_SUBSCRIBED | MBL_WANT_SUBSCRIBED)) {
		if (mailbox_subscriptions(rootfd, a, &names, &n) == -1) {
			warn_keep("read subscriptions");
			return -1;
		}
		for (i = 0; i < n; i++)
			if (tree_add(t, names[i], N_SUBSCRIBED) == -1)
				return -1;
	}
	if (tree_complete(t) == -1)
		return -1;
	tree_facts(t);
	for (i = 0; i < t->n; i++)
		if (t->v[i].flags & N_EXISTS)
			t->v[i].use = mailbox_use_default(t->v[i].name);
	if (mailbox_uses_read(rootfd, a, &uses, &n) == -1) {
		warn_keep("read special-use");
		return 0;	/* LIST still works without */
	}
	for (i = 0; i < n; i++)
		if ((nd = tree_find(t, uses[i].name)) != NULL &&
		    (nd->flags & N_EXISTS))
			nd->use |= uses[i].use;
	return 0;
}

int
mailbox_list(int rootfd, struct arena *a, const char *const *pats,
    size_t npats, unsigned opts, struct mailbox_entry **r, size_t *n_r)
{
	struct tree		 t = { NULL, NULL, 0, 0 };
	struct mailbox_entry	*out;
	unsigned char		*match, *sel;
	size_t			 i, j, k, n = 0;
	unsigned		 f;

	*r = NULL;
	*n_r = 0;
	if (tree_read(rootfd, a, opts, &t) == -1)
		return -1;
	match = arena_alloc(a, t.n + 1);
	sel = arena_alloc(a, t.n + 1);
	for (i = 0; i < t.n; i++) {
		for (k = 0; k < npats && !match[i]; k++)
			match[i] = (unsigned char)mailbox_match(pats[k],
			    t.v[i].name);
		f = t.v[i].flags;
		if (opts & MBL_SUBSCRIBED)
			sel[i] = (f & N_SUBSCRIBED) != 0;
		else
			sel[i] = (f & N_INTREE) != 0;
		if ((opts & MBL_SPECIALUSE) && t.v[i].use == 0)
			sel[i] = 0;
	}
	out = arena_reallocarray(a, NULL, 0, t.n + 1, sizeof(*out));
	for (i = 0; i < t.n; i++) {
		if (!match[i])
			continue;
		f = 0;
		if (opts & MBL_RECURSIVEMATCH)
			for (j = i + 1; j <= i + t.v[i].ndesc; j++)
				if (sel[j] && !match[j]) {
					f |= MBE_CHILDINFO;
					break;
				}
		if (!sel[i] && !(f & MBE_CHILDINFO))
			continue;
		if (sel[i])
			f |= MBE_SELECTED;
		if (!(t.v[i].flags & N_EXISTS))
			f |= MBE_NONEXISTENT;
		if (t.v[i].flags & N_SUBSCRIBED)
			f |= MBE_SUBSCRIBED;
		if (t.v[i].flags & N_CHILDREN)
			f |= MBE_CHILDREN;
		out[n].name = t.v[i].name;
		out[n].flags = f;
		out[n].use = t.v[i].use;
		n++;
	}
	*r = out;
	*n_r = n;
	return 0;
}
