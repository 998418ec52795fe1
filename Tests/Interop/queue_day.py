"""A resident and a display board in headless Chromium while a window works through the staff API: the resident
draws a ticket for two procedures with e-mail alerts on the phone page, and both the ticket page and the board
follow the calls live (server-sent events, no reload). Prints a JSON report; exit 1 when a page misbehaves.

usage: queue_day.py BASE_URL STAFF_TOKEN EMAIL"""
import json
import sys
import urllib.request

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from copier import Copier

FACILITY = "chuo-ward-office"


def main():
    base, token, email = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]

    def window(number, action):
        request = urllib.request.Request(
            f"{base}/api/v1/queue/windows/{number}/{action}", data=b"{}", method="POST",
            headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())

    board = Copier()
    phone = Copier()

    # The live parts are replaced whole on every event: read them in one script call, and wait through replacements.
    def text(b, css):
        return b.driver.execute_script("var e = document.querySelector(arguments[0]); return e ? e.innerText : ''", css)

    def until(b, condition):
        WebDriverWait(b.driver, 120, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)).until(
            lambda d: condition())
    try:
        board.driver.get(f"{base}/facilities/{FACILITY}/board")
        until(board, lambda: "呼出案内" in text(board, "h1"))
        board.driver.execute_script("window.__notReloaded = true")

        d = phone.driver
        d.get(f"{base}/facilities/{FACILITY}/queue?channel=web")
        phone.check(len(phone.all(".lines button")) >= 7, "the touch page offers the ward office's lines")
        phone.tap("details summary")
        Select(d.find_element(By.ID, "route1")).select_by_value("moving")
        Select(d.find_element(By.ID, "route2")).select_by_value("myNumberCard")
        d.find_element(By.ID, "email").send_keys(email)
        d.find_element(By.ID, "email").submit()
        phone.wait.until(lambda d: "/tickets/" in d.current_url)
        number = text(phone, ".big")
        phone.report["number"] = number
        until(phone, lambda: "あなたの前に" in text(phone, ".facts"))
        phone.report["waiting"] = text(phone, ".facts")
        phone.check("あなたの前に0人" in phone.report["waiting"], "the ticket page shows the place")
        phone.check(len(phone.all("svg[role=img]")) == 1, "the ticket page has its QR code")
        d.execute_script("window.__notReloaded = true")

        window("3", "open")
        called = window("3", "next")
        phone.check(called["number"] == number, "window 3 calls the resident's number")
        # Live: the phone shows the call and the board the number at window 3, without a reload.
        until(phone, lambda: text(phone, ".alert.called"))
        phone.report["called"] = text(phone, ".alert.called")
        phone.report["title"] = d.title
        phone.check("3番窓口" in phone.report["called"], "the phone is told which window")
        until(board, lambda: number in text(board, "table.board tbody"))
        board.report["row"] = [r for r in text(board, "table.board tbody").split("\n") if number in r]
        board.report["calling"] = text(board, ".calling")
        phone.check(d.execute_script("return window.__notReloaded === true"), "the ticket page was not reloaded")
        board.check(board.driver.execute_script("return window.__notReloaded === true"), "the board was not reloaded")

        window("3", "start")
        window("3", "complete")
        # The second step: the phone follows to the My Number line.
        until(phone, lambda: "マイナンバーカード" in text(phone, "[data-events]") and not text(phone, ".alert.called"))
        phone.report["secondStep"] = text(phone, "[data-events] p.muted")
        until(board, lambda: number not in text(board, "table.board tbody"))
        board.report["afterComplete"] = text(board, ".calling")
        window("7", "open")
        window("7", "next")
        until(phone, lambda: "7" in text(phone, ".alert.called"))
        phone.report["secondCall"] = text(phone, ".alert.called")
        print(json.dumps({"phone": phone.report, "board": board.report}, ensure_ascii=False))
    finally:
        board.driver.quit()
        phone.driver.quit()


if __name__ == "__main__":
    main()
