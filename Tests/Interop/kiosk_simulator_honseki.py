#!/usr/bin/env python3
"""Drives the copier page's 本籍地 flow in headless Chromium: 行政サービス → 本籍地の証明書 → card → the 本籍地
city → PIN → (戸籍 kinds only) → copies → confirm → pay → print.

usage: kiosk_simulator_honseki.py STORE_URL CARD_FILE CITY_CODE
Prints one JSON object; exits 1 with a message when a screen does not behave.
"""
import sys

from copier import Copier

url, card, city = sys.argv[1], sys.argv[2], sys.argv[3]
c = Copier()
report = c.report
try:
    c.driver.get(url)
    c.screen("screen-top")
    c.tap("#svc-admin")
    c.screen("screen-service")
    c.tap("#svc-honseki")
    c.screen("screen-card")
    c.tap(f'.card[data-file="{card}"]')
    c.screen("screen-city")
    c.wait.until(lambda d: len(c.all(".city")) > 0)
    report["cities"] = [b.text for b in c.all(".city")]
    c.tap(f'.city[data-code="{city}"]')
    c.screen("screen-pin")
    c.enter_pin("1234")
    c.screen("screen-menu")
    report["city"] = c.text("#menu-city")
    report["kinds"] = [b.get_attribute("data-kind") for b in c.all(".kind")]
    c.check(report["kinds"] and all(k.startswith("familyRegister") for k in report["kinds"]), "only 戸籍 kinds at the 本籍地")
    c.tap('.kind[data-kind="familyRegisterFull"]')
    c.screen("screen-copies")
    c.tap("#copies-ok")
    c.screen("screen-confirm")
    c.wait_for_fee()
    c.tap("#confirm-ok")
    c.screen("screen-pay")
    report["amount"] = c.text("#pay-amount")
    c.tap("#pay-insert")
    c.screen("screen-done")
    report["documentId"] = c.text("#done-id")
finally:
    c.finish()
