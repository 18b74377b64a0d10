/*
 * maildir_view.c: the view's messages (struct mmsg, in UID order) and the
 * hash from base name to view index that sync, the watch and the uidlist
 * matching look names up in (maildir.c, maildir_watch.c, maildir_uids.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "log.h"
#include "maildir.h"
#include "maildir_int.h"

/* --- the base name -> view index hash ------------------------------- */

static void
hash_insert(struct maildir *m, size_t idx)
{
	const char	*name = m->msgs[idx].name;
	size_t		 len = maildir_baselen(name);
	size_t		 i = maildir_hash_base(name, len) & (m->hashsize - 1);

	while (m->hash[i] != 0)
		i = (i + 1) & (m->hashsize - 1);
	m->hash[i] = (uint32_t)idx + 1;
}

/* A hash for n messages, holding the view's. */
static void
hash_size(struct maildir *m, size_t n)
{
	size_t	i, want = 1024;

	while (want < n * 2 + 2)
		want *= 2;
	if (want != m->hashsize) {
		free(m->hash);
		m->hashsize = want;
		if ((m->hash = calloc(want, sizeof(*m->hash))) == NULL)
			fatalx("out of memory");
	} else
		memset(m->hash, 0, want * sizeof(*m->hash));
	for (i = 0; i < m->n; i++)
		hash_insert(m, i);
}

void
maildir_hash_rebuild(struct maildir *m)
{
	hash_size(m, m->n);
}

static long
hash_find(const struct maildir *m, const char *base, size_t len)
{
	size_t		 i, idx;
	const char	*name;

	if (m->hashsize == 0)
		return -1;
	i = maildir_hash_base(base, len) & (m->hashsize - 1);
	while ((idx = m->hash[i]) != 0) {
		name = m->msgs[idx - 1].name;
		if (strncmp(name, base, len) == 0 &&
		    (name[len] == '\0' || name[len] == ':'))
			return (long)(idx - 1);
		i = (i + 1) & (m->hashsize - 1);
	}
	return -1;
}

long
maildir_hash_find(const struct maildir *m, const char *base, size_t len)
{
	return hash_find(m, base, len);
}

/* Room for more messages: exactly on a first sync, doubling after. */
void
maildir_view_reserve(struct maildir *m, size_t more)
{
	struct mmsg	*msg;
	size_t		 ncap;

	if (m->cap - m->n >= more)
		return;
	if (more > SIZE_MAX / 2 / sizeof(*msg) - m->n)
		fatalx("out of memory");
	ncap = m->cap * 2;
	if (ncap < m->n + more)
		ncap = m->n + more;
	/* Huge pages where it fills them (bigmem.h). */
	if ((msg = bigmem_realloc(m->msgs, m->cap * sizeof(*msg),
	    ncap * sizeof(*msg))) == NULL)
		fatalx("out of memory");
	m->msgs = msg;
	m->cap = ncap;
	/* The hash too, once, not doubling as they come. */
	if ((m->n + more) * 2 + 2 > m->hashsize)
		hash_size(m, m->n + more);
}

/* Add a listed file; adopt: its name is in the view's pool already. */
void
maildir_view_add(struct maildir *m, struct entry *e, int adopt)
{
	struct mmsg	*msg;
	size_t		 bl;

	maildir_view_reserve(m, 1);
	if (m->n >= UINT32_MAX - 1)
		fatalx("too many messages");
	msg = &m->msgs[m->n];
	memset(msg, 0, sizeof(*msg));
	msg->uid = e->uid;
	if (adopt) {
		msg->name = e->name;
		e->taken = 1;
	} else
		msg->name = namepool_add(&m->names, e->name, strlen(e->name));
	(void)maildir_name_parse(msg->name, &bl, &msg->flags, &msg->keywords);
	if (e->in_new) {
		msg->state |= MSG_IN_NEW;
		if (m->n < m->new_from)
			m->new_from = m->n;
	}
	maildir_msg_changed(m, m->n);
	m->n++;
	if (m->n * 2 + 2 > m->hashsize)
		maildir_hash_rebuild(m);
	else
		hash_insert(m, m->n - 1);
}

void
maildir_msg_changed(struct maildir *m, size_t idx)
{
	if (idx < m->ms_from)
		m->ms_from = idx;
}

void
maildir_msg_rename(struct maildir *m, struct mmsg *msg, const char *name)
{
	msg->name = namepool_replace(&m->names, msg->name, name);
}

/* Renames and expunges left dead names behind: copy the live ones. */
void
maildir_view_compact(struct maildir *m)
{
	struct namepool	np;
	size_t		i;

	if (!namepool_wasteful(&m->names))
		return;
	namepool_init(&np);
	for (i = 0; i < m->n; i++)
		m->msgs[i].name = namepool_add(&np, m->msgs[i].name,
		    strlen(m->msgs[i].name));
	namepool_free(&m->names);
	m->names = np;
}

