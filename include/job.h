/* job.h - a job file: what `convex run` does every day, parsed and checked.
 *
 * A job is an XML file (jobs/demo.xml is the annotated example) validated
 * against the RELAX NG schema jobs/job.rng, then checked for meaning (every
 * symbol a pair or a source names is an asset, every group is used by an
 * asset, no symbol twice). Paths in the file are relative to the job file's
 * directory; job_load resolves them, so every path below is ready to open.
 * Secrets never appear in a job: it names environment variables (the *_env
 * fields), which the modules that need them read at the last moment.
 *
 * Every error names `file:line` and what was expected:
 *   demo.xml:12: unknown attribute "lookbak-years" on <analysis>; expected one of: as-of, lookback-years, top, stale-days
 *   demo.xml:30: pair "SBI/XYZ": unknown symbol "XYZ"; expected an <asset> symbol
 * A job that is not well-formed, breaks the schema or makes no sense is
 * CX_ECONFIG (exit 78); an unreadable job file is CX_ENOINPUT (66).
 */
#ifndef CONVEX_JOB_H
#define CONVEX_JOB_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "err.h"
#include "http.h"
#include "plausible.h"
#include "prices.h"

/* Limits on what a job may hold (each bounds an array fed by the file). */
#define JOB_ASSETS_MAX   PRICES_SYMBOLS_MAX
#define JOB_PAIRS_MAX    100000   /* expanded watchlist: 447 symbols all-pairs */
#define JOB_FILES_MAX    1000     /* <file> and <source> elements */
#define JOB_FILE_MAX     (4 << 20)/* bytes of a job file: it is a config, not data */
#define JOB_NAME_MAX     64       /* bytes of the job name (used in file names) */

/* Defaults of the <analysis> settings. */
#define JOB_DEFAULT_LOOKBACK  5
#define JOB_DEFAULT_TOP       5
#define JOB_DEFAULT_STALE     10    /* calendar days */
#define JOB_DEFAULT_DEEP_DIVES 10   /* DIGEST_DEEP_DIVES */
#define JOB_DEFAULT_MAX_AGE_H 24    /* hours between fetches of a source */
#define JOB_DEFAULT_DEADLINE_S 300  /* seconds for one whole fetch */
#define JOB_DEFAULT_SMTP_TIMEOUT 60 /* seconds */
#define JOB_DEFAULT_SMTP_CONNECTIONS 2

enum job_paper { JOB_PAPER_A4, JOB_PAPER_LETTER };

/* <asset symbol="SBI" name="Swiss Bond Index" group="rates"
 *        source="stooq" ticker="tlt.us"/> */
struct job_asset {
	char *symbol;     /* as in the price files and the report */
	char *name;       /* long name, never NULL */
	char *group;      /* NULL when none */
	char *source;     /* name of the <source> it is fetched from, or NULL */
	char *ticker;     /* the source's name for it ({symbol} in the URL);
			     the symbol itself when the job gives none */
	int line;
};

/* <file path="prices/swx.csv" symbol="SPI" layout="wide"/> */
struct job_file {
	char *path;       /* resolved against the job's directory */
	char *symbol;     /* NULL: as the loader decides (prices_opts) */
	enum prices_layout layout;   /* PRICES_AUTO when not given */
	int line;
};

/* <source name="stooq" url="https://stooq.com/q/d/l/?s={symbol}&amp;i=d"
 *         layout="ohlc" symbols="TLT IWM" api-key-env="STOOQ_KEY"
 *         api-key-param="apikey"/>   (or api-key-header="X-Api-Key")
 * The URL template may hold {symbol} (the asset's ticker), {start} and
 * {end} (ISO dates). The symbols of a source are those listed in `symbols`
 * plus every asset whose source="" names it, in asset order, each once. */
struct job_source {
	char *name;
	char *url;
	enum prices_layout layout;   /* PRICES_AUTO when not given */
	char **symbols;              /* job symbols (not tickers); owned */
	size_t nsymbols;
	char *api_key_env;           /* NULL: no key */
	char *api_key_param;         /* query parameter carrying the key, or NULL */
	char *api_key_header;        /* header carrying the key, or NULL */
	int line;
};

/* <store path="prices.sqlite" max-age-hours="24" max-body-bytes="1048576"/>:
 * the HTTP price store and the fetches that fill it. Default path:
 * OUT/prices.sqlite (next to the run directories). max-body-bytes bounds
 * every source's response (http_opts.max_body) in `convex fetch` (unless
 * --max-bytes is given) and in `convex run`; it is a job-wide setting, not
 * one per <source>, because the limit guards the memory of the process
 * that holds all the concurrent responses of one fetch at once. */
struct job_store {
	char *path;           /* default OUT/prices.sqlite */
	bool path_default;    /* not set in the job: follows the output dir */
	int max_age_hours;
	long max_body_bytes;  /* 1..HTTP_BODY_MAX; default HTTP_BODY_MAX */
	int timeout_s;        /* timeout="": one request, default 60 */
	int deadline_s;       /* deadline="": the whole fetch, default 300 */
};

