/* merge.c - `convex merge`: the shards of a run assembled into the run
 * (run.h). The shards' results replace the prices and statistics; every
 * later stage is run.c's. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "progress.h"
#include "quality.h"
#include "run_stages.h"
#include "runlock.h"
#include "xalloc.h"

static int read_shards(struct run *r, struct cx_error *e)
{
	int n = r->args.nshard_dirs;
	struct shard_result **byk;

	struct progress pg;
	int got = 0;

	r->shards = xcalloc((size_t)n, sizeof *r->shards);
	progress_init(&pg, "shards", (size_t)n);
	for (; got < n && (r->shards[got] = shard_read(r->args.shard_dirs[got], e)) != NULL; got++)
		progress_step(&pg);
	progress_release(&pg);
	if (got < n)
		return -1;
	const struct shard_result *s0 = r->shards[0];
	for (int i = 0; i < n; i++) {
		const struct shard_result *s = r->shards[i];
		char d0[DATE_STR_SIZE], d[DATE_STR_SIZE];
		if (s->spec.n != s0->spec.n)
			return cx_fail(e, CX_EDATA, "%s: shard %u of %u, but %s is a shard of %u; all shards must be of the same N",
				       s->dir, s->spec.k, s->spec.n, s0->dir, s0->spec.n);
		if (strcmp(s->job_sha256, s0->job_sha256) != 0 || s->watchlist != s0->watchlist)
			return cx_fail(e, CX_EDATA, "%s: a shard of another job (or of another version of %s) than %s",
				       s->dir, s0->job_path, s0->dir);
		if (s->as_of != s0->as_of)
			return cx_fail(e, CX_EDATA, "%s: a shard as of %s, but %s is as of %s; all shards must be of the same day",
				       s->dir, date_format(s->as_of, d), s0->dir, date_format(s0->as_of, d0));
		if (!shard_same_inputs(s, s0))
			return cx_fail(e, CX_EDATA, "%s and %s saw different prices (assets or problems differ); rerun the shards on the same inputs",
				       s->dir, s0->dir);
	}
	unsigned total = s0->spec.n;
	byk = xcalloc(total, sizeof *byk);
	for (int i = 0; i < n; i++) {
		unsigned k = r->shards[i]->spec.k;
		if (byk[k - 1] != NULL) {
			cx_fail(e, CX_EUSAGE, "shard %u of %u given twice: %s and %s", k, total, byk[k - 1]->dir, r->shards[i]->dir);
			free(byk);
			return -1;
		}
		byk[k - 1] = r->shards[i];
	}
	for (unsigned k = 0; k < total; k++)
		if (byk[k] == NULL) {
			cx_fail(e, CX_ENOINPUT, "shard %u of %u is missing (%d of %u given); a failed shard must be rerun before the merge",
				k + 1, total, n, total);
			free(byk);
			return -1;
		}
	memcpy(r->shards, byk, total * sizeof *byk);
	free(byk);
	return 0;
}

/* The job the shards ran, byte for byte. */
static int merge_job(struct run *r, const char *override, struct cx_error *e)
{
	const struct shard_result *s0 = r->shards[0];
	const char *path = override ? override : s0->job_path;
	char sha[65];

	if (shard_file_sha256(path, sha, e) != 0)
		return -1;
	if (strcmp(sha, s0->job_sha256) != 0)
		return cx_fail(e, CX_EDATA, "%s: not the job file the shards ran (its SHA-256 differs from the one in %s/%s)",
			       path, s0->dir, SHARD_FILE);
	if ((r->job = job_load(path, e)) == NULL)
		return -1;
	/* Without --out the run goes beside its shards, as `send` finds a
	 * run's outputs beside its directory. */
	char *parent = xstrdup(s0->dir);
	job_set_out(r->job, r->args.out != NULL ? r->args.out : dirname(parent));
	free(parent);
	if (job_check_env(r->job, r->args.no_mail ? 0 : JOB_ENV_MAIL, e) != 0)
		return -1;
	r->rep.job = r->job;
	if (r->job->npairs != s0->watchlist)
		return cx_fail(e, CX_EDATA, "%s: %zu watchlist pairs, the shards had %zu", path, r->job->npairs, s0->watchlist);
	return 0;
}

/* The data-quality notes the shards wrote, as the run keeps them
 * (r->quality: the report's assets and the deep dives point into it). */
static void merge_quality(struct run *r, const struct shard_result *s0)
{
	r->quality.notes = xcalloc(s0->nassets + 1, sizeof *r->quality.notes);
	r->quality.n = 0;
	for (size_t k = 0; k < s0->nassets; k++) {
		const struct shard_asset *x = &s0->assets[k];
		if (x->quality == NULL)
			continue;
		struct quality_note *q = &r->quality.notes[r->quality.n++];
		snprintf(q->symbol, sizeof q->symbol, "%s", x->symbol);
		snprintf(q->text, sizeof q->text, "%s", x->quality);
	}
}

