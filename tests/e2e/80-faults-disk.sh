#!/bin/sh
# 80-faults-disk: a read-only output or archive directory and a full disk.
# Each run fails with the path named and exit 73 (cannot create) or 74
# (I/O error); nothing half-written is left under a final name; the next
# run with room completes the day (byte-identical PDFs: the archive takes
# them). Read-only and full file systems are real tmpfs mounts (the tests
# run as root, where permission bits don't stop writes); where mounting is
# not allowed the read-only cases run the binary as "nobody" instead, and
# the disk-full cases are skipped with a note.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/mail.sh"

can_mount=0
mkdir -p "$TMP/probe"
if mount -t tmpfs -o size=64k tmpfs "$TMP/probe" 2>/dev/null; then umount "$TMP/probe"; can_mount=1; fi

# mnt DIR OPTS: a tmpfs at DIR, unmounted at exit.
mnt() {
  mkdir -p "$1" && mount -t tmpfs -o "$2" tmpfs "$1" || return 1
  at_exit "umount '$1' 2>/dev/null"
}

# job FILE OUT ARCHIVE: the fixture job (three Swiss pairs, .eml digest).
job() {
  cat > "$1" <<JOB
<?xml version="1.0" encoding="UTF-8"?>
<job name="disk" title="Swiss macro watchlist">
  <assets>
    <asset symbol="SBI" name="Swiss Bond Index" group="rates"/>
    <asset symbol="SPI" name="Swiss Performance Index" group="equities"/>
    <asset symbol="SII" name="Swiss Immofonds Index" group="real-estate"/>
    <asset symbol="LP25" name="Pictet LPP 25" group="pension"/>
  </assets>
  <prices><file path="$REPO/jobs/demo/prices/swx.csv" layout="wide"/></prices>
  <watchlist><pair a="SBI" b="SPI"/><pair a="SPI" b="SII"/><pair a="SBI" b="LP25"/></watchlist>
  <outputs dir="$2" archive="$3"/>
  <digest title="Swiss macro watchlist" subscribers="$REPO/tests/data/mail/subscribers.csv"
          suppression="$REPO/tests/data/mail/suppression.txt"
          from="Convex Research &lt;research@example.com&gt;"/>
</job>
JOB
}

# No file under a final name is cut short: every PDF opens, every PNG ends
# with its IEND chunk, every HTML page with </html>, a run directory's
# manifest verifies; no temporary file is left behind in the archive.
intact() {
  for _f in $(find "$@" -name '*.pdf' ! -name '.*' 2>/dev/null); do
    pdfinfo "$_f" >/dev/null 2>&1 || { echo "cut PDF: $_f"; return 1; }
  done
  for _f in $(find "$@" -name '*.png' ! -name '.*' 2>/dev/null); do
    [ "$(tail -c 8 "$_f" | od -An -tx1 | tr -d ' \n')" = 49454e44ae426082 ] || { echo "cut PNG: $_f"; return 1; }
  done
  for _f in $(find "$@" -name '*.html' 2>/dev/null); do
    tail -c 16 "$_f" | grep -q '</html>' || { echo "cut HTML: $_f"; return 1; }
  done
  for _d in $(find "$@" -name manifest.sha256 -exec dirname {} \; 2>/dev/null); do
    (cd "$_d" && sha256sum --quiet -c manifest.sha256) || { echo "manifest: $_d"; return 1; }
  done
  [ -z "$(find "$@" -name '*.tmp*' 2>/dev/null)" ] || { echo "leftover: $(find "$@" -name '*.tmp*')"; return 1; }
}

