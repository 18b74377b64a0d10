/*
 * thread.h: THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 3) and
 * the thread-list syntax of the THREAD response (RFC 5256 4). Pure code:
 * an array of messages in, a tree in the caller's arena out.
 *
 * The caller (the THREAD command, through threadset.h) has for each
 * searched message, in mailbox order: the number to answer with (sequence
 * number, or UID for UID THREAD), the sent date (RFC 5256 2.2,
 * INTERNALDATE when the Date field is missing or unparsable), the subject
 * key (subject_base() of the decoded Subject, then i;unicode-casemap:
 * keys are compared octet by octet) as a number, whether subject_base()
 * found a reply or forward, and the IDs from msgid.h (msgid_first() of
 * Message-ID and msgid_references()) as numbers: equal strings, equal
 * numbers. Numbers keep the memory small and the comparisons cheap.
 */
#ifndef MDIMAPD_THREAD_H
#define MDIMAPD_THREAD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct arena;
struct buf;

struct thread_msg {
	time_t			 date;		/* sent date */
	uint32_t		 id;		/* written out; not 0 */
	uint32_t		 subject;	/* base subject; 0: empty */
	uint32_t		 msgid;		/* 1..nids; 0: none valid */
	uint32_t		 refs;		/* References, oldest first: */
	uint32_t		 nrefs;		/* refs[refs..refs+nrefs) */
	int			 reply;		/* re/fwd (subject_base) */
};

/* A thread tree: the root (id 0) holds the threads as its children; below
 * the root every node is a message. A child of the root with id 0 is a
 * dummy: a parent missing from the searched set, with two children or
 * more. Siblings are in the order the algorithm sorts them. */
struct thread_node {
	uint32_t		 id;
	struct thread_node	*child;		/* first child */
	struct thread_node	*next;		/* next sibling */
};

/*
 * The threads of msgs[0..n-1], which must be in mailbox order (the order
 * breaks ties between equal dates, and decides which of two messages with
 * the same Message-ID keeps it). Never NULL; the root has no children when
 * n is 0. Time and memory are linear in n and the references, except for
 * REFERENCES' loop check (RFC 5256 3 step 1), which walks up the tree.
 *
 * ORDEREDSUBJECT sorts by subject number, so the numbers must be in the
 * keys' octet order (0, the empty key, first: intern_rank() gives such
 * numbers); REFERENCES only compares them. Its IDs are numbers 1..nids,
 * the references of message i being refs[msgs[i].refs] onwards.
 */
struct thread_node	*thread_orderedsubject(struct arena *,
			    const struct thread_msg *msgs, size_t n);
struct thread_node	*thread_references(struct arena *,
			    const struct thread_msg *msgs, size_t n,
			    const uint32_t *refs, uint32_t nids);

/*
 * Append the threads under root as RFC 5256's thread-list, "(2)(3 6 (4
 * 23)(44 7 96))", nothing when there are none; the caller writes "* THREAD"
 * and a space before it. A message with one child is followed by the
 * child after a space; one with more children by each child's subthread
 * in parentheses, as Dovecot writes them. The arena holds a stack as deep
 * as the tree branches. Returns 0, or -1 when out grows past its maximum
 * (what was written of the list is then left in out).
 */
int			 thread_write(struct arena *, struct buf *out,
			    const struct thread_node *root);

#endif
