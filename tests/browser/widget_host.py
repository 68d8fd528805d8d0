"""A partner's page on another origin that embeds the events widget, as partners are told to.

A tiny threaded HTTP server on 127.0.0.1 (its own free port, so another origin than the live
CMS server) serves one HTML page with the two-line snippet and a strict
Content-Security-Policy: scripts, reads and sign-ups only from the CMS's origin, no inline
script or style, no eval. What the widget needs beyond that policy fails in the browser, where
the test sees it.
"""

from __future__ import annotations

import re
import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from playwright.sync_api import expect

HOST_CSP = (
    "default-src 'none'; script-src {cms}; connect-src {cms}; img-src {cms}; "
    "style-src 'none'; base-uri 'none'; form-action 'none'"
)

PAGE = """<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kurser og arrangementer – partnerens side</title>
</head>
<body>
<main>
<h1>Kurser og arrangementer</h1>
<script type="module" src="{cms}/widget/v1.js"></script>
<videnscenter-events{attributes}></videnscenter-events>
</main>
</body>
</html>
"""

# Every CSP violation, reported on the console where the test's watcher collects it; added to
# the page through the DevTools protocol, which the page's own policy does not govern.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => console.error(
  "Content Security Policy violation: " + e.violatedDirective + " " + e.blockedURI));
"""


class WidgetHost:
    """The partner's page: ``page(**attributes)`` sets what the next request gets."""

    def __init__(self, cms_origin: str) -> None:
        self.cms_origin = cms_origin.rstrip("/")
        self.attributes: dict[str, str] = {}
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's hook name
                if self.path.split("?")[0] != "/":
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = host.html().encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Security-Policy", host.csp())
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args) -> None:  # noqa: A002 - the base's name
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def csp(self) -> str:
        return HOST_CSP.format(cms=self.cms_origin)

    def html(self) -> str:
        attributes = "".join(
            f' {escape(name)}="{escape(value)}"' for name, value in self.attributes.items()
        )
        return PAGE.format(cms=escape(self.cms_origin), attributes=attributes)

    def page(self, **attributes: str) -> str:
        """The page's address, embedding the widget with these attributes (``page_size`` is
        written ``page-size``)."""
        self.attributes = {name.replace("_", "-"): value for name, value in attributes.items()}
        return self.origin + "/"

    def start(self) -> WidgetHost:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


# The API requests the page makes, each noting whether the widget had shown anything yet: the
# page's own ``fetch`` is wrapped (by the DevTools protocol, as the policy above governs only the
# page's own scripts), and a request made before the first list or calendar is "before render".
RECORD_API_REQUESTS = """
window.__apiRequests = [];
(() => {
  let rendered = false;
  const state = () => {
    const root = document.querySelector("videnscenter-events")?.shadowRoot
      ?.querySelector("[part=root]");
    return root?.dataset.state;
  };
  const own = window.fetch;
  window.fetch = function (input, init) {
    const url = String(input?.url || input);
    if (["list", "calendar"].includes(state())) rendered = true;
    if (url.includes("/api/")) window.__apiRequests.push({ url, beforeRender: !rendered });
    return own.apply(this, arguments);
  };
})();
"""

# The element that has the keyboard focus, inside the widget's shadow root, and how its focus
# indicator is drawn.
FOCUSED = """
() => {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.labels?.[0]?.textContent || el.textContent || "").trim().slice(0, 80),
    outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
    outlineColor: style.outlineColor,
    inWidget: el.getRootNode() !== document,
  };
}
"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def assert_focus_visible(page) -> dict:
    """The focused element draws an outline a sighted keyboard user can see."""
    now = focused(page)
    assert now["outline"] not in ("none", "hidden") and now["outlineWidth"] >= 2, now
    return now


def axe_violations(page) -> list[str]:
    """axe-core's rules as it runs them by default (WCAG 2 A and AA, 2.1 among them, and its
    best practices) over the whole page, the widget's shadow DOM with it; one line per
    violation and element, for a readable failure."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"resultTypes": ["violations"]}
    response = Axe().run(page, options=options).response
    # axe names an element in a shadow tree by a list of selectors, host first: it did look in.
    passed = [node["target"] for rule in response["passes"] for node in rule["nodes"]]
    assert any(isinstance(target[0], list) for target in passed), "axe missed the shadow root"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {node['target']} {node['html'][:200]}"
        for v in response["violations"]
        for node in v["nodes"]
    ]


# Failed loads the console reports that a test expects (the page shows what went wrong instead).


def status_failed(status: int, path: str) -> str:
    """The console's line for an answer with ``status`` from an address containing ``path``."""
    return rf"status of {status} .*\[.*{re.escape(path)}"


def connection_failed(path: str) -> str:
    """The console's line for a request to ``path`` that got no answer (aborted by the test)."""
    return rf"net::ERR_FAILED \[.*{re.escape(path)}"


def assert_no_problems(page, *expected: str) -> None:
    """No console error, uncaught exception or CSP violation but the ``expected`` patterns."""
    unexpected = [p for p in page.problems if not any(re.search(e, p) for e in expected)]
    assert not unexpected, unexpected
    assert not [p for p in page.problems if "Content Security Policy" in p], page.problems


def widget(page):
    """The widget's root element (in its open shadow root), which carries ``data-state``."""
    return page.locator("videnscenter-events [part=root]")


def expect_state(page, state: str) -> None:
    expect(widget(page)).to_have_attribute("data-state", state)


def live_region(page):
    return page.locator("videnscenter-events").get_by_role("status")


def open_form(page, button: str) -> None:
    """From an event's page in the widget, open its sign-up form."""
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("form")).to_be_visible()


def fill_person(page, *, email: str, name: str = "Anna Andersen", group: bool = False) -> None:
    page.get_by_label("Dit navn (kontaktperson)" if group else "Navn", exact=True).fill(name)
    page.get_by_label("Din e-mail" if group else "E-mail", exact=True).fill(email)
    page.get_by_label("Arbejdsplads", exact=True).fill("Familieafdelingen")
    page.get_by_label("Kommune", exact=True).select_option(label="København")
    page.get_by_label("Stillingsgruppe", exact=True).select_option(label="Sagsbehandlere")
    page.get_by_label("Jeg har læst privatlivsteksten").check()
