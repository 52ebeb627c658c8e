/* fuzz_job - the job loader (job.c): XML parsing, the RELAX NG schema
 * jobs/job.rng, and the meaning checks, on an arbitrary job file.
 *
 * job.h loads from a path only, so the input is written to a file in a
 * private temporary directory (on /dev/shm when there is one) and loaded
 * from there, exactly as `convex check` would. On success the job must
 * keep job.h's promises: every pair names two assets, ids fit, limits hold.
 */
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "job.h"
#include "log.h"

static char job_path[256];
static char dir[128];

static void remove_dir(void)
{
	unlink(job_path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	(void)argc, (void)argv;
	log_set_level(LOG_ERROR);
	snprintf(dir, sizeof dir, "%s/convex-fuzz-job.XXXXXX", base);
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(job_path, sizeof job_path, "%s/fuzz.xml", dir);
	atexit(remove_dir);
	return 0;
}

static void check_job(const struct job *j)
{
	FUZZ_REQUIRE(j->name != NULL && strlen(j->name) <= JOB_NAME_MAX);
	FUZZ_REQUIRE(j->title != NULL);
	FUZZ_REQUIRE(j->nassets <= JOB_ASSETS_MAX && j->npairs <= JOB_PAIRS_MAX);
	FUZZ_REQUIRE(j->nfiles + j->nsources <= JOB_FILES_MAX);
	for (size_t i = 0; i < j->nassets; i++) {
		const struct job_asset *a = &j->assets[i];
		FUZZ_REQUIRE(a->symbol != NULL && a->name != NULL && a->ticker != NULL);
		FUZZ_REQUIRE(job_find_asset(j, a->symbol) == a);
	}
	for (size_t i = 0; i < j->npairs; i++) {
		const struct job_pair *p = &j->pairs[i];
		FUZZ_REQUIRE(job_find_asset(j, p->a) != NULL);
		FUZZ_REQUIRE(job_find_asset(j, p->b) != NULL);
		FUZZ_REQUIRE(strcmp(p->a, p->b) != 0);
		FUZZ_REQUIRE(memchr(p->id, '\0', sizeof p->id) != NULL);
	}
	for (size_t i = 0; i < j->nsources; i++)
		for (size_t k = 0; k < j->sources[i].nsymbols; k++)
			FUZZ_REQUIRE(job_find_asset(j, j->sources[i].symbols[k]) != NULL);
	for (size_t i = 0; i < j->nfiles; i++)
		FUZZ_REQUIRE(j->files[i].path != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cx_error e = {0};
	struct job *j;

	fuzz_write_file(job_path, data, size);
	j = job_load(job_path, &e);
	if (j != NULL)
		check_job(j);
	else
		FUZZ_REQUIRE(e.code == CX_ECONFIG && e.msg[0] != '\0');
	job_free(j);
	log_reset();
	return 0;
}
