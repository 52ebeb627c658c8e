/* runjson.h - run.json: what happened during one run, for diagnosing a slow
 * or failed morning after the fact.
 *
 * run.json sits in the run directory next to report.xml. It is the one file
 * that differs between two runs of the same inputs (times, host, pid), so
 * it is left out of manifest.sha256 (manifest.h). Shape:
 *   {"convex_version":"0.1.0","command":"run","job":"demo","job_file":"..",
 *    "host":"..","pid":1234,"shard":"2/3" or null,"as_of":"2007-05-08",
 *    "started":"2026-11-25T07:00:01Z","finished":"..","seconds":12.3,
 *    "exit_status":0,"error":null or "the message",
 *    "stages":{"load":0.12,"fetch":0.0,"stats":0.3,"charts":4.1,"pdfs":6.2,
 *              "merge":..,"archive":0.1,"mail":0.4},
 *    "counts":{"pairs":..,"pairs_done":..,..},
 *    "warnings_total":2,"warnings":["..",".."]}
 * Stages appear in the order they were first timed; counts likewise.
 */
#ifndef CONVEX_RUNJSON_H
#define CONVEX_RUNJSON_H

#include <stddef.h>

#include "err.h"

#define RUNJSON_NAME "run.json"

struct runjson;

/* A new record of command `command` ("run", "merge"), started now.
 * Aborts when out of memory. Free with runjson_free. */
struct runjson *runjson_new(const char *command);
void runjson_free(struct runjson *r);

/* Seconds on the monotonic clock (for stage timings). */
double runjson_now(void);

/* Add `seconds` to stage `name` (created at 0 on first use). */
void runjson_stage(struct runjson *r, const char *name, double seconds);
/* Set count `name` to v. */
void runjson_count(struct runjson *r, const char *name, size_t v);
/* Set string field `key` (job, job_file, shard, as_of); NULL writes null. */
void runjson_set(struct runjson *r, const char *key, const char *value);

/* Write dir/run.json (atomically: a temporary name, then rename) with the
 * end time now, `exit_status`, `error` (NULL: none) and every warning the
 * log kept (log.h). Returns 0, or -1 with `e` set (CX_ECANTCREAT). */
int runjson_write(struct runjson *r, const char *dir, int exit_status,
		  const char *error, struct cx_error *e);

#endif
