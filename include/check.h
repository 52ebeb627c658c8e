/* check.h - `convex check`: a job's inputs, without running it. */
#ifndef CONVEX_CHECK_H
#define CONVEX_CHECK_H

#include "err.h"
#include "job.h"

/* Whether the job's inputs are there: every price file loads, every
 * watchlist symbol has prices (a file or an HTTP source), the subscribers
 * and suppression files are readable. Returns 0, or -1 with `e` set to the
 * first problem (CX_ENOINPUT, CX_EDATA); later ones are logged. */
int check_job_inputs(const struct job *j, struct cx_error *e);

#endif
