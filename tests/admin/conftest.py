"""One centre with a secret of every kind for each partner, built once per test module.

Every title that must stay inside its partner carries a marker, ``HEMMELIG-<KIND>-<slug>``, so
a test can read any response body and name the partner whose secret it shows. Tokens, manager
tokens, feed keys and webhook secrets are collected as they are generated: no admin page may
show them to anyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, PageViewRestriction

from api.models import WebhookDelivery, WebhookEndpoint, WebhookKind
from events.models import OutboundEmail, RegistrantFeedKey, Registration
from home.areas.membership import COORDINATORS_GROUP, SHARED_EDITORS_GROUP
from home.demo import vocabulary_seed
from home.models import KnowledgeIndexPage, KnowledgePage, Partner
from home.provisioning.services import centre_setup
from tests.events.conftest import build_event
from tests.events.registrations import apply_group, sign_up

SLUGS = ("socialstyrelsen", "vive", "boerns-vilkaar")
MARKER = re.compile(r"HEMMELIG-[A-Z]+-(socialstyrelsen|vive|boerns-vilkaar)")
PEOPLE = [f"{role}:{slug}" for slug in SLUGS for role in ("editor", "moderator")]


@dataclass
class PartnerWorld:
    partner: Partner
    folder: Page
    events_folder: Page
    draft: Page
    draft_event: Page
    private: Page
    revised: Page
    live_event: Page
    image: Image
    document: Document
    endpoint: WebhookEndpoint
    delivery: WebhookDelivery
    registration: Registration
    application: Registration
    person_email: str


@dataclass
class World:
    home: Page
    partners: dict[str, PartnerWorld] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)
    email_ids: list[int] = field(default_factory=list)

    def user(self, key: str):
        return self.users[key]

    def others(self, slug: str) -> list[PartnerWorld]:
        return [w for s, w in self.partners.items() if s != slug]


def _knowledge(folder: Page, title: str, *, publish: bool) -> KnowledgePage:
    page = KnowledgePage(title=title, kind="report", year=2024, live=False)
    folder.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return KnowledgePage.objects.get(pk=page.pk)


def _partner_world(world: World, slug: str, moderator) -> PartnerWorld:
    partner = Partner.objects.get(slug=slug)
    folder = KnowledgeIndexPage.objects.get(partner=partner)
    draft = _knowledge(folder, f"HEMMELIG-UDKAST-{slug}", publish=False)
    # In moderation and locked: the workflow and locked-pages reports list it to its people.
    draft.get_workflow().start(draft, moderator)
    Page.objects.filter(pk=draft.pk).update(
        locked=True, locked_by=moderator, locked_at=timezone.now()
    )
    private = _knowledge(folder, f"HEMMELIG-PRIVAT-{slug}", publish=True)
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="hemmelig"
    )
    revised = _knowledge(folder, f"Offentlig viden {slug}", publish=True)
    revised.title = f"HEMMELIG-REVISION-{slug}"
    revised.save_revision(user=moderator)
    revised = KnowledgePage.objects.get(pk=revised.pk)
    assert revised.title == f"Offentlig viden {slug}"

    draft_event = build_event(partner, title=f"HEMMELIG-ARRANGEMENT-{slug}", publish=False)
    live_event = build_event(partner, title=f"Offentligt webinar {slug}", capacity=30)
    course = build_event(
        partner,
        title=f"Offentligt forløb {slug}",
        event_type="advisory_course",
        participation="staff_group",
        format="physical",
        platform_name="",
        venue_name="Huset",
        venue_city="Odense",
        capacity=40,
    )
    person_email = f"hemmelig.person.{slug}@kommune.example"
    registration = sign_up(live_event, email=person_email, name=f"HEMMELIG-DELTAGER-{slug}")
    registration = registration.registration
    application = apply_group(course, email=f"hemmelig.kontakt.{slug}@kommune.example")
    application = application.registration
    feed_key, _ = RegistrantFeedKey.objects.get_or_create(email=person_email)

    image = Image.objects.create(
        title=f"HEMMELIG-BILLEDE-{slug}", file=get_test_image_file(), collection=partner.collection
    )
    document = Document(title=f"HEMMELIG-DOKUMENT-{slug}", collection=partner.collection)
    document.file.save(f"notat-{slug}.txt", ContentFile(b"fortroligt"), save=False)
    document.save()
    image.tags.add(f"HEMMELIG-MAERKE-{slug}")
    document.tags.add(f"HEMMELIG-MAERKE-{slug}")
    endpoint = WebhookEndpoint.objects.create(
        name=f"HEMMELIG-MODTAGER-{slug}",
        url=f"https://hemmelig-{slug}.example/hook",
        partner=partner,
        kinds=[WebhookKind.choices[0][0]],
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        kind=WebhookKind.choices[0][0],
        payload={"data": {"id": live_event.pk, "object": "event"}},
    )
    world.secrets += [
        registration.token,
        registration.manager_token,
        application.token,
        application.manager_token,
        feed_key.secret,
        endpoint.secret,
    ]
    return PartnerWorld(
        partner=partner,
        folder=folder,
        events_folder=live_event.get_parent(),
        draft=draft,
        draft_event=draft_event,
        private=private,
        revised=revised,
        live_event=live_event,
        image=image,
        document=document,
        endpoint=endpoint,
        delivery=delivery,
        registration=registration,
        application=application,
        person_email=person_email,
    )


def _users(world: World) -> None:
    users = get_user_model().objects
    shared_editors = Group.objects.get(name=SHARED_EDITORS_GROUP)
    for slug in SLUGS:
        partner = Partner.objects.get(slug=slug)
        editor = users.create_user(username=f"{slug}-editor", password="pw")
        editor.groups.add(partner.editors_group)
        if slug == "socialstyrelsen":
            editor.groups.add(shared_editors)
        moderator = users.create_user(username=f"{slug}-moderator", password="pw")
        moderator.groups.add(partner.moderators_group)
        world.users[f"editor:{slug}"] = editor
        world.users[f"moderator:{slug}"] = moderator
    coordinator = users.create_user(username="koordinator", password="pw")
    coordinator.groups.add(
        Partner.objects.get(slug="socialstyrelsen").moderators_group,
        Group.objects.get(name=COORDINATORS_GROUP),
    )
    world.users["coordinator"] = coordinator


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker):
    """Built once for tests/admin/ inside a transaction that is rolled back at its end; each
    test runs in a savepoint of it (pytest-django's ``db``)."""
    with django_db_blocker.unblock(), transaction.atomic():
        cache.clear()
        roots = centre_setup()
        vocabulary_seed()
        world = World(home=roots["home"])
        _users(world)
        for slug in SLUGS:
            world.partners[slug] = _partner_world(world, slug, world.user(f"moderator:{slug}"))
        world.email_ids = list(OutboundEmail.objects.order_by("pk").values_list("pk", flat=True))
        assert world.email_ids
        yield world
        transaction.set_rollback(True)
    cache.clear()


@pytest.fixture
def w(world, db) -> World:
    return world


def leaks(body: str, world: World, key: str) -> list[str]:
    """What of other partners' secrets, and of anyone's tokens, a body shows to ``key``."""
    found = []
    own = key.split(":", 1)[1] if ":" in key else None
    if own is not None:
        found += sorted({m.group(0) for m in MARKER.finditer(body) if m.group(1) != own})
        found += [w.person_email for w in world.others(own) if w.person_email in body]
    found += [f"secret {s[:8]}…" for s in world.secrets if s in body]
    if "/feeds/me/" in body:
        found.append("a personal feed URL")
    return found
