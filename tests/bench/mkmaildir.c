/*
 * mkmaildir.c: write a realistic Maildir for the benchmarks, fast and
 * reproducibly (the same count and seed give the same files).
 *
 *   mkmaildir DIR COUNT [SEED]
 *
 * DIR/cur, DIR/new, DIR/tmp and the empty folder DIR/.Bench-Copy are made.
 * Messages: headers From, To, Subject, Date, Message-ID (and Return-Path,
 * Received, MIME-Version, Content-Type), LF line ends, text bodies.
 * Sizes 1-50 KB, mostly small: 70% 1-4 KB, 20% 4-10 KB, 8% 10-30 KB,
 * 2% 30-50 KB. Names "<time>.M<usec>P<pid>Q<n>.<host>,S=<size>:2,<flags>",
 * times ascending over the last few years, file mtime = the time in the
 * name. The newest 2% are in new/ (no info part, unseen); of the others
 * 80% are \Seen, 10% \Answered (and seen), 4% \Flagged, the rest unseen.
 * Prints one line: "<count> messages, <bytes> bytes, <n> in new/".
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t	rng_state;

static uint32_t
rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static uint32_t
rnd_range(uint32_t lo, uint32_t hi)	/* [lo, hi] */
{
	return lo + rnd() % (hi - lo + 1);
}

static const char *const first_names[] = {
	"Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi",
	"Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert",
	"Sybil", "Trent", "Victor", "Walter", "Yasmin",
};
static const char *const last_names[] = {
	"Smith", "Jones", "Garcia", "Miller", "Davis", "Lopez", "Wilson",
	"Moore", "Taylor", "Thomas", "White", "Harris", "Martin", "Clark",
};
static const char *const domains[] = {
	"example.org", "example.com", "example.net", "mail.example.org",
	"lists.example.com", "corp.example.net",
};
static const char *const words[] = {
	"the", "meeting", "report", "quarterly", "budget", "review", "please",
	"attached", "find", "update", "project", "schedule", "thanks", "for",
	"your", "reply", "we", "should", "discuss", "this", "next", "week",
	"release", "notes", "server", "mailbox", "performance", "numbers",
	"draft", "proposal", "customer", "feedback", "and", "a", "of", "to",
	"in", "is", "on", "with", "that", "it", "as", "be", "at", "by", "not",
	"deadline", "invoice", "order", "shipping", "lunch", "tomorrow",
};
static const char *const subjects[] = {
	"Meeting notes", "Quarterly report", "Re: Budget review",
	"Your order has shipped", "Lunch tomorrow?", "Re: Re: Project schedule",
	"Release notes", "Invoice", "Fwd: Customer feedback", "Weekly update",
	"Re: Draft proposal", "Server maintenance window", "Reminder",
	"[list] Performance numbers", "Welcome",
};
static const char *const wdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	"Fri", "Sat" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
	"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static size_t
target_size(void)
{
	uint32_t	p = rnd() % 100;

	if (p < 70)
		return rnd_range(1024, 4095);
	if (p < 90)
		return rnd_range(4096, 10239);
	if (p < 98)
		return rnd_range(10240, 30719);
	return rnd_range(30720, 51199);
}

/* Append a formatted string; the buffer is big enough for any message. */
static size_t	put(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static size_t
put(char *buf, size_t len, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf + len, 65536 - len, fmt, ap);
	va_end(ap);
	return len + (size_t)n;
}

