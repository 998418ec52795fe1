"""A planner in headless Chromium: signs in, edits a sheet (a wrong value first, then a right one), takes it
through review to publication, and reads the public page. Prints a JSON report; exit 1 when a page misbehaves.

Each review step is taken by its own account (one person, one step of a round), signing out and in between.

usage: planner.py BASE_URL PASSWORD CODE   (accounts planner, chief, director, reviewer share PASSWORD)"""
import json
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from copier import Copier, gone


def main():
    base, password, code = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    b = Copier()
    d = b.driver

    def sign_in(login):
        d.find_element(By.NAME, "login").send_keys(login)
        d.find_element(By.NAME, "password").send_keys(password)
        d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        b.wait.until(lambda d: d.current_url.rstrip("/").endswith("/planning"))

    try:
        d.get(base + "/planning")
        b.check("/planning/login" in d.current_url, "the planner pages ask to sign in")
        sign_in("planner")
        b.tap(f'a[href="/planning/sheets/{code}"]')
        b.tap(f'a[href="/planning/sheets/{code}/edit"]')

        def field(name):
            return d.find_element(By.NAME, name)

        def fill(name, value):
            f = field(name)
            f.clear()
            f.send_keys(value)

        # A value that is no number: the form comes back with the message under the field and the value kept.
        fill("ind.0.y.4.year", "令和８年度")
        fill("ind.0.y.4.plan", "21")
        fill("ind.0.y.4.actual", "二十一")
        field("ind.0.y.4.actual").submit()
        b.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".problem"))
        problems = [e.text for e in b.all(".problem")]
        b.report["problems"] = problems
        b.check(any("数値として読めません" in p for p in problems), "the bad number is named")
        b.check(field("ind.0.y.4.actual").get_attribute("value") == "二十一", "what was typed is kept")
        b.report["alert"] = b.text("[role=alert]")

        fill("ind.0.y.4.actual", "２０．５%")
        Select(field("ind.0.live")).select_by_value("serviceCornerShare")
        fill("note", "令和8年度の計画値と実績値")
        field("note").submit()
        b.wait.until(lambda d: d.current_url.endswith(f"/planning/sheets/{code}"))
        b.report["version"] = b.text("main > p")

        for login, role_label in [("planner", "担当"), ("chief", "課長"), ("director", "部長"), ("reviewer", "外部評価委員")]:
            if login != "planner":
                b.tap("form.logout button")
                b.wait.until(lambda d: "/planning/login" in d.current_url)
                sign_in(login)
                d.get(f"{base}/planning/sheets/{code}")
            form = b.all(".actions form")[0]
            form.find_element(By.NAME, "comment").send_keys(f"{role_label}の確認")
            form.find_element(By.CSS_SELECTOR, "button").click()
            # The answer comes back to the same address: wait for the old page to go, not for the address.
            b.wait.until(gone(form))
            b.wait.until(lambda d: d.current_url.endswith(f"/planning/sheets/{code}"))
        b.report["stage"] = b.text(".stage")

        d.get(f"{base}/sheets/{code}")
        b.report["public"] = b.text("main > p")
        b.report["svgCircles"] = len(b.all("svg.trend circle.actual"))
        b.report["liveNote"] = b.text(".live") if b.all(".live") else ""
        cells = [c.text for c in b.all("table.indicator td.num")]
        b.report["hasActual"] = "20.5" in cells
        b.report["editLinks"] = len(b.all('a[href$="/edit"]'))
    finally:
        b.finish()


if __name__ == "__main__":
    main()
