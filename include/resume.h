/* resume.h - what a run directory records for resuming its delivery.
 *
 * `convex run` writes RUNDIR/resume.json before the directory is
 * committed: the job file's absolute path and the transport the digest
 * was to go by (the SMTP URL and CA file, or .eml files). `convex send
 * RUNDIR` reads it back, so resuming needs nothing but the directory and
 * never switches transport silently. Credentials are never recorded: they
 * stay in the environment.
 */
#ifndef CONVEX_RESUME_H
#define CONVEX_RESUME_H

#include "err.h"
#include "job.h"

/* Longest path or URL recorded (PATH_MAX; a longer one is refused). */
#define RESUME_FIELD_MAX 4096
#define RESUME_FILE "resume.json"

struct resume {
	char job[RESUME_FIELD_MAX];      /* absolute path of the job file */
	char smtp_url[RESUME_FIELD_MAX]; /* "" : .eml files */
	char smtp_ca[RESUME_FIELD_MAX];  /* "" : the system's CAs */
};

/* Write DIR/resume.json for `job` as it will be delivered (after --smtp
 * and --out were applied). Returns 0, or -1 with `e` set (CX_ECANTCREAT,
 * CX_EIO; CX_ENOINPUT when the job file's absolute path can't be found). */
int resume_write(const char *dir, const struct job *job, struct cx_error *e);

/* Read RUNDIR/resume.json into `r`. Returns 0; 1 when the directory has
 * none (made by convex before 0.3, or a shard); -1 with `e` set
 * (CX_EDATA: malformed, naming the file). */
int resume_read(const char *rundir, struct resume *r, struct cx_error *e);

/* The transport `job` will use, for summaries: its SMTP URL, or
 * ".eml files". Never NULL; points into `job`. */
const char *resume_transport(const struct job *job);

#endif
