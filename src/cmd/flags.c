/*
 * flags.c: message flags. System flags map to Maildir info letters;
 * keywords to the folder's dovecot-keywords letters.
 */
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "flags.h"
#include "parser.h"

static const struct {
	const char	*name;
	uint8_t		 flag;
} sysflags[] = {
	{ "\\Answered",	MF_ANSWERED },
	{ "\\Flagged",	MF_FLAGGED },
	{ "\\Deleted",	MF_DELETED },
	{ "\\Seen",	MF_SEEN },
	{ "\\Draft",	MF_DRAFT },
};
#define NSYSFLAGS	(sizeof(sysflags) / sizeof(sysflags[0]))

int
flags_parse(struct imap_arg *a, size_t n, struct flagset *fs, const char **err)
{
	const char	*s;
	size_t		 i, j, k;

	memset(fs, 0, sizeof(*fs));
	for (i = 0; i < n && a != NULL; i++, a = a->next) {
		if (arg_get_atom(a, &s) == -1) {
			*err = "Flags must be atoms";
			return -1;
		}
		if (s[0] == '\\') {
			for (j = 0; j < NSYSFLAGS; j++)
				if (strcasecmp(s, sysflags[j].name) == 0)
					break;
			if (j == NSYSFLAGS) {
				*err = strcasecmp(s, "\\Recent") == 0 ?
				    "\\Recent cannot be stored" :
				    "Unknown system flag";
				return -1;
			}
			fs->sys |= sysflags[j].flag;
			continue;
		}
		/* flag-keyword = atom: no "\", "]", wildcards (RFC 9051 9) */
		if (strpbrk(s, "\\]%*") != NULL) {
			*err = "Invalid keyword";
			return -1;
		}
		for (k = 0; k < fs->nkw; k++)
			if (strcasecmp(fs->kw[k], s) == 0)
				break;
		if (k < fs->nkw)
			continue;
		if (fs->nkw == sizeof(fs->kw) / sizeof(fs->kw[0])) {
			*err = "Too many keywords";
			return -1;
		}
		fs->kw[fs->nkw++] = s;
	}
	return 0;
}

void
flags_write(struct buf *b, const struct maildir *m, const struct mmsg *msg,
    int recent)
{
	size_t	i;
	int	first = 1;

	(void)buf_addc(b, '(');
	for (i = 0; i < NSYSFLAGS; i++)
		if (msg->flags & sysflags[i].flag) {
			if (!first)
				(void)buf_addc(b, ' ');
			(void)buf_adds(b, sysflags[i].name);
			first = 0;
		}
	for (i = 0; i < KEYWORDS_MAX; i++)
		if ((msg->keywords & (1u << i)) && m->keywords[i] != NULL) {
			if (!first)
				(void)buf_addc(b, ' ');
			(void)buf_adds(b, m->keywords[i]);
			first = 0;
		}
	if (recent && (msg->state & MSG_RECENT)) {
		if (!first)
			(void)buf_addc(b, ' ');
		(void)buf_adds(b, "\\Recent");
	}
	(void)buf_addc(b, ')');
}

void
flags_write_defined(struct buf *b, const struct maildir *m)
{
	size_t	i;

	for (i = 0; i < NSYSFLAGS; i++) {
		if (i > 0)
			(void)buf_addc(b, ' ');
		(void)buf_adds(b, sysflags[i].name);
	}
	for (i = 0; i < KEYWORDS_MAX; i++)
		if (m->keywords[i] != NULL) {
			(void)buf_addc(b, ' ');
			(void)buf_adds(b, m->keywords[i]);
		}
}
