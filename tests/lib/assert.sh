# assert.sh - sourced by end-to-end tests. Every check appends one line to
# $TALLY; a failed check prints what was expected and makes the script fail.
#
#   . "$(dirname "$0")/../lib/assert.sh"
#   run_convex stats --pair A/B ...     # sets $out, $err, $rc
#   expect_rc 65; expect_err 'prices.csv:3: ...'; expect_out '"a":"SBI"'
#   check "description" test-command...
#   skip "description" "why it cannot run here"   # counted as skipped
#   finish                              # exits non-zero when a check failed
set -u
export LC_ALL=C TZ=UTC
: "${CONVEX:?CONVEX must point at the binary}"
: "${TALLY:=/dev/null}"
TEST_NAME=${TEST_NAME:-$(basename "$0" .sh)}
TESTS_DIR=$(cd "$(dirname "$0")/.." && pwd)
REPO=$(cd "$TESTS_DIR/.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/convex-$TEST_NAME.XXXXXX")
_failed=0
_cleanup_hooks=""
at_exit() { _cleanup_hooks="$_cleanup_hooks
$*"; }
_on_exit() { eval "$_cleanup_hooks"; rm -rf "$TMP"; }
trap _on_exit EXIT
trap 'exit 130' INT TERM

# TALLY_PREFIX: e2e, or e2e-asan when tests/run.sh runs the ASan+UBSan build.
TALLY_PREFIX=${TALLY_PREFIX:-e2e}
_pass() { echo "pass $TALLY_PREFIX:$TEST_NAME: $1" >> "$TALLY"; echo "ok   - $1"; }
_fail() { echo "fail $TALLY_PREFIX:$TEST_NAME: $1" >> "$TALLY"; echo "FAIL - $1"; shift; [ $# -gt 0 ] && printf '       %s\n' "$@"; _failed=1; }

# run_convex ARGS...: run the binary, capture stdout/stderr/exit status.
# faketime_at 'DATE TIME' CMD...: CMD under libfaketime, its clock frozen
# at DATE TIME. In the ASan pass this once deadlocked (CI, 61 under ASan):
# ASan's allocator reads the monotonic clock when it maps a new region,
# but only while it may release memory to the OS; libfaketime resolves its
# symbols on its first clock call with dlsym, whose failure for a symbol
# glibc lacks calls malloc, inside the allocator's lock. With release to
# the OS off the allocator never reads the clock there, so the two never
# meet; outside ASan the option is ignored.
faketime_at() {
  _ft=$1; shift
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_release_to_os_interval_ms=-1" faketime "$_ft" "$@"
}

run_convex() {
  "$CONVEX" "$@" > "$TMP/.out" 2> "$TMP/.err"; rc=$?
  out=$(cat "$TMP/.out"); err=$(cat "$TMP/.err")
}

check() {
  desc=$1; shift
  if "$@"; then _pass "$desc"; else _fail "$desc" "command: $*"; fi
}
expect_rc() {
  if [ "$rc" -eq "$1" ]; then _pass "${2:-exit status $1}"
  else _fail "${2:-exit status $1}" "got $rc" "stderr: $err"; fi
}
# expect_err TEXT [DESC]: stderr contains TEXT (fixed string)
expect_err() {
  if printf '%s' "$err" | grep -qF -- "$1"; then _pass "${2:-stderr has: $1}"
  else _fail "${2:-stderr has: $1}" "stderr: $err"; fi
}
expect_out() {
  if printf '%s' "$out" | grep -qF -- "$1"; then _pass "${2:-stdout has: $1}"
  else _fail "${2:-stdout has: $1}" "stdout: $(printf '%s' "$out" | head -c 2000)"; fi
}
# expect_one_line: stderr is exactly one line (the error contract)
expect_one_line() {
  n=$(printf '%s\n' "$err" | grep -c .)
  if [ "$n" -eq 1 ]; then _pass "${1:-one line on stderr}"
  else _fail "${1:-one line on stderr}" "got $n lines: $err"; fi
}
# skip DESC WHY: a check that cannot run here, counted as skipped (not passed)
skip() { echo "skip $TALLY_PREFIX:$TEST_NAME: $1 ($2)" >> "$TALLY"; echo "skip - $1 ($2)"; }
finish() { exit $_failed; }

# demo_job: a copy of the demo job and its data in $TMP/job (so that its
# out/ and archive are the test's own); sets job=$TMP/job/demo.xml.
demo_job() {
  mkdir -p "$TMP/job"
  cp "$REPO/jobs/demo.xml" "$TMP/job/demo.xml"
  cp -r "$REPO/jobs/demo" "$TMP/job/demo"
  job=$TMP/job/demo.xml
}
