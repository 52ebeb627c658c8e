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
# Works as root or through sudo. Debian packages only.
set -eu

BUILD_PKGS="build-essential pkg-config
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
  fcgiwrap curl python3-selenium chromium-driver postfix"

case "${1:-all}" in
  build) want="$BUILD_PKGS" ;;
  all)   want="$BUILD_PKGS $TEST_PKGS" ;;
  *) echo "usage: scripts/deps.sh [build|all]" >&2; exit 64 ;;
esac

missing=""
for p in $want; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$st" in
    *" installed") ;;
    *) missing="$missing $p" ;;
  esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "deps.sh: missing packages:$missing; run as root or install sudo" >&2
  exit 77
fi

echo "deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
