"""Fixtures shared by every test level: the centre's structure and its people."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from hypothesis import settings as hypothesis_settings

from home.areas.membership import COORDINATORS_GROUP, SHARED_EDITORS_GROUP
from home.models import Partner
from home.provisioning.services import centre_setup

# Generated input (schemathesis, the running-app fuzz test): in CI the same examples on every
# run, so a submission is judged on its code, not on a draw; on a developer's machine a new
# draw each run keeps looking for what no one has found yet (`CI=true make test` repeats CI's).
hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
    hypothesis_settings.load_profile("ci")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the centre's structure made once and committed: `setup_centre`
    makes it on every deploy, so every test starts from it (it cost each test about a second,
    most of CI's time). Tests roll back to it. A transactional test flushes it at its end, so
    those run last (pytest-django orders them so; keep xdist's default ``--dist load``), each
    with ``serialized_rollback``, which restores it at its start (it is serialized again here).
    ``centre`` makes it again only where it is missing inside a test; after a flush without a
    restore, content types and permissions are gone too, and it fails, as before."""
    from django.db import connections

    with django_db_blocker.unblock():
        centre_setup()
        for connection in connections.all(initialized_only=True):
            if hasattr(connection, "_test_serialized_contents"):
                serialized = connection.creation.serialize_db_to_string()
                connection._test_serialized_contents = serialized


def _centre_pages() -> dict | None:
    """The pages `centre_setup` returns, read back; None when they are not all there."""
    from wagtail.models import Site

    from home.models import HomePage
    from home.provisioning.services import section_index_models

    home = HomePage.objects.first()
    if home is None or not Partner.objects.exists():
        return None
    if not Site.objects.filter(is_default_site=True, root_page=home).exists():
        return None
    children = {page.slug: page for page in home.get_children().specific()}
    pages = {"home": home, "about": children.get("om-videnscentret")}
    for model in section_index_models():
        pages[model.section_key] = children.get(model.section_slug)
    return None if None in pages.values() else pages


@pytest.fixture
def centre(db) -> dict:
    """The centre's page tree, partners, groups and workflows, as `setup_centre` makes them."""
    return _centre_pages() or centre_setup()


@pytest.fixture
def make_user(db):
    def make(username: str, *groups: Group, **fields):
        user = get_user_model().objects.create_user(
            username=username, password="pw", email=f"{username}@example.com", **fields
        )
        user.groups.add(*groups)
        return user

    return make


def _partner(slug: str) -> Partner:
    return Partner.objects.get(slug=slug)


@pytest.fixture
def vive(centre) -> Partner:
    return _partner("vive")


@pytest.fixture
def bv(centre) -> Partner:
    return _partner("boerns-vilkaar")


@pytest.fixture
def sst(centre) -> Partner:
    return _partner("socialstyrelsen")


@pytest.fixture
def vive_editor(make_user, vive):
    return make_user("vive-editor", vive.editors_group)


@pytest.fixture
def vive_moderator(make_user, vive):
    return make_user("vive-moderator", vive.moderators_group)


@pytest.fixture
def bv_editor(make_user, bv):
    return make_user("bv-editor", bv.editors_group)


@pytest.fixture
def bv_moderator(make_user, bv):
    return make_user("bv-moderator", bv.moderators_group)


@pytest.fixture
def sst_editor(make_user, sst):
    return make_user("sst-editor", sst.editors_group, Group.objects.get(name=SHARED_EDITORS_GROUP))


@pytest.fixture
def coordinator(make_user, sst):
    return make_user(
        "sst-coordinator", sst.moderators_group, Group.objects.get(name=COORDINATORS_GROUP)
    )


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on 127.0.0.1 that Django's SMTP backend sends to."""
    from tests.smtp import SmtpSink

    sink = SmtpSink().start()
    for name, value in sink.settings().items():
        setattr(settings, name, value)
    yield sink
    sink.stop()


@pytest.fixture(autouse=True)
def _forget_recent_http_answers():
    """Tests roll back, so content versions repeat between tests; this process's memo of
    answers by ETag, and the shared cache, must not carry one test's answer into the next.
    (Each parallel test process has a cache of its own: cms/settings/test.py.)"""
    from django.core.cache import cache

    from api import caching, capacity, grace, seat_versions
    from api.views.feeds import fragments_forget
    from home.version_memo import version_memos_clear

    cache.clear()
    version_memos_clear()

    caching._recent.clear()
    caching._epochs.clear()
    seat_versions._listed.clear()
    grace._not_only_publishes.clear()
    fragments_forget()
    yield
    version_memos_clear()
    capacity.deferred_builds_done()  # a deferred build finishes within its own test
    caching._recent.clear()
    caching._epochs.clear()
    seat_versions._listed.clear()
    grace._not_only_publishes.clear()
    fragments_forget()
