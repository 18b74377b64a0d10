/*
 * t_namepool.c: the message-name pool: copies, slots reused in place when
 * the new name fits the same slot size, dead bytes counted, names larger
 * than a chunk's share, many names across chunks, and names expected
 * going into one chunk of their size (or, that failing, into a chunk as
 * usual).
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "namepool.h"
#include "test.h"

int
main(void)
{
	struct namepool	 np;
	char		*a, *b, *c, *big, *r, buf[64], longname[5000];
	char		*many[20000];
	size_t		 i, live;
	int		 ok;

	namepool_init(&np);
	CHECK(!namepool_wasteful(&np));

	/* A copy of len bytes, NUL-terminated; the source is not needed. */
	(void)snprintf(buf, sizeof(buf), "1700000000.M1P1Q1.host:2,Sjunk");
	a = namepool_add(&np, buf, 24);
	buf[0] = 'X';
	CHECK_STR(a, "1700000000.M1P1Q1.host:2");
	CHECK_INT(np.live, 32);		/* 25 bytes in a slot of 32 */

	/* Same slot size: in place. */
	r = namepool_replace(&np, a, "1700000000.M1P1Q1.host:2,S");
	CHECK(r == a);
	CHECK_STR(r, "1700000000.M1P1Q1.host:2,S");
	CHECK_INT(np.live, 32);
	/* Longer than the slot: a new one, the old one dead. */
	r = namepool_replace(&np, a, "1700000000.M1P1Q1.host:2,DFPRSTab");
	CHECK(r != a);
	CHECK_STR(r, "1700000000.M1P1Q1.host:2,DFPRSTab");
	CHECK_INT(np.live, 40);
	/* Shorter, of a smaller slot size: a new one too. */
	b = namepool_replace(&np, r, "short");
	CHECK(b != r);
	CHECK_STR(b, "short");
	CHECK_INT(np.live, 8);
	/* Replacing by itself changes nothing. */
	CHECK(namepool_replace(&np, b, b) == b);
	CHECK_INT(np.live, 8);

	/* A name larger than a chunk's share, between ordinary ones. */
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	big = namepool_add(&np, longname, strlen(longname));
	c = namepool_add(&np, "after", 5);
	CHECK_INT(strlen(big), sizeof(longname) - 1);
	CHECK(memcmp(big, longname, sizeof(longname)) == 0);
	CHECK_STR(c, "after");
	CHECK_STR(b, "short");
	namepool_drop(&np, big);
	namepool_drop(&np, c);
	namepool_drop(&np, b);
	CHECK_INT(np.live, 0);

	/* Many names across chunks: each intact. */
	for (i = 0; i < 20000; i++) {
		(void)snprintf(buf, sizeof(buf), "%zu.M%zuP1Q1.example.org,S=%zu",
		    1700000000 + i, i, i * 7);
		many[i] = namepool_add(&np, buf, strlen(buf));
	}
	for (i = 0, ok = 1; i < 20000; i++) {
		(void)snprintf(buf, sizeof(buf), "%zu.M%zuP1Q1.example.org,S=%zu",
		    1700000000 + i, i, i * 7);
		if (strcmp(many[i], buf) != 0)
			ok = 0;
	}
	CHECK(ok);
	CHECK(np.size >= np.live);
	live = np.live;
	CHECK(!namepool_wasteful(&np));
	/* Most of them dead: worth a copy. */
	for (i = 0; i < 15000; i++)
		namepool_drop(&np, many[i]);
	CHECK(np.live < live);
	CHECK(namepool_wasteful(&np));
	namepool_free(&np);
	CHECK_INT(np.size, 0);
	CHECK_INT(np.live, 0);

	/* Expected: 20,000 slots of 48 bytes in one chunk, back to back
	 * (64 KiB chunks would break the run every 1,365), the chunk as
	 * large as said; what comes after goes into a chunk of its own. */
	namepool_expect(&np, 20000 * 48);
	for (i = 0, ok = 1; i < 20000; i++) {
		(void)snprintf(buf, sizeof(buf),
		    "%zu.M%zuP1Q1.example.org,S=12345:2,S", 1700000000 + i,
		    100000 + i);
		many[i] = namepool_add(&np, buf, strlen(buf));
		if (i > 0 && many[i] != many[i - 1] + 48)
			ok = 0;
	}
	CHECK(ok);
	CHECK_INT(np.size, 20000 * 48);
	CHECK_INT(np.left, 0);
	c = namepool_add(&np, "after", 5);
	CHECK_STR(c, "after");
	CHECK_STR(many[19999], "1700019999.M119999P1Q1.example.org,S=12345:2,S");
	CHECK_INT(np.size, 20000 * 48 + 64 * 1024 - 16);
	namepool_free(&np);

	/* Expected more than the process may have: a 64 KiB chunk instead,
	 * not the end of the session. (Under ASan, whose malloc() aborts
	 * for want of memory, this is not tried.) */
	if (bigmem_huge_bytes(4 << 20) != 0) {
		struct rlimit	rl = { 256UL << 20, 256UL << 20 };

		CHECK(setrlimit(RLIMIT_DATA, &rl) == 0);
		namepool_expect(&np, 1UL << 30);
		c = namepool_add(&np, "after", 5);
		CHECK_STR(c, "after");
		CHECK_INT(np.size, 64 * 1024 - 16);
	}
	namepool_free(&np);
	return test_done("t_namepool");
}
