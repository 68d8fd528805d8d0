"""The links in registrants' and managers' emails, followed in a real Chromium, every form on
their pages submitted: once with dev settings on plain HTTP, once with production settings over
HTTPS behind a TLS-terminating proxy that sets ``X-Forwarded-Proto``.

The emails come through a real SMTP server (aiosmtpd); the browser sends what browsers send
(``Origin``, ``Referer``, cookies), which Django's test client does not, so a CSRF or
Referrer-Policy mistake that locks people out shows up here and nowhere else.
"""

from __future__ import annotations

import ast
import importlib
import os
import re
from pathlib import Path
from unittest import mock

import pytest

from events.models import Registration, RegistrationStatus
from events.registrations.services import registrant_feed_key
from tests.browser.tls_proxy import TlsProxy
from tests.events.conftest import build_event
from tests.events.registrations import apply_group, sign_up

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the live server needs the migrations' rows (the page tree's root).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SETTINGS_DIR = Path(__file__).resolve().parents[2] / "cms" / "settings"
# What the test itself decides: the mail server, the address, the keys; static files are not
# collected for a test run, and no demo users are wanted.
NOT_TAKEN = {
    "SECRET_KEY",
    "STORAGES",
    "SEED_DEMO_USERS",
    "SILENCED_SYSTEM_CHECKS",
    "BASE_URL",
    "WAGTAILADMIN_BASE_URL",
    "ALLOWED_HOSTS",
}
LINK = re.compile(r"https?://[^\s\"'<>]+/tilmelding/[^\s\"'<>]+/")


def settings_of(module: str) -> dict:
    """The settings that ``cms/settings/<module>.py`` itself assigns, with its values, read
    under a production-like environment (so a hardening added there is tested here too)."""
    source = (SETTINGS_DIR / f"{module}.py").read_text()
    names = set()
    for node in ast.parse(source).body:
        targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
        names |= {t.id for t in targets if isinstance(t, ast.Name) and t.id.isupper()}
    env = {"SECRET_KEY": "x" * 60}
    with mock.patch.dict(os.environ, env):
        base = importlib.reload(importlib.import_module("cms.settings.base"))
        values = vars(importlib.reload(importlib.import_module(f"cms.settings.{module}")))
    importlib.reload(base)
    return {name: values[name] for name in names - NOT_TAKEN}


class Site:
    """The system as a browser reaches it: the application server, and in front of it the
    proxy when there is one."""

    def __init__(self, mode: str, settings, sink) -> None:
        from pytest_django.live_server_helper import LiveServer

        for name, value in settings_of(mode).items():
            setattr(settings, name, value)
        for name, value in sink.settings().items():  # the emails go to the sink, by SMTP
            setattr(settings, name, value)
        settings.ALLOWED_HOSTS = ["127.0.0.1"]
        # Started after the settings are in place: middleware reads them when it is built.
        self.server = LiveServer("127.0.0.1:0")
        self.proxy = None
        if mode == "production":
            self.proxy = TlsProxy("127.0.0.1", self.server.thread.port).start()
        self.url = self.proxy.url if self.proxy else self.server.url
        settings.BASE_URL = settings.WAGTAILADMIN_BASE_URL = self.url

    def stop(self) -> None:
        if self.proxy is not None:
            self.proxy.stop()
        self.server.stop()


@pytest.fixture(params=["dev", "production"])
def site(request, settings, smtp_sink, transactional_db):
    site = Site(request.param, settings, smtp_sink)
    yield site
    site.stop()


