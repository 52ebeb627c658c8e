"""chromium.py - the headless Chromium every browser test drives (Selenium
+ Debian's chromedriver): no network beyond what a page asks for, no
first-run work, a fresh profile in a temporary directory, and a 30 s page
load limit. Imported by mail_phone.py, mail_layout.py, unsubscribe_click.py
(tests/lib is their directory, so the import needs no path set-up)."""
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars")


def driver(width, height, *extra):
    """A new Chrome driver with a width x height window; `extra`: more flags.
    The caller quits it."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in FLAGS + extra + ("--user-data-dir=" + tempfile.mkdtemp(prefix="convex-chromium-"),
                              f"--window-size={width},{height}"):
        opts.add_argument(a)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    d.set_page_load_timeout(30)
    return d
