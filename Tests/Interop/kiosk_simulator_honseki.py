#!/usr/bin/env python3
"""Drives the copier page's 本籍地 flow in headless Chromium: 行政サービス → 本籍地の証明書 → card → the 本籍地
city → PIN → (戸籍 kinds only) → copies → confirm → pay → print.

usage: kiosk_simulator_honseki.py STORE_URL CARD_FILE CITY_CODE
Prints one JSON object; exits 1 with a message when a screen does not behave.
"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

url, card, city = sys.argv[1], sys.argv[2], sys.argv[3]
options = Options()
for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000"):
    options.add_argument(flag)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
wait = WebDriverWait(driver, 30)
report = {}


def check(condition, message):
    if not condition:
        print(json.dumps({"failed": message, "report": report}, ensure_ascii=False))
        driver.quit()
        sys.exit(1)


def screen(name):
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-screen") == name)


def tap(css):
    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, css))).click()


try:
    driver.get(url)
    screen("screen-top")
    tap("#svc-admin")
    screen("screen-service")
    tap("#svc-honseki")
    screen("screen-card")
    tap(f'.card[data-file="{card}"]')
    screen("screen-city")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".city")) > 0)
    report["cities"] = [b.text for b in driver.find_elements(By.CSS_SELECTOR, ".city")]
    tap(f'.city[data-code="{city}"]')
    screen("screen-pin")
    for digit in "1234":
        tap(f'.key[data-digit="{digit}"]')
    tap("#pin-ok")
    screen("screen-menu")
    report["city"] = driver.find_element(By.ID, "menu-city").text
    report["kinds"] = [b.get_attribute("data-kind") for b in driver.find_elements(By.CSS_SELECTOR, ".kind")]
    check(report["kinds"] and all(k.startswith("familyRegister") for k in report["kinds"]), "only 戸籍 kinds at the 本籍地")
    tap('.kind[data-kind="familyRegisterFull"]')
    screen("screen-copies")
    tap("#copies-ok")
    screen("screen-confirm")
    wait.until(lambda d: "円" in d.find_element(By.ID, "confirm-summary").text and "…" not in d.find_element(By.ID, "confirm-summary").text)
    tap("#confirm-ok")
    screen("screen-pay")
    report["amount"] = driver.find_element(By.ID, "pay-amount").text
    tap("#pay-insert")
    screen("screen-done")
    report["documentId"] = driver.find_element(By.ID, "done-id").text
finally:
    driver.quit()

print(json.dumps(report, ensure_ascii=False))
