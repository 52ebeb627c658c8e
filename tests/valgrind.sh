#!/bin/sh
# valgrind.sh - the demo job under valgrind's memcheck (make valgrind).
#
#   tests/valgrind.sh BUILD-DIR
#
# Runs `convex run` on a copy of jobs/demo.xml (its outputs and archive in a
# temporary directory, the prices and subscribers of jobs/demo/) with the
# default delivery: the digest as .eml files. Fails on any memory error and
# on any "definitely" or "indirectly" lost block: those have no pointer
# left, so they are leaks. "Possibly lost" blocks (interior pointers: the
# GLib type system, fontconfig's caches) and "still reachable" ones (what
# libcurl, libxml2, GLib and fontconfig allocate once and keep until exit)
# are not counted. tests/valgrind.supp holds the library-internal one-time
# allocations that valgrind would otherwise report, each explained.
set -u
export LC_ALL=C TZ=UTC
[ $# -eq 1 ] || { echo "usage: tests/valgrind.sh BUILD-DIR" >&2; exit 64; }
repo=$(cd "$(dirname "$0")/.." && pwd)
convex=$(cd "$1" && pwd)/convex-full   # the whole program (convex itself holds only stats)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/convex-valgrind.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/jobs"
cp "$repo/jobs/demo.xml" "$tmp/jobs/demo.xml"
ln -s "$repo/jobs/demo" "$tmp/jobs/demo"
: "${CONVEX_UNSUBSCRIBE_SECRET:=valgrind-secret}"
export CONVEX_UNSUBSCRIBE_SECRET

start=$(date +%s)
valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
  --suppressions="$repo/tests/valgrind.supp" --num-callers=40 \
  --log-file="$tmp/valgrind.log" \
  "$convex" run -q "$tmp/jobs/demo.xml" > "$tmp/run.out" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
cp "$tmp/valgrind.log" "$(dirname "$convex")/valgrind.log"
# 0: a clean run; 3: finished with pairs skipped (the demo's stale ones).
case $rc in
0|3) echo "ok   valgrind: the demo job is clean (${secs}s, exit $rc; log: $(dirname "$convex")/valgrind.log)" ;;
99) grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|Mismatched|.*definitely|.*indirectly|   (at|by) )' "$tmp/valgrind.log" | head -80
    echo "FAIL valgrind: memory errors or leaks (${secs}s; log: $(dirname "$convex")/valgrind.log)"; exit 1 ;;
*)  tail -20 "$tmp/run.out"
    echo "FAIL valgrind: convex run exited $rc (${secs}s)"; exit 1 ;;
esac
