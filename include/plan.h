/* plan.h - the publication plan: which charts of which pairs a run draws.
 *
 * Every computed pair gets its deep-dive PDF (the compliance archive) and
 * the three charts of its web page (rolling@2x, scatter@2x, years@2x:
 * every run publishes the web edition, docs/web.md). The email's rolling
 * chart costs the most to draw (880 x 660 px, quantised) and is read only
 * where a digest shows the pair in full: among the first $full-max
 * (templates/digest-common.xsl) of some subscriber's pairs in rank order.
 * The plan marks those pairs; the others' email chart is not drawn and
 * report.xml names none for them, so their card in a digest has no chart
 * (docs/report-xml.md). */
#ifndef CONVEX_PLAN_H
#define CONVEX_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "job.h"
#include "report.h"

/* The largest $full-max the plan accepts from the templates. */
#define PLAN_FULL_MAX_LIMIT 100

/* Set rep->pairs[i].mail_chart for every pair: true where the digest of
 * some subscriber on job->digest.subscribers shows pair i in full. No
 * digest or no subscribers: none. A subscriber file that cannot be read:
 * every computed pair (the mail stage reports the file itself). Reads
 * how many pairs a digest shows in full from the digest templates.
 * Returns 0, or -1 with `e` set (CX_ESOFTWARE) when the templates do not
 * say or say more than PLAN_FULL_MAX_LIMIT. */
int plan_mail_charts(const struct job *job, struct report *rep, struct cx_error *e);

/* Every computed pair (a shard, which does not know the whole ranking). */
void plan_mail_charts_all(struct report *rep);

/* For `convex send` of a run directory: how many pairs the digests of
 * job's current subscribers show in full have no email chart in
 * RUN_DIR/report.xml (the run planned for the list it read; the list has
 * changed since). Sets *missing (0 without a digest or subscribers, or
 * when the subscriber file cannot be read: the mail stage reports it).
 * Returns 0, or -1 with `e` set when report.xml or the templates cannot be
 * read. */
int plan_check_run(const struct job *job, const char *run_dir, size_t *missing,
		   struct cx_error *e);

#endif
