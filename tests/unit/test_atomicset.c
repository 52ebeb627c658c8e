/* test_atomicset.c - many files published at once (atomicset.h): nothing
 * is visible before the commit, every file after it with its bytes, an old
 * file replaced, a private file 0600 and a public one 0644, a linked file
 * shares the source's bytes, linking the same file again leaves no
 * temporary name, a link whose usual temporary name is
 * taken (a file left by an earlier process) replaces an old file and leaves
 * that name alone, and freeing without a commit leaves nothing behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicset.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/convex-atomicset.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

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

static void path_of(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static void test_commit_publishes_all(void **state)
{
	char a[128], b[128];
	struct cx_error e;
	(void)state;
	path_of(a, sizeof a, "a.html");
	path_of(b, sizeof b, "b.html");
	FILE *f = fopen(b, "w");
	fputs("old", f);
	fclose(f);
	struct atomicset *s = atomicset_new();
	assert_int_equal(atomicset_write(s, a, "alpha", 5, &e), 0);
	assert_int_equal(atomicset_write(s, b, "beta", 4, &e), 0);
	assert_int_equal(access(a, F_OK), -1);          /* not before the commit */
	assert_string_equal(slurp(b), "old");
	assert_int_equal(atomicset_commit(s, &e), 0);
	atomicset_free(s);
	assert_string_equal(slurp(a), "alpha");
	assert_string_equal(slurp(b), "beta");
	assert_int_equal(entries(), 2);                  /* no temporary left */
}

/* A private file (mail) is mode 0600 once published, a public one 0644,
 * whatever the umask. */
static void test_private_mode(void **state)
{
	char a[128], b[128];
	struct stat st;
	struct cx_error e;
	(void)state;
	path_of(a, sizeof a, "a.eml");
	path_of(b, sizeof b, "b.html");
	mode_t old = umask(0);
	struct atomicset *s = atomicset_new();
	assert_int_equal(atomicset_write_private(s, a, "mail", 4, &e), 0);
	assert_int_equal(atomicset_write(s, b, "page", 4, &e), 0);
	assert_int_equal(atomicset_commit(s, &e), 0);
	atomicset_free(s);
	umask(old);
	assert_int_equal(stat(a, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(b, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_string_equal(slurp(a), "mail");
}

static void test_link_twice_leaves_nothing(void **state)
{
	char src[128], dst[128];
	struct stat s1, s2;
	struct cx_error e;
	(void)state;
	path_of(src, sizeof src, "chart.png");
	path_of(dst, sizeof dst, "copy.png");
	FILE *f = fopen(src, "w");
	fputs("png", f);
	fclose(f);
	for (int round = 0; round < 2; round++) {
		struct atomicset *s = atomicset_new();
		assert_int_equal(atomicset_link(s, src, dst, 1024, &e), 0);
		assert_int_equal(atomicset_commit(s, &e), 0);
		atomicset_free(s);
	}
	assert_string_equal(slurp(dst), "png");
	assert_int_equal(stat(src, &s1), 0);
	assert_int_equal(stat(dst, &s2), 0);
	assert_true(s1.st_ino == s2.st_ino);             /* a link, not a copy */
	assert_int_equal(entries(), 2);
}

static void test_link_name_taken(void **state)
{
	char src[128], dst[128], stray[128], name[64];
	struct stat s1, s2;
	struct cx_error e;
	(void)state;
	path_of(src, sizeof src, "chart.png");
	path_of(dst, sizeof dst, "copy.png");
	snprintf(name, sizeof name, ".copy.png.tmp-%ld-0", (long)getpid());
	path_of(stray, sizeof stray, name);
	const char *const files[][2] = {{src, "png"}, {dst, "old"}, {stray, "stray"}};
	for (size_t i = 0; i < 3; i++) {
		FILE *f = fopen(files[i][0], "w");
		assert_non_null(f);
		fputs(files[i][1], f);
		fclose(f);
	}
	struct atomicset *s = atomicset_new();
	assert_int_equal(atomicset_link(s, src, dst, 1024, &e), 0);
	assert_int_equal(atomicset_commit(s, &e), 0);
	atomicset_free(s);
	assert_string_equal(slurp(dst), "png");
	assert_int_equal(stat(src, &s1), 0);
	assert_int_equal(stat(dst, &s2), 0);
	assert_true(s1.st_ino == s2.st_ino);
	assert_string_equal(slurp(stray), "stray");
	assert_int_equal(entries(), 3);
}

static void test_free_without_commit(void **state)
{
	char a[128];
	struct cx_error e;
	(void)state;
	path_of(a, sizeof a, "never.html");
	struct atomicset *s = atomicset_new();
	assert_int_equal(atomicset_write(s, a, "x", 1, &e), 0);
	atomicset_free(s);
	assert_int_equal(entries(), 0);
	atomicset_free(NULL);
}

static void test_missing_directory(void **state)
{
	char a[128];
	struct cx_error e;
	(void)state;
	path_of(a, sizeof a, "no/such/dir/page.html");
	struct atomicset *s = atomicset_new();
	assert_int_equal(atomicset_write(s, a, "x", 1, &e), -1);
	assert_int_equal(e.code, CX_ECANTCREAT);
	assert_non_null(strstr(e.msg, "page.html"));
	atomicset_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_commit_publishes_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_private_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_twice_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_name_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_without_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_directory, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
