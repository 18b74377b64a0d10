/*
 * savedate.c: the file mdimapd-savedate (savedate.h).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "savedate.h"

/* Largest file read (about 30 bytes a record). */
#define SAVEDATE_FILE_MAX	(64 * 1024 * 1024)

struct sd_range {
	uint32_t	lo, hi;
	int64_t		t;
};

struct savedates {
	struct sd_range	*r;
	size_t		 n, cap;
};

static int
header_ok(const char *line, size_t len, uint32_t uidvalidity)
{
	char	want[64];
	int	wl;

	wl = snprintf(want, sizeof(want), "mdimapd-savedate 1 V%u",
	    uidvalidity);
	return wl > 0 && (size_t)wl == len && memcmp(line, want, len) == 0;
}

void
savedate_record(int dirfd, uint32_t uidvalidity, const uint32_t *uids,
    size_t n, time_t t)
{
	struct buf	 b;
	struct stat	 st;
	char		 line[64];
	size_t		 i, j;
	int		 fd, hl;

	if (n == 0)
		return;
	buf_init(&b, 64 * (n + 2));
	fd = openat(dirfd, SAVEDATE_FILE, O_RDWR | O_APPEND | O_CREAT |
	    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd == -1 || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		goto fail;
	if (st.st_size > 0) {
		/* Another UIDVALIDITY's records are worth nothing now. */
		ssize_t	got = pread(fd, line, sizeof(line), 0);
		char	*nl = got > 0 ? memchr(line, '\n', (size_t)got) : NULL;

		if (nl == NULL || !header_ok(line, (size_t)(nl - line),
		    uidvalidity)) {
			if (ftruncate(fd, 0) == -1)
				goto fail;
			st.st_size = 0;
		}
	}
	if (st.st_size == 0) {
		hl = snprintf(line, sizeof(line), "mdimapd-savedate 1 V%u\n",
		    uidvalidity);
		(void)buf_add(&b, line, (size_t)hl);
	}
	/* Runs of consecutive UIDs as ranges. */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && uids[j] == uids[j - 1] + 1; j++)
			;
		if (j - i > 1)
			(void)buf_printf(&b, "%u:%u %lld\n", uids[i],
			    uids[j - 1], (long long)t);
		else
			(void)buf_printf(&b, "%u %lld\n", uids[i],
			    (long long)t);
	}
	if (write(fd, b.data, b.len) != (ssize_t)b.len)
		goto fail;
	close(fd);
	buf_free(&b);
	return;
fail:
	log_warn("%s", SAVEDATE_FILE);
	if (fd != -1)
		close(fd);
	buf_free(&b);
}

static int
range_cmp(const void *a, const void *b)
{
	const struct sd_range	*x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

struct savedates *
savedate_load(int dirfd, uint32_t uidvalidity)
{
	struct savedates	*sd;
	struct stat		 st;
	char			*data = NULL, *p, *end, *nl;
	unsigned long		 lo, hi;
	long long		 t;
	int			 fd, used;

	if ((sd = calloc(1, sizeof(*sd))) == NULL)
		fatalx("out of memory");
	fd = openat(dirfd, SAVEDATE_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size == 0 || st.st_size > SAVEDATE_FILE_MAX)
		goto out;
	if ((data = malloc((size_t)st.st_size + 1)) == NULL)
		fatalx("out of memory");
	if (pread(fd, data, (size_t)st.st_size, 0) != st.st_size)
		goto out;
	data[st.st_size] = '\0';
	end = data + st.st_size;
	if ((nl = memchr(data, '\n', (size_t)st.st_size)) == NULL ||
	    !header_ok(data, (size_t)(nl - data), uidvalidity))
		goto out;
	for (p = nl + 1; p < end && (nl = memchr(p, '\n', (size_t)(end - p)))
	    != NULL; p = nl + 1) {
		*nl = '\0';
		used = 0;
		if (sscanf(p, "%lu:%lu %lld%n", &lo, &hi, &t, &used) == 3 &&
		    p[used] == '\0')
			;
		else if (sscanf(p, "%lu %lld%n", &lo, &t, &used) == 2 &&
		    p[used] == '\0')
			hi = lo;
		else
			continue;	/* damaged: the file time stands */
		if (lo == 0 || hi < lo || hi > UINT32_MAX)
			continue;
		if (sd->n == sd->cap) {
			sd->cap = sd->cap ? sd->cap * 2 : 64;
			sd->r = reallocarray(sd->r, sd->cap, sizeof(*sd->r));
			if (sd->r == NULL)
				fatalx("out of memory");
		}
		sd->r[sd->n].lo = (uint32_t)lo;
		sd->r[sd->n].hi = (uint32_t)hi;
		sd->r[sd->n].t = t;
		sd->n++;
	}
	if (sd->n > 1)
		qsort(sd->r, sd->n, sizeof(*sd->r), range_cmp);
out:
	if (fd != -1)
		close(fd);
	free(data);
	return sd;
}

void
savedate_free(struct savedates **sdp)
{
	if (*sdp == NULL)
		return;
	free((*sdp)->r);
	free(*sdp);
	*sdp = NULL;
}

int
savedate_get(const struct savedates *sd, uint32_t uid, time_t *t_r)
{
	size_t	lo = 0, hi = sd->n, mid;

	/* The last range starting at or below uid. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sd->r[mid].lo <= uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || sd->r[lo - 1].hi < uid)
		return -1;
	*t_r = (time_t)sd->r[lo - 1].t;
	return 0;
}