/* One watchlist pair after expansion of <pair>, <within> and <across>.
 * Order: as written in the job, each rule's pairs in asset order; a pair
 * already listed (either way round) is not listed again. */
struct job_pair {
	const char *a, *b;    /* symbols; borrowed from the assets */
	char id[2 * PRICES_SYMBOL_MAX + 2];   /* "A-B": the file-name stem */
	int line;             /* the rule that produced it */
};

struct job_analysis {
	cx_date as_of;        /* 0: see below */
	int lookback_years;   /* default 5 */
	int top;              /* featured shifts, default 5 */
	int deep_dives;       /* full deep dives in the digest PDF, default 10 */
	int stale_days;       /* default 10 */
};
/* The as-of of a run. Without as-of in the job (or --as-of), the run's date
 * is the latest price date among the watchlist's symbols, and each pair is
 * computed as of its own last common date on or before it (stats.h). A
 * symbol whose last price on or before the run's date is more than
 * stale_days calendar days before it is stale: its pairs are skipped and
 * reported. */

struct job_outputs {
	char *dir;            /* run directories OUT/YYYY-MM-DD; default out/NAME */
	char *archive;        /* ARCHIVE/YYYY/MM/DD; default OUT/archive: the
				 published web root, never a subscriber's
				 address, name or token */
	char *mail_archive;   /* MAIL/YYYY/MM/DD: the exact bytes sent and the
				 delivery manifest, dirs 0700, files 0600;
				 default OUT/mail-archive; never inside the
				 archive (job_load refuses the overlap) */
	enum job_paper paper; /* default A4 */
	char *datadir;        /* templates and fonts from here (paths.h); NULL:
				 CONVEX_DATADIR or the compiled-in one. job_load
				 makes it the data directory, job_free undoes it */
	bool archive_default; /* archive not set or relative: follows dir (job_set_out) */
	bool mail_archive_default; /* mail-archive not set or relative: follows dir */
};

/* <smtp url="smtps://mail.example.com:465" user-env="SMTP_USER"
 *       password-env="SMTP_PASSWORD" ca-file="ca.pem" rate="5" timeout="60"/>
 * Without it, mail is written as .eml files into the run directory. */
struct job_smtp {
	char *url;            /* smtp://host:587 (STARTTLS required) or smtps://host:465 */
	char *user_env;       /* NULL: no AUTH */
	char *password_env;
	char *ca_file;        /* NULL: the system's CAs */
	double rate;          /* messages per second; 0 = no limit */
	int timeout;          /* seconds per reply to MAIL/RCPT/DATA; default 60 */
	int connect_timeout;  /* seconds to a ready relay (connect, greeting,
				 STARTTLS, AUTH); 0: SMTP_CONNECT_TIMEOUT */
	int data_timeout;     /* seconds for the reply to the final dot;
				 0: SMTP_DATA_TIMEOUT (RFC 5321 4.5.3.2) */
	int connections;      /* parallel connections to the relay; default 2 */
};

/* <digest title=".." subscribers=".." suppression=".." from=".."
 *         reply-to=".." public-url=".." signup-url=".." unsubscribe-url=".."
 *         unsubscribe-mailto=".." secret-env=".." ledger=".."
 *         secret-id=".." return-path=".." verp="yes|no"
 *         soft-bounce-limit="N" soft-bounce-days="N" suppression-db="..">
 *   <previous-secret id=".." env=".."/>...  <smtp/> </digest>
 * Addresses are kept as written; the mail module parses and validates them. */
/* Previous unsubscribe secrets a job may still accept (rotation). */
#define JOB_PREVIOUS_SECRETS_MAX 7
/* Default soft-bounce policy: this many 4.x.x reports within this many
 * days suppress an address. */
#define JOB_DEFAULT_SOFT_BOUNCES 3
#define JOB_DEFAULT_SOFT_BOUNCE_DAYS 14

struct job_digest {
	bool present;         /* false: no <digest>, no mail */
	char *title;          /* default: the job's title */
	char *subscribers;    /* CSV email,name,pairs; NULL: no subscribers */
	char *suppression;    /* one address per line; NULL: none */
	char *from;
	char *reply_to;       /* NULL: none */
	char *public_url;     /* base URL of the published archive, or NULL */
	char *signup_url;     /* the web pages' sign-up link, or NULL */
	char *unsubscribe_url;    /* base https URL; the token is appended */
	char *unsubscribe_mailto; /* mailto: address, or NULL */
	char *secret_env;     /* env var holding the unsubscribe HMAC secret */
	char *ledger;         /* delivery ledger; default next to the archive:
				 dirname(ARCHIVE)/ledger.sqlite */
	bool ledger_default;  /* not set or relative: follows the archive (job_set_out) */
	/* Subscriber lifecycle (docs/subscribers.md). */
	char *secret_id;      /* key id of secret-env; NULL: TOKEN_DEFAULT_KID */
	struct job_previous_secret {
		char *id, *env;
	} previous[JOB_PREVIOUS_SECRETS_MAX]; /* still accepted, never used to sign */
	size_t nprevious;
	char *return_path;    /* envelope sender; NULL: the From address */
	bool verp;            /* envelope sender local+user=host@domain */
	int soft_bounce_limit;/* temporary failures that suppress ... */
	int soft_bounce_days; /* ... within this many days */
	char *suppression_db; /* NULL: suppression.sqlite beside the ledger */
	bool suppression_db_default; /* not absolute: follows the ledger (--out) */
	bool has_smtp;
	struct job_smtp smtp;
};

