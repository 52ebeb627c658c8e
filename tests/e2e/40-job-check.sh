#!/bin/sh
# 40-job-check.sh - `convex check JOB`: a good job passes; every kind of bad
# job is refused with file:line, what was expected, and the exit status
# (78 bad job, 66 missing input).
. "$(dirname "$0")/../lib/assert.sh"

mkdir -p "$TMP/prices"
cp "$REPO/jobs/demo/prices/swx.csv" "$TMP/prices/swx.csv"
printf 'email,name,pairs\na@example.com,A,\n' > "$TMP/subs.csv"

# job NAME: write $TMP/NAME.xml from stdin-less template with substitutions
# (line numbers below are fixed by this template: keep it as it is).
write_job() {
  an=${ANALYSIS:-}; [ -n "$an" ] || an='lookback-years="5"'
  cat > "$TMP/$1.xml" <<XML
<?xml version="1.0"?>
<job name="t">
  <assets>
    <asset symbol="SBI" name="Swiss Bond Index" group="rates"/>
    <asset symbol="SPI" name="Swiss Performance Index" group="equities"/>
    <asset symbol="SII" name="Swiss Immofonds Index" group="real-estate"/>
  </assets>
  <prices>
    <file path="${PRICE_FILE:-prices/swx.csv}"/>
  </prices>
  <watchlist>
    <${PAIR_EL:-pair} a="SBI" b="${PAIR_B:-SPI}"/>
    <across a="rates" b="real-estate"/>
  </watchlist>
  <analysis $an/>
  <digest from="r@example.com" subscribers="${SUBS:-subs.csv}"/>
</job>
XML
}

write_job good
run_convex check "$TMP/good.xml"
expect_rc 0 "a good job passes"
expect_out "2 watchlist pairs" "the summary counts the expanded watchlist"

PAIR_EL=pairr write_job typo
run_convex check "$TMP/typo.xml"
expect_rc 78 "typo in an element name: exit 78"
expect_err "typo.xml:12: unknown element <pairr> in <watchlist>; expected one of: <pair>, <within>, <across>"

ANALYSIS='lookbak-years="5"' write_job setting
run_convex check "$TMP/setting.xml"
expect_rc 78 "unknown setting: exit 78"
expect_err 'setting.xml:15: unknown attribute "lookbak-years" on <analysis>; expected one of: as-of lookback-years top deep-dives stale-days'

ANALYSIS='top="five"' write_job type
run_convex check "$TMP/type.xml"
expect_rc 78 "a setting of the wrong type: exit 78"
expect_err 'type.xml:15: top="five" on <analysis>; expected a whole number from 0 to 100'

PAIR_B=XYZ write_job unknown
run_convex check "$TMP/unknown.xml"
expect_rc 78 "pair naming an unknown symbol: exit 78"
expect_err 'unknown.xml:12: pair "SBI/XYZ": unknown symbol "XYZ"; expected an <asset> symbol'

PRICE_FILE=prices/missing.csv write_job missing
run_convex check "$TMP/missing.xml"
expect_rc 66 "missing price file: exit 66"
expect_err "missing.xml:9: price file: "
expect_err "missing.csv: cannot open" "the message names the missing file"

# A subscriber's pair or group that is not on the watchlist: the row is
# valid and mailed, so a warning with file:line each, exit 0.
printf 'email,name,pairs\na@example.com,A,SPI/SBI\nb@example.com,B,SBI/SPX;rates\nc@example.com,C,bonds;SII/SBI\n' > "$TMP/subs-typo.csv"
SUBS=subs-typo.csv write_job selectors
run_convex check "$TMP/selectors.xml"
expect_rc 0 "unknown subscriber pairs: a warning, not a failure"
expect_err 'subs-typo.csv:3: "SBI/SPX" is not a pair or group of the watchlist'
expect_err 'subs-typo.csv:4: "bonds" is not a pair or group of the watchlist'
expect_err 'selectors.xml: 2 subscriber pairs or groups not on the watchlist (listed above)'
check "known pairs (either order) and groups raise nothing" \
  sh -c "! grep -q 'SPI/SBI\|\"rates\"\|SII/SBI' '$TMP/.err'"

SUBS=nobody.csv write_job nosubs
run_convex check "$TMP/nosubs.xml"
expect_rc 66 "missing subscribers file: exit 66"
expect_err 'subscribers file' "the message says which file"
expect_err "nobody.csv" "and names it"

# An asset with no column in the price files.
sed 's/symbol="SII" name/symbol="SIX" name/; s/<across a="rates" b="real-estate"\/>/<across a="rates" b="real-estate"\/>/' "$TMP/good.xml" > "$TMP/noprices.xml"
run_convex check "$TMP/noprices.xml"
expect_rc 66 "a watchlist symbol without prices: exit 66"
expect_err 'noprices.xml:13: pair "SBI/SIX": no prices for "SIX"'

printf '<job><assets>\n' > "$TMP/broken.xml"
run_convex check "$TMP/broken.xml"
expect_rc 78 "not well-formed XML: exit 78"
expect_err "broken.xml:2: not well-formed XML"

run_convex check "$TMP/absent.xml"
expect_rc 66 "an absent job file: exit 66"
expect_err "absent.xml: cannot open job"

finish
