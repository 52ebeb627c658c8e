/* run.h - a run of a job, and the merge of a sharded run.
 *
 * run_job is the pipeline, stage by stage (run.c):
 *   job -> lock -> prices (fetch, files; once for all symbols) -> assets
 *   (last price, staleness) -> pair statistics (N threads) -> ranking + BH
 *   -> related pairs -> run directory (charts and PDFs in N threads,
 *   report.xml/json, manifest) renamed into place -> archive -> mail ->
 *   summary.
 * run_merge (merge.c) reads the shards' results instead of the prices and
 * statistics, then shares every later stage with run_job.
 * Both print their errors, the summary and write run.json; they return the
 * exit status (sysexits.h, err.h; 3 when some pairs were skipped or mail
 * deferred).
 */
#ifndef CONVEX_RUN_H
#define CONVEX_RUN_H

#include <stdbool.h>

#include "date.h"
#include "shard.h"

#define RUN_TIMEOUT_MAX_S 3600   /* --timeout */

/* What the command line asks for; the strings belong to the caller. */
struct run_args {
	const char *job;
	cx_date as_of;
	const char *out;
	int threads;
	bool no_mail, offline;
	int timeout;                  /* --timeout: seconds per request; 0: the job's */
	const char *smtp, *smtp_ca;   /* --smtp, --smtp-ca-file (job_set_smtp) */
	struct shard_spec shard;      /* n == 0: the whole watchlist */
	char **shard_dirs;            /* merge: the shards' run directories */
	int nshard_dirs;
};

/* Run the job a->job. Returns the exit status. */
int run_job(const struct run_args *a);

/* Assemble the shard directories a->shard_dirs into the run; the job is
 * a->job, else the path the shards recorded. Returns the exit status. */
int run_merge(const struct run_args *a);

#endif
