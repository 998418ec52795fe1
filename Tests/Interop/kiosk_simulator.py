#!/usr/bin/env python3
"""Drives the store copier's touch page in headless Chromium (selenium + chromedriver), as a resident would.

usage: kiosk_simulator.py STORE_URL ADULT_CARD_FILE CHILD_CARD_FILE

Prints one JSON object: what was printed (request and document ids) and what each screen showed.
Exits 1 with a message when a screen does not behave.
"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

url, adult, child = sys.argv[1], sys.argv[2], sys.argv[3]

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
    element = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, css)))
    element.click()


def text(css):
    return driver.find_element(By.CSS_SELECTOR, css).text


def enter_pin(pin):
    for digit in pin:
        tap(f'.key[data-digit="{digit}"]')
    tap("#pin-ok")


def begin(card):
    driver.get(url)
    screen("screen-top")
    tap("#svc-admin")
    screen("screen-service")
    tap("#svc-certificates")
    screen("screen-card")
    tap(f'.card[data-file="{card}"]')
    screen("screen-pin")


try:
    # 1. The adult: a wrong PIN first, then the right one; English and back; two copies; pay; print.
    begin(adult)
    report["pinScreen"] = text("#screen-pin h2")
    check("暗証番号" in report["pinScreen"], "the PIN screen is in Japanese")
    small = [b.text for b in driver.find_elements(By.CSS_SELECTOR, "#screen-pin button") if b.is_displayed() and b.size["height"] < 64]
    check(not small, f"touch targets under 64 px: {small}")
    enter_pin("0000")
    wait.until(lambda d: d.find_element(By.ID, "pin-message").text != "")
    report["wrongPin"] = text("#pin-message")
    check("あと2回" in report["wrongPin"], "a wrong PIN says two tries remain")
    enter_pin("1234")
    screen("screen-menu")
    report["city"] = text("#menu-city")
    tap("#lang")
    report["english"] = {"title": text("header h1"), "menu": text("#screen-menu h2"),
                         "first": driver.find_elements(By.CSS_SELECTOR, ".kind")[0].text}
    check(report["english"]["title"] == "Public services (certificates)", "the English toggle changes the header")
    check("Choose a certificate" in report["english"]["menu"], "the English toggle changes the menu")
    tap("#lang")
    check(text("header h1") == "行政サービス（証明書交付）", "and back to Japanese")
    tap('.kind[data-kind="residentRecordCopy"]')
    screen("screen-copies")
    tap("#copies-plus")
    check(text("#copies-count") == "2", "two copies")
    tap("#copies-ok")
    screen("screen-confirm")
    wait.until(lambda d: "円" in d.find_element(By.ID, "confirm-summary").text and "…" not in d.find_element(By.ID, "confirm-summary").text)
    report["confirm"] = text("#confirm-summary")
    tap("#confirm-ok")
    screen("screen-pay")
    report["amount"] = text("#pay-amount")
    tap("#pay-insert")
    screen("screen-done")
    report["done"] = text("#done-message")
    report["documentId"] = text("#done-id")
    report["documentHref"] = driver.find_element(By.ID, "done-document").get_attribute("href")
    check(report["documentId"] != "", "the printed document is named")

    # 2. A child: the store refuses, with the reason on screen, in Japanese and with its code.
    begin(child)
    enter_pin("1234")
    screen("screen-menu")
    tap('.kind[data-kind="residentRecordCopy"]')
    screen("screen-copies")
    tap("#copies-ok")
    screen("screen-error")
    report["refusal"] = {"message": text("#error-message"), "code": text("#error-code")}
    check(report["refusal"]["code"] == "refusal.underAgeUnattended", "the child is refused for age")
    tap("#lang")
    report["refusal"]["english"] = text("#error-message")
finally:
    driver.quit()

print(json.dumps(report, ensure_ascii=False))
