"""Restricted pages stay out of every answer, also now that their paths are read once per
content version (home/visibility.py)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from events.models import EventIndexPage
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


def test_a_restriction_on_a_draft_counts_once_the_draft_is_published(
    api,
    event_of,  # noqa: F811
    vive,
    vocabulary,  # noqa: F811
):
    """No change is recorded for a restriction on a draft, nor for publishing a restricted page:
    the check reads the restrictions in the query itself, never from an earlier read."""
    event_of(vive, title="Offentlig")
    assert "Offentlig" in api.get("/api/v1/events/").content.decode()  # versions and caches warm
    draft = event_of(vive, title="Hemmelig kladde", publish=False)
    PageViewRestriction.objects.create(page=draft, restriction_type="login")
    draft.save_revision().publish()
    assert api.get(f"/api/v1/events/{draft.pk}/").status_code == 404
    assert api.get(f"/feeds/events/{draft.pk}.ics").status_code == 404
    for path in ("/api/v1/events/?partner=vive", "/feeds/events.ics?partner=vive"):
        assert "Hemmelig kladde" not in api.get(path).content.decode()


def test_the_check_is_one_query_whatever_the_number_of_restrictions(centre, bv, vive):
    from events.models import EventPage
    from home.visibility import public_pages

    for partner in (bv, vive):
        folder = EventIndexPage.objects.get(partner=partner)
        PageViewRestriction.objects.create(page=folder, restriction_type="login")
    list(public_pages(EventPage.objects.all()))  # the site's root path, from here on cached
    with CaptureQueriesContext(connection) as queries:
        list(public_pages(EventPage.objects.all()))
    assert len(queries) == 1
