/* shard.h - one slice of a sharded run, and the file that carries its
 * results to `convex merge`.
 *
 * `convex run JOB --shard K/N` (1 <= K <= N) processes the watchlist pairs
 * whose shard is K: shard_of("A-B", N) = FNV-1a-64("A-B") mod N, plus 1.
 * The pair id "A-B" is the pair's file-name stem (job.h), so the slice
 * depends only on the pair and N: the same on every machine, in every
 * version (the hash is part of the file format, see README.md, "Sharding").
 *
 * A shard writes OUT/YYYY-MM-DD.shard-K-of-N/ with the charts and deep-dive
 * PDFs of its slice and shard.json: the job (path and SHA-256 of its
 * bytes), the run's date, K and N, the watchlist's assets as the shard saw
 * them, the run's problems, the heatmap (report.h: every shard computes
 * the whole of it from the prices it loaded, since the merge has no
 * prices), and for each pair of the slice either the full statistics
 * (stats.h, every double at 17 significant digits, which round-trips
 * exactly) or the reason it was skipped. The merge rebuilds the run's
 * model from N such files.
 */
#ifndef CONVEX_SHARD_H
#define CONVEX_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "err.h"
#include "report.h"
#include "stats.h"

#define SHARD_FILE     "shard.json"
#define SHARD_FORMAT   2            /* "format" in shard.json (2: the heatmap) */
#define SHARD_N_MAX    10000        /* most shards of one run */
/* Largest shard.json read: 435 pairs of 5 years take ~40 MB; a file ten
 * times the largest watchlist we know of is not a shard. */
#define SHARD_FILE_MAX ((size_t)2 << 30)
#define SHARD_SUFFIX_MAX 40         /* ".shard-10000-of-10000" */

struct shard_spec {
	unsigned k, n;      /* shard k of n, 1 <= k <= n; n == 0: not sharded */
};

/* Parse "K/N". Returns 0, or -1 with `e` set (CX_EUSAGE). */
int shard_parse(const char *s, struct shard_spec *sp, struct cx_error *e);

/* FNV-1a, 64 bits, of the bytes of `key`. */
uint64_t shard_hash(const char *key);

/* The shard (1..n) that owns `key` (a pair id "A-B" or an address). */
unsigned shard_of(const char *key, unsigned n);

/* ".shard-K-of-N" into buf (SHARD_SUFFIX_MAX bytes); returns buf. */
char *shard_suffix(const struct shard_spec *sp, char *buf);

/* SHA-256 of the file at `path` as 64 hex digits + NUL into hex.
 * Returns 0, or -1 with `e` set (CX_ENOINPUT, CX_EIO). */
int shard_file_sha256(const char *path, char hex[65], struct cx_error *e);

/* Write dir/shard.json for the pairs of `rep` whose in_slice[i] is true.
 * `job_sha256` is shard_file_sha256 of the job file. Returns 0, or -1 with
 * `e` set (CX_ECANTCREAT, CX_ESOFTWARE). */
int shard_write(const char *dir, const struct shard_spec *sp, const struct report *rep,
		const char *job_sha256, char *const *problems, size_t nproblems,
		const bool *in_slice, struct cx_error *e);

/* What one shard.json holds. */
struct shard_asset {
	char *symbol;
	bool has_prices, stale;
	cx_date first, last;
	int days;
	char *quality;      /* data-quality note (quality.h), NULL: none */
};

struct shard_pair {
	size_t index;       /* position in the job's watchlist */
	char *id, *a, *b;
	bool ok;
	char *reason;       /* when !ok */
	struct pair_stats st;   /* when ok; st.a/st.b point at a/b */
};

struct shard_result {
	char *dir;          /* the shard's run directory */
	char *job_path, *job_name;
	char job_sha256[65];
	cx_date as_of;
	struct shard_spec spec;
	size_t watchlist;   /* pairs in the whole watchlist */
	struct shard_asset *assets;
	size_t nassets;
	char **problems;
	size_t nproblems;
	struct shard_pair *pairs;
	size_t npairs;
	struct report_heatmap heatmap;  /* idx: indices into assets */
};

/* Read dir/shard.json. Returns a new result (free with shard_result_free)
 * or NULL with `e` set: CX_ENOINPUT when the directory or the file is
 * missing (a shard that failed never commits its directory), CX_EDATA when
 * the file is not a shard file of this format. */
struct shard_result *shard_read(const char *dir, struct cx_error *e);

/* Frees everything, including the statistics of every pair still owning
 * them (a pair whose st the caller took must have st.years, st.dates,
 * st.ra, st.rb set to NULL). */
void shard_result_free(struct shard_result *s);

/* True when the two shards saw the same assets, problems and heatmap. */
bool shard_same_inputs(const struct shard_result *x, const struct shard_result *y);

#endif
