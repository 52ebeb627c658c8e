/* plan.c - the publication plan (plan.h). */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "paths.h"
#include "plan.h"
#include "subscribers.h"
#include "template.h"

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

static bool follows(const struct subscriber *s, const struct report_pair *p)
{
	for (size_t t = 0; t < s->npairs; t++)
		if (job_selector_matches(s->pairs[t], p->jp->a, p->jp->b, p->a->group, p->b->group))
			return true;
	return false;
}

/* Mark the first `full` pairs of subscriber s in rank order: `byrank` is
 * the computed pairs' indices by rank. */
static void mark_subscriber(struct report *rep, const size_t *byrank, size_t n,
			    const struct subscriber *s, size_t full)
{
	for (size_t k = 0, shown = 0; k < n && shown < full; k++) {
		struct report_pair *p = &rep->pairs[byrank[k]];
		if (s->npairs == 0 || follows(s, p)) {
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
