#!/bin/sh
# run.sh - replay the regressions, then fuzz each harness for a while.
#
#   FUZZ_SECONDS=60 FUZZ_DIR=build/fuzz [FUZZ_SEED=N] fuzz/run.sh build/fuzz/fuzz_NAME...
#
# For each harness NAME: every file in tests/data/fuzz-regressions/NAME/ is
# run once (each a crash found earlier, now fixed), then libFuzzer runs for
# FUZZ_SECONDS seconds on a working corpus in FUZZ_DIR/corpus/NAME that
# starts from the seeds in fuzz/corpus/NAME (the seeds stay untouched), with
# the dictionary fuzz/NAME.dict when there is one. A crash, leak, timeout or
# broken property fails the harness; libFuzzer's input is kept as
# FUZZ_DIR/crash-NAME-* (make it a regression file once fixed).
# FUZZ_SEED fixes libFuzzer's random seed: `make fuzz-short` (part of make
# check) sets it, so a check is a repeatable gate and a CI run fails only on
# a change to the code, not on the luck of the draw; `make fuzz` explores
# with a new seed every time.
#
# One tally line per harness ("pass fuzz:NAME" / "fail fuzz:NAME") in
# $TALLY when set; the seconds each harness has fuzzed so far are added up in
# FUZZ_DIR/seconds ("NAME TOTAL").
set -u
: "${FUZZ_SECONDS:=60}"
: "${FUZZ_DIR:?FUZZ_DIR must name the fuzz build directory}"
export LC_ALL=C TZ=UTC
# Leaks inside libraries only, each explained in the file. A suppression
# names the library, so the allocation's stack must reach into it: the fast
# unwinder follows frame pointers and stops at GLib's g_malloc (Debian builds
# GLib without them), so the leak in lsan.supp came out as two frames and
# went unsuppressed on one machine and not another. The slow unwinder reads
# the DWARF tables and always sees libgmime (costs about a third of the
# runs per second).
export LSAN_OPTIONS="suppressions=$(cd "$(dirname "$0")" && pwd)/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
tally=${TALLY:-/dev/null}
status=0

add_seconds() {
  f=$FUZZ_DIR/seconds; touch "$f"
  old=$(awk -v n="$1" '$1 == n { print $2 }' "$f"); old=${old:-0}
  { grep -v "^$1 " "$f"; echo "$1 $((old + $2))"; } > "$f.new" && mv "$f.new" "$f"
}

for bin in "$@"; do
  name=$(basename "$bin"); name=${name#fuzz_}
  log=$FUZZ_DIR/$name.log
  regs=$repo/tests/data/fuzz-regressions/$name
  corpus=$FUZZ_DIR/corpus/$name
  mkdir -p "$corpus"
  ok=1
  if [ -d "$regs" ] && [ -n "$(ls -A "$regs")" ]; then
    if ! "$bin" -runs=1 "$regs"/* > "$log.regressions" 2>&1; then
      ok=0; tail -30 "$log.regressions"; echo "FAIL fuzz $name: a regression input fails again"
    fi
  fi
  dict=""; [ -f "$here/$name.dict" ] && dict="-dict=$here/$name.dict"
  seed=""; [ -n "${FUZZ_SEED:-}" ] && seed="-seed=$FUZZ_SEED"
  start=$(date +%s)
  # -close_fd_mask=3: the parsers' own messages would drown the report;
  # libFuzzer and the sanitizers keep writing to a copy of stderr.
  # shellcheck disable=SC2086
  "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
    -max_len=16384 -print_final_stats=1 -close_fd_mask=3 $dict $seed \
    -artifact_prefix="$FUZZ_DIR/crash-$name-" "$corpus" "$here/corpus/$name" > "$log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  add_seconds "$name" "$secs"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  if [ "$rc" -ne 0 ]; then
    ok=0; tail -40 "$log"; echo "FAIL fuzz $name (${secs}s, exit $rc, log: $log)"
  fi
  if [ "$ok" = 1 ]; then
    echo "pass fuzz:$name" >> "$tally"
    echo "ok   fuzz $name (${secs}s, ${runs:-?} runs, corpus $(ls "$corpus" | wc -l))"
  else
    echo "fail fuzz:$name" >> "$tally"; status=1
  fi
done
exit $status
