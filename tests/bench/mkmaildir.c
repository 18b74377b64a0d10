/*
 * mkmaildir.c: write a realistic Maildir for the benchmarks, fast and
 * reproducibly (the same count and seed give the same files).
 *
 *   mkmaildir DIR COUNT [SEED]
 *
 * DIR/cur, DIR/new, DIR/tmp and the empty folder DIR/.Bench-Copy are made.
 * Messages have LF line ends and the headers of delivered mail
 * (Return-Path, Received, From, To, Cc, Subject, Date, Message-ID,
 * MIME-Version, Content-Type...). About half are one text/plain part
 * (7bit, 8bit, quoted-printable or base64; charset utf-8 or iso-8859-1),
 * a sixth multipart/alternative (text/plain and text/html), a quarter
 * multipart/mixed with one or two base64 or text attachments (the text
 * part sometimes itself multipart/alternative; some file names in RFC
 * 2231 form), and 8% forwards (multipart/mixed holding a message/rfc822,
 * whose own body is text or multipart/alternative).
 * About 40% are replies or forwards of one of the 512 messages before them:
 * "Re: ", "RE: ", "Re[2]: ", "Re: Re: ", "Fwd: ", "[list] Re: " or
 * "... (fwd)" subjects, In-Reply-To and/or References (the parent's
 * references plus its Message-ID, at most 10); thread starters reuse a
 * small set of subjects, so unrelated threads share base subjects.
 * From, To and Cc are varied people and forms (quoted "Last, First",
 * bare addresses, comments, groups, several recipients); 25% of senders
 * have non-ASCII names, written as raw UTF-8, RFC 2047 UTF-8 B or
 * ISO-8859-1 Q; some subjects are RFC 2047 encoded, raw UTF-8 or folded.
 * Date headers are a little before the arrival time, in varied zones
 * (numeric, with a comment, GMT/UT/EST/PDT, no weekday, two-digit years,
 * no seconds); 3% are hours or days off, 0.5% are missing and 0.5%
 * unparsable. 0.3% have no Message-ID, 0.1% reuse an earlier one.
 * The word "quokka" is in about 4% of the messages: in plain bodies, in
 * base64 and quoted-printable parts (where it is never readable
 * undecoded: QP writes its q as =71), in forwarded messages and in a few
 * subjects. "Garcia" and "Müller" are among the senders' names.
 * Sizes 1-50 KB, mostly small: 70% 1-4 KB, 20% 4-10 KB, 8% 10-30 KB,
 * 2% 30-50 KB (attachments make up the larger ones, and their base64
 * takes a few up to 70 KB).
 * Names "<time>.M<usec>P<pid>Q<n>.<host>,S=<size>:2,<flags>",
 * times ascending over the last few years, file mtime = the time in the
 * name. The newest 2% are in new/ (no info part, unseen); of the others
 * 80% are \Seen, 10% \Answered (and seen), 4% \Flagged, the rest unseen.
 * Prints one line: "<count> messages, <bytes> bytes, <n> in new/".
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MSG_MAX		(256 * 1024)	/* largest message, with slack */
#define TEXT_MAX	(64 * 1024)	/* one text part before encoding */
#define RING		512		/* earlier messages a reply can answer */
#define REFS_MAX	10		/* ids kept in References */
#define MAGIC		"quokka"

static uint64_t	rng_state;

static char	msg[MSG_MAX];		/* the message being written */
static size_t	mlen;

struct person {
	char	display[128];		/* as in From: (encoded or not) */
	char	addr[96];
};

struct earlier {
	char	mid[128];
	char	base[160];		/* subject without Re:/Fwd: */
	char	refs[(REFS_MAX + 1) * 128];
	int	depth;
};

static struct earlier	ring[RING];

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

/* True with probability per/1000. */
static int
chance(uint32_t per)
{
	return rnd() % 1000 < per;
}

