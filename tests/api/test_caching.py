"""ETag, Last-Modified, 304 before any work, and no stale answer after a publish."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from home.models import KnowledgePage


def test_every_get_has_validators_and_cdn_cache_control(api, knowledge):
    response = api.get("/api/v1/knowledge/")
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]
    assert "public" in response["Cache-Control"] and "s-maxage" in response["Cache-Control"]


def test_if_none_match_is_304_without_building_the_body(api, knowledge):
    etag = api.get("/api/v1/knowledge/")["ETag"]
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/knowledge/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert len(queries) == 1  # the content version, nothing else


def test_if_modified_since_is_304(api, knowledge):
    last_modified = api.get("/api/v1/knowledge/")["Last-Modified"]
    response = api.get("/api/v1/knowledge/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304


def test_second_request_is_served_from_the_shared_cache(api, knowledge):
    first = api.get("/api/v1/knowledge/")
    with CaptureQueriesContext(connection) as queries:
        second = api.get("/api/v1/knowledge/")
    assert second.content == first.content
    assert len(queries) == 1


def test_no_stale_answer_after_a_publish(api, knowledge):
    page = KnowledgePage.objects.get(slug="anbragte-unges-trivsel")
    before = api.get(f"/api/v1/knowledge/{page.pk}/")
    page.title = "Anbragte unges trivsel (2. udgave)"
    page.save_revision().publish()
    after = api.get(f"/api/v1/knowledge/{page.pk}/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after.json()["title"] == "Anbragte unges trivsel (2. udgave)"
    assert after["ETag"] != before["ETag"]


def test_unpublish_removes_from_cached_list(api, knowledge):
    assert api.get("/api/v1/knowledge/").json()["count"] == 2
    KnowledgePage.objects.get(slug="anbragte-unges-trivsel").unpublish()
    assert api.get("/api/v1/knowledge/").json()["count"] == 1


def test_errors_are_not_cached(api, knowledge):
    assert api.get("/api/v1/knowledge/?kind=novel").status_code == 400
    assert "ETag" not in api.get("/api/v1/knowledge/?kind=novel")