@pytest.fixture
def open_page(browser, site):
    contexts = []

    def open_page():
        context = browser.new_context(locale="da-DK", ignore_https_errors=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.problems = []  # CSP violations and failed requests the page reported
        page.posts = []  # (url, headers) of every form the browser submitted
        page.on(
            "console",
            lambda message: message.type == "error" and page.problems.append(message.text),
        )
        page.on(
            "request",
            lambda request: (
                request.method == "POST" and page.posts.append((request.url, request.headers))
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()


def links_in_email_to(sink, address: str) -> list[str]:
    found = []
    for message in sink.messages:
        if address in message["To"]:
            text = message.get_body(preferencelist=("plain",)).get_content()
            found += LINK.findall(text)
    return found


def submit(page, button: str) -> None:
    with page.expect_navigation():
        page.click(f"button:has-text('{button}')")
    assert "CSRF" not in page.content()


def assert_posts_came_from_the_site(page, site) -> None:
    assert page.posts, "no form was submitted"
    for url, headers in page.posts:
        assert url.startswith(site.url)
        # Referrer-Policy same-origin: the browser names the site, never "null".
        assert headers.get("origin") == site.url
        assert headers.get("referer", "").startswith(site.url + "/tilmelding/")


def test_registrant_cancels_renews_the_calendar_link_and_deletes_their_data(
    site, open_page, smtp_sink, vive
):
    from home.demo import vocabulary_seed

    vocabulary_seed()
    first = build_event(vive, title="Webinar om børnesamtaler")
    second = build_event(vive, title="Webinar om netværksmøder")
    email = "anna@kommune.example"
    sign_up(first, email=email, name="Anna Andersen")
    sign_up(second, email=email, name="Anna Andersen")
    # Each confirmation's link to the registration (beside those to change it, tested in
    # test_registrant_changes).
    links = [
        link
        for link in links_in_email_to(smtp_sink, email)
        if not link.endswith(("/ret/", "/kollega/"))
    ]
    assert len(links) == 2 and all(link.startswith(site.url) for link in links)
    first_link = next(link for link in links if first.registrations.get().token in link)
    second_link = next(link for link in links if second.registrations.get().token in link)

    page = open_page()

    # The link in the confirmation: see the registration, then cancel it.
    response = page.goto(first_link)
    assert response.status == 200
    assert response.headers["referrer-policy"] == "same-origin"
    assert page.locator("h1").text_content() == "Din tilmelding"
    assert "Webinar om børnesamtaler" in page.content()
    page.click("text=Afmeld dig arrangementet")
    assert page.locator("h1").text_content() == "Afmeld dig"
    if site.proxy:
        # Django saw HTTPS through the proxy's header: HSTS, and cookies only over HTTPS.
        assert "strict-transport-security" in response.headers
        [csrf] = [c for c in page.context.cookies() if c["name"] == "csrftoken"]
        assert csrf["secure"]
        # Past the proxy, plain HTTP is sent to HTTPS: the production redirect is on.
        direct = page.request.get(site.server.url + "/tilmelding/x/", max_redirects=0)
        assert direct.status == 301 and direct.headers["location"].startswith("https://")
    submit(page, "Ja, afmeld mig")
    assert page.url == first_link
    assert "Tilmeldingen er annulleret." in page.locator("main").text_content()
    assert first.registrations.get().status == RegistrationStatus.CANCELLED
    assert second.registrations.get().status == RegistrationStatus.CONFIRMED
    subjects = [m["Subject"] for m in smtp_sink.messages if email in m["To"]]
    assert "Afmelding bekræftet: Webinar om børnesamtaler" in subjects

    # All my registrations and my calendar: make a new link; the old one stops working.
    page.goto(second_link)
    page.click("text=Se alle dine tilmeldinger og din personlige kalender")
    assert page.locator("h1").text_content() == "Dine tilmeldinger"
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    old_feed = page.input_value("#feed-url")
    assert page.request.get(old_feed).status == 200
    old_secret = registrant_feed_key(email=email).secret
    submit(page, "Lav nyt kalenderlink")
    assert page.url == second_link + "mine/"
    new_feed = page.input_value("#feed-url")
    assert new_feed != old_feed and new_feed.startswith(site.url + "/feeds/me/")
    assert registrant_feed_key(email=email).secret != old_secret
    assert page.request.get(old_feed).status == 404
    assert page.request.get(new_feed).status == 200

    # My data: delete it; the links stop working.
    page.click("text=Tilbage til din tilmelding")
    page.click("text=Hent eller slet dine data")
    assert page.locator("h1").text_content() == "Dine data"
    assert "2 tilmeldinger" in page.content()
    submit(page, "Slet mine data")
    assert page.locator("h1").text_content() == "Dine data er slettet"
    assert not Registration.objects.filter(email=email).exists()
    assert Registration.objects.filter(event__in=[first, second]).count() == 2
    assert second.registrations.get().status == RegistrationStatus.CANCELLED
    assert page.goto(second_link).status == 404

    assert_posts_came_from_the_site(page, site)
    assert len(page.posts) == 3
    assert not [p for p in page.problems if "Content Security Policy" in p], page.problems


def test_manager_confirms_the_staff_group_application(site, open_page, smtp_sink, vive):
    from home.demo import vocabulary_seed

    vocabulary_seed()
    course = build_event(
        vive,
        title="Forløb om børneinddragelse",
        participation="staff_group",
        capacity=10,
        event_type="advisory_course",
    )
    application = apply_group(course, participants=4)
    [link] = links_in_email_to(smtp_sink, application.registration.manager_email)
    assert "/tilmelding/ledelse/" in link and link.startswith(site.url)

    page = open_page()
    response = page.goto(link)
    assert response.status == 200
    assert page.locator("h1").text_content() == "Bekræft ledelsesmæssig forankring"
    assert "Forløb om børneinddragelse" in page.content()
    submit(page, "Bekræft forankringen")
    assert page.url == link
    assert "Tak. Forankringen er bekræftet" in page.locator("main").text_content()
    application.registration.refresh_from_db()
    assert application.registration.manager_confirmed_at is not None
    assert application.registration.status == RegistrationStatus.PENDING

    assert_posts_came_from_the_site(page, site)
    assert not [p for p in page.problems if "Content Security Policy" in p], page.problems
