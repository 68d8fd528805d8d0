"""Webinar fixtures: the Zoom and Graph stand-ins, wired in through the settings, and the
partners' accounts on them (VIVE on Zoom, Socialstyrelsen on Teams, as in the demo)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from events.models import WebinarAccount, WebinarPlatform
from tests.standins.graph import GraphStandIn
from tests.standins.zoom import ZoomStandIn

ZOOM_SECRET = "zoom-secret-Xq81"
ZOOM_WEBHOOK_SECRET = "zoom-webhook-Pp42"
GRAPH_SECRET = "graph-secret-Wm93"


@pytest.fixture
def zoom_standin(settings):
    standin = ZoomStandIn(account_id="acc-vive", client_id="zoom-client", client_secret=ZOOM_SECRET)
    standin.start()
    settings.ZOOM_API_URL = standin.api_url
    settings.ZOOM_OAUTH_URL = standin.oauth_url
    settings.WEBINAR_HTTP_TIMEOUT = (2, 5)
    cache.clear()
    yield standin
    standin.stop()


@pytest.fixture
def graph_standin(settings):
    standin = GraphStandIn(
        tenant="tenant-sst",
        client_id="graph-client",
        client_secret=GRAPH_SECRET,
        organizer="organizer@sst.example",
    )
    standin.start()
    settings.GRAPH_API_URL = standin.api_url
    settings.MS_LOGIN_URL = standin.login_url
    settings.WEBINAR_HTTP_TIMEOUT = (2, 5)
    cache.clear()
    yield standin
    standin.stop()


@pytest.fixture
def zoom_account(vive) -> WebinarAccount:
    account = WebinarAccount(
        partner=vive, platform=WebinarPlatform.ZOOM, account_id="acc-vive", client_id="zoom-client"
    )
    account.client_secret = ZOOM_SECRET
    account.webhook_secret = ZOOM_WEBHOOK_SECRET
    account.save()
    return account


@pytest.fixture
def teams_account(sst) -> WebinarAccount:
    account = WebinarAccount(
        partner=sst,
        platform=WebinarPlatform.TEAMS,
        tenant_id="tenant-sst",
        client_id="graph-client",
        organizer="organizer@sst.example",
    )
    account.client_secret = GRAPH_SECRET
    account.save()
    return account
