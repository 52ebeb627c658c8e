/* stats_json.h - the deep dive of one pair as a jansson JSON object.
 *
 * The shape (keys in this order; numbers at full precision when dumped with
 * JSON_REAL_PRECISION(17); null where stats.h has no value):
 *
 *   {"a":"SBI","b":"SPI","as_of":"2007-05-08","start":"2002-05-09",
 *    "observations":1304,
 *    "corr":{"30d":r,"90d":r,"1y":r,"5y":r},
 *    "n":{"30d":30,"90d":90,"1y":252,"5y":1260},
 *    "ci95":{"30d":[lo,hi],...},
 *    "labels":{"30d":"Weak negative",...},
 *    "one_year":{"r":r,"r2":r2,"beta":b,"vol_a":sa,"vol_b":sb,"n":252},
 *    "shift":{"delta":d,"baseline_r":r,"baseline_n":1170,"z":z,"p":p},
 *    "years":[{"year":2007,"n":92,"r":r},...],
 *    "rolling90":{"max":{"r":r,"end":"YYYY-MM-DD"},
 *                 "min":{"r":r,"end":"YYYY-MM-DD"}}}
 *
 * A window that is not full has null in corr, n, ci95 and labels; a
 * 1-year window that is not full makes every field of one_year null.
 * Volatilities are daily log-return standard deviations (not in percent).
 *
 * This module is the only one of the statistics that includes jansson.h;
 * report.json embeds the object as it is.
 */
#ifndef CONVEX_STATS_JSON_H
#define CONVEX_STATS_JSON_H

#include <jansson.h>

#include "stats.h"

/* Dump flags that print the object as convex does (compact, 17 digits). */
#define STATS_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(17))

/* A new JSON object for `s`. Returns a new reference (caller json_decref()s
 * it, or hands it to json_object_set_new() to give it away), or NULL when
 * out of memory. Never contains NaN or infinity. */
json_t *stats_to_json(const struct pair_stats *s);

#endif
