/* runjson.c - run.json (jansson). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "atomicfile.h"
#include "log.h"
#include "runjson.h"
#include "version.h"
#include "xalloc.h"

#define RUNJSON_PATH_MAX 4096
#define RUNJSON_HOST_MAX 256

struct runjson {
	json_t *root, *stages, *counts;
	time_t started;
	double t0;
};

double runjson_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static json_t *utc(time_t t)
{
	char buf[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

struct runjson *runjson_new(const char *command)
{
	struct runjson *r = xcalloc(1, sizeof *r);
	char host[RUNJSON_HOST_MAX] = "";

	gethostname(host, sizeof host - 1);
	r->started = time(NULL);
	r->t0 = runjson_now();
	r->stages = json_object();
	r->counts = json_object();
	r->root = json_pack("{ss ss so so ss sI so so so}", "convex_version", CONVEX_VERSION,
		"command", command, "job", json_null(), "job_file", json_null(), "host", host,
		"pid", (json_int_t)getpid(), "shard", json_null(), "as_of", json_null(),
		"started", utc(r->started));
	if (r->root == NULL || r->stages == NULL || r->counts == NULL)
		abort();
	return r;
}

void runjson_free(struct runjson *r)
{
	if (r == NULL)
		return;
	json_decref(r->root), json_decref(r->stages), json_decref(r->counts);
	free(r);
}

void runjson_stage(struct runjson *r, const char *name, double seconds)
{
	json_t *v = json_object_get(r->stages, name);
	double prev = v ? json_real_value(v) : 0.0;
	json_object_set_new(r->stages, name, json_real(prev + seconds));
}

void runjson_count(struct runjson *r, const char *name, size_t v)
{
	json_object_set_new(r->counts, name, json_integer((json_int_t)v));
}

void runjson_set(struct runjson *r, const char *key, const char *value)
{
	json_object_set_new(r->root, key, value ? json_string(value) : json_null());
}

static json_t *warnings(void)
{
	json_t *a = json_array();
	const char *w;

	for (size_t i = 0; (w = log_warning_at(i)) != NULL; i++)
		json_array_append_new(a, json_string(w));
	return a;
}

int runjson_write(struct runjson *r, const char *dir, int exit_status,
		  const char *error, struct cx_error *e)
{
	char path[RUNJSON_PATH_MAX];
	json_t *o = r->root;

	json_object_set_new(o, "finished", utc(time(NULL)));
	json_object_set_new(o, "seconds", json_real(runjson_now() - r->t0));
	json_object_set_new(o, "exit_status", json_integer(exit_status));
	json_object_set_new(o, "error", error ? json_string(error) : json_null());
	json_object_set(o, "stages", r->stages);
	json_object_set(o, "counts", r->counts);
	json_object_set_new(o, "warnings_total", json_integer((json_int_t)log_warning_count()));
	json_object_set_new(o, "warnings", warnings());
	snprintf(path, sizeof path, "%s/%s", dir, RUNJSON_NAME);
	char *text = json_dumps(o, JSON_INDENT(1) | JSON_REAL_PRECISION(6));
	if (text == NULL)
		return cx_fail(e, CX_ESOFTWARE, "%s: cannot serialise", path);
	int rc = atomicfile_write(path, text, strlen(text), ATOMICFILE_REPLACE, e);
	free(text);
	return rc;
}
