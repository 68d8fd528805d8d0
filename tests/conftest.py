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


@pytest.fixture
def centre(db) -> dict:
    """The centre's page tree, partners, groups and workflows, as `setup_centre` makes them."""
    return centre_setup()


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
    answers by ETag must not carry one test's answer into the next."""
    from api import caching, capacity, grace, seat_versions
    from api.views.feeds import fragments_forget

    caching._recent.clear()
    seat_versions._listed.clear()
    grace._not_only_publishes.clear()
    fragments_forget()
    yield
    capacity.deferred_builds_done()  # a deferred build finishes within its own test
    caching._recent.clear()
    seat_versions._listed.clear()
    grace._not_only_publishes.clear()
    fragments_forget()
