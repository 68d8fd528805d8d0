"""``/api/v1/privacy/``: the privacy text a sign-up consents to, for the widget's form."""

from __future__ import annotations

import pytest

from events.models import PRIVACY_TEXT_VERSION

pytestmark = pytest.mark.django_db

ANOTHER_SITE = "https://kommune-intranet.example"


def test_the_privacy_text_is_plain_danish_with_the_version_a_sign_up_records(api, centre):
    response = api.get("/api/v1/privacy/")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"version", "text"}
    assert data["version"] == PRIVACY_TEXT_VERSION
    text = data["text"]
    assert "<" not in text and ">" not in text
    paragraphs = text.split("\n\n")
    assert len(paragraphs) >= 5 and all(p.strip() == p and p for p in paragraphs)
    assert "Socialstyrelsen" in text and "Dataansvarlig" in text
    for collected in ("navn", "e-mailadresse", "arbejdsplads", "kommune", "stillingsgruppe"):
        assert collected in text, collected
    assert "telefonnummer" in text and "hensyn" in text
    assert "påmindelser" in text and "indsigt" in text and "slette" in text


def test_the_retention_period_is_this_installations(api, centre, settings):
    settings.REGISTRATION_RETENTION_DAYS = 365
    text = api.get("/api/v1/privacy/").json()["text"]
    assert "365 dage efter arrangementets sidste dag" in text


def test_the_privacy_text_is_cached_and_readable_from_any_site(api, centre):
    first = api.get("/api/v1/privacy/", headers={"Origin": ANOTHER_SITE})
    assert first["Cache-Control"].startswith("public, max-age=60")
    assert first["Access-Control-Allow-Origin"] == ANOTHER_SITE
    again = api.get("/api/v1/privacy/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304


def test_the_privacy_text_takes_no_writes(api, centre):
    assert api.post("/api/v1/privacy/", {}, format="json").status_code == 405
