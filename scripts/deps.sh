#!/bin/sh
# deps.sh - install the Debian 12 packages convex needs, and only those missing.
#
#   scripts/deps.sh [build|all]
#
# build: what it takes to compile and run convex (make, make demo).
# all:   build + what the test suite drives (make check): the SMTP and HTTP
#        servers, the PDF/A validator, the MIME and numerical references,
#        headless Chromium, the fuzzing and analysis tools.
#
# Idempotent: when every package is present it only asks dpkg and exits.
# Works as root or through sudo. Debian packages only. Prints one line per
# group it installs; apt's own output goes to the log (DEPS_LOG, default
# build/deps.log). Services in the packages (nginx, postfix, ...) are
# installed without being started: a policy-rc.d that refuses every start
# is in place for the duration of the install, the previous one restored.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
DEPS_LOG=${DEPS_LOG:-$repo/build/deps.log}

BUILD_PKGS="make build-essential pkg-config
  libhpdf-dev libcairo2-dev libfreetype-dev libpng-dev zlib1g-dev
  libcurl4-openssl-dev libxml2-dev libxslt1-dev libsqlite3-dev
  libjansson-dev libgmime-3.0-dev
  icc-profiles-free ca-certificates"

TEST_PKGS="libcmocka-dev python3 python3-pandas python3-numpy python3-aiosmtpd
  nginx-light libpdfbox2-java libactivation-java libjaxb-api-java
  default-jre-headless poppler-utils
  xsltproc libxml2-utils sqlite3 openssl chromium
  clang libclang-rt-14-dev valgrind cppcheck clang-tidy hyperfine time
  python3-yaml groff-base man-db bsdutils jq file strace
  fcgiwrap curl python3-selenium chromium-driver postfix faketime
  python3-html5lib python3-feedparser python3-lxml procps"

case "${1:-all}" in
  build|all) ;;
  *) echo "usage: scripts/deps.sh [build|all]" >&2; exit 64 ;;
esac

command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 || {
  echo "deps.sh: this is not a Debian system (no dpkg-query/apt-get); install the packages listed in scripts/deps.sh by hand" >&2
  exit 69
}

# missing PKGS...: the packages not installed yet
missing() {
  for p in "$@"; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in *" installed") ;; *) printf ' %s' "$p" ;; esac
  done
}

# shellcheck disable=SC2086
build_missing=$(missing $BUILD_PKGS)
test_missing=""
# shellcheck disable=SC2086
[ "${1:-all}" = all ] && test_missing=$(missing $TEST_PKGS)
[ -z "$build_missing$test_missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "deps.sh: missing packages:$build_missing$test_missing; run as root or install sudo" >&2
  exit 77
fi

mkdir -p "$(dirname "$DEPS_LOG")"
: > "$DEPS_LOG"
# No service starts while we install: policy-rc.d exits 101 ("action
# forbidden"); the previous one, if any, comes back afterwards.
policy=/usr/sbin/policy-rc.d
saved=""
restore_policy() {
  if [ -n "$saved" ]; then $SUDO mv -f "$saved" "$policy"; else $SUDO rm -f "$policy"; fi
}
if [ -e "$policy" ]; then saved=$policy.convex-deps; $SUDO cp -p "$policy" "$saved"; fi
trap restore_policy EXIT
trap 'exit 130' INT TERM
printf '#!/bin/sh\n# scripts/deps.sh: no service starts while convex installs its packages\nexit 101\n' |
  $SUDO tee "$policy" >/dev/null
$SUDO chmod 755 "$policy"

export DEBIAN_FRONTEND=noninteractive
apt_install() {
  echo "== apt-get install$1" >> "$DEPS_LOG"
  # shellcheck disable=SC2086
  $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends $1 >> "$DEPS_LOG" 2>&1
}
# count PKGS: how many packages apt will install for them, dependencies included
count() {
  # shellcheck disable=SC2086
  n=$(apt-get -s install --no-install-recommends $1 2>/dev/null | grep -c '^Inst ' || true)
  echo "${n:-0}"
}
fail() {
  echo "deps.sh: apt-get failed; the end of $DEPS_LOG:" >&2
  tail -n 15 "$DEPS_LOG" >&2
  exit 69
}

echo "== apt-get update" >> "$DEPS_LOG"
$SUDO apt-get -o DPkg::Lock::Timeout=900 update >> "$DEPS_LOG" 2>&1 || fail
if [ -n "$build_missing" ]; then
  echo "deps.sh: installing $(count "$build_missing") packages for building and running (log: $DEPS_LOG)" >&2
  apt_install "$build_missing" || fail
fi
if [ -n "$test_missing" ]; then
  echo "deps.sh: installing $(count "$test_missing") packages for the tests (make check; log: $DEPS_LOG)" >&2
  apt_install "$test_missing" || fail
fi
