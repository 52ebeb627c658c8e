#!/usr/bin/python3
"""mail_budget.py - check every .eml against the digest size budget of
issue 12 (docs/mail.md): HTML part <= 90 KB, message <= 400 KB, at most
6 inline images, no image part with a file name; and every <img> of the
HTML has width and height attributes and is a PNG part of twice that size
in pixels (2x density, +-2 px for rounding). Prints min/median/max and
exits 1 naming each message that fails.
  mail_budget.py [--extract DIR] FILE.eml...
--extract writes the largest message's HTML and its cid images to DIR
(index.html, cid: references rewritten to the files)."""
import email, email.policy, html.parser, statistics, struct, sys, os

HTML_MAX = 90 * 1024
MSG_MAX = 400 * 1024
IMAGES_MAX = 6

class Imgs(html.parser.HTMLParser):
    """The <img> tags of an HTML text: (src, width, height) attributes."""
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            a = dict(attrs)
            self.found.append((a.get("src", ""), a.get("width"), a.get("height")))


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def density_problems(m, body):
    """Why the images of message m are not 2x PNGs of their width/height."""
    parts = {p["Content-ID"].strip("<>"): p.get_payload(decode=True)
             for p in m.walk() if p.get_content_maintype() == "image" and p["Content-ID"]}
    p = Imgs()
    p.feed(body.decode("utf-8"))
    why = []
    for src, w, h in p.found:
        data = parts.get(src[4:]) if src.startswith("cid:") else None
        size = png_size(data) if data else None
        if size is None:
            why.append(f"{src}: no PNG part")
        elif not (w and h and w.isdigit() and h.isdigit()):
            why.append(f"{src}: width/height attributes missing")
        elif size[0] != 2 * int(w) or abs(size[1] - 2 * int(h)) > 2:
            why.append(f"{src}: {size[0]}x{size[1]} px for {w}x{h}, not 2x")
    return why


def measure(path):
    raw = open(path, "rb").read()
    m = email.message_from_bytes(raw, policy=email.policy.default)
    html = m.get_body(("html",))
    if html is None:
        raise SystemExit(f"{path}: no HTML part")
    body = html.get_content().encode("utf-8")
    imgs = [p for p in m.walk() if p.get_content_maintype() == "image"]
    named = [p for p in imgs if p.get_filename() or p.get_param("name")]
    return {"path": path, "msg": len(raw), "html": len(body),
            "images": len(imgs), "named": len(named), "m": m, "body": body,
            "density": density_problems(m, body)}

def extract(r, d):
    os.makedirs(d, exist_ok=True)
    html = r["body"].decode("utf-8")
    for i, p in enumerate(x for x in r["m"].walk() if x.get_content_maintype() == "image"):
        cid = p["Content-ID"].strip("<>")
        name = f"img{i}-" + os.path.basename(cid.split("@")[0])   # keeps "-rolling.png"
        open(os.path.join(d, name), "wb").write(p.get_payload(decode=True))
        html = html.replace("cid:" + cid, name)
    open(os.path.join(d, "index.html"), "w", encoding="utf-8").write(html)

def main(argv):
    out = None
    if argv[:1] == ["--extract"]:
        out, argv = argv[1], argv[2:]
    rs = [measure(p) for p in argv]
    bad = 0
    for r in rs:
        why = []
        if r["html"] > HTML_MAX: why.append(f"HTML {r['html']} > {HTML_MAX}")
        if r["msg"] > MSG_MAX: why.append(f"message {r['msg']} > {MSG_MAX}")
        if r["images"] > IMAGES_MAX: why.append(f"{r['images']} images > {IMAGES_MAX}")
        if r["named"]: why.append(f"{r['named']} image parts with a file name")
        why += r["density"]
        if why:
            bad += 1
            if bad <= 10:
                print(f"{r['path']}: " + "; ".join(why))
    for k in ("msg", "html", "images"):
        v = [r[k] for r in rs]
        print(f"{k}: n={len(v)} min={min(v)} median={statistics.median(v):.0f} max={max(v)}")
    if out:
        extract(max(rs, key=lambda r: r["msg"]), out)
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