/* The run's assets and problems as the shards saw them. */
static int merge_assets(struct run *r, struct cx_error *e)
{
	const struct shard_result *s0 = r->shards[0];
	const struct job *j = r->job;

	r->rep.as_of = s0->as_of;
	merge_quality(r, s0);
	r->rep.assets = xcalloc(j->nassets, sizeof *r->rep.assets);
	for (size_t i = 0; i < j->nassets; i++) {
		if (!run_in_watchlist(j, j->assets[i].symbol))
			continue;
		size_t k = r->rep.nassets;
		if (k >= s0->nassets || strcmp(s0->assets[k].symbol, j->assets[i].symbol) != 0)
			return cx_fail(e, CX_EDATA, "%s/%s: the assets differ from the job's", s0->dir, SHARD_FILE);
		struct report_asset *a = &r->rep.assets[r->rep.nassets++];
		const struct shard_asset *x = &s0->assets[k];
		const struct quality_note *qn = quality_find(&r->quality, x->symbol);
		*a = (struct report_asset){.asset = &j->assets[i], .has_prices = x->has_prices, .first = x->first,
					   .last = x->last, .stale = x->stale, .days = x->days,
					   .quality = qn != NULL ? qn->text : NULL};
	}
	for (size_t i = 0; i < s0->nproblems; i++)
		run_keep_problem(r, s0->problems[i]);
	/* The heatmap as the shards computed it from the prices they saw (all
	 * the same: shard_same_inputs); its indices are into the same assets. */
	r->rep.heatmap = s0->heatmap;
	memset(&r->shards[0]->heatmap, 0, sizeof r->shards[0]->heatmap);
	for (size_t i = 0; i < r->rep.heatmap.n; i++)
		if (r->rep.heatmap.idx[i] >= r->rep.nassets)
			return cx_fail(e, CX_EDATA, "%s/%s: the heatmap names an asset the job does not watch", s0->dir, SHARD_FILE);
	return 0;
}

/* Whether shard k of total may hand in `sp`: a pair of the job, in its
 * place, owned by that shard, not handed in before. */
static bool belongs(const struct run *r, const struct shard_pair *sp,
		    unsigned k, unsigned total, const bool *seen)
{
	if (sp->index >= r->rep.npairs || seen[sp->index])
		return false;
	const struct job_pair *jp = r->rep.pairs[sp->index].jp;
	return jp != NULL && strcmp(sp->id, jp->id) == 0 &&
	       shard_of(sp->id, total) == k + 1;
}

/* Every pair from the shard that owns it, exactly once. The statistics
 * move from the shard result into the report. */
static int merge_pairs(struct run *r, struct cx_error *e)
{
	size_t n = r->rep.npairs;
	unsigned total = r->shards[0]->spec.n;

	r->owner = xcalloc(n, sizeof *r->owner);
	bool *seen = xcalloc(n, sizeof *seen);
	for (unsigned k = 0; k < total; k++) {
		struct shard_result *s = r->shards[k];
		for (size_t i = 0; i < s->npairs; i++) {
			struct shard_pair *sp = &s->pairs[i];
			if (!belongs(r, sp, k, total, seen)) {
				free(seen);
				return cx_fail(e, CX_EDATA, "%s/%s: pair \"%s\" does not belong to shard %u of %u at position %zu",
					       s->dir, SHARD_FILE, sp->id, k + 1, total, sp->index);
			}
			struct report_pair *p = &r->rep.pairs[sp->index];
			seen[sp->index] = true;
			r->owner[sp->index] = k;
			p->ok = sp->ok;
			snprintf(p->reason, sizeof p->reason, "%s", sp->reason);
			if (sp->ok) {
				p->st = sp->st;
				p->st.a = p->jp->a, p->st.b = p->jp->b;
				memset(&sp->st, 0, sizeof sp->st);
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		if (!seen[i]) {
			free(seen);
			return cx_fail(e, CX_EDATA, "pair \"%s\" is in none of the shards (shard %u of %u should have it)",
				       r->rep.pairs[i].jp->id, shard_of(r->rep.pairs[i].jp->id, total), total);
		}
	free(seen);
	return 0;
}

static int merge_model(struct run *r, const char *job, struct cx_error *e)
{
	double t = run_stage_begin("merge");

	if (read_shards(r, e) != 0 || merge_job(r, job, e) != 0 || merge_assets(r, e) != 0)
		return -1;
	run_make_pairs(r);
	if (merge_pairs(r, e) != 0)
		return -1;
	for (size_t i = 0; i < r->rep.npairs; i++)
		if (r->rep.pairs[i].ok)
			stats_month_ends(&r->rep.pairs[i].st);
	run_rank_pairs(r);
	run_relate_pairs(r);
	if (run_plan(r, e) != 0)
		return -1;
	run_stage_end(r, "merge", t, r->rep.npairs, "pair", "pairs");
	return 0;
}


int run_merge(const struct run_args *a)
{
	struct run r = {.args = *a};
	struct runlock lock = {-1};
	struct cx_error e;
	int status;

	cx_error_clear(&e);
	r.rj = runjson_new("merge");
	r.t0 = runjson_now();
	if (merge_model(&r, a->job, &e) != 0) {
		run_release(&r);
		return cmd_fail(&e);
	}
	runjson_set(r.rj, "job", r.job->name);
	runjson_set(r.rj, "job_file", r.job->path);
	const char *out = r.job->outputs.dir;
	if (runlock_acquire(&lock, out, r.job->name, &e) != 0) {
		status = cmd_fail(&e);
		goto done;
	}
	int failed = rundir_begin(&r.dir, out, r.rep.as_of, &e) != 0 || run_deliver(&r, &e) != 0;
	status = run_conclude(&r, failed, &e);
done:
	runlock_release(&lock);
	run_release(&r);
	return status;
}
