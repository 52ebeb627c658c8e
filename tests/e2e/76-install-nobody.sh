#!/bin/sh
# 76-install-nobody: the installed example job runs as shipped by a user
# who owns nothing but the output directory: `convex run EXAMPLE --out DIR`
# as user nobody writes every output (run directory, archive, web edition,
# store, ledger, lock) under DIR and nothing anywhere else, and leaves the
# installed tree untouched. Needs root (to become nobody): skipped with a
# printed reason otherwise.
. "$(dirname "$0")/../lib/assert.sh"
export SOURCE_DATE_EPOCH=1178582400
unset CONVEX_DATADIR CONVEX_UNSUBSCRIBE_SECRET
: "${BUILD:=$REPO/build}"

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv > /dev/null 2>&1 || ! id nobody > /dev/null 2>&1; then
  echo "SKIPPED: needs root, setpriv and a user nobody to run as another user"
  echo "skip ${TALLY_PREFIX:-e2e}:$TEST_NAME: install run as nobody (not root)" >> "$TALLY"
  finish
fi
prefix=$TMP/usr
make -C "$REPO" --no-print-directory BUILD="$BUILD" PREFIX="$prefix" install > "$TMP/install.log" 2>&1
check "make install PREFIX=...: exit 0" [ $? -eq 0 ]
chmod 755 "$TMP"
example=$prefix/share/doc/convex/examples/demo.xml
check "the example is installed" test -s "$example"

out=$(mktemp -d /tmp/convex-76-out.XXXXXX)
at_exit "rm -rf '$out'"
chown nobody "$out"
touch "$TMP/marker"
sleep 1    # file times of the run are strictly newer than the marker
as_nobody() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --reset-env "$@"; }
as_nobody env HOME=/nonexistent "$prefix/bin/convex" run "$example" --no-mail -j 2 --out "$out" \
  > "$TMP/run.out" 2> "$TMP/run.err"; rc=$?
check "nobody runs the installed example with --out: exit 0" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$TMP/run.err"
check "run directory under --out" test -s "$out/2007-05-08/report.xml"
check "archive under --out" sh -c "ls '$out'/archive/2007/05/08/*.pdf > /dev/null"
check "web edition under --out" test -s "$out/archive/2007/05/08/index.html"
# nothing written by nobody outside --out, nothing changed in the install
find /tmp /var/tmp /var/lib /etc /home /root "$TMP" -xdev -newer "$TMP/marker" -user nobody \
  -not -path "$out" -not -path "$out/*" 2>/dev/null > "$TMP/stray"
check "nobody wrote nothing outside --out" test ! -s "$TMP/stray"
[ -s "$TMP/stray" ] && head "$TMP/stray"
find "$prefix" -newer "$TMP/marker" > "$TMP/changed"
check "the installed tree is untouched" test ! -s "$TMP/changed"
[ -s "$TMP/changed" ] && head "$TMP/changed"
finish
