#!/usr/bin/env python3
"""Drives the store copier's touch page in headless Chromium (selenium + chromedriver), as a resident would.

usage: kiosk_simulator.py STORE_URL ADULT_CARD_FILE CHILD_CARD_FILE

Prints one JSON object: what was printed (request and document ids) and what each screen showed.
Exits 1 with a message when a screen does not behave.
"""
import sys

from copier import Copier

url, adult, child = sys.argv[1], sys.argv[2], sys.argv[3]
c = Copier()
report = c.report


def begin(card):
    c.open_service(url)
    c.tap(f'.card[data-file="{card}"]')
    c.screen("screen-pin")


try:
    # 1. The adult: a wrong PIN first, then the right one; English and back; two copies; pay; print.
    begin(adult)
    report["pinScreen"] = c.text("#screen-pin h2")
    c.check("暗証番号" in report["pinScreen"], "the PIN screen is in Japanese")
    small = [b.text for b in c.all("#screen-pin button") if b.is_displayed() and b.size["height"] < 64]
    c.check(not small, f"touch targets under 64 px: {small}")
    c.enter_pin("0000")
    c.wait.until(lambda d: c.text("#pin-message") != "")
    report["wrongPin"] = c.text("#pin-message")
    c.check("あと2回" in report["wrongPin"], "a wrong PIN says two tries remain")
    c.enter_pin("1234")
    c.screen("screen-menu")
    report["city"] = c.text("#menu-city")
    c.tap("#lang")
    report["english"] = {"title": c.text("header h1"), "menu": c.text("#screen-menu h2"), "first": c.all(".kind")[0].text}
    c.check(report["english"]["title"] == "Public services (certificates)", "the English toggle changes the header")
    c.check("Choose a certificate" in report["english"]["menu"], "the English toggle changes the menu")
    c.tap("#lang")
    c.check(c.text("header h1") == "行政サービス（証明書交付）", "and back to Japanese")
    c.tap('.kind[data-kind="residentRecordCopy"]')
    c.screen("screen-copies")
    c.tap("#copies-plus")
    c.check(c.text("#copies-count") == "2", "two copies")
    c.tap("#copies-ok")
    c.screen("screen-confirm")
    c.wait_for_fee()
    report["confirm"] = c.text("#confirm-summary")
    c.tap("#confirm-ok")
    c.screen("screen-pay")
    report["amount"] = c.text("#pay-amount")
    c.tap("#pay-insert")
    c.screen("screen-done")
    report["done"] = c.text("#done-message")
    report["documentId"] = c.text("#done-id")
    report["documentHref"] = c.driver.find_element("id", "done-document").get_attribute("href")
    c.check(report["documentId"] != "", "the printed document is named")

    # 2. A child: the store refuses, with the reason on screen, in Japanese and with its code.
    begin(child)
    c.enter_pin("1234")
    c.screen("screen-menu")
    c.tap('.kind[data-kind="residentRecordCopy"]')
    c.screen("screen-copies")
    c.tap("#copies-ok")
    c.screen("screen-error")
    report["refusal"] = {"message": c.text("#error-message"), "code": c.text("#error-code")}
    c.check(report["refusal"]["code"] == "refusal.underAgeUnattended", "the child is refused for age")
    c.tap("#lang")
    report["refusal"]["english"] = c.text("#error-message")
finally:
    c.finish()
