"""The public pages in headless Chromium, checked by axe-core (WCAG 2.1 A and AA, and axe's best practices) on a
phone's screen and a desk's: no violations, and nothing wider than the phone's screen. axe-core is the copy shipped in
the PyPI package axe-playwright-python (installed without Playwright: only its axe.min.js is used, injected through
selenium). Prints a JSON report; exit 1 on any violation.

usage: accessibility.py BASE_URL PATH...
A PATH of the form `ticket:FACILITY:LANG` draws a ticket there through the public API and checks its page;
`ticket:FACILITY:LANG:SHOWN` checks it in the language SHOWN (its page's `?lang=` toggle)."""
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


def main():
    base, paths = sys.argv[1].rstrip("/"), sys.argv[2:]
    source = axe_source()
    browser = Copier()
    d = browser.driver
    d.set_script_timeout(120)
    report = {"axe": source[:16].strip("/*! "), "pages": []}
    failed = False
    try:
        for path in map(lambda p: ticket(base, p) if p.startswith("ticket:") else p, paths):
            for name, (width, height) in (("phone", PHONE), ("desk", DESK)):
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