static const char *const first_names[] = {
	"Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi",
	"Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert",
	"Sybil", "Trent", "Victor", "Walter", "Yasmin", "Maria", "Luis",
};
static const char *const last_names[] = {
	"Smith", "Jones", "Garcia", "Miller", "Davis", "Lopez", "Wilson",
	"Moore", "Taylor", "Thomas", "White", "Harris", "Martin", "Clark",
};
/* Non-ASCII names: UTF-8, ISO-8859-1 (NULL: not in Latin-1), address. */
static const char *const intl_names[][3] = {
	{ "Jürgen Müller", "J\xfcrgen M\xfcller", "juergen.mueller" },
	{ "José García", "Jos\xe9 Garc\xed" "a", "jose.garcia" },
	{ "Renée Dubois", "Ren\xe9" "e Dubois", "renee.dubois" },
	{ "Søren Ødegård", "S\xf8ren \xd8" "deg\xe5rd", "soren" },
	{ "Zoë Brontë", "Zo\xeb Bront\xeb", "zoe.bronte" },
	{ "Łukasz Wójcik", NULL, "lukasz.wojcik" },
	{ "Anna Müller-Lüdenscheidt", "Anna M\xfcller-L\xfc" "denscheidt",
	    "anna.ml" },
	{ "山田 太郎", NULL, "yamada" },
	{ "Ελένη Παπαδοπούλου", NULL, "eleni.p" },
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
	"Meeting notes", "Quarterly report", "Budget review",
	"Your order has shipped", "Lunch tomorrow?", "Project schedule",
	"Release notes", "Invoice", "Customer feedback", "Weekly update",
	"Draft proposal", "Server maintenance window", "Reminder",
	"Performance numbers", "Welcome", "Question about the release",
	"Travel plans", "Minutes of the board meeting",
};
static const char *const utf8_subjects[] = {
	"Réunion de lundi", "Grüße aus München", "Résumé attached",
	"Ελληνικά νέα", "会議の議事録", "Café ☕ tomorrow",
};
static const char *const wdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	"Fri", "Sat" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
	"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
/* Zones: offset in minutes, the name written ("" = numeric). */
static const struct {
	int		 off;
	const char	*name;
} zones[] = {
	{ 0, "" }, { 60, "" }, { 120, "" }, { -300, "" }, { -480, "" },
	{ 330, "" }, { 540, "" }, { -210, "" }, { 600, "" }, { 60, "" },
	{ 0, "GMT" }, { 0, "UT" }, { -300, "EST" }, { -420, "PDT" },
};

static void
fail(const char *what)
{
	fprintf(stderr, "mkmaildir: %s\n", what);
	exit(1);
}

static void
put_mem(const void *p, size_t n)
{
	if (mlen + n > MSG_MAX)
		fail("message too large");
	memcpy(msg + mlen, p, n);
	mlen += n;
}

static void	put(const char *, ...) __attribute__((format(printf, 1, 2)));

static void
put(const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(msg + mlen, MSG_MAX - mlen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= MSG_MAX - mlen)
		fail("message too large");
	mlen += (size_t)n;
}

/*
 * Text of about want octets into dst: lines of words up to 70 columns,
 * some blank lines; MAGIC somewhere if magic. latin1: some é as 0xE9.
 */
static size_t
text_make(char *dst, size_t want, int magic, int latin1)
{
	size_t	len = 0, col = 0, at;
	int	placed = 0;

	if (want > TEXT_MAX - 200)
		want = TEXT_MAX - 200;
	at = magic ? rnd() % (want + 1) : (size_t)-1;
	while (len < want) {
		const char *w = words[rnd() % NELEM(words)];
		size_t wl;

		if (!placed && len >= at) {
			w = MAGIC;
			placed = 1;
		} else if (rnd() % 40 == 0)
			w = latin1 ? "caf\xe9" : "café";
		wl = strlen(w);
		if (col > 0 && col + wl + 1 > 70) {
			dst[len++] = '\n';
			if (rnd() % 8 == 0)
				dst[len++] = '\n';
			col = 0;
		}
		if (col > 0)
			dst[len++] = ' ', col++;
		memcpy(dst + len, w, wl);
		len += wl;
		col += wl;
	}
	if (magic && !placed) {
		memcpy(dst + len, " " MAGIC, sizeof(MAGIC));
		len += sizeof(MAGIC);
	}
	dst[len++] = '\n';
	return len;
}