static void
mkdir_or_die(const char *path)
{
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	static char	 buf[65536];
	char		 path[4096], name[512], date[64], mid[128];
	const char	*dir, *host = "bench.example.org";
	long		 count, i, nnew, innew = 0;
	unsigned long long total = 0;
	uint64_t	 seed = 1;
	time_t		 base, t;
	struct tm	 tm;
	struct timespec	 ts[2];
	size_t		 len, want, linelen;
	int		 fd, newdir;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: mkmaildir DIR COUNT [SEED]\n");
		return 2;
	}
	dir = argv[1];
	count = strtol(argv[2], NULL, 10);
	if (argc == 4)
		seed = strtoull(argv[3], NULL, 10);
	rng_state = seed * 0x9E3779B97F4A7C15ULL + 88172645463325252ULL;
	if (count <= 0) {
		fprintf(stderr, "mkmaildir: bad count\n");
		return 2;
	}
	mkdir_or_die(dir);
	(void)snprintf(path, sizeof(path), "%s/cur", dir);
	mkdir_or_die(path);
	(void)snprintf(path, sizeof(path), "%s/new", dir);
	mkdir_or_die(path);
	(void)snprintf(path, sizeof(path), "%s/tmp", dir);
	mkdir_or_die(path);
	(void)snprintf(path, sizeof(path), "%s/.Bench-Copy", dir);
	mkdir_or_die(path);
	(void)snprintf(path, sizeof(path), "%s/.Bench-Copy/cur", dir);
	mkdir_or_die(path);
	(void)snprintf(path, sizeof(path), "%s/.Bench-Copy/new", dir);
	mkdir_or_die(path);
	(void)snprintf(path, sizeof(path), "%s/.Bench-Copy/tmp", dir);
	mkdir_or_die(path);

	/* Fixed, so that the same seed gives the same names: three years of
	 * mail ending on 2024-01-01. */
	base = 1704067200 - 3L * 365 * 86400;
	nnew = count / 50;
	for (i = 0; i < count; i++) {
		const char *fn = first_names[rnd() % NELEM(first_names)];
		const char *ln = last_names[rnd() % NELEM(last_names)];
		const char *fd_ = domains[rnd() % NELEM(domains)];
		char flags[8] = "";
		size_t fl = 0;
		long usec = (long)(rnd() % 1000000);
		long pid = (long)rnd_range(1000, 99999);

		t = base + (time_t)((3.0 * 365 * 86400) * (double)i /
		    (double)count) + (time_t)(rnd() % 60);
		gmtime_r(&t, &tm);
		(void)snprintf(date, sizeof(date),
		    "%s, %d %s %d %02d:%02d:%02d +0000", wdays[tm.tm_wday],
		    tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
		    tm.tm_hour, tm.tm_min, tm.tm_sec);
		(void)snprintf(mid, sizeof(mid), "<%lld.%ld.%08x@%s>",
		    (long long)t, i, rnd(), fd_);

		len = 0;
		len = put(buf, len, "Return-Path: <%c%s@%s>\n",
		    fn[0] + 32, ln, fd_);
		len = put(buf, len, "Received: from mx%u.%s (mx%u.%s "
		    "[192.0.2.%u])\n\tby %s with ESMTPS id %08x\n\tfor "
		    "<user@%s>; %s\n", rnd() % 9, fd_, rnd() % 9, fd_,
		    rnd() % 250 + 1, host, rnd(), host, date);
		len = put(buf, len, "From: %s %s <%c%s@%s>\n", fn, ln,
		    fn[0] + 32, ln, fd_);
		len = put(buf, len, "To: Bench User <user@%s>\n", host);
		len = put(buf, len, "Subject: %s #%ld\n",
		    subjects[rnd() % NELEM(subjects)], i + 1);
		len = put(buf, len, "Date: %s\n", date);
		len = put(buf, len, "Message-ID: %s\n", mid);
		len = put(buf, len, "MIME-Version: 1.0\n"
		    "Content-Type: text/plain; charset=utf-8\n"
		    "Content-Transfer-Encoding: 8bit\n\n");
		len = put(buf, len, "Hello,\n\n");
		want = target_size();
		while (len < want) {
			linelen = 0;
			while (linelen < 60 && len < want) {
				const char *w = words[rnd() % NELEM(words)];
				size_t wl = strlen(w);
				if (len + wl + 2 > want)
					break;
				if (linelen > 0)
					buf[len++] = ' ', linelen++;
				memcpy(buf + len, w, wl);
				len += wl;
				linelen += wl;
			}
			if (len >= want)
				break;
			buf[len++] = '\n';
			if (rnd() % 8 == 0 && len < want)
				buf[len++] = '\n';
		}
		if (buf[len - 1] != '\n')
			buf[len++] = '\n';

		newdir = i >= count - nnew;
		if (!newdir) {
			uint32_t p = rnd() % 100;
			int seen = p < 80;
			int answered = seen && rnd() % 10 == 0;
			int flagged = rnd() % 25 == 0;
			if (flagged)
				flags[fl++] = 'F';
			if (answered)
				flags[fl++] = 'R';
			if (seen)
				flags[fl++] = 'S';
			flags[fl] = '\0';
		}
		(void)snprintf(name, sizeof(name),
		    "%lld.M%06ldP%ldQ%ld.%s,S=%zu%s%s", (long long)t, usec, pid,
		    i + 1, host, len, newdir ? "" : ":2,", flags);
		(void)snprintf(path, sizeof(path), "%s/%s/%s", dir,
		    newdir ? "new" : "cur", name);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd == -1 || write(fd, buf, len) != (ssize_t)len) {
			perror(path);
			return 1;
		}
		ts[0].tv_sec = ts[1].tv_sec = t;
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		(void)futimens(fd, ts);
		if (close(fd) == -1) {
			perror(path);
			return 1;
		}
		total += len;
		innew += newdir;
	}
	printf("%ld messages, %llu bytes, %ld in new/\n", count, total, innew);
	return 0;
}
