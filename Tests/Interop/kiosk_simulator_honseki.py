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
    c.open_service(url, "#svc-honseki")
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
    report["amount"], report["documentId"] = c.buy("familyRegisterFull")
finally:
    c.finish()
