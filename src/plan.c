/* plan.c - the publication plan (plan.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "paths.h"
#include "plan.h"
#include "subscribers.h"
#include "template.h"
#include "xalloc.h"

/* The stylesheet that says how many pairs a digest shows in full. */
#define PLAN_TEMPLATE "templates/digest-common.xsl"
#define PLAN_FULL_MAX_XPATH \
	"string(/*[local-name()='stylesheet']/*[local-name()='variable'][@name='full-max']/@select)"

static int full_max(size_t *n, struct cx_error *e)
{
	char path[4096];
	struct template_doc *d;
	char *v, *end;
	long k;

	if (paths_data_file(PLAN_TEMPLATE, path, sizeof path) == NULL)
		return cx_fail(e, CX_ECONFIG, "data directory path too long");
	if ((d = template_doc_load(path, e)) == NULL)
		return -1;
	v = template_doc_string(d, PLAN_FULL_MAX_XPATH);
	template_doc_free(d);
	k = v != NULL ? strtol(v, &end, 10) : -1;
	if (v == NULL || end == v || *end != '\0' || k < 0 || k > PLAN_FULL_MAX_LIMIT) {
		cx_fail(e, CX_ESOFTWARE, "%s: no $full-max from 0 to %d (\"%.32s\")", path,
			PLAN_FULL_MAX_LIMIT, v != NULL ? v : "");
		free(v);
		return -1;
	}
	free(v);
	*n = (size_t)k;
	return 0;
}

/* Whether subscriber s follows the pair a/b of groups ga, gb (either may
 * be NULL): one of its selectors names it (no selector: every pair). */
static bool names_pair(const struct subscriber *s, const char *a, const char *b,
		       const char *ga, const char *gb)
{
	if (s->npairs == 0)
		return true;
	for (size_t t = 0; t < s->npairs; t++)
		if (job_selector_matches(s->pairs[t], a, b, ga, gb))
			return true;
	return false;
}

static bool follows(const struct subscriber *s, const struct report_pair *p)
{
	return names_pair(s, p->jp->a, p->jp->b, p->a->group, p->b->group);
}

/* Mark the first `full` pairs of subscriber s in rank order: `byrank` is
 * the computed pairs' indices by rank. */
static void mark_subscriber(struct report *rep, const size_t *byrank, size_t n,
			    const struct subscriber *s, size_t full)
{
	for (size_t k = 0, shown = 0; k < n && shown < full; k++) {
		struct report_pair *p = &rep->pairs[byrank[k]];
		if (follows(s, p)) {
			p->mail_chart = true;
			shown++;
		}
	}
}

void plan_mail_charts_all(struct report *rep)
{
	for (size_t i = 0; i < rep->npairs; i++)
		rep->pairs[i].mail_chart = rep->pairs[i].ok;
}

int plan_mail_charts(const struct job *job, struct report *rep, struct cx_error *e)
{
	const struct job_digest *d = &job->digest;
	struct cx_error le = {CX_OK, ""};
	size_t full = 0;

	for (size_t i = 0; i < rep->npairs; i++)
		rep->pairs[i].mail_chart = false;
	if (!d->present || d->subscribers == NULL)
		return 0;
	if (full_max(&full, e) != 0)
		return -1;
	struct subscribers *subs = subscribers_load_quiet(d->subscribers, &le);
	if (subs == NULL) {
		log_debug("plan: %s: every pair gets the email's chart", le.msg);
		plan_mail_charts_all(rep);
		return 0;
	}
	/* rep->order: the computed pairs by rank (run_rank_pairs) */
	for (size_t k = 0; k < subs->n; k++)
		mark_subscriber(rep, rep->order, rep->nranked, &subs->v[k], full);
	subscribers_free(subs);
	return 0;
}

/* ---- a run directory's report.xml (convex send) ---------------------------- */

/* The pairs of report.xml by rank, with their assets from the job. */
struct rpairs {
	char **v[4];          /* id, a, b, rank of each pair, document order */
	size_t nv[4];
	char **drawn;         /* the ids of the pairs with an email chart */
	size_t n, ndrawn;
	size_t *byrank;
};

