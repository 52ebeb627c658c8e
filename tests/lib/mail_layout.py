#!/usr/bin/python3
"""mail_layout.py WORKDIR FILE.eml... - every message's HTML on a phone, in
one headless Chromium session (Selenium + chromedriver): at 320 and 375 px
the page is no wider than the screen (documentElement.scrollWidth <=
innerWidth) and every image it shows decoded.

mail_phone.py checks a handful of messages in depth (chart text size,
contrast, light and dark, screenshots); this one checks the layout of all
of them, which is what depends on each subscriber's own pairs and names.
Messages are loaded 50 to a page, each in an iframe as wide as the phone
(an iframe's width is its document's viewport, media queries included).
Each message is parsed with Python's email package; its image parts are
written once per content (the same chart goes to many subscribers) under
WORKDIR/img and its cid: references pointed at them. Prints one line per
failure and a summary; exits 1 on any failure."""
import email
import email.policy
import hashlib
import pathlib
import re
import sys

import chromium

WIDTHS = (320, 375)
MAX_MESSAGES = 5000          # a bound on the loop
BATCH = 50                   # messages per page load


def extract(eml, work, k):
    """The message's HTML, with cid: images as files, as WORKDIR/page-K.html."""
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    html, cids = None, {}
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "text/html" and html is None:
            html = part.get_content()
        elif ctype.startswith("image/") and part["Content-ID"]:
            data = part.get_payload(decode=True)
            f = work / "img" / (hashlib.sha256(data).hexdigest()[:24] + ".png")
            if not f.exists():
                f.write_bytes(data)
            cids[part["Content-ID"].strip("<>")] = f.as_uri()
    if html is None:
        raise ValueError("no text/html part")
    html = re.sub(r'src="cid:([^"]+)"',
                  lambda m: 'src="%s"' % cids.get(m.group(1), "missing:" + m.group(1)), html)
    out = work / f"page-{k}.html"
    out.write_text(html, encoding="utf-8")
    return out


# One load per batch: each message in an iframe as wide as the phone, whose
# viewport (and so its media queries) is that width, as on the phone.
MEASURE = """return Array.from(document.querySelectorAll('iframe')).map(f => {
  const d = f.contentDocument;
  return [f.dataset.n, +f.width, d.documentElement.scrollWidth, f.contentWindow.innerWidth,
          Array.from(d.images).filter(i => !i.complete || i.naturalWidth === 0).length];
});"""


def check_batch(driver, work, pages, names):
    frames = "".join(f'<iframe data-n="{k}" width="{w}" height="600" src="{p.as_uri()}"></iframe>'
                     for k, p in enumerate(pages) for w in WIDTHS)
    batch = work / "batch.html"
    batch.write_text(f"<!doctype html><html><body>{frames}</body></html>", encoding="utf-8")
    driver.get(batch.as_uri())
    bad = set()
    for n, w, sw, iw, broken in driver.execute_script(MEASURE):
        name = names[int(n)]
        if iw != w:
            print(f"{name} {w}: window {iw} px wide, not {w}"); bad.add(name)
        if sw > iw:
            print(f"{name} {w}: page {sw} px wide in a {iw} px window"); bad.add(name)
        if broken:
            print(f"{name} {w}: {broken} images did not load"); bad.add(name)
    return bad


def main():
    work, emls = pathlib.Path(sys.argv[1]), [pathlib.Path(a) for a in sys.argv[2:]]
    if not emls or len(emls) > MAX_MESSAGES:
        sys.exit(f"mail_layout.py: 1 to {MAX_MESSAGES} messages, not {len(emls)}")
    (work / "img").mkdir(parents=True, exist_ok=True)
    driver = chromium.driver(1200, 900, "--allow-file-access-from-files")
    bad = set()
    try:
        for i in range(0, len(emls), BATCH):
            pages, names = [], []
            for k, eml in enumerate(emls[i:i + BATCH]):
                try:
                    pages.append(extract(eml, work, k))
                    names.append(eml.name)
                except ValueError as err:
                    print(f"{eml.name}: {err}"); bad.add(eml.name)
            bad |= check_batch(driver, work, pages, names)
    finally:
        driver.quit()
    failed = len(bad)
    print(f"{len(emls)} messages at {' and '.join(map(str, WIDTHS))} px: "
          f"{len(emls) - failed} fit the screen with every image decoded, {failed} do not")
    sys.exit(1 if bad else 0)


main()
