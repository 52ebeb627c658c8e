# browser_check.sh - sourced by tests: load a page in headless Chromium.
#
#   page_loads FILE.html OUT.png   0 when the page loads with no console or
#                                  script error, every <img> decoded with a
#                                  non-zero size, and a screenshot was written.
# A copy of the page gets a probe script (the page itself has none) that
# writes the result into the DOM, read back with --dump-dom.
chromium_run() {
  _ud=$(mktemp -d "$TMP/chromium.XXXXXX")
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$_ud" \
    --hide-scrollbars "$@"
}

page_loads() {
  _page=$1; _png=$2
  _probe="${_page%.html}.probe.html"
  sed 's|</body>|<script>window.addEventListener("load",function(){var bad=[];for(const i of document.images){if(!i.complete\|\|i.naturalWidth===0)bad.push(i.getAttribute("src"));}var d=document.createElement("div");d.id="probe";d.textContent="PROBE images="+document.images.length+" broken="+bad.length+" "+bad.join(" ");document.body.appendChild(d);});</script></body>|' "$_page" > "$_probe"
  chromium_run --enable-logging=stderr --v=0 --virtual-time-budget=5000 --dump-dom "file://$_probe" \
    > "$TMP/dom.txt" 2> "$TMP/console.txt" || return 1
  if grep -E 'CONSOLE|Uncaught|ERR_FILE_NOT_FOUND' "$TMP/console.txt"; then return 1; fi
  grep -q 'PROBE images=[1-9][0-9]* broken=0 ' "$TMP/dom.txt" || { grep -o 'PROBE[^<]*' "$TMP/dom.txt"; return 1; }
  chromium_run --screenshot="$_png" --window-size=680,2600 "file://$_page" > /dev/null 2>&1
  [ -s "$_png" ]
}
