"""The public pages in headless Chromium, checked by axe-core (WCAG 2.1 A and AA, and axe's best practices) on a
phone's screen and a desk's: no violations, and nothing wider than the phone's screen. axe-core is the copy shipped in
the PyPI package axe-playwright-python (installed without Playwright: only its axe.min.js is used, injected through
selenium). Prints a JSON report; exit 1 on any violation.

usage: accessibility.py [--desk] BASE_URL PATH...   (--desk: a desk's screen only, for the staff's pages)
A PATH of the form `ticket:FACILITY:LANG` draws a ticket there through the public API and checks its page;
`ticket:FACILITY:LANG:SHOWN` checks it in the language SHOWN (its page's `?lang=` toggle). A PATH
`signin:LOGIN:GROUP` signs in at /GROUP/login with the password in MADOGUCHI_DEMO_PASSWORD and checks nothing: the
paths after it are checked in that member of staff's session; `purpose:VALUE` chooses the counter's purpose of reads
in it."""
import importlib.util
import json
import os
import sys
import urllib.request

from copier import Copier

PHONE = (390, 844)
DESK = (1280, 1000)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_source():
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("axe-core: pip install --no-deps axe-playwright-python")
    with open(os.path.join(list(spec.submodule_search_locations)[0], "axe.min.js"), encoding="utf-8") as f:
        return f.read()


def ticket(base, spec):
    """The page of a ticket drawn for certificates at a facility, in a language (and shown in another)."""
    _, facility, lang, *shown = spec.split(":")
    request = urllib.request.Request(
        f"{base}/api/v1/facilities/{facility}/tickets", data=json.dumps({"route": ["certificates"], "language": lang}).encode(),
        method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        page = json.loads(response.read())["page"]
    return page + (f"?lang={shown[0]}" if shown else "")


def sign_in(d, base, login, group):
    """A fresh session for a member of staff, through the sign-in form as a person would."""
    from selenium.webdriver.common.by import By
    d.delete_all_cookies()
    d.get(f"{base}/{group}/login")
    d.find_element(By.NAME, "login").send_keys(login)
    d.find_element(By.NAME, "password").send_keys(os.environ["MADOGUCHI_DEMO_PASSWORD"])
    d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    try:
        from selenium.webdriver.support.ui import WebDriverWait
        WebDriverWait(d, 20).until(lambda driver: "/login" not in driver.current_url)
    except Exception:
        sys.exit(f"sign-in as {login} failed")


def choose_purpose(d, base, purpose):
    """The counter's purpose for the session's reads, chosen on its form (住民の情報を見る目的)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait
    d.get(f"{base}/counter")
    Select(d.find_element(By.NAME, "purpose")).select_by_value(purpose)
    d.find_element(By.CSS_SELECTOR, "#purpose button[type=submit]").click()
    WebDriverWait(d, 20).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, "[data-purpose]"))


def main():
    args = sys.argv[1:]
    desk_only = args[:1] == ["--desk"]
    if desk_only:
        args = args[1:]
    base, paths = args[0].rstrip("/"), args[1:]
    screens = (("desk", DESK),) if desk_only else (("phone", PHONE), ("desk", DESK))
    source = axe_source()
    browser = Copier()
    d = browser.driver
    d.set_script_timeout(120)
    report = {"axe": source[:16].strip("/*! "), "pages": []}
    failed = False
    try:
        for path in map(lambda p: ticket(base, p) if p.startswith("ticket:") else p, paths):
            if path.startswith("signin:"):
                sign_in(d, base, *path.split(":")[1:])
                continue
            if path.startswith("purpose:"):
                choose_purpose(d, base, path.split(":")[1])
                continue
            for name, (width, height) in screens:
                d.set_window_size(width, height)
                d.get(base + path)
                d.execute_script(source)
                result = d.execute_async_script(
                    "var done = arguments[arguments.length - 1];"
                    "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
                    ".then(function (r) { done(r.violations.map(function (v) { return {id: v.id, impact: v.impact, help: v.help,"
                    " nodes: v.nodes.slice(0, 5).map(function (n) { return n.target.join(' ') + ': ' + n.failureSummary; })}; })); },"
                    " function (e) { done([{id: 'axe-error', help: String(e), nodes: []}]); });", TAGS)
                overflow = d.execute_script(
                    "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth")
                entry = {"path": path, "screen": name, "title": d.title, "violations": result}
                if name == "phone" and overflow > 1:
                    entry["violations"].append({"id": "phone-overflow", "help": f"wider than the phone's screen by {overflow}px", "nodes": []})
                failed = failed or bool(entry["violations"])
                report["pages"].append(entry)
    finally:
        d.quit()
    print(json.dumps(report, ensure_ascii=False, indent=1))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
