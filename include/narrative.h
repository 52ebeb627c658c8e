/* narrative.h - the words of a deep dive: the sentences that turn a pair's
 * numbers into prose. One source for the PDF, report.xml and the emails, so
 * every medium says the same thing.
 *
 * Every function writes a NUL-terminated UTF-8 sentence into buf (cut to
 * size, never overflowing) and returns buf. Names are the assets' long names
 * (or symbols when there is none).
 */
#ifndef CONVEX_NARRATIVE_H
#define CONVEX_NARRATIVE_H

#include <stddef.h>

#include "stats.h"

/* Longest sentence or paragraph a narrative function writes. */
#define NARRATIVE_MAX 1024

/* Regime of the recent-vs-long-run shift. Thresholds (documented in the
 * README and the PDF's methodology): |delta| >= 0.30 and p < 0.05 is
 * "material"; |delta| >= 0.10 is "modest"; below that, "stable". */
enum regime {
	REGIME_NONE,            /* no delta (a window is missing) */
	REGIME_STABLE,
	REGIME_STRENGTHENED_MODESTLY,
	REGIME_STRENGTHENED_MATERIALLY,
	REGIME_WEAKENED_MODESTLY,
	REGIME_WEAKENED_MATERIALLY,
};
#define REGIME_MATERIAL_DELTA 0.30
#define REGIME_MODEST_DELTA   0.10

enum regime narrative_regime(const struct pair_stats *s);
/* "strengthened materially", "weakened modestly", "stable", "n/a". Static. */
const char *narrative_regime_name(enum regime r);

/* "What the number means": the 90-day reading in words. */
char *narrative_meaning(const struct pair_stats *s, const char *name_a,
			const char *name_b, char *buf, size_t size);

/* "Recent vs long-run": "The correlation has strengthened materially. The
 * 90-day reading of 0.54 is 0.46 above the long-run average of 0.09. ..." */
char *narrative_shift(const struct pair_stats *s, char *buf, size_t size);

/* One line for a ranking table: "SBI/SPI: 90-day +0.31 vs +0.02 baseline,
 * strengthened materially (z 4.1)". */
char *narrative_shift_line(const struct pair_stats *s, char *buf, size_t size);

/* The methodology paragraph(s) and the disclaimer. Static strings. */
const char *narrative_methodology(void);
const char *narrative_disclaimer(void);

#endif
