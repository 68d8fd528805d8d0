"""``events.models.registrations.token_path``: a registration's own links, as ``reverse`` gives
them, without matching the URLconf for every link."""

from __future__ import annotations

import pytest
from django.urls import reverse, set_script_prefix
from django.utils import translation

from events.models.registrations import new_token, token_path

NAMES = [
    "member",
    "members",
    "manage",
    "cancel",
    "offer",
    "change",
    "transfer",
    "mine",
    "data",
    "manager_confirm",
]


@pytest.mark.parametrize("name", NAMES)
def test_each_link_is_the_one_reverse_gives(name):
    for token in (new_token(), new_token()):
        assert token_path(f"registration:{name}", token) == reverse(
            f"registration:{name}", args=[token]
        )


def test_a_script_prefix_or_a_language_is_followed():
    token = new_token()
    token_path("registration:manage", token)
    try:
        set_script_prefix("/centret/")
        assert token_path("registration:manage", token).startswith("/centret/tilmelding/")
        assert token_path("registration:manage", token) == reverse(
            "registration:manage", args=[token]
        )
    finally:
        set_script_prefix("/")
    with translation.override("en"):
        assert token_path("registration:manage", token) == reverse(
            "registration:manage", args=[token]
        )


@pytest.mark.parametrize("token", ["kort", "med mellemrum og æøå " + "x" * 20, "a?b&c=" * 6])
def test_a_token_that_is_not_plainly_url_safe_goes_through_reverse(token):
    assert token_path("registration:manage", token) == reverse("registration:manage", args=[token])


def test_another_urlconf_is_followed(settings):
    token = new_token()
    token_path("registration:manage", token)  # the default's path, kept
    settings.ROOT_URLCONF = "tests.events.alt_urls"
    assert token_path("registration:manage", token) == f"/andet/{token}/"
    assert token_path("registration:manage", token) == reverse("registration:manage", args=[token])
