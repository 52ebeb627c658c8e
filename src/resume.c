/* resume.c - RUNDIR/resume.json (jansson); see resume.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "atomicfile.h"
#include "resume.h"

/* resume.json is a few paths: anything larger is not ours. */
#define RESUME_FILE_MAX 65536

const char *resume_transport(const struct job *job)
{
	if (job->digest.has_smtp && job->digest.smtp.url != NULL)
		return job->digest.smtp.url;
	return ".eml files";
}

static json_t *record_of(const struct job *job, const char *abs_job)
{
	const struct job_smtp *s = &job->digest.smtp;
	bool smtp = job->digest.has_smtp && s->url != NULL;
	char ca[PATH_MAX];

	if (smtp && s->ca_file != NULL && realpath(s->ca_file, ca) == NULL)
		snprintf(ca, sizeof ca, "%s", s->ca_file);
	return json_pack("{s:i, s:s, s:s, s:s?, s:s?}", "version", 1, "job", abs_job,
			 "transport", smtp ? "smtp" : "eml", "smtp_url", smtp ? s->url : NULL,
			 "smtp_ca_file", smtp && s->ca_file != NULL ? ca : NULL);
}

int resume_write(const char *dir, const struct job *job, struct cx_error *e)
{
	char abs_job[PATH_MAX], path[RESUME_FIELD_MAX + 16];

	if (realpath(job->path, abs_job) == NULL)
		return cx_fail(e, CX_ENOINPUT, "%s: cannot find the job file's absolute path", job->path);
	json_t *root = record_of(job, abs_job);
	char *text = root != NULL ? json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
	json_decref(root);
	if (text == NULL)
		return cx_fail(e, CX_EIO, "%s: cannot encode %s", dir, RESUME_FILE);
	snprintf(path, sizeof path, "%s/%s", dir, RESUME_FILE);
	size_t n = strlen(text);
	text[n] = '\n';    /* json_dumps leaves room only for the NUL: rewrite it */
	int rc = atomicfile_write(path, text, n + 1, ATOMICFILE_REPLACE, e);
	free(text);
	return rc < 0 ? -1 : 0;
}

static int copy_field(json_t *root, const char *key, char *dst, const char *path,
		      struct cx_error *e)
{
	json_t *v = json_object_get(root, key);

	dst[0] = '\0';
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) >= RESUME_FIELD_MAX)
		return cx_fail(e, CX_EDATA, "%s: \"%s\" is not a path or URL", path, key);
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

int resume_read(const char *rundir, struct resume *r, struct cx_error *e)
{
	char path[RESUME_FIELD_MAX + 16];
	json_error_t je;

	memset(r, 0, sizeof *r);
	snprintf(path, sizeof path, "%s/%s", rundir, RESUME_FILE);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return 1;
	json_t *root = json_loadf(f, 0, &je);
	long size = ftell(f);
	fclose(f);
	if (root == NULL || !json_is_object(root) || size > RESUME_FILE_MAX) {
		json_decref(root);
		return cx_fail(e, CX_EDATA, "%s:%d: not a resume record", path, je.line);
	}
	int rc = copy_field(root, "job", r->job, path, e) != 0 ||
		 copy_field(root, "smtp_url", r->smtp_url, path, e) != 0 ||
		 copy_field(root, "smtp_ca_file", r->smtp_ca, path, e) != 0 ? -1 : 0;
	json_decref(root);
	if (rc == 0 && r->job[0] == '\0')
		rc = cx_fail(e, CX_EDATA, "%s: no \"job\"", path);
	return rc;
}
