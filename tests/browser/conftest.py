"""A real Chromium (Debian's package) driven by Playwright, against the live test server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTEFACTS = Path(__file__).resolve().parents[2] / ".test-artefacts" / "screenshots"

# Playwright's sync API runs an event loop in the test's thread; the test itself is synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(
        reason="Chromium is not installed: `apt-get install -y chromium` (Debian) to run the "
        "browser tests"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def browser(transactional_db):
    """Chromium for one test, started after the test's database is set up.

    Playwright's sync API keeps an asyncio loop running in this thread while it is open, and
    Django then keeps its connections per async context (asgiref's Local): the test gets fresh
    connection objects, without the serialized migration data that a later test's
    ``serialized_rollback`` restores from. Started per test and stopped before the database is
    flushed, the loop never outlives the test, and later tests find their connection again.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()
        connections.close_all()  # the connections opened while the loop ran


@pytest.fixture
def page_for(browser, live_server, request):
    """A fresh browser context logged in as ``user`` (password "pw"); screenshots on the way."""
    contexts = []

    def open_as(user):
        context = browser.new_context(locale="da-DK", viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", "pw")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(request):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTEFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def widget_host(live_server, settings):
    """A partner's page on another origin (another port) embedding the widget from the live
    CMS, under the strict policy of ``tests.browser.widget_host``; stopped after the test."""
    from django.core.cache import cache

    from tests.browser.widget_host import WidgetHost

    cache.clear()  # the sign-up throttle's counts of earlier tests from this same address
    settings.BASE_URL = live_server.url
    host = WidgetHost(live_server.url).start()
    # A partner's site: any origin reads the API, only the partners' may sign up.
    settings.CORS_ALLOWED_ORIGINS = [host.origin]
    yield host
    host.stop()


@pytest.fixture
def widget_page(browser, widget_host):
    """A fresh Danish browser page, 1366 px wide, that records what went wrong in it: console
    errors (CSP violations among them, and failed loads with their address) and uncaught
    exceptions, in ``page.problems``."""
    from tests.browser.widget_host import REPORT_CSP_VIOLATIONS

    context = browser.new_context(locale="da-DK", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.problems = []
    page.on(
        "console",
        lambda m: m.type == "error" and page.problems.append(f"{m.text} [{m.location['url']}]"),
    )
    page.on("pageerror", lambda error: page.problems.append(f"uncaught: {error}"))
    page.add_init_script(REPORT_CSP_VIOLATIONS)
    yield page
    context.close()


@pytest.fixture
def programme(vive, bv):
    """VIVE's events, one in each state a visitor meets, and one of Børns Vilkår's."""
    from home.demo import vocabulary_seed
    from tests.browser.widget_data import programme_build

    vocabulary_seed()
    return programme_build(vive, bv)
