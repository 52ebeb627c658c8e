/* run_stages.h - the state of a run and the stages run.c shares with
 * merge.c. Internal: not part of the run.h contract. */
#ifndef CONVEX_RUN_STAGES_H
#define CONVEX_RUN_STAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "deliver.h"
#include "err.h"
#include "job.h"
#include "prices.h"
#include "quality.h"
#include "report.h"
#include "run.h"
#include "rundir.h"
#include "runjson.h"
#include "shard.h"

#define RUN_PROBLEMS_MAX  1000   /* bad-day lines kept for the summary */

/* Everything one run holds; freed by run_release. */
struct run {
	struct run_args args;
	struct job *job;
	struct prices *prices;
	struct quality_report quality;   /* data-quality notes (quality.h) */
	struct report rep;
	char *problems[RUN_PROBLEMS_MAX];   /* files that failed, fetch trouble */
	size_t nproblems;
	struct rundir dir;
	size_t archived_new, archived_same;
	bool archive_failed;
	long long created;            /* the PDFs' creation time (archive_day_created) */
	struct deliver_summary mail;
	bool mailed, mail_partial;
	bool committed;
	struct runjson *rj;           /* run.json */
	/* a shard (--shard K/N): the pairs whose files it writes, and the
	 * pairs whose statistics it needs (those plus every pair sharing a
	 * symbol with one of them, for the deep dives' related pairs) */
	bool *in_slice, *needed;
	char job_sha[65];
	double t0;
	/* the merge: the shards by K-1, and the shard of each pair */
	struct shard_result **shards;
	size_t *owner;
};

/* A stage begins: one -v line; returns its start time (runjson_now). */
double run_stage_begin(const char *name);
/* The stage that began at t0 ended: its time into run.json and one -v line
 * with the duration and n `one`/`many` (the count left out when one is
 * NULL). */
void run_stage_end(struct run *r, const char *name, double t0, size_t n, const char *one,
		   const char *many);
/* Keep a copy of `line` for the summary (the first RUN_PROBLEMS_MAX). */
void run_keep_problem(struct run *r, const char *line);
/* Whether a watchlist pair names `sym`. */
bool run_in_watchlist(const struct job *j, const char *sym);
/* The report's pairs, one per watchlist pair, in job order. */
void run_make_pairs(struct run *r);
/* The statistics of pair i with their history: the pair's own when it
 * has one (a shard, a merge), else recomputed into *tmp (the run drops
 * histories once the statistics are done). The caller releases *tmp with
 * stats_release (zeroed when unused). NULL with `e` set on failure. */
const struct pair_stats *run_history(struct run *r, size_t i, struct pair_stats *tmp,
				     struct cx_error *e);
/* The publication plan (plan.h) of the ranked pairs: which email charts
 * are drawn. Returns 0, or -1 with e set. */
int run_plan(struct run *r, struct cx_error *e);
/* The regime-shift ranking with its Benjamini-Hochberg correction. */
void run_rank_pairs(struct run *r);
/* Each ok pair's related pairs (sharing a symbol), most shifted first. */
void run_relate_pairs(struct run *r);
/* From the computed model: the run directory's files, committed, then the
 * archive and the mail. Returns 0, or -1 with `e` set. */
int run_deliver(struct run *r, struct cx_error *e);
/* The summary, run.json and the exit status after the work. */
int run_conclude(struct run *r, int failed, const struct cx_error *e);
/* Free what the run holds (not the struct itself). */
void run_release(struct run *r);

#endif
