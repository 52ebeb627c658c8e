/* quality.h - the data-quality checks of a run's prices (plausible.h)
 * applied to a loaded price set, and the notes they leave.
 *
 * For every series: days after the last acceptable date are refused
 * (removed, and a note says so); suspected bad prints and unadjusted
 * splits are noted, and with the job's policy "exclude" their returns are
 * dropped: a bad print's day is removed (its two returns become one), the
 * history before a suspected split is scaled by the jump so that the
 * jump's return is zero. With "flag" the prices stay as they are.
 */
#ifndef CONVEX_QUALITY_H
#define CONVEX_QUALITY_H

#include <stddef.h>
#include <stdint.h>

#include "plausible.h"
#include "prices.h"

/* Bytes of one symbol's note ("suspected bad print on 2001-05-03 (54.1 ->
 * 541); ..."); longer notes end with "...". */
#define QUALITY_NOTE_MAX 512

struct quality_note {
	char symbol[PRICES_SYMBOL_MAX + 1];
	size_t future;      /* days refused: after the last acceptable date */
	size_t suspects;    /* suspected bad prints and splits */
	char text[QUALITY_NOTE_MAX];
};

struct quality_report {
	struct quality_note *notes;   /* one per symbol with something to say */
	size_t n;
};

/* Check every series of `p` at Unix time `now` with `o` and edit `p` as
 * above. Fills *qr (caller releases). Never fails (aborts on OOM). */
void quality_apply(struct prices *p, const struct plausible_opts *o,
		   int64_t now, struct quality_report *qr);

/* The note of `symbol`, or NULL. */
const struct quality_note *quality_find(const struct quality_report *qr,
					const char *symbol);

void quality_report_release(struct quality_report *qr);

#endif
