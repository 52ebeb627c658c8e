/* deliver.h - the digest of one run directory, to every subscriber.
 *
 * For each subscriber of the job (subscribers.h) not on the suppression
 * list: apply the templates (templates/digest-{subject,text,html}.xsl) to
 * RUNDIR/report.xml with the subscriber's values as string parameters,
 * build the message (mail.h) and
 *  - without <smtp> in the job: write it to RUNDIR/mail/ADDRESS.eml;
 *  - with <smtp>: send it (smtp.h) under the exactly-once protocol of the
 *    ledger (ledger.h): queued -> sending -> sent/deferred/failed, a 4xx or
 *    a dropped connection retried DELIVER_RETRIES times with exponential
 *    backoff, then left "deferred" for the next run; a 5xx "failed". The
 *    exact bytes of each accepted message go to ARCHIVE/YYYY/MM/DD/mail/
 *    with a line in its manifest.tsv (time, recipient, Message-ID, file,
 *    SHA-256, reply code).
 * The web edition the messages link to is published before, by the caller
 * (site_publish_job in `convex run` and `convex send`).
 */
#ifndef CONVEX_DELIVER_H
#define CONVEX_DELIVER_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "job.h"

/* Attempts per message in one run for 4xx replies and dropped
 * connections, and the first pause between them (doubled each time,
 * capped at DELIVER_BACKOFF_MAX_MS): a relay that is busy gets a few
 * seconds, a relay that is down costs a run under a minute. */
#define DELIVER_RETRIES        4
#define DELIVER_BACKOFF_MS     250
#define DELIVER_BACKOFF_MAX_MS 8000

struct deliver_summary {
	size_t subscribers;   /* distinct addresses in the file */
	size_t suppressed;    /* skipped: on the suppression list */
	size_t written;       /* .eml files written (no SMTP) */
	size_t sent;          /* accepted by the server in this run */
	size_t already;       /* accepted in an earlier run: not sent again */
	size_t deferred;      /* 4xx / dropped after the retries: next run */
	size_t failed;        /* 5xx, now or in an earlier run: never retried */
	size_t pending;       /* not attempted because the batch stopped */
	double send_seconds;  /* wall time inside SMTP transactions (run.json) */
};

/* Deliver the digest of the run in `run_dir`
 * (OUT/YYYY-MM-DD, with report.xml and charts/) for `job`.
 * Returns 0 when every message was written or accepted, 1 when some were
 * deferred or failed (the summary says which; exit status 3), -1 with `e`
 * set when the batch could not run or stopped: CX_ECONFIG (a setting or
 * environment variable missing), CX_EDATA (subscriber file), CX_ENOPERM
 * (AUTH refused), CX_EPROTOCOL (no STARTTLS), CX_EUNAVAILABLE (relay
 * unreachable), CX_ETEMPFAIL (another delivery holds the ledger). After a
 * stop, nothing is lost: the next run or `convex send` sends the rest. */
int deliver_digest(const struct job *job, const char *run_dir,
		   struct deliver_summary *sum, struct cx_error *e);

/* One line: "mail: 4 sent, 1 deferred, 0 failed, 1 suppressed, 2 already sent". */
void deliver_summary_print(FILE *f, const struct deliver_summary *sum);

#endif
