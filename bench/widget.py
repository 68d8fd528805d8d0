"""The embeddable widget: what it costs a partner's page, against the budget and pretix.

    .venv/bin/python bench/widget.py [--events 2000] [--runs 7]

Prints the script's size as served (the loader and the module, raw and gzip -9) against the
issue's budget (≤ 20 KB gzipped, moonshot 12 KB) and pretix's widget (~215 KB before
minification, Vue included, as the issue counts it), and the time to the list's first render
in Debian's Chromium on a host page of another origin under a strict CSP: cold (empty browser
cache, the API's shared cache emptied) and warm (a reload: the module from the browser's
cache, the list from the shared cache), with the API requests made before the first render
(goal: one). The CMS runs in this process on a threaded WSGI server over the benchmark's
database; the host page is served by a second server on another port.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import statistics
import threading

from common import caches_empty, setup, table, use_database_of

PRETIX_WIDGET_BYTES = 215 * 1024  # the figure: pretix's Vue widget before minification
BUDGET_GZIP = 20 * 1024
MOONSHOT_GZIP = 12 * 1024
CHROMIUM = "/usr/bin/chromium"


def host_page_server(cms: str) -> tuple[http.server.ThreadingHTTPServer, str]:
    page = (
        '<!doctype html><html lang="da"><head><meta charset="utf-8"><title>Partner</title>'
        f'</head><body><script type="module" src="{cms}/widget/v1.js"></script>'
        '<videnscenter-events page-size="20"></videnscenter-events></body></html>'
    ).encode()
    csp = (
        f"default-src 'none'; script-src {cms}; connect-src {cms}; img-src {cms}; "
        "style-src 'none'; base-uri 'none'"
    )

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", csp)
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def cms_server():
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


FIRST_RENDER = """() => {
  const mark = performance.getEntriesByName("videnscenter-events:list")[0];
  const api = performance.getEntriesByType("resource")
    .filter((r) => r.name.includes("/api/") && r.startTime < mark.startTime);
  return {ms: mark.startTime, api: api.length};
}"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    use_database_of(args.events)
    setup(events=args.events, registrations=args.events * 10)

    from django.conf import settings
    from playwright.sync_api import sync_playwright

    from api.widget.assets import widget_module

    module = widget_module().source
    loader = b'import "./events.0123456789abcdef.js";\n'
    raw = len(module) + len(loader)
    gz = len(gzip.compress(module, 9)) + len(gzip.compress(loader, 9))

    cms, cms_url = cms_server()
    settings.ALLOWED_HOSTS = ["*"]
    host, host_url = host_page_server(cms_url)
    settings.CORS_ALLOWED_ORIGINS = [host_url.rstrip("/")]
    cold, warm, requests = [], [], set()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for _ in range(args.runs):
            context = browser.new_context()
            page = context.new_page()
            caches_empty()
            page.goto(host_url)
            page.wait_for_function(
                "() => performance.getEntriesByName('videnscenter-events:list').length"
            )
            first = page.evaluate(FIRST_RENDER)
            page.reload()
            page.wait_for_function(
                "() => performance.getEntriesByName('videnscenter-events:list').length"
            )
            again = page.evaluate(FIRST_RENDER)
            cold.append(first["ms"])
            warm.append(again["ms"])
            requests.update({first["api"], again["api"]})
            context.close()
        browser.close()
    cms.shutdown()
    host.shutdown()

    table(
        f"Widget, {args.events} events (first render: medians of {args.runs} page loads)",
        [
            ("script as served (loader + module), raw", f"{raw / 1024:.1f} KB", ""),
            ("script as served, gzip -9", f"{gz / 1024:.1f} KB", "goal ≤ 20 KB, moonshot 12"),
            ("of the budget (20 KB gzipped)", f"{gz / BUDGET_GZIP:.2f}×", "goal ≤ 1×"),
            (
                "pretix widget (~215 KB unminified) / ours (raw)",
                f"{PRETIX_WIDGET_BYTES / raw:.1f}×",
                "smaller is the point",
            ),
            ("first render of the list, cold", f"{statistics.median(cold):.0f} ms", ""),
            ("first render of the list, warm", f"{statistics.median(warm):.0f} ms", ""),
            (
                "API requests before the first render",
                "/".join(str(n) for n in sorted(requests)),
                "goal 1",
            ),
        ],
    )


if __name__ == "__main__":
    main()