# complete OUT ARCHIVE: the day is complete: 4 PDFs archived, each the
# same bytes as in the run directory, 4 .eml digests written.
complete() {
  [ "$(ls "$2"/2007/05/08/*.pdf | wc -l)" -eq 4 ] || return 1
  for _f in "$1"/2007-05-08/pdf/*.pdf; do cmp -s "$_f" "$2/2007/05/08/$(basename "$_f")" || return 1; done
  [ "$(ls "$1"/2007-05-08/mail/*.eml | wc -l)" -eq 4 ]
}
complete_intact() { complete "$1" "$2" && intact "$1" "$2"; }

as_nobody=""
if [ $can_mount -eq 1 ]; then
  mnt "$TMP/ro" size=1m,ro || exit 1
elif [ "$(id -u)" -ne 0 ]; then
  skip "read-only and full file systems" "needs root: tmpfs mounts, or running convex as another user"
  finish
else
  echo "note: cannot mount tmpfs here; read-only cases run as nobody, disk-full cases skipped"
  as_nobody="setpriv --reuid=nobody --regid=nogroup --clear-groups"
  mkdir -p "$TMP/ro"; chmod 555 "$TMP/ro"; chmod 755 "$TMP"
fi

# 1. Read-only output directory: 73, the directory named, nothing lost.
job "$TMP/j1.xml" "$TMP/ro/out" "$TMP/arch1"
[ -n "$as_nobody" ] && { mkdir -p "$TMP/arch1"; chmod 777 "$TMP/arch1"; }
$as_nobody "$CONVEX" run -j 2 "$TMP/j1.xml" > "$TMP/.out" 2> "$TMP/.err"; rc=$?; err=$(cat "$TMP/.err")
expect_rc 73 "read-only output directory: exit 73"
expect_err "$TMP/ro/out: cannot create directory: Read-only file system"
check "one error line" test "$(grep -c 'error' "$TMP/.err")" -eq 1
check "no PDF archived from a run that has no directory" test -z "$(find "$TMP/arch1" -name '*.pdf' 2>/dev/null)"
job "$TMP/j1.xml" "$TMP/out1" "$TMP/arch1"
run_convex run -j 2 "$TMP/j1.xml"
expect_rc 0 "writable again: the day completes"
check "complete and intact" complete_intact "$TMP/out1" "$TMP/arch1"

# 2. Read-only archive: 73 before any work, the archive named.
job "$TMP/j2.xml" "$TMP/out2" "$TMP/ro/arch"
$as_nobody "$CONVEX" run -j 2 "$TMP/j2.xml" > "$TMP/.out" 2> "$TMP/.err"; rc=$?; err=$(cat "$TMP/.err")
expect_rc 73 "read-only archive: exit 73"
expect_err "$TMP/ro/arch: cannot create directory: Read-only file system"
check "one error line" test "$(grep -c 'error' "$TMP/.err")" -eq 1
check "no run directory under its final name" test ! -e "$TMP/out2/2007-05-08"
check "no mail written" test -z "$(find "$TMP/out2" -name '*.eml' 2>/dev/null)"
job "$TMP/j2.xml" "$TMP/out2" "$TMP/arch2"
run_convex run -j 2 "$TMP/j2.xml"
expect_rc 0 "writable archive: the day completes"
check "complete and intact" complete_intact "$TMP/out2" "$TMP/arch2"

# 3. A full disk at every stage: output and archive on one small tmpfs
# (the run directory, then the archive's PDFs, the web edition, the mail
# are cut in turn as the size grows), then only the archive on one.
if [ $can_mount -eq 0 ]; then
  skip "disk full at every stage" "no tmpfs mount here (no CAP_SYS_ADMIN)"
  finish
fi
k=0
for spec in both:256k both:1m both:1100k both:1600k arch:400k arch:560k arch:640k; do
  k=$((k+1)); where=${spec%%:*}; size=${spec#*:}
  d=$TMP/full$k
  if [ "$where" = both ]; then mnt "$d" "size=$size" || exit 1
  else mkdir -p "$d"; mnt "$d/archive" "size=$size" || exit 1; fi
  odir=$d/out; arch=$d/archive
  job "$TMP/full$k.xml" "$odir" "$arch"
  run_convex run -j 2 "$TMP/full$k.xml"
  check "full disk ($where, $size): exit 73 or 74 (got $rc)" test "$rc" -eq 73 -o "$rc" -eq 74
  expect_err "No space left on device" "full disk ($where, $size): the reason is given"
  check "full disk ($where, $size): the path is named" sh -c "grep -F 'No space left' '$TMP/.err' | grep -qF '$d/'"
  check "full disk ($where, $size): nothing cut under a final name" intact "$odir" "$arch"
  mount -o remount,size=64m "$([ "$where" = both ] && echo "$d" || echo "$d/archive")"
  run_convex run -j 2 "$TMP/full$k.xml"
  expect_rc 0 "full disk ($where, $size): with room the next run completes"
  check "full disk ($where, $size): complete and intact" complete_intact "$odir" "$arch"
done
finish
