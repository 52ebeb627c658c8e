# web.sh - sourced by the 5x-web tests after assert.sh: a job on the Swiss
# sample prices that publishes a web edition, and `convex run` of it.
#
#   web_job FILE NAME [DIGEST-ATTRIBUTES]   a job named NAME whose archive is
#                                           $TMP/NAME/archive; the digest has
#                                           the fixture subscribers
#   web_run FILE [AS-OF]                    convex run (expects 0), sets $ARCH
PY=/usr/bin/python3
export CONVEX_TEST_SECRET=test-secret-0123456789
WEB_CHECK="$PY $TESTS_DIR/lib/web_check.py"

web_job() {
  mkdir -p "$TMP/$2"
  cp "$REPO/tests/data/mail/subscribers.csv" "$TMP/$2/subscribers.csv"
  cat > "$1" <<JOB
<?xml version="1.0" encoding="UTF-8"?>
<job name="$2" title="Swiss macro &amp; pensions">
  <assets>
    <asset symbol="SBI" name="Swiss Bond Index" group="rates"/>
    <asset symbol="SPI" name="Swiss Performance Index" group="equities"/>
    <asset symbol="SII" name="Swiss Immofonds Index" group="real-estate"/>
    <asset symbol="LP25" name="Pictet LPP 25 (25% equities)" group="balanced"/>
    <asset symbol="LP40" name="Pictet LPP 40 (40% equities)" group="balanced"/>
    <asset symbol="LP60" name="Pictet LPP 60 (60% equities)" group="balanced"/>
  </assets>
  <prices><file path="$REPO/jobs/demo/prices/swx.csv" layout="wide"/></prices>
  <watchlist>
    <pair a="SBI" b="SPI"/><pair a="SBI" b="SII"/><pair a="SPI" b="SII"/>
    <across a="balanced" b="equities"/>
  </watchlist>
  <outputs dir="$TMP/$2/out" archive="$TMP/$2/archive"/>
  <digest title="Swiss macro daily" subscribers="$TMP/$2/subscribers.csv"
          from="Convex Research &lt;research@mail.example.net&gt;"
          unsubscribe-url="https://research.example.com/unsubscribe"
          secret-env="CONVEX_TEST_SECRET" ${3:-}/>
</job>
JOB
}

web_run() {
  ARCH=$(sed -n 's/.*archive="\([^"]*\)".*/\1/p' "$1")
  if [ $# -ge 2 ]; then run_convex run --as-of "$2" "$1"; else run_convex run "$1"; fi
  expect_rc 0 "convex run ${2:-} publishes"
}
