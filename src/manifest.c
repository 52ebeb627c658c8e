/* manifest.c - sha256sum-format manifest of a directory tree, hashed with
 * GLib's GChecksum (no hand-written SHA-256). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>

#include "atomicfile.h"
#include "manifest.h"
#include "runjson.h"

#define MANIFEST_READ_CHUNK 65536
#define MANIFEST_PATH_MAX 4096

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect the relative paths of regular files under root/rel. */
static int collect(const char *root, const char *rel, GPtrArray *out,
		   struct cx_error *e)
{
	char dir[MANIFEST_PATH_MAX];
	DIR *d;
	struct dirent *ent;
	int rc = 0;

	snprintf(dir, sizeof dir, "%s%s%s", root, rel[0] ? "/" : "", rel);
	if ((d = opendir(dir)) == NULL)
		return cx_fail(e, CX_EIO, "%s: cannot list: %s", dir, strerror(errno));
	while (rc == 0 && (ent = readdir(d)) != NULL) {
		char sub[MANIFEST_PATH_MAX], full[MANIFEST_PATH_MAX * 2];
		struct stat st;
		if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, ".."))
			continue;
		snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", ent->d_name);
		snprintf(full, sizeof full, "%s/%s", root, sub);
		if (lstat(full, &st) != 0)
			rc = cx_fail(e, CX_EIO, "%s: %s", full, strerror(errno));
		else if (S_ISDIR(st.st_mode))
			rc = collect(root, sub, out, e);
		else if (S_ISREG(st.st_mode) && strcmp(sub, MANIFEST_NAME) != 0 &&
			   strcmp(sub, RUNJSON_NAME) != 0) {
			if (out->len >= MANIFEST_FILES_MAX)
				rc = cx_fail(e, CX_EIO, "%s: more than %d files", root, MANIFEST_FILES_MAX);
			else
				g_ptr_array_add(out, g_strdup(sub));
		}
	}
	closedir(d);
	return rc;
}

static int hash_file(const char *path, char hex[65], struct cx_error *e)
{
	FILE *f = fopen(path, "rb");
	GChecksum *sum;
	unsigned char *buf;
	size_t n;
	int rc = 0;

	if (f == NULL)
		return cx_fail(e, CX_EIO, "%s: cannot open: %s", path, strerror(errno));
	sum = g_checksum_new(G_CHECKSUM_SHA256);
	buf = g_malloc(MANIFEST_READ_CHUNK);
	while ((n = fread(buf, 1, MANIFEST_READ_CHUNK, f)) > 0)
		g_checksum_update(sum, buf, (gssize)n);
	if (ferror(f))
		rc = cx_fail(e, CX_EIO, "%s: read error", path);
	else
		snprintf(hex, 65, "%s", g_checksum_get_string(sum));
	g_free(buf);
	g_checksum_free(sum);
	fclose(f);
	return rc;
}

int manifest_write(const char *dir, struct cx_error *e)
{
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	GString *text = g_string_new(NULL);
	char path[MANIFEST_PATH_MAX * 2];
	int rc = collect(dir, "", files, e);

	qsort(files->pdata, files->len, sizeof(char *), cmp_str);
	for (guint i = 0; rc == 0 && i < files->len; i++) {
		char full[MANIFEST_PATH_MAX * 2], hex[65];
		snprintf(full, sizeof full, "%s/%s", dir, (char *)files->pdata[i]);
		if ((rc = hash_file(full, hex, e)) == 0)
			g_string_append_printf(text, "%s  %s\n", hex, (char *)files->pdata[i]);
	}
	snprintf(path, sizeof path, "%s/%s", dir, MANIFEST_NAME);
	if (rc == 0)
		rc = atomicfile_write(path, text->str, text->len, ATOMICFILE_REPLACE, e);
	g_string_free(text, TRUE);
	g_ptr_array_free(files, TRUE);
	return rc;
}
