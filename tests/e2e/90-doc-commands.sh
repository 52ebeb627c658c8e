#!/bin/sh
# 90-doc-commands: every command the documentation shows runs as written
# (docs/doctest.md): README.md and docs/*.md ```sh blocks, the man page's
# EXAMPLES, every subcommand's --help usage lines, jobs/schedule/*. One
# tally line per command (tests/tools/doctest.py). First a self-test: the
# harness must fail a broken doc line, honour an expected exit status and a
# skip marker, and leave other fences alone.
. "$(dirname "$0")/../lib/assert.sh"
PY=/usr/bin/python3
DT=$TESTS_DIR/tools/doctest.py

# ---- self-test, on a document of its own, tallied apart -----------------------
cat > "$TMP/selftest.md" <<'DOC'
# self-test
```sh
convex check jobs/demo.xml
convex stats --no-such-option
convex stats --prices jobs/demo/prices/swx.csv --pair SBI/XXX   # exit 66
test -f /etc/convex/demo.xml && test -d /var/lib/convex
```
<!-- doctest: skip a marked block is not run -->
```sh
false
```
```text
false
```
DOC
TALLY=$TMP/self.tally $PY "$DT" run --convex "$CONVEX" --doc "$TMP/selftest.md" --pending /dev/null \
  > "$TMP/self.out" 2>&1; rc=$?
cat "$TMP/self.out"
[ ! -e /etc/convex/demo.xml ] || echo "note: this machine has /etc/convex/demo.xml; the fake-root check proves less"
check "self-test: a broken doc line fails the harness" [ "$rc" -eq 1 ]
check "self-test: the broken line is a fail tally line" grep -q '^fail .*selftest.md:4: convex stats --no-such-option' "$TMP/self.tally"
check "self-test: the FAIL line shows the command's error" grep -q 'unknown option' "$TMP/self.out"
check "self-test: '# exit 66' is the expected status" grep -q '^pass .*selftest.md:5:' "$TMP/self.tally"
check "self-test: /etc/convex is the scratch fake root" grep -q '^pass .*selftest.md:6:' "$TMP/self.tally"
check "self-test: the skip marker skips, with its reason" grep -q '^skip .*selftest.md:10: false (a marked block is not run)' "$TMP/self.tally"
check "self-test: a text block is not run" [ "$(grep -c . "$TMP/self.tally")" -eq 5 ]

# ---- pending: a listed command that fails is counted as skipped ---------------
echo "convex stats --no-such-option" > "$TMP/pending.txt"
TALLY=$TMP/pend.tally $PY "$DT" run --convex "$CONVEX" --doc "$TMP/selftest.md" --pending "$TMP/pending.txt" \
  > "$TMP/pend.out" 2>&1; rc=$?
check "self-test: a pending command does not fail the harness" [ "$rc" -eq 0 ]
check "self-test: a pending command is tallied as skipped" grep -q '^skip .*no-such-option (pending' "$TMP/pend.tally"

# ---- outside a git checkout (a tarball): the scratch copy is made without git --
mkdir "$TMP/nogit"
(cd "$REPO" && tar --exclude=./.git --exclude='./build*' --exclude=./out -cf - .) | tar -C "$TMP/nogit" -xf -
cat > "$TMP/clone.md" <<'DOC'
```sh
git clone https://example.org/convex.git convex
test -f convex/jobs/demo.xml && test -f convex/src/main.c && test ! -e convex/build && test ! -e convex/.git
convex check jobs/demo.xml
```
DOC
TALLY=$TMP/nogit.tally $PY "$TMP/nogit/tests/tools/doctest.py" run --convex "$CONVEX" --doc "$TMP/clone.md" \
  --pending /dev/null > "$TMP/nogit.out" 2>&1; rc=$?
cat "$TMP/nogit.out"
check "no git checkout: the harness says so" grep -q 'is not a git checkout' "$TMP/nogit.out"
check "no git checkout: the documented commands pass" [ "$rc" -eq 0 ]
check "no git checkout: git clone copies the sources" grep -q '^pass .*clone.md:2:' "$TMP/nogit.tally"
check "no git checkout: the copy has the sources, not build/ or .git" grep -q '^pass .*clone.md:3:' "$TMP/nogit.tally"
check "no git checkout: the scratch copy runs the job" grep -q '^pass .*clone.md:4:' "$TMP/nogit.tally"

# ---- the documentation ---------------------------------------------------------
if [ "$TALLY_PREFIX" = e2e-asan ]; then
  # Once is enough: the plain e2e pass runs every documented command.
  echo "skip $TALLY_PREFIX:$TEST_NAME: the documented commands (run once, by the plain e2e pass)" >> "$TALLY"
  finish
fi
$PY "$DT" run --convex "$CONVEX" --logdir "${BUILD:-$TMP}" || _failed=1
finish
