/*
 * t_modseq.c: unit tests for the expunge history of modseq.c: adjacent
 * expunges merge, the history holds LIMIT_EXPUNGE_HISTORY ranges, and one
 * more folds the older half into the floor (the highest modseq folded).
 */
#include <stdint.h>
#include <string.h>

#include "mdlimits.h"
#include "modseq.h"
#include "test.h"

int
main(void)
{
	struct modseq_state	ms;
	uint32_t		i;

	memset(&ms, 0, sizeof(ms));
	/* adjacent UIDs, later modseq: one range with the later modseq */
	modseq_x_add(&ms, 1, 1, 10);
	modseq_x_add(&ms, 2, 3, 11);
	CHECK_INT(ms.nx, 1);
	CHECK_INT(ms.x[0].lo, 1);
	CHECK_INT(ms.x[0].hi, 3);
	CHECK_INT(ms.x[0].modseq, 11);
	/* not adjacent: another range */
	modseq_x_add(&ms, 5, 5, 12);
	CHECK_INT(ms.nx, 2);
	modseq_free(&ms);

	/* at the limit: all kept, no floor */
	for (i = 0; i < LIMIT_EXPUNGE_HISTORY; i++)
		modseq_x_add(&ms, 2 * i + 1, 2 * i + 1, 100 + i);
	CHECK_INT(ms.nx, LIMIT_EXPUNGE_HISTORY);
	CHECK_INT(ms.floor, 0);
	CHECK_INT(ms.summarised, 0);
	/* past it: the older half folded into the floor */
	modseq_x_add(&ms, 2 * i + 1, 2 * i + 1, 100 + i);
	CHECK_INT(ms.nx, LIMIT_EXPUNGE_HISTORY / 2 + 1);
	CHECK_INT(ms.floor, 100 + LIMIT_EXPUNGE_HISTORY / 2 - 1);
	CHECK_INT(ms.summarised, 1);
	CHECK_INT(ms.x[0].lo, 2 * (LIMIT_EXPUNGE_HISTORY / 2) + 1);
	CHECK_INT(ms.x[ms.nx - 1].modseq, 100 + LIMIT_EXPUNGE_HISTORY);
	modseq_free(&ms);
	CHECK(ms.x == NULL && ms.nx == 0);
	return test_done("t_modseq");
}
