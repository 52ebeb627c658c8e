#!/bin/sh
# 42-rank-reference.sh - the regime-shift ranking and the Benjamini-Hochberg
# flags of `convex run` on tests/ref/rank-job.xml (66 Dow pairs) against the
# pinned pandas computation tests/ref/rank-dow12.json (made by
# tests/ref/rank_reference.py: its own BH step-up, not convex's).
. "$(dirname "$0")/../lib/assert.sh"

sed "s|../../jobs/demo/prices/dowjones30.csv|$REPO/jobs/demo/prices/dowjones30.csv|" \
  "$TESTS_DIR/ref/rank-job.xml" > "$TMP/rank-job.xml"
run_convex run --no-mail --out "$TMP/out" "$TMP/rank-job.xml"
expect_rc 0 "the fixture job runs cleanly"
report=$(ls "$TMP"/out/*/report.json)

/usr/bin/python3 - "$report" "$TESTS_DIR/ref/rank-dow12.json" > "$TMP/cmp.txt" <<'PY'
import json, sys
got = json.load(open(sys.argv[1]))["ranking"]
ref = json.load(open(sys.argv[2]))
print("tests", got["tests"] == ref["tests"])
g = [(s["pair"], s["significant"]) for s in got["shifts"]]
r = [(s["id"], s["significant"]) for s in ref["ranking"]]
print("order", [x[0] for x in g] == [x[0] for x in r])
print("flags", g == r)
print("zs", all(abs(s["z"] - t["z"]) < 1e-9 for s, t in zip(got["shifts"], ref["ranking"])))
print("nsig", sum(1 for x in g if x[1]))
PY
check "as many tests as the reference" grep -qx "tests True" "$TMP/cmp.txt"
check "ranking order equals the pandas reference" grep -qx "order True" "$TMP/cmp.txt"
check "BH flags equal the reference's step-up rule" grep -qx "flags True" "$TMP/cmp.txt"
check "z values within 1e-9 of the reference" grep -qx "zs True" "$TMP/cmp.txt"
check "some but not all shifts significant (the fixture tests both)" grep -qx "nsig 5" "$TMP/cmp.txt"
finish
