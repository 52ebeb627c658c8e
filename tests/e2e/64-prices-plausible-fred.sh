#!/bin/sh
# 64-prices-plausible-fred: the fault table of 61 (tests/lib/prices.sh)
# against real series served in FRED's format (observation_date,SERIES; a
# missing close written "."), as jobs/fred.xml fetches them: a x10 print, a
# 2062 date, a deleted row, another series' body, an unadjusted 2:1 split, a
# re-adjustment, a hung source, 429 Retry-After. Each ends as docs/prices.md
# says, the store's good data unchanged, the Stooq-format symbols of the same
# job delivered. Then what only FRED sends: a body whose header names another
# series.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/prices.sh"

prices_start || exit 1
prices_faults fred

# A body whose header names another series (FRED answered for the wrong id):
# refused by the header check, the store unchanged, the rest delivered.
mk fred "$SWX" LP40 "$B/LP25"
before=$(all_rows)
refetch "$TMP/job.xml"
check "fred: a body naming another series fails the fetch" [ "$rc" -ne 0 ]
expect_out "fred LP25: failed (" "fred: the body naming another series is named"
check "fred: a body naming another series leaves the store unchanged" [ "$(all_rows)" = "$before" ]
check "fred: the Stooq-format symbols answered" other_ok
serve fred "$SWX" LP25

finish
