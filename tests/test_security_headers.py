"""Security headers on everything the system answers, and the production settings' hardening."""

from __future__ import annotations

import importlib
import os
from unittest import mock

import pytest

PATHS = ["/api/v1/events/", "/feeds/events.ics", "/admin/login/", "/healthz", "/api/v1/nope/"]


@pytest.mark.parametrize("path", PATHS)
def test_security_headers_on_every_kind_of_answer(client, centre, path):
    response = client.get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    if path.startswith("/admin/"):
        assert response["X-Frame-Options"] in ("DENY", "SAMEORIGIN")


def test_production_settings_harden_https_cookies_and_frames():
    env = {
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "cms.example.dk",
        "BASE_URL": "https://cms.example.dk",
    }
    with mock.patch.dict(os.environ, env):
        # Fresh copies of base and production, read under the production environment.
        base = importlib.reload(importlib.import_module("cms.settings.base"))
        production = importlib.reload(importlib.import_module("cms.settings.production"))
    importlib.reload(base)
    assert production.DEBUG is False
    assert production.SECURE_SSL_REDIRECT is True
    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.X_FRAME_OPTIONS == "SAMEORIGIN"
    assert production.SECURE_CONTENT_TYPE_NOSNIFF
