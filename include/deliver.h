/* deliver.h - the digest of one run directory, to every subscriber.
 *
 * For each subscriber of the job (subscribers.h) not on the suppression
 * list: apply the templates (templates/digest-{subject,text,html}.xsl) to
 * RUNDIR/report.xml with the subscriber's values as string parameters,
 * build the message (mail.h) and
 *  - without <smtp> in the job: write it to RUNDIR/mail/ADDRESS.eml;
 *  - with <smtp>: send it (smtp.h) through up to <smtp connections>
 *    parallel connections (sendpool.h) under the ledger's protocol
 *    (ledger.h): queued -> sending -> sent/deferred/unknown/failed, in
 *    groups of DELIVER_GROUP messages per ledger commit. A 4xx or a failure
 *    before the final dot is retried a few times, then left "deferred"; a
 *    5xx is "failed"; no reply after the final dot is "unknown" (not sent
 *    again in this run). The relay's circuit breaker (relay.h) stops the
 *    batch after RELAY_TRIPS relay failures in a row, leaving the rest
 *    queued. The exact bytes of each accepted message go to
 *    ARCHIVE/YYYY/MM/DD/mail/ with a line in its manifest.tsv
 *    (mailarchive.h); on every start the archive and manifest are
 *    reconciled with the ledger first.
 * The web edition the messages link to is published before, by the caller
 * (site_publish_job in `convex run` and `convex send`).
 */
#ifndef CONVEX_DELIVER_H
#define CONVEX_DELIVER_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "job.h"

struct deliver_summary {
	size_t subscribers;   /* distinct addresses in the file */
	size_t suppressed;    /* skipped: on the suppression list */
	size_t written;       /* .eml files written (no SMTP) */
	size_t sent;          /* accepted by the server in this run */
	size_t already;       /* accepted in an earlier run: not sent again */
	size_t deferred;      /* 4xx / dropped after the retries: next run */
	size_t failed;        /* 5xx, now or in an earlier run: never retried */
	size_t unknown;       /* no reply after the final dot: the next run sends
				 them again with the same Message-ID */
	size_t pending;       /* still queued: not attempted because the batch
				 stopped (or the relay failed with the breaker open) */
	size_t skipped;       /* bad subscriber/suppression rows and messages
				 that could not be built: reported, skipped */
	size_t unmatched;     /* messages to subscribers naming a pair or group
				 not in today's report (each warned) */
	int relay_down;       /* the relay's circuit breaker stopped the batch */
	char transport[256];  /* the relay's URL; "" for .eml files */
	double send_seconds;  /* wall time inside SMTP transactions (run.json) */
};

/* Deliver the digest of the run in `run_dir`
 * (OUT/YYYY-MM-DD, with report.xml and charts/) for `job`.
 * Returns 0 when every message was written or accepted, 1 when some were
 * deferred, unknown or failed or bad rows were skipped (the summary says which; exit status 3), -1
 * with `e` set when the batch could not run or stopped: CX_ECONFIG (a
 * setting or environment variable missing, CA file unreadable), CX_EDATA
 * (subscriber file), CX_ENOPERM (AUTH refused), CX_EPROTOCOL (no STARTTLS,
 * certificate refused), CX_ETEMPFAIL (relay down: the circuit breaker
 * opened; or another delivery holds the ledger). After a
 * stop, nothing is lost: the next run or `convex send` sends the rest. */
int deliver_digest(const struct job *job, const char *run_dir,
		   struct deliver_summary *sum, struct cx_error *e);

/* One line: "mail: 4 sent, 1 deferred, 0 failed, 1 suppressed, 2 already sent". */
void deliver_summary_print(FILE *f, const struct deliver_summary *sum);

#endif
