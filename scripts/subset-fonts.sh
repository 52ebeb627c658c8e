#!/bin/sh
# subset-fonts.sh - make fonts/Lato-{Regular,Bold}.ttf from Debian's Lato 2.0
# (package fonts-lato) with fontTools (package python3-fonttools).
#
#   scripts/subset-fonts.sh        (run from the repository root)
#
# Why: libharu embeds a TrueType font with the outlines of the glyphs a PDF
# uses only, but copies every other table whole: for the full Lato (3,026
# glyphs, kerning and hinting tables) that is ~49 KB per font and PDF, most
# of a deep-dive PDF. The subset keeps what convex can print -- Latin-1,
# Latin Extended-A, -B and Additional, Greek, Cyrillic, punctuation, currency and the math
# signs of the reports -- without hinting, kerning or layout tables (neither
# libharu nor the charts use them), so an embedded font costs ~8 KB.
# Both the PDFs and the PNG charts use these files (canvas.h). A subset is a
# Modified Version under the OFL (fonts/OFL-Lato.txt), which names no
# Reserved Font Name, so it keeps the name Lato.
set -eu
SRC=${LATO_DIR:-/usr/share/fonts/truetype/lato}
# Latin: Basic, Latin-1, Extended-A and -B (Romanian s/t with comma below,
# Croatian digraphs, African letters) and Extended Additional (Vietnamese);
# Greek; Cyrillic with its supplement (Ukrainian, Kazakh, Serbian...).
# A PDF embeds the outlines of the glyphs it uses only (pdf.c zeroes the
# metrics of the others), so a bigger repertoire costs a PDF next to nothing.
UNICODES="U+0020-007E,U+00A0-024F,U+02C6-02C7,U+02D8-02DD,U+0384-03CE"
UNICODES="$UNICODES,U+0400-052F,U+1E00-1EFF,U+2010-2027,U+2030,U+2032-2033"
UNICODES="$UNICODES,U+2039-203A,U+2044,U+20AC,U+2116,U+2122,U+2190-2193,U+2202"
UNICODES="$UNICODES,U+2206,U+2211-2212,U+2219-221A,U+221E,U+2248,U+2260"
UNICODES="$UNICODES,U+2264-2265,U+25CF"
for w in Regular Bold; do
  /usr/bin/python3 -m fontTools.subset "$SRC/Lato-$w.ttf" --unicodes="$UNICODES" \
    --no-hinting --layout-features='' --name-IDs=0,1,2,4,6 --name-languages=0x409 \
    --drop-tables+=kern,GPOS,GSUB,GDEF,gasp,DSIG --output-file="fonts/Lato-$w.ttf"
done