/* Quoted-printable (RFC 2045 6.7): lines of at most 76, q always =71. */
static void
put_qp(const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t	 i, col = 0;
	char	 enc[4];

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t el;

		if (c == '\n') {
			put_mem("\n", 1);
			col = 0;
			continue;
		}
		if (c == '=' || c == 'q' || c >= 127 || (c == ' ' &&
		    (i + 1 == n || s[i + 1] == '\n'))) {
			enc[0] = '=';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
			el = 3;
		} else {
			enc[0] = (char)c;
			el = 1;
		}
		if (col + el > 75) {
			put_mem("=\n", 2);
			col = 0;
		}
		put_mem(enc, el);
		col += el;
	}
}

static void
put_base64(const unsigned char *s, size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t	 i, col = 0;
	char	 q[4];

	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		q[0] = b64[v >> 18];
		q[1] = b64[(v >> 12) & 63];
		q[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		put_mem(q, 4);
		col += 4;
		if (col == 76) {
			put_mem("\n", 1);
			col = 0;
		}
	}
	if (col > 0)
		put_mem("\n", 1);
}

/* An RFC 2047 encoded-word of s: B (base64) or Q. */
static void
put_encoded_word(const char *charset, const char *s, int b)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t	 i, n = strlen(s);

	put("=?%s?%c?", charset, b ? 'B' : 'Q');
	if (b) {
		put_base64((const unsigned char *)s, n);
		mlen--;			/* put_base64's line end */
	} else {
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];

			if (c == ' ')
				put_mem("_", 1);
			else if (c >= 127 || c == '=' || c == '?' ||
			    c == '_' || c < 32) {
				char e[3] = { '=', hex[c >> 4], hex[c & 15] };
				put_mem(e, 3);
			} else
				put_mem(s + i, 1);
		}
	}
	put("?=");
}

static void
person_make(struct person *p)
{
	const char *fn = first_names[rnd() % NELEM(first_names)];
	const char *ln = last_names[rnd() % NELEM(last_names)];
	const char *dom = domains[rnd() % NELEM(domains)];
	uint32_t form = rnd() % 100;

	if (rnd() % 4 == 0) {
		const char *const *in = intl_names[rnd() % NELEM(intl_names)];

		(void)snprintf(p->addr, sizeof(p->addr), "%s@%s", in[2], dom);
		p->display[0] = '\0';
		if (form < 40)
			(void)snprintf(p->display, sizeof(p->display), "%s",
			    in[0]);
		else {
			size_t save = mlen;
			int b = form < 70 || in[1] == NULL;

			/* encode into msg, then move out: msg is the only
			 * encoder's output */
			put_encoded_word(b ? "UTF-8" : "ISO-8859-1",
			    b ? in[0] : in[1], b);
			(void)snprintf(p->display, sizeof(p->display), "%.*s",
			    (int)(mlen - save), msg + save);
			mlen = save;
		}
		return;
	}
	if (rnd() % 2)
		(void)snprintf(p->addr, sizeof(p->addr), "%c%c%s@%s",
		    fn[0] + 32, ln[0] + 32, ln + 1, dom);
	else
		(void)snprintf(p->addr, sizeof(p->addr), "%c%s.%c%s@%s",
		    fn[0] + 32, fn + 1, ln[0] + 32, ln + 1, dom);
	if (form < 60)
		(void)snprintf(p->display, sizeof(p->display), "%s %s", fn,
		    ln);
	else if (form < 75)
		(void)snprintf(p->display, sizeof(p->display), "\"%s, %s\"",
		    ln, fn);
	else
		p->display[0] = '\0';
}

