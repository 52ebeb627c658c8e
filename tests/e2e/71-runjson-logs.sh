#!/bin/sh
# 71-runjson-logs.sh - run.json (stages, counts, warnings; the only file
# that differs between two runs, left out of the manifest), the log line
# formats, -q/-qq, and the progress bar on a terminal only.
. "$(dirname "$0")/../lib/assert.sh"
export SOURCE_DATE_EPOCH=1178582400

mkdir -p "$TMP/job"
cp -r "$REPO/jobs/demo" "$TMP/job/demo"
# The demo job plus a price file that went missing: a warning, exit 3.
sed 's|<file path="demo/prices/swx.csv" layout="wide"/>|&<file path="demo/prices/gone.csv"/>|' \
  "$REPO/jobs/demo.xml" > "$TMP/job/t.xml"
check "the job names the missing file" grep -q gone.csv "$TMP/job/t.xml"
job=$TMP/job/t.xml

run_convex run --no-mail -j 2 --out "$TMP/a" "$job"
expect_rc 3 "a missing price file: exit 3"
nwarn=$(printf '%s\n' "$err" | grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z convex\[[0-9]+\]: warning: ')
check "text log lines: TIME convex[PID]: warning: ..." [ "$nwarn" -ge 1 ]
expect_out "convex run demo: as of 2007-05-08, 37 pairs: 37 done"
sleep 1
run_convex run --no-mail -j 1 --out "$TMP/b" "$job"
a=$TMP/a/2007-05-08 b=$TMP/b/2007-05-08
check "run.json exists" test -s "$a/run.json"
check "two runs: identical but run.json" diff -r -x run.json "$a" "$b"
check "two runs: run.json differs" sh -c "! cmp -s '$a/run.json' '$b/run.json'"
check "run.json is not in the manifest" sh -c "! grep -q run.json '$a/manifest.sha256'"
check "the manifest verifies" sh -c "cd '$a' && sha256sum --quiet -c manifest.sha256"

version=$("$CONVEX" --version | head -n 1 | cut -d' ' -f2)
/usr/bin/python3 - "$a/run.json" "$version" "$(hostname)" "$nwarn" > "$TMP/py.out" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
bad = []
def want(cond, what):
    if not cond: bad.append(what)
want(r["convex_version"] == sys.argv[2], "version")
want(r["host"] == sys.argv[3], "host")
want(r["command"] == "run" and r["job"] == "demo" and r["shard"] is None, "command/job/shard")
want(r["as_of"] == "2007-05-08", "as_of")
want(r["exit_status"] == 3 and r["error"] is None, "exit status")
for s in ("fetch", "load", "stats", "charts", "pdfs", "digest", "report", "commit", "archive", "site"):
    want(s in r["stages"] and r["stages"][s] >= 0, "stage " + s)
want(r["seconds"] >= max(r["stages"].values()), "total >= each stage")
# The stages account for the run (docs/operations.md): all but reading
# the job and printing the summary.
want(sum(r["stages"].values()) >= 0.9 * r["seconds"], "the stages sum to 90% of the total")
c = r["counts"]
want(c["pairs"] == 37 and c["pairs_done"] == 37 and c["pairs_skipped"] == 0, "pair counts")
want(c["pdfs"] == 38 and c["problems"] == 1, "pdfs/problems")
want(c["archived_new"] + c["archived_same"] == 38, "archived")
want(r["warnings_total"] == int(sys.argv[4]) == len(r["warnings"]), "warnings_total vs stderr")
want(any("gone.csv" in w for w in r["warnings"]), "the warning names the file")
want(r["started"] <= r["finished"] and r["started"].endswith("Z"), "times")
print("bad:", bad)
sys.exit(1 if bad else 0)
PY
check "run.json: version, host, stages, counts, warnings" grep -qx 'bad: \[\]' "$TMP/py.out"
cat "$TMP/py.out"

# JSON log lines, before and after the command.
for where in before after; do
  if [ $where = before ]; then run_convex --log-format json run --no-mail --out "$TMP/c" "$job"
  else run_convex run --no-mail --out "$TMP/c" "$job" --log-format json; fi
  printf '%s\n' "$err" > "$TMP/err.jsonl"
  check "--log-format json $where the command: every line an object with level warning" /usr/bin/python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert lines and all(set(o) == {"time", "pid", "level", "msg"} for o in lines)
assert any(o["level"] == "warning" and "gone.csv" in o["msg"] for o in lines)' "$TMP/err.jsonl"
done

# -q: warnings, errors and the summary; -qq: errors only.
run_convex -q run --no-mail --out "$TMP/c" "$job"
expect_rc 3 "-q: exit 3"
expect_out "convex run demo: as of 2007-05-08" "-q: the summary is printed"
expect_err "warning: " "-q: the warning is printed"
run_convex run -qq --no-mail --out "$TMP/c" "$job"
check "-qq: nothing on stdout" [ -z "$out" ]
check "-qq: no warning on stderr" sh -c "! printf '%s' \"\$1\" | grep -q warning" _ "$err"

# The progress bar: on a terminal only, never with -q.
run_convex run --no-mail --out "$TMP/c" "$job"
check "no terminal: no progress bar" sh -c "! printf '%s' \"\$1\" | grep -q '\[#'" _ "$err"
if command -v script > /dev/null; then
  script -qec "'$CONVEX' run --no-mail --out '$TMP/c' '$job'" /dev/null > "$TMP/tty.out" 2>&1
  check "terminal: progress bar" grep -q 'PDFs *\[#' "$TMP/tty.out"
  script -qec "'$CONVEX' -q run --no-mail --out '$TMP/c' '$job'" /dev/null > "$TMP/tty-q.out" 2>&1
  check "terminal with -q: no progress bar" sh -c "! grep -q '\[#' '$TMP/tty-q.out'"
  check "terminal with -q: the summary" grep -q 'convex run demo: as of' "$TMP/tty-q.out"
fi
finish
