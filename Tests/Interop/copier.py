"""Shared by the copier-page drivers: headless Chromium through selenium and chromedriver, and the few
moves a resident makes on a touch screen."""
import json
import sys

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def gone(element):
    """A wait condition: the element's page has been replaced. Chromium says so either as a stale element or, while
    the new document is being committed, as an inspector error about a node that no longer belongs to the document
    (selenium's own staleness_of lets that one through and fails the run)."""
    def check(_):
        try:
            element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as e:
            if "does not belong to the document" in str(e):
                return True
            raise
    return check


class Copier:
    def __init__(self):
        options = Options()
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000"):
            options.add_argument(flag)
        options.binary_location = "/usr/bin/chromium"
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        # Generous: a wait ends as soon as the screen is there; only a broken page waits it out.
        self.wait = WebDriverWait(self.driver, 180)
        self.report = {}
        self.failed = False

    def check(self, condition, message):
        """Stops with exit status 1 and the report so far when a screen does not behave."""
        if not condition:
            self.failed = True
            print(json.dumps({"failed": message, "report": self.report}, ensure_ascii=False))
            sys.exit(1)

    def screen(self, name):
        self.wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-screen") == name)

    def tap(self, css):
        self.wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, css))).click()

    def text(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css).text

    def all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def enter_pin(self, pin):
        for digit in pin:
            self.tap(f'.key[data-digit="{digit}"]')
        self.tap("#pin-ok")

    def open_service(self, url, service="#svc-certificates"):
        """From the top screen to the card screen: 行政サービス, then the service."""
        self.driver.get(url)
        self.screen("screen-top")
        self.tap("#svc-admin")
        self.screen("screen-service")
        self.tap(service)
        self.screen("screen-card")

    def buy(self, kind):
        """From the menu: one copy of `kind`, confirmed and paid, to the done screen. Returns the amount paid
        as shown and the printed document's id."""
        self.tap(f'.kind[data-kind="{kind}"]')
        self.screen("screen-copies")
        self.tap("#copies-ok")
        self.screen("screen-confirm")
        self.wait_for_fee()
        self.tap("#confirm-ok")
        self.screen("screen-pay")
        amount = self.text("#pay-amount")
        self.tap("#pay-insert")
        self.screen("screen-done")
        return amount, self.text("#done-id")

    def wait_for_fee(self):
        self.wait.until(lambda d: "円" in d.find_element(By.ID, "confirm-summary").text
                        and "…" not in d.find_element(By.ID, "confirm-summary").text)

    def finish(self):
        """Closes the browser; prints the report when every check held (an exception leaves it out too)."""
        self.driver.quit()
        if not self.failed and sys.exc_info()[0] is None:
            print(json.dumps(self.report, ensure_ascii=False))
