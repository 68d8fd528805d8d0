"""Every change purges its public URLs from the CDN, through Wagtail's frontend cache, after the
change commits; here the HTTP purger (PURGE requests, as to Varnish) against a real receiver."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone
from freezegun import freeze_time

from api.cdn.tasks import CDN_PURGE_LEASE
from api.models import WebhookDelivery, WebhookEndpoint, WebhookStatus
from api.webhooks.tasks import webhook_deliver, webhooks_sweep
from home.demo import vocabulary_seed
from home.models import KnowledgePage
from tests.events.conftest import build_event
from tests.events.registrations import sign_up
from tests.receiver import Receiver

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cdn(settings):
    server = Receiver().start()
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": server.url,
        }
    }
    yield server
    server.stop()


def test_publishing_an_event_purges_its_api_and_feed_urls_after_commit(
    cdn, vive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = build_event(vive)
    assert cdn.received == []  # nothing is purged before the change is visible
    for callback in callbacks:
        callback()
    assert {r.method for r in cdn.received} == {"PURGE"}
    assert {r.path for r in cdn.received} == {
        f"/api/v1/events/{event.pk}/",
        "/api/v1/events/",
        "/api/v1/changes/",
        "/feeds/events.ics",
        f"/feeds/events/{event.pk}.ics",
    }
    assert {r.headers["Host"] for r in cdn.received} == {urlsplit(settings.BASE_URL).netloc}


def test_unpublishing_knowledge_purges_its_urls(cdn, centre, django_capture_on_commit_callbacks):
    from home.demo import knowledge_seed, vocabulary_seed

    vocabulary_seed()
    knowledge_seed()
    page = KnowledgePage.objects.get(slug="anbragte-unges-trivsel")
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert {r.path for r in cdn.received} == {
        f"/api/v1/knowledge/{page.pk}/",
        "/api/v1/knowledge/",
        "/api/v1/changes/",
    }


def test_nothing_is_purged_without_a_configured_cdn(
    vive, django_capture_on_commit_callbacks, monkeypatch
):
    purged = []
    monkeypatch.setattr(
        "wagtail.contrib.frontend_cache.utils.purge_urls_from_cache",
        lambda urls: purged.append(urls),
    )
    assert not getattr(settings, "WAGTAILFRONTENDCACHE", None)
    with django_capture_on_commit_callbacks(execute=True):
        build_event(vive)
    assert purged == []


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        (
            {
                "FRONTEND_CACHE_BACKEND": "cloudflare",
                "CLOUDFLARE_ZONE_ID": "zone",
                "CLOUDFLARE_BEARER_TOKEN": "t",
            },
            "CloudflareBackend",
        ),
        (
            {"FRONTEND_CACHE_BACKEND": "http", "FRONTEND_CACHE_LOCATION": "http://127.0.0.1:6081"},
            "HTTPBackend",
        ),
        ({}, None),
    ],
)
def test_the_cdn_is_chosen_by_environment(env, backend):
    code = (
        "import django, json; django.setup()\n"
        "from django.conf import settings\n"
        "from wagtail.contrib.frontend_cache.utils import get_backends\n"
        "print(json.dumps([type(b).__name__ for b in get_backends().values()]))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FRONTEND_CACHE", "CLOUDF"))}
    output = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "cms.settings.test", **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(output.strip().splitlines()[-1]) == ([backend] if backend else [])


# --- seats, and webhooks after the purge --------------------------------------------------------


class Timed(list):
    """A receiver's record that also notes when each request arrived, across receivers."""

    def append(self, item):
        super().append(item)
        ARRIVALS.append((self.name, item.method, time.monotonic()))

    def __init__(self, name):
        super().__init__()
        self.name = name


ARRIVALS: list = []


@pytest.fixture
def hooks(centre):
    server = Receiver().start()
    server.received = Timed("hooks")
    WebhookEndpoint.objects.create(name="VIVE's websted", url=server.url + "/hooks")
    yield server
    server.stop()


def test_a_sign_up_purges_the_events_api_answers_not_the_change_log(
    cdn, vive, django_capture_on_commit_callbacks
):
    vocabulary_seed()
    event = build_event(vive, capacity=10)
    cdn.received.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sign_up(event)
    assert cdn.received == []  # not before the sign-up is visible
    for callback in callbacks:
        callback()
    assert {r.path for r in cdn.received} == {f"/api/v1/events/{event.pk}/", "/api/v1/events/"}


def test_webhooks_go_out_only_after_the_cdn_purge_of_the_same_change(
    cdn, hooks, vive, django_capture_on_commit_callbacks
):
    ARRIVALS.clear()
    cdn.received = Timed("cdn")
    cdn.script.extend([(200, 0.3)] * 5)  # a slow CDN: the webhooks must still wait for it
    with django_capture_on_commit_callbacks(execute=True):
        event = build_event(vive)
    assert [r.path for r in hooks.received] == ["/hooks"]
    purges = [at for name, method, at in ARRIVALS if name == "cdn"]
    (webhook,) = [at for name, method, at in ARRIVALS if name == "hooks"]
    assert len(purges) == 5 and max(purges) + 0.3 <= webhook  # after the last purge answered
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookStatus.SENT
    assert json.loads(hooks.received[0].body)["data"]["id"] == event.pk


def test_webhooks_wait_for_the_purge_and_the_sweeper_sends_them_if_it_died(
    cdn, hooks, vive, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        build_event(vive)  # committed, but the purge task never runs (its worker died)
    delivery = WebhookDelivery.objects.get()
    assert webhook_deliver(delivery.pk) == "skipped"  # not due before the purge
    assert webhooks_sweep() == 0
    assert hooks.received == []
    with freeze_time(timezone.now() + CDN_PURGE_LEASE + timedelta(seconds=1)):
        assert webhooks_sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == WebhookStatus.SENT
    assert [r.path for r in hooks.received] == ["/hooks"]


def test_a_failing_cdn_does_not_keep_the_webhooks(
    hooks, vive, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": "http://127.0.0.1:9",  # nothing listens: the purge fails
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        build_event(vive)
    assert [r.path for r in hooks.received] == ["/hooks"]
