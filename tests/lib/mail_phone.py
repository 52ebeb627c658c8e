#!/usr/bin/python3
"""mail_phone.py FILE.html OUTDIR - the digest's HTML on a phone, in headless
Chromium (Selenium + chromedriver, as unsubscribe_click.py): at 320, 375
and 600 px, light and dark, the page is no wider than the screen
(documentElement.scrollWidth <= innerWidth) and every image decoded.
Screenshots go to OUTDIR/mail-WIDTH-light.png / -dark.png. Exits 1
naming each failure."""
import pathlib
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

page, outdir = pathlib.Path(sys.argv[1]).resolve(), sys.argv[2]
opts = webdriver.ChromeOptions()
opts.binary_location = "/usr/bin/chromium"
for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
          "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--hide-scrollbars",
          "--user-data-dir=" + tempfile.mkdtemp(prefix="convex-chromium-"),
          "--window-size=600,900"):
    opts.add_argument(a)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
driver.set_page_load_timeout(30)
bad = 0
try:
    for scheme in ("light", "dark"):
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "features": [{"name": "prefers-color-scheme", "value": scheme}]})
        for w in (320, 375, 600):
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": w, "height": 1400, "deviceScaleFactor": 1, "mobile": True})
            driver.get(page.as_uri())
            sw = driver.execute_script("return document.documentElement.scrollWidth")
            iw = driver.execute_script("return window.innerWidth")
            broken = driver.execute_script(
                "return Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).length")
            if iw != w:
                print(f"{scheme} {w}: window {iw} px wide, not {w}"); bad += 1
            if sw > iw:
                print(f"{scheme} {w}: page {sw} px wide in a {iw} px window"); bad += 1
            if broken:
                print(f"{scheme} {w}: {broken} images did not load"); bad += 1
            driver.save_screenshot(f"{outdir}/mail-{w}-{scheme}.png")
finally:
    driver.quit()
sys.exit(1 if bad else 0)
