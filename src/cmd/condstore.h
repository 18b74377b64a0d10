/*
 * condstore.h: what CONDSTORE and QRESYNC (RFC 7162) add to the commands:
 * SELECT's parameters, FETCH's modifiers, VANISHED (EARLIER), the MODSEQ
 * of untagged FETCH responses. The modseqs themselves are the store's
 * (store/modseq.h).
 */
#ifndef MDIMAPD_CONDSTORE_H
#define MDIMAPD_CONDSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "seqset.h"

struct buf;
struct imap_arg;
struct session;

/* SELECT/EXAMINE (CONDSTORE) (QRESYNC (uidvalidity modseq [known-uids
 * [(known-seqs known-uids)]])) (RFC 7162 3.1.8, 3.2.5). */
struct select_params {
	int		 condstore;
	int		 qresync;
	uint32_t	 uidvalidity;
	uint64_t	 modseq;
	struct seqset	 uids;		/* unresolved; n == 0: none given */
	struct seqset	 match_seqs;	/* seq-match-data; n == 0: none */
	struct seqset	 match_uids;
};

/* FETCH modifiers (RFC 7162 3.1.4.1, 3.2.6). */
struct fetch_mods {
	int		 changedsince;	/* CHANGEDSINCE given */
	uint64_t	 since;
	int		 vanished;	/* VANISHED given */
};

/* A CONDSTORE enabling command ran (RFC 7162 3.1): from now on untagged
 * FETCH responses carry MODSEQ; the first one with a mailbox selected
 * sends its HIGHESTMODSEQ. */
void	condstore_enable(struct session *);
/* Enable, and BAD (-1) if the selected folder said NOMODSEQ
 * (RFC 7162 3.1.2.2). */
int	condstore_need(struct session *);

/* Parse SELECT's parameter list (after the name); BAD and -1 on error,
 * the state unchanged. */
int	select_params_parse(struct session *, struct imap_arg *,
	    struct select_params *);
/* After SELECT's untagged responses: HIGHESTMODSEQ or NOMODSEQ, then
 * what QRESYNC asked for (VANISHED (EARLIER), FETCH). */
void	select_params_report(struct session *, const struct select_params *);

/* Parse FETCH's modifier list; BAD and -1 on error. */
int	fetch_mods_parse(struct session *, struct imap_arg *,
	    struct fetch_mods *);
/* UID FETCH's VANISHED: "* VANISHED (EARLIER) ..." for the UIDs of set
 * (the command's argument) expunged after since. */
void	fetch_mods_vanished(struct session *, struct imap_arg *set,
	    uint64_t since);

/* "* n FETCH (" and, as the session asks for them, "UID u " and
 * "MODSEQ (m) ", for an untagged FETCH of message idx that reports a
 * change (RFC 7162 3.1, 3.2.4). */
void	condstore_fetch_open(struct session *, struct buf *, size_t idx);
/* FETCH set \Seen on message idx: with CONDSTORE on, record the new
 * modseq; returns 1 if the response must carry MODSEQ (and UID, with
 * QRESYNC) (RFC 7162 3.2.4). */
int	condstore_seen(struct session *, size_t idx);

#endif
