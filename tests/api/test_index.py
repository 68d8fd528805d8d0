"""``/api/v1/``: the index a newcomer gets first (``make run`` prints its URL)."""

from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_the_api_root_lists_every_resource_and_where_the_api_is_described(api, centre):
    response = api.get("/api/v1/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    index = response.json()
    assert index["name"] == settings.SPECTACULAR_SETTINGS["TITLE"]
    base = settings.BASE_URL
    assert {name: r["url"] for name, r in index["resources"].items()} == {
        "events": f"{base}/api/v1/events/",
        "knowledge": f"{base}/api/v1/knowledge/",
        "pages": f"{base}/api/v1/pages/",
        "partners": f"{base}/api/v1/partners/",
        "topics": f"{base}/api/v1/topics/",
        "audiences": f"{base}/api/v1/audiences/",
        "municipalities": f"{base}/api/v1/municipalities/",
        "changes": f"{base}/api/v1/changes/",
        "privacy": f"{base}/api/v1/privacy/",
    }
    assert index["schema"] == f"{base}/api/v1/schema/"
    assert index["docs"] == {
        "swagger": f"{base}/api/v1/schema/docs/",
        "redoc": f"{base}/api/v1/schema/redoc/",
    }
    assert index["feeds"]["events"] == f"{base}/feeds/events.ics"


def test_every_link_of_the_index_answers(api, centre):
    index = api.get("/api/v1/").json()
    links = [r["url"] for r in index["resources"].values()]
    links += [index["schema"], *index["docs"].values(), index["feeds"]["events"]]
    for link in links:
        path = link.removeprefix(settings.BASE_URL)
        assert api.get(path).status_code == 200, path


def test_the_index_is_cached_like_the_rest_of_the_api(api, centre):
    first = api.get("/api/v1/")
    assert first["ETag"]
    assert api.get("/api/v1/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_make_run_prints_the_api_index_url():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "API:    http://127.0.0.1:$(PORT)/api/v1/" in makefile
