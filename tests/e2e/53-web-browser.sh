#!/bin/sh
# 53-web-browser.sh - the web edition in headless Chromium at 375 and 1280
# px wide, light and dark (and at 320 px): no horizontal scroll (the document's scrollWidth
# <= the viewport), every piece of text at >= 14 CSS px, every image decoded,
# the dark scheme really applied. A copy of each page gets a probe script
# (the pages have none) that writes the measures into the DOM, read back
# with --dump-dom. And the links from the digest email to these pages.
. "$(dirname "$0")/../lib/assert.sh"
. "$TESTS_DIR/lib/web.sh"
. "$TESTS_DIR/lib/browser_check.sh"

web_job "$TMP/j.xml" web 'public-url="https://research.example.com/archive"'
web_run "$TMP/j.xml" 2007-05-08

# The email links here (issue 17 item 7): in a message of this real run,
# each pair's page and PDF link names a file the published archive holds.
eml=$(ls "$TMP"/web/out/2007-05-08/mail/*.eml | head -1)
check "the digest email links every pair's page and PDF, all in the archive" \
  $PY "$TESTS_DIR/lib/mail_links.py" "$eml" https://research.example.com/archive \
  "$ARCH" "$TMP/web/out/2007-05-08/report.xml"

PROBE='<script>window.addEventListener("load",function(){
var de=document.documentElement,small=[],bad=[];
for(const el of document.body.querySelectorAll("*")){
  var own=false;for(const n of el.childNodes)if(n.nodeType===3&&n.textContent.trim())own=true;
  if(!own)continue;var cs=getComputedStyle(el);
  if(cs.display==="none"||cs.visibility==="hidden")continue;
  if(parseFloat(cs.fontSize)<14)small.push(el.tagName+"."+el.className+"="+cs.fontSize);}
for(const i of document.images)if(!i.complete||i.naturalWidth===0)bad.push(i.getAttribute("src"));
var d=document.createElement("div");d.id="probe";
d.textContent="PROBE sw="+de.scrollWidth+" vw="+window.innerWidth+" dark="+matchMedia("(prefers-color-scheme: dark)").matches+
  " bg="+getComputedStyle(document.body).backgroundColor.replace(/ /g,"")+" small="+small.length+" broken="+bad.length+" "+small.slice(0,3).join(",")+" "+bad.join(",");
document.body.appendChild(d);});</script>'

# measure PAGE WIDTH light|dark: prints the probe line
measure() {
  _p="${1%.html}.probe-$2-$3.html"
  printf '%s' "$PROBE" > "$TMP/probe.js"
  $PY -c 'import sys; s = open(sys.argv[1]).read(); p = open(sys.argv[2]).read()
open(sys.argv[3], "w").write(s.replace("</body>", p + "</body>").replace("loading=\"lazy\" ", ""))' "$1" "$TMP/probe.js" "$_p"
  _dark=; [ "$3" = dark ] && _dark=--force-dark-mode
  chromium_run $_dark --window-size="$2,900" --virtual-time-budget=5000 --dump-dom "file://$_p" 2>/dev/null |
    grep -o 'PROBE sw=[0-9][^<]*'
  rm -f "$_p"
}

ok_probe() {
  echo "$2" | awk -v want="$1" '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    ok = v["sw"] + 0 <= v["vw"] + 0 && v["small"] == "0" && v["broken"] == "0" && v["dark"] == want
    if (!ok) print "  " $0
    exit !ok }'
}

for page in 2007/05/08/pairs/SBI-SPI.html pairs/SBI-SPI/index.html 2007/05/08/index.html matrix/index.html symbols/SBI/index.html index.html; do
  for w in 375 1280; do
    for scheme in light dark; do
      want=false; [ $scheme = dark ] && want=true
      line=$(measure "$ARCH/$page" $w $scheme)
      check "$page at $w px, $scheme: no horizontal scroll, text >= 14 px, images decoded" ok_probe $want "$line"
      eval "bg_$scheme=\$(echo \"\$line\" | sed -n 's/.* bg=\\([^ ]*\\).*/\\1/p')"
    done
    check "$page at $w px: the dark scheme changes the background" test "$bg_light" != "$bg_dark"
  done
done
# The index and a pair page from 320 px (the narrowest phones).
for page in index.html 2007/05/08/pairs/SBI-SPI.html matrix/index.html; do
  check "$page at 320 px: no horizontal scroll, text >= 14 px" ok_probe false "$(measure "$ARCH/$page" 320 light)"
done
finish