#define RP_ID(p, i) ((p)->v[0][i])
#define RP_A(p, i) ((p)->v[1][i])
#define RP_B(p, i) ((p)->v[2][i])

static void rpairs_free(struct rpairs *p)
{
	for (int k = 0; k < 4; k++)
		template_strings_free(p->v[k], p->nv[k]);
	template_strings_free(p->drawn, p->ndrawn);
	free(p->byrank);
}

static int rpairs_read(const struct template_doc *d, struct rpairs *p, struct cx_error *e)
{
	static const char *const xp[] = {"/report/pairs/pair/@id", "/report/pairs/pair/@a",
					 "/report/pairs/pair/@b", "/report/pairs/pair/@rank"};
	for (int k = 0; k < 4; k++)
		if (template_doc_strings(d, xp[k], &p->v[k], &p->nv[k], e) != 0)
			return -1;
	p->n = p->nv[0];
	if (p->nv[1] != p->n || p->nv[2] != p->n || p->nv[3] != p->n)
		return cx_fail(e, CX_EDATA, "report.xml: a pair without id, a, b or rank");
	if (template_doc_strings(d, "/report/pairs/pair[charts/@rolling]/@id", &p->drawn,
				 &p->ndrawn, e) != 0)
		return -1;
	/* ranks are 1..n, one each (run_rank_pairs) */
	p->byrank = xcalloc(p->n ? p->n : 1, sizeof *p->byrank);
	for (size_t i = 0; i < p->n; i++) {
		long r = strtol(p->v[3][i], NULL, 10);
		if (r < 1 || (size_t)r > p->n)
			return cx_fail(e, CX_EDATA, "report.xml: pair %s has rank \"%.16s\"", RP_ID(p, i), p->v[3][i]);
		p->byrank[r - 1] = i;
	}
	return 0;
}

static bool rfollows(const struct job *job, const struct subscriber *s, const struct rpairs *p,
		     size_t i)
{
	const struct job_asset *a = job_find_asset(job, RP_A(p, i)), *b = job_find_asset(job, RP_B(p, i));

	return names_pair(s, RP_A(p, i), RP_B(p, i), a ? a->group : NULL, b ? b->group : NULL);
}

static bool drawn(const struct rpairs *p, size_t i)
{
	for (size_t k = 0; k < p->ndrawn; k++)
		if (strcmp(p->drawn[k], RP_ID(p, i)) == 0)
			return true;
	return false;
}

static size_t count_missing(const struct job *job, const struct subscribers *subs,
			    const struct rpairs *p, size_t full)
{
	bool *want = xcalloc(p->n ? p->n : 1, sizeof *want);
	size_t missing = 0;

	for (size_t k = 0; k < subs->n; k++)
		for (size_t r = 0, shown = 0; r < p->n && shown < full; r++) {
			size_t i = p->byrank[r];
			if (rfollows(job, &subs->v[k], p, i)) {
				want[i] = true;
				shown++;
			}
		}
	for (size_t i = 0; i < p->n; i++)
		missing += want[i] && !drawn(p, i);
	free(want);
	return missing;
}

int plan_check_run(const struct job *job, const char *run_dir, size_t *missing,
		   struct cx_error *e)
{
	const struct job_digest *d = &job->digest;
	struct cx_error le = {CX_OK, ""};
	struct rpairs p = {.n = 0, .ndrawn = 0};
	char path[4096];
	size_t full = 0;
	int rc = -1;

	*missing = 0;
	if (!d->present || d->subscribers == NULL)
		return 0;
	if (full_max(&full, e) != 0)
		return -1;
	struct subscribers *subs = subscribers_load_quiet(d->subscribers, &le);
	if (subs == NULL)
		return 0;
	snprintf(path, sizeof path, "%s/report.xml", run_dir);
	struct template_doc *doc = template_doc_load(path, e);
	if (doc != NULL && rpairs_read(doc, &p, e) == 0) {
		*missing = count_missing(job, subs, &p, full);
		rc = 0;
	}
	rpairs_free(&p);
	template_doc_free(doc);
	subscribers_free(subs);
	return rc;
}
