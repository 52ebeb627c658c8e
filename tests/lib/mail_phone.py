#!/usr/bin/python3
"""mail_phone.py OUTDIR FILE.html... - the digest's HTML on a phone, in headless
Chromium (Selenium + chromedriver, as unsubscribe_click.py): at 320, 375
and 600 px, light and dark, the page is no wider than the screen
(documentElement.scrollWidth <= innerWidth) and every image decoded.

Chart text at 375 px: each image is a PNG file next to FILE.html that
records, in a tEXt chunk (Convex-Smallest-Text-Px), the size in its own
pixels of the smallest text drawn on it. Chromium gives the image's
natural width and the width it is shown at; the smallest text on screen is
that size * shown / natural CSS px, which must be >= 11. What this
measures: the display scale is Chromium's; the text size is what convex
says it drew with (the unit test test_chart pins it to 6.5 pt * 4.4 =
28.60 px by hand). On the rolling charts the size is also measured from
the pixels: the ink height of the first glyph of the legend (the "9" of
"90-day", the chart's smallest text) over Lato's figure height (0.7165
em) must agree with the recorded size within 10% and be >= 11 CSS px at
375 px too. (On the shift chart the first glyph is the title's, so it is
not measured there.) Also: every image is a 2x
PNG (natural width = 2 * its width attribute) shown at its attribute
width at 600 px.

Contrast: in light and dark (prefers-color-scheme emulated over CDP), every
visible element with its own text has a WCAG 2 contrast ratio >= 4.5
between its computed colour and the computed background colour of the
nearest ancestor that has an opaque one.

Every FILE is checked in one Chromium session; screenshots of the first
go to OUTDIR/mail-WIDTH-light.png / -dark.png. Exits 1 naming each
failure (with its file)."""
import pathlib
import struct
import sys
import zlib

import chromium

outdir, pages = sys.argv[1], [pathlib.Path(a).resolve() for a in sys.argv[2:]]
TEXT_KEY = b"Convex-Smallest-Text-Px"
MIN_CSS_PX = 11.0
MIN_CONTRAST = 4.5


def png_text_px(path):
    """The Convex-Smallest-Text-Px value of a PNG file, or None."""
    data = path.read_bytes()
    i = 8
    while i + 12 <= len(data):
        n, kind = struct.unpack(">I4s", data[i:i + 8])
        body = data[i + 8:i + 8 + n]
        if kind == b"tEXt" and body.split(b"\0", 1)[0] == TEXT_KEY:
            return float(body.split(b"\0", 1)[1])
        i += 12 + n
    return None


def decode(path):
    """RGB rows of an 8-bit RGB or palette PNG (any filter)."""
    d = open(path, "rb").read()
    i, idat, pal = 8, b"", None
    while i + 12 <= len(d):
        n, kind = struct.unpack(">I4s", d[i:i + 8]); body = d[i + 8:i + 8 + n]
        if kind == b"IHDR": w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"PLTE": pal = [tuple(body[k:k + 3]) for k in range(0, n, 3)]
        elif kind == b"IDAT": idat += body
        i += 12 + n
    assert depth == 8 and ctype in (2, 3)
    bpp = 3 if ctype == 2 else 1
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        rows.append([tuple(line[k:k + 3]) for k in range(0, stride, 3)] if ctype == 2 else [pal[v] for v in line])
    return w, h, rows

def ink(p):
    return max(p) - min(p) < 16 and max(p) < 160

def first_glyph_height(path):
    """Ink height in px of the first glyph of the first text line from the
    top (neutral grey pixels darker than 160: the chart's text; its
    swatches are coloured)."""
    w, h, px = decode(path)
    band = [y for y in range(h) if any(ink(p) for p in px[y])]
    y0 = band[0]; y1 = y0
    while y1 + 1 < h and any(ink(p) for p in px[y1 + 1]): y1 += 1
    cols = [x for x in range(w) if any(ink(px[y][x]) for y in range(y0, y1 + 1))]
    run = [cols[0]]
    for x in cols[1:]:
        if x != run[-1] + 1: break
        run.append(x)
    ys = [y for y in range(y0, y1 + 1) if any(ink(px[y][x]) for x in run)]
    return ys[-1] - ys[0] + 1, run, (y0, y1)


# Lato's figures are as tall as its capitals: 1433/2000 em (fonts/Lato-*.ttf,
# OS/2 sCapHeight).
LATO_FIGURE_EM = 0.7165
glyph_cache = {}


def glyph_em_px(path):
    """The font size in PNG px of a rolling chart's legend, measured from
    the ink of its first glyph (the "9" of "90-day rolling correlation")."""
    if path not in glyph_cache:
        glyph_cache[path] = first_glyph_height(str(path))[0] / LATO_FIGURE_EM
    return glyph_cache[path]


def luminance(rgb):
    def lin(c):
        c /= 255.0
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(float(v)) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg, bg):
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