struct job {
	char *path;           /* the job file as given */
	char *dir;            /* its directory: what relative paths are joined to */
	char *name;           /* name="" or the file's base name without .xml */
	char *title;          /* title="" or the name */

	struct job_asset *assets;
	size_t nassets;
	struct job_file *files;
	size_t nfiles;
	struct job_source *sources;
	size_t nsources;
	struct job_store store;
	struct plausible_opts quality;  /* <quality> in <prices>; defaults */

	struct job_pair *pairs;
	size_t npairs;

	struct job_analysis analysis;
	struct job_outputs outputs;
	struct job_digest digest;
};

/* Read, validate (schema in the data directory: jobs/job.rng) and check the
 * job at `path`. Returns a new job (caller frees with job_free) or NULL with
 * `e` set: CX_ENOINPUT when the file cannot be read, CX_ECONFIG for
 * anything wrong inside it (the first error; every schema error is also
 * logged as its own line so `convex check` shows them all). */
struct job *job_load(const char *path, struct cx_error *e);
void job_free(struct job *j);

/* The command line's SMTP settings (`convex run/send --smtp URL
 * [--smtp-ca-file FILE]`) over the job's. `url` (NULL: keep the job's)
 * must be smtp://host[:port] or smtps://host[:port]; it replaces the URL
 * of the job's <smtp>, or makes one (rate 0, the default timeout) when the
 * job has none. Credentials stay the job's user-env/password-env when it
 * names them; otherwise, when JOB_SMTP_USER_ENV is set in the environment,
 * they are read from JOB_SMTP_USER_ENV and JOB_SMTP_PASSWORD_ENV at
 * delivery; else no AUTH. `ca_file` (NULL: keep the job's), relative to
 * the working directory, replaces the CA file.
 * Returns 0, or -1 with `e` set (CX_EUSAGE): a malformed URL, a job
 * without <digest>, a CA file without any SMTP URL. */
#define JOB_SMTP_USER_ENV     "CONVEX_SMTP_USER"
#define JOB_SMTP_PASSWORD_ENV "CONVEX_SMTP_PASSWORD"
/* Make `dir` the output directory (--out). Every output the job left to
 * its default or gave relative to the job file follows it: the archive
 * (DIR/archive), the price store (DIR/prices.sqlite), the ledger and the
 * suppression database (next to the archive); only outputs the job gives
 * as absolute paths stay where the job says, so a trial run with --out
 * writes nothing outside DIR. Never fails (aborts on no memory). */
void job_set_out(struct job *j, const char *dir);

int job_set_smtp(struct job *j, const char *url, const char *ca_file,
		 struct cx_error *e);

/* Deliver as .eml files whatever the job's <smtp> says (send --eml, or
 * resuming a run that wrote .eml files). */
void job_set_eml(struct job *j);

/* What job_check_env verifies: the variables mail needs (the SMTP user
 * and password the job or --smtp names; the unsubscribe secrets when mail
 * goes over SMTP — .eml files may go without), and the API keys of the
 * HTTP sources. */
#define JOB_ENV_MAIL  1u
#define JOB_ENV_FETCH 2u
/* Verify, before any work, that every environment variable the job names
 * for `what` is set and not empty. Returns 0, or -1 with `e` set
 * (CX_ECONFIG) naming the first variable missing and what it is for. */
int job_check_env(const struct job *j, unsigned what, struct cx_error *e);

/* The asset of `symbol`, or NULL. */
const struct job_asset *job_find_asset(const struct job *j, const char *symbol);

/* Whether a subscriber's selector names the pair a/b: "A/B" the pair in
 * either order, anything else a group of either asset (group_a, group_b
 * may be NULL or ""). */
bool job_selector_matches(const char *selector, const char *a, const char *b,
			  const char *group_a, const char *group_b);

/* Whether a selector names some pair of the watchlist (job_selector_matches). */
bool job_has_selector(const struct job *j, const char *selector);

/* Load price file i of the job into `p` (prices_load_file with the file's
 * symbol and layout). Returns 0, or -1 with `e` set as prices.h says, the
 * message prefixed by the job's file:line of the <file>. */
int job_load_file(const struct job *j, size_t i, struct prices *p,
		  struct cx_error *e);

/* "a4" or "letter". Static string. */
const char *job_paper_name(enum job_paper p);

#endif