/* An address: "display <addr>", a bare addr or "addr (comment)". */
static void
put_person(const struct person *p)
{
	if (p->display[0] == '\0')
		put("%s", p->addr);
	else if (rnd() % 10 == 0 && p->display[0] != '"' &&
	    p->display[0] != '=')
		put("%s (%s)", p->addr, p->display);
	else
		put("%s <%s>", p->display, p->addr);
}

static void
put_date_header(time_t arrival)
{
	time_t	 t = arrival - (time_t)rnd_range(5, 900);
	struct tm tm;
	uint32_t form = rnd() % 1000;
	int	 z = (int)(rnd() % NELEM(zones)), off;
	char	 zone[16];

	if (chance(30))		/* a wrong clock: hours or days off */
		t += (time_t)(rnd() % (5 * 86400)) - 2 * 86400;
	if (form < 5)
		return;		/* no Date: */
	if (form < 10) {
		put("Date: sometime last week\n");
		return;
	}
	off = zones[z].off;
	t += off * 60;
	gmtime_r(&t, &tm);
	if (zones[z].name[0] != '\0')
		(void)snprintf(zone, sizeof(zone), "%s", zones[z].name);
	else
		(void)snprintf(zone, sizeof(zone), "%c%02d%02d",
		    off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
	put("Date: ");
	if (form >= 100 || form < 20)
		put("%s, ", wdays[tm.tm_wday]);
	if (form < 20)		/* two-digit year, no seconds */
		put("%d %s %02d %02d:%02d %s\n", tm.tm_mday,
		    months[tm.tm_mon], tm.tm_year % 100, tm.tm_hour,
		    tm.tm_min, zone);
	else if (form < 50)
		put("%02d %s %d %02d:%02d:%02d %s\n", tm.tm_mday,
		    months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, zone);
	else
		put("%d %s %d %02d:%02d:%02d %s%s\n", tm.tm_mday,
		    months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, zone,
		    form > 900 && zones[z].name[0] == '\0' ? " (CET)" : "");
}

/* A text part's headers and body; cte: 0 plain, 1 QP, 2 base64. */
static void
put_text_part(const char *type, size_t want, int magic, int cte)
{
	static char	 text[TEXT_MAX];
	int		 latin1 = rnd() % 10 == 0;
	size_t		 n;
	int		 html = strcmp(type, "html") == 0;

	n = text_make(text, want, magic, latin1);
	put("Content-Type: text/%s; charset=%s%s\n", type,
	    latin1 ? "iso-8859-1" : "utf-8",
	    !html && rnd() % 5 == 0 ? "; format=flowed" : "");
	if (cte == 1)
		put("Content-Transfer-Encoding: quoted-printable\n\n");
	else if (cte == 2)
		put("Content-Transfer-Encoding: base64\n\n");
	else
		put("Content-Transfer-Encoding: 8bit\n\n");
	if (html) {
		static char	 page[TEXT_MAX + 256];
		int		 m;

		m = snprintf(page, sizeof(page), "<html><body>\n<p>%.*s</p>\n"
		    "</body></html>\n", (int)n, text);
		if (m < 0 || (size_t)m >= sizeof(page))
			fail("html too large");
		(void)memcpy(text, page, (size_t)m < TEXT_MAX ? (size_t)m :
		    TEXT_MAX);
		n = (size_t)m < TEXT_MAX ? (size_t)m : TEXT_MAX;
	}
	if (cte == 1)
		put_qp(text, n);
	else if (cte == 2)
		put_base64((unsigned char *)text, n);
	else
		put_mem(text, n);
}

static void
put_alternative(size_t want, int magic, long i)
{
	put("Content-Type: multipart/alternative; boundary=\"alt-%ld\"\n\n",
	    i);
	put("--alt-%ld\n", i);
	put_text_part("plain", want / 2, magic && rnd() % 2, rnd() % 2);
	put("\n--alt-%ld\n", i);
	put_text_part("html", want / 2, magic, 1);
	put("\n--alt-%ld--\n", i);
}

static void
put_attachment(size_t size, long i)
{
	static unsigned char	 bin[MSG_MAX / 2];
	static const char *const names[] = { "report.pdf", "photo.png",
		"data.csv", "archive.zip" };
	static const char *const types[] = { "application/pdf",
		"image/png", "text/csv", "application/zip" };
	uint32_t k = rnd() % NELEM(names), j;

	if (size > sizeof(bin))
		size = sizeof(bin);
	if (k == 2) {		/* text attachment, 7bit */
		put("Content-Type: text/csv; charset=us-ascii; name=\"%s\"\n"
		    "Content-Disposition: attachment; filename=\"%s\"\n\n",
		    names[k], names[k]);
		for (j = 0; j < size / 24 + 1; j++)
			put("%u,%u,%s\n", rnd() % 10000, rnd() % 100,
			    words[rnd() % NELEM(words)]);
		return;
	}
	for (j = 0; j < size; j++)
		bin[j] = (unsigned char)rnd();
	if (k == 0 && rnd() % 3 == 0)
		put("Content-Type: %s; name=\"r=?UTF-8?Q?=C3=A9?=sum=?UTF-8?"
		    "Q?=C3=A9?=.pdf\"\nContent-Disposition: attachment;\n"
		    " filename*=UTF-8''r%%C3%%A9sum%%C3%%A9.pdf\n", types[k]);
	else
		put("Content-Type: %s; name=\"%s\"\nContent-Disposition: "
		    "%s; filename=\"%s\"; size=%zu\n", types[k], names[k],
		    k == 1 && rnd() % 2 ? "inline" : "attachment", names[k],
		    size);
	if (k == 1)
		put("Content-ID: <img%ld.%u@bench.example.org>\n", i, rnd());
	put("Content-Transfer-Encoding: base64\n\n");
	put_base64(bin, size);
}

/* A forwarded message: message/rfc822 holding a text or alternative. */
static void
put_forwarded(const struct earlier *e, size_t want, int magic, long i,
    time_t t)
{
	struct person	 p;

	person_make(&p);
	put("Content-Type: message/rfc822\nContent-Disposition: %s\n\n",
	    rnd() % 2 ? "inline" : "attachment");
	put("From: ");
	put_person(&p);
	put("\nTo: Bench User <user@bench.example.org>\nSubject: %s\n",
	    e->base);
	put_date_header(t - (time_t)rnd_range(3600, 30 * 86400));
	if (e->mid[0] != '\0')
		put("Message-ID: %s\n", e->mid);
	put("MIME-Version: 1.0\n");
	if (rnd() % 3 == 0)
		put_alternative(want, magic, i * 10 + 1);
	else
		put_text_part("plain", want, magic, rnd() % 4 == 0 ? 1 : 0);
}

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

/* "Re: base", "RE: base", "Fwd: base"... of a reply or forward. */
static void
put_subject_of(const struct earlier *e, int fwd)
{
	uint32_t k = rnd() % 100;

	if (fwd && k >= 95)
		put("Subject: %s (fwd)\n", e->base);
	else if (fwd)
		put("Subject: %s%s\n", k < 80 ? "Fwd: " : k < 90 ? "Fw: " :
		    "FWD: ", e->base);
	else
		put("Subject: %s%s\n", k < 60 ? "Re: " : k < 72 ? "RE: " :
		    k < 80 ? "Re[2]: " : k < 90 ? "Re: Re: " : "[list] Re: ",
		    e->base);
}

static void
put_subject_new(struct earlier *me, long i, int magic)
{
	uint32_t k = rnd() % 1000;
	const char *s = subjects[rnd() % NELEM(subjects)];

	if (magic)
		(void)snprintf(me->base, sizeof(me->base), "%s " MAGIC, s);
	else if (k < 400)
		(void)snprintf(me->base, sizeof(me->base), "%s", s);
	else if (k < 900)
		(void)snprintf(me->base, sizeof(me->base), "%s #%ld", s,
		    i + 1);
	else if (k < 950) {
		/* raw UTF-8 here, RFC 2047 below in half of them */
		(void)snprintf(me->base, sizeof(me->base), "%s",
		    utf8_subjects[rnd() % NELEM(utf8_subjects)]);
		if (k < 925) {
			put("Subject: ");
			put_encoded_word("UTF-8", me->base, k < 912);
			put("\n");
			return;
		}
	} else {
		(void)snprintf(me->base, sizeof(me->base), "%s: a longer "
		    "subject line for #%ld", s, i + 1);
		put("Subject: %s:\n a longer subject line for #%ld\n", s,
		    i + 1);
		return;
	}
	put("Subject: %s\n", me->base);
}

static void
mkdir_or_die(const char *path)
{
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
}

/* Write message i (arrival time t) into msg, mlen. */
static void
message_make(long i, time_t t)
{
	static const char *const host = "bench.example.org";
	struct earlier	*me = &ring[i % RING], *parent = NULL, prev;
	struct person	 from, other;
	char		 mid[128];
	struct tm	 tm;
	size_t		 want = target_size();
	int		 magic = chance(40), fwd = 0, shape, j, nto;
	uint32_t	 k;

	mlen = 0;
	person_make(&from);
	if (i > 0 && chance(400)) {
		long back = (long)(rnd() % (i < RING ? (uint32_t)i : RING -
		    1)) + 1;

		back = back > 1 && rnd() % 2 ? back / 8 + 1 : back;
		prev = ring[(i - back) % RING];
		parent = &prev;
		fwd = rnd() % 5 == 0;
	}
	shape = (int)(rnd() % 100);
	if (fwd)
		shape = 100;
	(void)snprintf(mid, sizeof(mid), "<%lld.%ld.%08x@%s>",
	    (long long)t, i, rnd(), strchr(from.addr, '@') + 1);
	if (i > 0 && chance(1))	/* delivered twice (two lists) */
		(void)snprintf(mid, sizeof(mid), "%s", ring[(i - 1) %
		    RING].mid);

	put("Return-Path: <%s>\n", from.addr);
	gmtime_r(&t, &tm);
	put("Received: from mx%u.%s (mx%u.%s [192.0.2.%u])\n\tby %s with "
	    "ESMTPS id %08x\n\tfor <user@%s>; %s, %d %s %d %02d:%02d:%02d "
	    "+0000\n", rnd() % 9, strchr(from.addr, '@') + 1, rnd() % 9,
	    strchr(from.addr, '@') + 1, rnd() % 250 + 1, host, rnd(), host,
	    wdays[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	put("From: ");
	put_person(&from);
	put("\n");
	k = rnd() % 100;
	if (k < 5)
		put("To: undisclosed-recipients:;\n");
	else if (k < 15)
		put("To: dev@lists.example.com\nList-Id: Developers "
		    "<dev.lists.example.com>\n");
	else {
		put("To: Bench User <user@%s>", host);
		nto = k < 75 ? 0 : (int)rnd_range(1, 3);
		for (j = 0; j < nto; j++) {
			person_make(&other);
			put(",\n    ");
			put_person(&other);
		}
		put("\n");
	}
	if (chance(200)) {
		person_make(&other);
		put("Cc: ");
		put_person(&other);
		put("\n");
	}
	if (parent != NULL) {
		size_t rl;

		put_subject_of(parent, fwd);
		(void)snprintf(me->base, sizeof(me->base), "%s",
		    parent->base);
		k = rnd() % 100;
		if (k < 95 && !fwd)
			put("In-Reply-To: %s\n", parent->mid);
		if (k < 80 || k >= 95 || fwd)
			put("References: %s%s%s\n", parent->refs,
			    parent->refs[0] ? "\n " : "", parent->mid);
		/* my references: the parent's, its id, at most REFS_MAX */
		rl = strlen(parent->refs);
		if ((size_t)snprintf(me->refs, sizeof(me->refs), "%s%s%s",
		    parent->refs, rl ? "\n " : "", parent->mid) >=
		    sizeof(me->refs))
			fail("references too long");
		if (parent->depth + 1 >= REFS_MAX)
			memmove(me->refs, strchr(me->refs, '\n') + 2,
			    strlen(strchr(me->refs, '\n') + 2) + 1);
		me->depth = parent->depth + 1 >= REFS_MAX ? REFS_MAX - 1 :
		    parent->depth + 1;
	} else {
		put_subject_new(me, i, magic && rnd() % 10 == 0);
		me->refs[0] = '\0';
		me->depth = 0;
	}
	put_date_header(t);
	if (!chance(3))
		put("Message-ID: %s\n", mid);
	(void)snprintf(me->mid, sizeof(me->mid), "%s", mid);
	if (rnd() % 3 == 0)
		put("X-Mailer: Bench Mailer %u.%u\n", rnd() % 9, rnd() % 20);
	put("MIME-Version: 1.0\n");
	if (shape < 55) {
		k = rnd() % 100;
		put_text_part("plain", want > mlen ? want - mlen : 200, magic,
		    k < 75 ? 0 : k < 92 ? 1 : 2);
	} else if (shape < 73)
		put_alternative(want > mlen ? want - mlen : 400, magic, i);
	else {
		size_t body = 300 + rnd() % 1500;
		size_t rest = want > mlen + body + 600 ? want - mlen - body -
		    600 : 300;

		put("Content-Type: multipart/mixed; boundary=\"mix-%ld\"\n\n"
		    "This is a multi-part message in MIME format.\n\n", i);
		put("--mix-%ld\n", i);
		if (!fwd && rnd() % 4 == 0)
			put_alternative(body, magic, i);
		else
			put_text_part("plain", body, magic && !fwd,
			    rnd() % 3 == 0);
		put("\n--mix-%ld\n", i);
		if (fwd)
			put_forwarded(parent, rest, magic, i, t);
		else if (rnd() % 4 == 0) {
			put_attachment(rest / 2 * 3 / 4, i);
			put("\n--mix-%ld\n", i);
			put_attachment(rest / 2 * 3 / 4, i);
		} else
			put_attachment(rest * 3 / 4, i);
		put("\n--mix-%ld--\n", i);
	}
}

int
main(int argc, char **argv)
{
	char		 path[4096], name[512];
	const char	*dir, *host = "bench.example.org";
	long		 count, i, nnew, innew = 0;
	unsigned long long total = 0;
	uint64_t	 seed = 1;
	time_t		 base, t;
	struct timespec	 ts[2];
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
		char flags[8] = "";
		size_t fl = 0;
		long usec = (long)(rnd() % 1000000);
		long pid = (long)rnd_range(1000, 99999);

		t = base + (time_t)((3.0 * 365 * 86400) * (double)i /
		    (double)count) + (time_t)(rnd() % 60);
		message_make(i, t);

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
		    i + 1, host, mlen, newdir ? "" : ":2,", flags);
		(void)snprintf(path, sizeof(path), "%s/%s/%s", dir,
		    newdir ? "new" : "cur", name);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd == -1 || write(fd, msg, mlen) != (ssize_t)mlen) {
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
		total += mlen;
		innew += newdir;
	}
	printf("%ld messages, %llu bytes, %ld in new/\n", count, total, innew);
	return 0;
}
