#!/bin/sh
# demo.sh - the demo job on the bundled sample data (make demo).
#
#   scripts/demo.sh BUILD-DIR [--smtp URL] [--smtp-ca-file FILE]
#
# Checks and runs jobs/demo.xml (Swiss bonds, equities, real estate and
# balanced mandates, plus eight Dow stocks) into out/demo/, then says where
# the PDFs, the report and the digest emails are. The digest is written as
# .eml files; with --smtp URL (make demo SMTP=URL) it is sent through that
# relay instead, AUTH from CONVEX_SMTP_USER/CONVEX_SMTP_PASSWORD when set.
set -eu
export LC_ALL=C TZ=UTC
usage() { echo "usage: scripts/demo.sh BUILD-DIR [--smtp URL] [--smtp-ca-file FILE]" >&2; exit 64; }
[ $# -ge 1 ] || usage
repo=$(cd "$(dirname "$0")/.." && pwd)
case "$1" in /*) build=$1 ;; *) build=$repo/$1 ;; esac
convex=$build/convex
job=$repo/jobs/demo.xml
[ -x "$convex" ] || { echo "demo.sh: $convex not built; run make first" >&2; exit 66; }
shift
# The SMTP options, checked here and handed to convex run as they are.
smtp=
case $# in
  0) ;;
  2) [ "$1" = --smtp ] || usage; smtp=$2 ;;
  4) [ "$1" = --smtp ] && [ "$3" = --smtp-ca-file ] || usage; smtp=$2 ;;
  *) usage ;;
esac

# No SOURCE_DATE_EPOCH needed for `make demo` to run again and again: the
# PDFs' creation time is fixed by the day's first run (ARCHIVE/YYYY/MM/DD/
# .created), so a rerun makes the same bytes and the archive accepts them
# (docs/reliability-faults.md).

# The unsubscribe links of the demo emails are signed with this secret; a
# real deployment sets its own in the environment.
: "${CONVEX_UNSUBSCRIBE_SECRET:=demo-secret-not-for-production}"
export CONVEX_UNSUBSCRIBE_SECRET

"$convex" check "$job"
echo
status=0
"$convex" run "$@" "$job" || status=$?
if [ "$status" -eq 73 ] && [ -d "$repo/out/demo/archive" ]; then
  # The archive never overwrites what it keeps; after an upgrade of convex
  # the demo's PDFs differ from those an older build archived.
  echo "demo.sh: out/demo/archive holds PDFs made by an earlier build of convex;" >&2
  echo "demo.sh: the archive never overwrites them. Start the demo afresh with: rm -rf out/demo && make demo" >&2
fi
[ "$status" -eq 0 ] || [ "$status" -eq 3 ] || exit "$status"

run=$(ls -d "$repo"/out/demo/????-??-?? | tail -n 1)
echo
echo "The demo, in $run:"
echo "  report      $run/report.xml  (and report.json)"
echo "  deep dives  $(ls "$run"/pdf/*.pdf 2>/dev/null | grep -vc /digest.pdf) PDFs in $run/pdf/"
[ -f "$run/pdf/digest.pdf" ] && echo "  digest      $run/pdf/digest.pdf"
if [ -n "$smtp" ]; then
  echo "  emails      sent through $smtp (the summary above says how many);"
  echo "              a rerun sends nothing twice: the ledger is $repo/out/demo/ledger.sqlite"
elif [ -d "$run/mail" ]; then
  echo "  emails      $(ls "$run"/mail/*.eml 2>/dev/null | wc -l) messages in $run/mail/"
  echo "              open one with a mail client, e.g. thunderbird $(ls "$run"/mail/*.eml | head -n 1)"
fi
echo "  archive     $repo/out/demo/archive/"
[ -f "$repo/out/demo/archive/index.html" ] &&
  echo "  web site    $repo/out/demo/archive/index.html  (open it in a browser; docs/web.md)"
exit "$status"
