#!/bin/sh
# 73-install.sh - make install / uninstall. The installed binary has its
# data directory compiled in (PREFIX/share/convex): it checks and runs a
# copied example job with CONVEX_DATADIR unset, and fails once that
# directory is moved away (so it does not read the source tree). DESTDIR
# stages the same files under another root. Uninstall leaves no file.
. "$(dirname "$0")/../lib/assert.sh"
export SOURCE_DATE_EPOCH=1178582400
unset CONVEX_DATADIR
: "${BUILD:=$REPO/build}"
prefix=$TMP/usr

make -C "$REPO" --no-print-directory BUILD="$BUILD" PREFIX="$prefix" install > "$TMP/install.log" 2>&1
check "make install PREFIX=...: exit 0" [ $? -eq 0 ]
tail -5 "$TMP/install.log"
bin=$prefix/bin/convex
for f in bin/convex share/man/man1/convex.1 share/convex/jobs/job.rng share/convex/templates/digest-html.xsl \
         share/convex/fonts/Lato-Regular.ttf share/doc/convex/examples/demo.xml \
         share/doc/convex/examples/demo/prices/swx.csv share/doc/convex/examples/schedule/convex-newsletter.timer; do
  check "installed $f" test -s "$prefix/$f"
done
check "the installed binary is executable" test -x "$bin"
run_convex --version
"$bin" --version > "$TMP/v" 2>&1
check "installed --version names its data directory" grep -qx "Data directory: $prefix/share/convex" "$TMP/v"
check "build binary's data directory is the source tree" sh -c "'$CONVEX' --version | grep -qx 'Data directory: $REPO'"

# A copied example job, run by the installed binary from elsewhere.
cp -r "$prefix/share/doc/convex/examples" "$TMP/work"
cd "$TMP/work"
"$bin" check demo.xml > "$TMP/check.out" 2>&1
check "installed: convex check of the example job" [ $? -eq 0 ]
"$bin" run --no-mail -j 2 --out "$TMP/work/out" demo.xml > "$TMP/run.out" 2>&1; rc=$?
check "installed: convex run --no-mail exits 0" [ "$rc" -eq 0 ]
tail -3 "$TMP/run.out"
run=$TMP/work/out/2007-05-08
check "installed: digest written" test -s "$run/pdf/digest.pdf"
check "installed: the digest is a valid PDF" sh -c "pdfinfo '$run/pdf/digest.pdf' | grep -q '^Pages: *[1-9]'"
check "installed: a deep dive is a valid PDF" sh -c "pdfinfo '$run/pdf/SBI-SPI.pdf' | grep -q '^Pages: *[1-9]'"
check "installed: the same digest as build/convex" sh -c "
  '$CONVEX' run --no-mail --out '$TMP/ref' '$TMP/work/demo.xml' > /dev/null 2>&1
  cmp -s '$TMP/ref/2007-05-08/pdf/digest.pdf' '$run/pdf/digest.pdf'"

# Proof that the data comes from PREFIX/share/convex and nowhere else.
mv "$prefix/share/convex" "$prefix/share/convex.away"
"$bin" check demo.xml > "$TMP/away.out" 2>&1; rc=$?
check "without its data directory the installed binary fails" [ "$rc" -ne 0 ]
check "... naming the schema it looked for" grep -q "$prefix/share/convex/jobs/job.rng" "$TMP/away.out"
CONVEX_DATADIR=$prefix/share/convex.away "$bin" check demo.xml > /dev/null 2>&1
check "CONVEX_DATADIR overrides the compiled-in directory" [ $? -eq 0 ]
mv "$prefix/share/convex.away" "$prefix/share/convex"
cd "$TMP"

# The job setting <outputs datadir=".."/> moves the templates and fonts.
mkdir -p "$TMP/dd"
cp -r "$prefix/share/convex/templates" "$prefix/share/convex/fonts" "$TMP/dd/"
sed 's|<outputs |<outputs datadir="../dd" |' "$TMP/work/demo.xml" > "$TMP/work/dd.xml"
check "the job names a datadir" grep -q 'datadir="../dd"' "$TMP/work/dd.xml"
if true; then
  "$bin" run --no-mail --out "$TMP/ddout" "$TMP/work/dd.xml" > "$TMP/dd.out" 2>&1
  check "a job's datadir is used for fonts (and runs)" [ $? -eq 0 ]
  rm "$TMP/dd/fonts/Lato-Regular.ttf"
  "$bin" run --no-mail --out "$TMP/ddout2" "$TMP/work/dd.xml" > "$TMP/dd2.out" 2>&1
  check "without the font in the job's datadir the run fails" [ $? -ne 0 ]
  check "... naming the job's datadir" grep -q "dd/fonts/Lato-Regular.ttf" "$TMP/dd2.out"; cat "$TMP/dd2.out"
fi

make -C "$REPO" --no-print-directory BUILD="$BUILD" PREFIX="$prefix" uninstall > "$TMP/uninstall.log" 2>&1
check "make uninstall: exit 0" [ $? -eq 0 ]
check "uninstall leaves no file" [ -z "$(find "$prefix" -type f)" ]
check "uninstall removes share/convex and share/doc/convex" [ ! -e "$prefix/share/convex" ] && [ ! -e "$prefix/share/doc/convex" ]

# DESTDIR: staged under another root, compiled for PREFIX.
make -C "$REPO" --no-print-directory BUILD="$BUILD" PREFIX=/opt/cx DESTDIR="$TMP/stage" install > "$TMP/stage.log" 2>&1
check "make install DESTDIR=...: exit 0" [ $? -eq 0 ]
"$TMP/stage/opt/cx/bin/convex" --version > "$TMP/v2"
check "DESTDIR: data directory is PREFIX's, not the staging one" grep -qx "Data directory: /opt/cx/share/convex" "$TMP/v2"
CONVEX_DATADIR=$TMP/stage/opt/cx/share/convex "$TMP/stage/opt/cx/bin/convex" check "$TMP/stage/opt/cx/share/doc/convex/examples/demo.xml" > /dev/null 2>&1
check "DESTDIR: staged binary + CONVEX_DATADIR checks the example" [ $? -eq 0 ]
make -C "$REPO" --no-print-directory BUILD="$BUILD" PREFIX=/opt/cx DESTDIR="$TMP/stage" uninstall > /dev/null 2>&1
check "DESTDIR: uninstall leaves no file" [ -z "$(find "$TMP/stage" -type f)" ]
finish