# Every visible element with text of its own: its colour, the background of
# the nearest ancestor (itself included) with an opaque background colour.
TEXTS_JS = """
const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
const out = [];
for (const el of document.body.querySelectorAll('*')) {
  const own = Array.from(el.childNodes).filter(n => n.nodeType === 3 && n.textContent.trim()).length;
  if (!own) continue;
  const r = el.getBoundingClientRect();
  const cs = getComputedStyle(el);
  if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden') continue;
  let bg = null;
  for (let a = el; a; a = a.parentElement) {
    const c = rgb(getComputedStyle(a).backgroundColor);
    if (c.length >= 3 && (c.length === 3 || c[3] > 0.99)) { bg = c.slice(0, 3); break; }
  }
  out.push([el.textContent.trim().slice(0, 40), rgb(cs.color).slice(0, 3), bg || [255, 255, 255]]);
}
return out;
"""

IMAGES_JS = """
return Array.from(document.images).map(i => [i.getAttribute('src'), i.naturalWidth,
  i.clientWidth, Number(i.getAttribute('width') || 0)]);
"""


def check_images(driver, page, scheme, w):
    bad = 0
    for src, natural, shown, attr in driver.execute_script(IMAGES_JS):
        f = page.parent / src
        px = png_text_px(f) if f.is_file() else None
        if px is None:
            print(f"{page.parent.name} {scheme} {w}: {src}: no {TEXT_KEY.decode()} in the PNG"); bad += 1
            continue
        if natural != 2 * attr:
            print(f"{page.parent.name} {scheme} {w}: {src}: {natural} px wide for width={attr}, not 2x"); bad += 1
        css = px * shown / natural if natural else 0
        sizes.setdefault((scheme, w), []).append(css)
        if w == 375 and css < MIN_CSS_PX:
            print(f"{page.parent.name} {scheme} {w}: {src}: smallest chart text {css:.2f} CSS px < {MIN_CSS_PX}"); bad += 1
        if "-rolling" in src:
            em = glyph_em_px(f)
            glyphs.setdefault((scheme, w), []).append(em * shown / natural)
            if abs(em - px) > 0.1 * px:
                print(f"{page.parent.name} {scheme} {w}: {src}: legend glyphs measure {em:.1f} px,"
                      f" the PNG says {px:.1f} px"); bad += 1
            if w == 375 and em * shown / natural < MIN_CSS_PX:
                print(f"{page.parent.name} {scheme} {w}: {src}: legend glyphs {em * shown / natural:.2f} CSS px"
                      f" < {MIN_CSS_PX}"); bad += 1
        if w == 600 and shown != attr:
            print(f"{page.parent.name} {scheme} {w}: {src}: shown {shown} px wide, not its width={attr}"); bad += 1
    return bad


def check_contrast(driver, page, scheme, w):
    bad = 0
    texts = driver.execute_script(TEXTS_JS)
    if not texts:
        print(f"{page.parent.name} {scheme} {w}: no text found"); return 1
    worst, count = ratios.get((scheme, w), (99.0, 0))
    ratios[(scheme, w)] = (min([worst] + [contrast(fg, bg) for _, fg, bg in texts]),
                           count + len(texts))
    for t, fg, bg in texts:
        c = contrast(fg, bg)
        if c < MIN_CONTRAST:
            if bad < 5:
                print(f"{page.parent.name} {scheme} {w}: \"{t}\" rgb{tuple(fg)} on rgb{tuple(bg)}: contrast {c:.2f} < {MIN_CONTRAST}")
            bad += 1
    return bad


def check_page(driver, page, scheme, w):
    """Load `page` at width w and check it; the number of failures."""
    bad = 0
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": w, "height": 1400, "deviceScaleFactor": 1, "mobile": True})
    driver.get(page.as_uri())
    sw = driver.execute_script("return document.documentElement.scrollWidth")
    iw = driver.execute_script("return window.innerWidth")
    broken = driver.execute_script(
        "return Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).length")
    where = f"{page.parent.name} {scheme} {w}"
    if iw != w:
        print(f"{where}: window {iw} px wide, not {w}"); bad += 1
    if sw > iw:
        print(f"{where}: page {sw} px wide in a {iw} px window"); bad += 1
    if broken:
        print(f"{where}: {broken} images did not load"); bad += 1
    bad += check_images(driver, page, scheme, w)
    bad += check_contrast(driver, page, scheme, w)
    return bad


sizes, ratios, glyphs = {}, {}, {}
driver = chromium.driver(600, 900)
bad = 0
try:
    for n, page in enumerate(pages):
        for scheme in ("light", "dark"):
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
                "features": [{"name": "prefers-color-scheme", "value": scheme}]})
            for w in (320, 375, 600):
                bad += check_page(driver, page, scheme, w)
                if n == 0:
                    driver.save_screenshot(f"{outdir}/mail-{w}-{scheme}.png")
finally:
    driver.quit()
for (scheme, w), (worst, count) in sorted(ratios.items()):
    v = sizes.get((scheme, w), [])
    chart = f"smallest chart text {min(v):.2f} CSS px over {len(v)} images" if v else "no images"
    gv = glyphs.get((scheme, w), [])
    if gv:
        chart += f" (rolling legends measured from the glyphs: {min(gv):.2f} CSS px over {len(gv)})"
    print(f"{len(pages)} pages, {scheme} {w}: {chart}; lowest text contrast {worst:.2f} over {count} texts")
sys.exit(1 if bad else 0)
