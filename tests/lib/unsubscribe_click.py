#!/usr/bin/python3
"""unsubscribe_click.py URL OUTDIR - a person's visit to an unsubscribe link in
headless Chromium (Selenium + chromedriver): open URL at 320 px wide, check
the confirmation page (one button, no script, nothing wider than the
screen), click the button, wait for the answer. Screenshots go to
OUTDIR/confirm.png and OUTDIR/done.png. Prints the final heading; exits
non-zero on any mismatch."""
import sys

import chromium
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def fail(msg):
    print("unsubscribe_click: " + msg, file=sys.stderr)
    sys.exit(1)


url, outdir = sys.argv[1], sys.argv[2]
driver = chromium.driver(320, 640)
try:
    # Headless windows have a minimum width; emulate a 320 px phone screen.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": True})
    driver.get(url)
    h1 = driver.find_element(By.TAG_NAME, "h1").text
    if h1 != "Unsubscribe?":
        fail("GET page heading %r" % h1)
    if driver.find_elements(By.TAG_NAME, "script"):
        fail("the page carries a script")
    buttons = driver.find_elements(By.TAG_NAME, "button")
    if len(buttons) != 1:
        fail("%d buttons on the page" % len(buttons))
    width = driver.execute_script("return document.documentElement.scrollWidth")
    inner = driver.execute_script("return window.innerWidth")
    if inner != 320:
        fail("window %d px wide, not 320" % inner)
    if width > inner:
        fail("page %d px wide in a %d px window" % (width, inner))
    driver.save_screenshot(outdir + "/confirm.png")
    buttons[0].click()
    WebDriverWait(driver, 30).until(
        EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "You are unsubscribed"))
    driver.save_screenshot(outdir + "/done.png")
    print(driver.find_element(By.TAG_NAME, "h1").text)
finally:
    driver.quit()
