"""Restricted pages stay out of every answer, also now that their paths are read once per
content version (home/visibility.py)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from events.models import EventIndexPage
from home.visibility import content_version_known, restricted_paths
from tests.events.conftest import event_of  # noqa: F401
from tests.events.registrations import vocabulary  # noqa: F401


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    cache.clear()
    yield APIClient()
    cache.clear()


def test_a_folder_made_private_leaves_cached_lists_and_feeds_at_once(
    api,
    event_of,  # noqa: F811
    bv,
    vive,
    vocabulary,  # noqa: F811
):
    event_of(bv, title="Snart privat")
    event_of(vive, title="Altid offentlig")
    assert "Snart privat" in api.get("/api/v1/events/").content.decode()
    assert "Snart privat" in api.get("/feeds/events.ics").content.decode()
    folder = EventIndexPage.objects.get(partner=bv)
    restriction = PageViewRestriction.objects.create(
        page=folder, restriction_type="password", password="x"
    )
    for path in ("/api/v1/events/", "/feeds/events.ics", "/api/v1/events/?partner=bv"):
        body = api.get(path).content.decode()
        assert "Snart privat" not in body
    assert "Altid offentlig" in api.get("/api/v1/events/").content.decode()
    restriction.delete()
    assert "Snart privat" in api.get("/api/v1/events/").content.decode()


def test_the_restricted_paths_are_read_once_per_content_version(centre, bv):
    folder = EventIndexPage.objects.get(partner=bv)
    PageViewRestriction.objects.create(page=folder, restriction_type="login")
    with content_version_known(41):
        assert restricted_paths() == [folder.path]
        with CaptureQueriesContext(connection) as queries:
            assert restricted_paths() == [folder.path]
        assert len(queries) == 0
    # outside an answer's build (a task, the admin) they are read every time
    with CaptureQueriesContext(connection) as queries:
        assert restricted_paths() == [folder.path]
    assert len(queries) == 1
