# preflight.sh - PDF/A-1b validation with Apache PDFBox Preflight, sourced by
# end-to-end tests after assert.sh.
#
#   preflight FILE          exit 0 when FILE is valid PDF/A-1b; prints the
#                           validator's report otherwise
#   expect_pdfa FILE [DESC] one tally line: FILE is valid PDF/A-1b
#
# Debian's libpdfbox2-java ships preflight.jar without a Main-Class or a
# Class-Path, so the classpath is spelled out: PDFBox itself, fontbox and
# xmpbox (same package), commons-logging, and two APIs Java 11+ no longer
# carries that Validator_A1b loads: javax.activation (libactivation-java)
# and javax.xml.bind (libjaxb-api-java). Validator_A1b exits 0 for a valid
# file and non-zero otherwise.
PREFLIGHT_CP=/usr/share/java/preflight.jar:/usr/share/java/pdfbox2.jar:/usr/share/java/fontbox2.jar:/usr/share/java/xmpbox.jar:/usr/share/java/commons-logging.jar:/usr/share/java/javax.activation.jar:/usr/share/java/jaxb-api.jar

preflight() {
  java -Xshare:auto -XX:TieredStopAtLevel=1 -cp "$PREFLIGHT_CP" \
    org.apache.pdfbox.preflight.Validator_A1b "$1"
}

expect_pdfa() {
  _desc=${2:-"$(basename "$1") is valid PDF/A-1b (PDFBox Preflight)"}
  if _report=$(preflight "$1" 2>&1); then _pass "$_desc"
  else _fail "$_desc" "$(printf '%s' "$_report" | head -20)"; fi
}
