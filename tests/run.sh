#!/bin/sh
# run.sh - run test programs and keep a tally in $TALLY.
#
#   tests/run.sh unit|asan PROGRAM...   cmocka binaries
#   tests/run.sh e2e SCRIPT...          end-to-end scripts (tests/lib/assert.sh)
#   tests/run.sh e2e-asan SCRIPT...     the same against an ASan+UBSan build:
#                                       any sanitizer report fails the script
#   tests/run.sh summary                print "N passed, N failed, N skipped" from $TALLY
#
# Each tally line is "pass NAME", "fail NAME" or "skip NAME (why)": a check
# that cannot run here (not root, a documented command marked skip) says why
# and is counted apart, never as passed. A cmocka binary adds one line
# per test case; an e2e script adds one per assertion (see tests/lib/assert.sh),
# plus a "fail" when the script itself exits non-zero.
set -u
: "${TALLY:?TALLY must name the tally file}"
export TALLY LC_ALL=C TZ=UTC
mode=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
status=0

case "$mode" in
unit|asan)
  for t in "$@"; do
    name=$(basename "$t")
    out=$("$t" 2>&1); rc=$?
    printf '%s\n' "$out" | grep -E '^\[ +(OK|FAILED|PASSED|ERROR) +\]' | sed "s/^/[$mode] /" | grep -v ' OK ' || true
    printf '%s\n' "$out" | grep -E '^\[  ERROR   \]|runtime error|AddressSanitizer|LeakSanitizer' && rc=1
    npass=$(printf '%s\n' "$out" | grep -c '^\[       OK \]')
    nfail=$(printf '%s\n' "$out" | grep -c '^\[  FAILED  \] [a-z_0-9]')
    i=0; while [ "$i" -lt "$npass" ]; do echo "pass $mode:$name" >> "$TALLY"; i=$((i+1)); done
    i=0; while [ "$i" -lt "$nfail" ]; do echo "fail $mode:$name" >> "$TALLY"; i=$((i+1)); done
    if [ "$rc" -ne 0 ]; then
      [ "$nfail" -eq 0 ] && echo "fail $mode:$name (exit $rc)" >> "$TALLY"
      printf '%s\n' "$out" | tail -40
      echo "FAIL $mode $name"; status=1
    else
      echo "ok   $mode $name ($npass cases)"
    fi
  done ;;
e2e)
  for t in "$@"; do
    name=$(basename "$t" .sh)
    log="${BUILD:-.}/e2e-$name.log"
    start=$(date +%s)
    TEST_NAME=$name "$t" > "$log" 2>&1; rc=$?
    secs=$(( $(date +%s) - start ))
    if [ "$rc" -ne 0 ]; then
      echo "fail e2e:$name (exit $rc)" >> "$TALLY"
      tail -30 "$log"
      echo "FAIL e2e $name (${secs}s, log: $log)"; status=1
    else
      echo "ok   e2e $name (${secs}s)"
    fi
  done ;;
e2e-asan)
  # CONVEX is built with -fsanitize=address,undefined, by clang (see the
  # Makefile). The sanitizers write their reports to files (log_path), one
  # per process, not to stderr: a script that only checks exit codes, or a
  # convex process it started in the background or killed later, would
  # otherwise hide them. Any report file after a script fails it, whatever
  # its own checks said. The files are created only when there is something
  # to report.
  # The leak suppressions are the fuzzers': library-internal only.
  supp=$here/../fuzz/lsan.supp
  for t in "$@"; do
    name=$(basename "$t" .sh)
    log="${BUILD:-.}/e2e-$name.log"
    reports="${BUILD:-.}/sanitizer/$name"
    rm -rf "$reports"; mkdir -p "$reports"
    start=$(date +%s)
    TEST_NAME=$name TALLY_PREFIX=e2e-asan \
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$reports/asan" \
    LSAN_OPTIONS="suppressions=$supp:print_suppressions=0" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan" \
      "$t" > "$log" 2>&1; rc=$?
    secs=$(( $(date +%s) - start ))
    found=$(ls "$reports")
    if [ -n "$found" ]; then
      for f in $found; do echo "fail e2e-asan:$name: sanitizer report $f" >> "$TALLY"; done
      # The first two reports here; each process has its file in $reports.
      for f in $(printf '%s\n' $found | head -2); do
        grep -E 'ERROR|runtime error|SUMMARY|^    #[0-9] ' "$reports/$f" | head -20
      done
      echo "FAIL e2e-asan $name: $(printf '%s\n' $found | wc -l) sanitizer reports in $reports"; status=1
    fi
    if [ "$rc" -ne 0 ]; then
      echo "fail e2e-asan:$name (exit $rc)" >> "$TALLY"
      tail -30 "$log"
      echo "FAIL e2e-asan $name (${secs}s, log: $log)"; status=1
    elif [ -z "$found" ]; then
      echo "ok   e2e-asan $name (${secs}s)"
    fi
  done ;;
summary)
  p=$(grep -c '^pass ' "$TALLY" 2>/dev/null); f=$(grep -c '^fail ' "$TALLY" 2>/dev/null)
  s=$(grep -c '^skip ' "$TALLY" 2>/dev/null)
  [ -n "$p" ] || p=0; [ -n "$f" ] || f=0; [ -n "$s" ] || s=0
  if [ "$f" -gt 0 ]; then echo "failures:"; grep '^fail ' "$TALLY" | sort | uniq -c; fi
  if grep -q '^skip ' "$TALLY" 2>/dev/null; then echo "skipped (not counted as passed):"; grep '^skip ' "$TALLY" | sed 's/^skip /  /'; fi
  echo "$p passed, $f failed, $s skipped"
  [ "$f" -eq 0 ] && [ "$p" -gt 0 ] || status=1 ;;
*) echo "usage: tests/run.sh unit|asan|e2e|e2e-asan|summary ..." >&2; exit 64 ;;
esac
exit $status
