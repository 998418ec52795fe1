#!/usr/bin/env python3
"""Drives the store copier's touch page in headless Chromium with スマホ用電子証明書: a phone held to the reader
(no card slot) and unlocked on the phone, by its biometrics or by its own PIN; the copier's keypad is never used.

usage: kiosk_simulator_phone.py STORE_URL BIOMETRIC_PHONE_FILE PIN_PHONE_FILE PHONE_PIN

Prints one JSON object: what was printed and what each screen showed. Exits 1 when a screen does not behave.
"""
import sys

from selenium.webdriver.common.by import By

from copier import Copier

url, bio_phone, pin_phone, phone_pin = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
c = Copier()
report = c.report


def hold(phone):
    c.open_service(url)
    cards = [b.get_attribute("data-file") for b in c.all(".card")]
    c.check(phone not in cards, "a phone is not offered for the card slot")
    c.tap("#use-phone")
    c.screen("screen-phone")
    c.tap(f'.phone-choice[data-file="{phone}"]')
    c.screen("screen-phone-unlock")


def displayed(css):
    return any(e.is_displayed() for e in c.all(css))


try:
    # 1. A phone with biometrics: the sensor does not recognise the finger first, then it does; print.
    hold(bio_phone)
    report["unlockScreen"] = c.text("#screen-phone-unlock h2")
    c.check("スマートフォン" in report["unlockScreen"], "the copier asks for the phone")
    c.check(not displayed("#keypad .key"), "the copier's own keypad is not on screen")
    c.check(displayed("#phone-bio"), "the phone offers its biometrics")
    small = [b.text for b in c.all("#screen-phone-unlock button") if b.is_displayed() and b.size["height"] < 64]
    c.check(not small, f"touch targets under 64 px: {small}")
    c.tap("#phone-bio-fail")
    c.wait.until(lambda d: c.text("#phone-message") != "")
    report["mismatch"] = c.text("#phone-message")
    report["mismatchCode"] = c.driver.find_element(By.ID, "phone-message").get_attribute("data-code")
    c.tap("#phone-bio")
    c.screen("screen-menu")
    report["city"] = c.text("#menu-city")
    report["amount"], report["documentId"] = c.buy("residentRecordCopy")
    report["takeAway"] = c.text("#take-card")
    c.check(report["documentId"] != "", "the printed document is named")

    # 2. A phone unlocked by its own PIN (no biometrics enrolled): a wrong PIN on the phone, then the right one.
    hold(pin_phone)
    c.check(not displayed("#phone-bio"), "no biometrics offered for a phone without them")
    for digit in "0000":
        c.tap(f'.phone-key[data-digit="{digit}"]')
    c.tap("#phone-pin-ok")
    c.wait.until(lambda d: c.text("#phone-message") != "")
    report["wrongPin"] = c.text("#phone-message")
    for digit in phone_pin:
        c.tap(f'.phone-key[data-digit="{digit}"]')
    c.tap("#phone-pin-ok")
    c.screen("screen-menu")
    c.tap("#lang")
    report["english"] = c.text("#screen-menu h2")
    c.tap("#lang")
    c.tap("#screen-menu .cancel")
    c.screen("screen-top")
finally:
    c.finish()
