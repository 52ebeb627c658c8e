#!/bin/sh
# 31-pdf-scripts.sh - names in every script the shipped fonts have, in the
# PDFs as UTF-8 (libharu's TrueType CID fonts): a job whose title and asset
# names are German, Greek, Cyrillic and Polish gives PDFs whose extracted
# text (pdftotext) has those exact strings, that pass PDF/A-1b Preflight;
# a CJK character prints as "?" with one warning naming the job's
# file:line and field, never as a spelled-out letter name. The character
# table of src/text.c is checked against the fonts themselves (fc-query).
. "$(dirname "$0")/../lib/assert.sh"
. "$(dirname "$0")/../lib/preflight.sh"
export SOURCE_DATE_EPOCH=1178582400   # 2007-05-08

mkdir -p "$TMP/job/prices"
cp "$REPO/jobs/demo/prices/swx.csv" "$TMP/job/prices/swx.csv"
cat > "$TMP/job/s.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<job name="s" title="Zürich Ελληνικά Русский Łódź">
  <assets>
    <asset symbol="SBI" name="Ελληνικά ομόλογα" group="rates"/>
    <asset symbol="SPI" name="Русский индекс" group="equities"/>
    <asset symbol="SII" name="Łódź Kraków Žilina Ștefănescu Việt Nam"/>
    <asset symbol="LP25" name="Pictet 中 25"/>
  </assets>
  <prices><file path="prices/swx.csv"/></prices>
  <watchlist>
    <pair a="SBI" b="SPI"/>
    <pair a="SII" b="LP25"/>
  </watchlist>
  <outputs dir="out"/>
</job>
XML

run_convex check "$TMP/job/s.xml"
expect_err 's.xml:7: asset name "Pictet 中 25": U+4E2D is in none of the shipped fonts' \
  "check warns about the CJK character with file:line and field"
run_convex run --out "$TMP/out" "$TMP/job/s.xml"
expect_rc 0 "the run with non-Latin names exits 0"
n=$(printf '%s\n' "$err" | grep -c 'U+4E2D')
check "one warning for the character no font has (got $n)" [ "$n" -eq 1 ]
expect_err 's.xml:7: asset name "Pictet 中 25"' "the warning names the job file, line and field"

pdf=$TMP/out/2007-05-08/pdf
for f in SBI-SPI.pdf SII-LP25.pdf digest.pdf; do
  check "$f written" test -s "$pdf/$f"
  expect_pdfa "$pdf/$f" "$f with Greek, Cyrillic and Polish names is valid PDF/A-1b"
done
pdftotext "$pdf/SBI-SPI.pdf" "$TMP/sbi.txt" 2> "$TMP/sbi.err"
pdftotext "$pdf/SII-LP25.pdf" "$TMP/sii.txt" 2> "$TMP/sii.err"
pdftotext "$pdf/digest.pdf" "$TMP/digest.txt" 2> "$TMP/digest.err"
check "pdftotext reads the fonts without a CMap complaint" \
  sh -c "! grep -q . '$TMP/sbi.err' '$TMP/sii.err' '$TMP/digest.err'"
check "deep dive: Greek asset name extracted exactly" grep -qF "Ελληνικά ομόλογα" "$TMP/sbi.txt"
check "deep dive: Cyrillic asset name extracted exactly" grep -qF "Русский индекс" "$TMP/sbi.txt"
check "deep dive: Polish, Slovak, Romanian and Vietnamese letters kept" grep -qF "Łódź Kraków Žilina Ștefănescu Việt Nam" "$TMP/sii.txt"
check "digest PDF: the job title extracted exactly" grep -qF "Zürich Ελληνικά Русский Łódź" "$TMP/digest.txt"
check "the CJK character prints as the placeholder" grep -qF "Pictet ? 25" "$TMP/sii.txt"
check "no letter is spelled out by name" \
  sh -c "! grep -qiE 'epsilon|lambda|omicron|alpha|sigma' '$TMP/sbi.txt' '$TMP/digest.txt'"
# Document info (what a viewer shows as title and subject) and its XMP copy
# carry the names as they are too, never spelled out.
check "digest PDF: document title as written (pdfinfo)" \
  sh -c "pdfinfo '$pdf/digest.pdf' | grep -qxF 'Title:           Zürich Ελληνικά Русский Łódź, as of 2007-05-08'"
check "deep dive: document subject as written (pdfinfo)" \
  sh -c "pdfinfo '$pdf/SBI-SPI.pdf' | grep -qxF 'Subject:         Ελληνικά ομόλογα vs Русский индекс, as of 2007-05-08'"
check "deep dive: the XMP description says the same" \
  sh -c "pdfinfo -meta '$pdf/SBI-SPI.pdf' | grep -qF '>Ελληνικά ομόλογα vs Русский индекс, as of 2007-05-08</rdf:li>'"
check "deep dive: the CJK character is the placeholder in the subject too" \
  sh -c "pdfinfo '$pdf/SII-LP25.pdf' | grep -qF 'Subject:         Łódź Kraków Žilina Ștefănescu Việt Nam vs Pictet ? 25'"
check "no letter spelled out in the document info" \
  sh -c "! pdfinfo -meta '$pdf/SBI-SPI.pdf' | grep -qiE 'epsilon|lambda|omicron|alpha|sigma'"
check "the fonts are embedded (pdffonts: emb yes)" \
  sh -c "pdffonts '$pdf/SBI-SPI.pdf' | awk 'NR > 2 && \$(NF-4) != \"yes\" { bad = 1 } END { exit bad }'"

# The table in src/text.c is what the fonts have: fc-query's charset, as
# written there (a font swapped without updating it fails here).
for f in Lato-Regular Lato-Bold; do
  cs=$(fc-query --format '%{charset}' "$REPO/fonts/$f.ttf")
  check "$f.ttf covers what src/text.c says" [ "$cs" = "20-7e a0-24f 2c6-2c7 2d8-2dd 384-38a 38c 38e-3a1 3a3-3ce 400-486 488-513 1e00-1e9b 1e9e 1ea0-1ef9 2010 2012-2022 2026 2030 2032-2033 2039-203a 2044 20ac 2116 2122 2190-2193 2202 2206 2211-2212 2219-221a 221e 2248 2260 2264-2265 25cf" ]
done
finish
