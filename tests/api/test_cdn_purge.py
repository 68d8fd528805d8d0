"""Every change purges its public URLs from the CDN, through Wagtail's frontend cache, after the
change commits; here the HTTP purger (PURGE requests, as to Varnish) against a real receiver."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from home.models import KnowledgePage
from tests.events.conftest import build_event
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
