/* test_atomicfile.c - publishing a file whole (atomicfile.h): REPLACE
 * replaces, KEEP never does (returns 1 and leaves the old bytes), a copy
 * keeps every byte, a failure names the path and leaves no file behind,
 * and no temporary file survives any of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/convex-atomicfile.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The whole content of path (static buffer), or "" when it is missing. */
static const char *slurp(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

/* Entries of the test directory, "." and ".." excluded. */
static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *ent;
	int n = 0;
	while (d != NULL && (ent = readdir(d)) != NULL)
		n += strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0;
	if (d)
		closedir(d);
	return n;
}

static void test_replace_and_keep(void **state)
{
	char path[128];
	struct cx_error e;
	(void)state;
	snprintf(path, sizeof path, "%s/a.txt", dir);

	assert_int_equal(atomicfile_write(path, "first\n", 6, ATOMICFILE_REPLACE, &e), 0);
	assert_string_equal(slurp(path), "first\n");
	assert_int_equal(atomicfile_write(path, "second\n", 7, ATOMICFILE_REPLACE, &e), 0);
	assert_string_equal(slurp(path), "second\n");
	assert_int_equal(atomicfile_write(path, "third\n", 6, ATOMICFILE_KEEP, &e), 1);
	assert_string_equal(slurp(path), "second\n");
	assert_int_equal(entries(), 1);          /* no temporary file left */
}

static void test_copy(void **state)
{
	char src[128], dst[128];
	struct cx_error e;
	(void)state;
	snprintf(src, sizeof src, "%s/src.bin", dir);
	snprintf(dst, sizeof dst, "%s/dst.bin", dir);

	assert_int_equal(atomicfile_write(src, "a\0b\nc", 5, ATOMICFILE_REPLACE, &e), 0);
	assert_int_equal(atomicfile_copy(src, dst, 5, ATOMICFILE_KEEP, &e), 0);
	FILE *f = fopen(dst, "rb");
	char got[8];
	assert_non_null(f);
	assert_int_equal(fread(got, 1, sizeof got, f), 5);
	fclose(f);
	assert_memory_equal(got, "a\0b\nc", 5);
	/* One byte over the limit: refused, nothing written. */
	unlink(dst);
	assert_int_equal(atomicfile_copy(src, dst, 4, ATOMICFILE_REPLACE, &e), -1);
	assert_int_equal(e.code, CX_EDATA);
	assert_int_equal(access(dst, F_OK), -1);
	assert_int_equal(entries(), 1);
}

static void test_failure_names_path(void **state)
{
	char path[128];
	struct cx_error e;
	(void)state;
	snprintf(path, sizeof path, "%s/missing/a.txt", dir);

	assert_int_equal(atomicfile_write(path, "x", 1, ATOMICFILE_REPLACE, &e), -1);
	assert_int_equal(e.code, CX_ECANTCREAT);
	assert_non_null(strstr(e.msg, path));
	assert_non_null(strstr(e.msg, "No such file or directory"));
	assert_int_equal(atomicfile_copy("/nonexistent/x", path, 10, ATOMICFILE_REPLACE, &e), -1);
	assert_int_equal(e.code, CX_ENOINPUT);
}

/* Deferred syncing: the files come out whole, no temporary file is left,
 * one sync ends the deferral; a directory that does not exist fails it
 * with CX_EIO naming the directory, and ends it too. */
static void test_deferred_sync(void **state)
{
	char path[128], sub[96];
	struct cx_error e;
	(void)state;

	atomicfile_defer_sync(dir);
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/f%d.txt", dir, i);
		assert_int_equal(atomicfile_write(path, "whole\n", 6, ATOMICFILE_REPLACE, &e), 0);
		assert_string_equal(slurp(path), "whole\n");
	}
	assert_int_equal(atomicfile_sync_deferred(&e), 0);
	assert_int_equal(entries(), 3);
	assert_int_equal(atomicfile_sync_deferred(&e), 0);   /* nothing deferred */

	snprintf(sub, sizeof sub, "%s/gone", dir);
	atomicfile_defer_sync(sub);
	assert_int_equal(atomicfile_sync_deferred(&e), -1);
	assert_int_equal(e.code, CX_EIO);
	assert_non_null(strstr(e.msg, "gone: cannot sync"));
	assert_int_equal(atomicfile_sync_deferred(&e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replace_and_keep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_names_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deferred_sync, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
