"""Nothing leaks: who may view, edit, publish, delete, act on or export what, across the three
partners, their editors and moderators and the coordinators; and what anonymous clients of the
API and the feeds never get.

Each row is (user, what, action, allowed). The objects all belong to VIVE; Børns Vilkår's
people must be turned away from every one of them.

The matrix goes on in ``tests/admin/``: every admin view that lists, chooses, confirms or
reports, read as each partner's editor and moderator, shows no other partner's draft, private
page, media or receiver and nobody's token or secret (``test_scoped_listings.py``), and bulk
actions given other partners' ids change nothing (``test_scoped_actions.py``).
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from api.models import WebhookEndpoint
from events.mail.compose import EmailContext
from events.mail.services import email_write
from events.models import EmailKind, Registration
from tests.events.conftest import event_of  # noqa: F401
from tests.events.registrations import apply_group, sign_up, vocabulary  # noqa: F401

SECRET = "https://teams.example.com/meet/vive-matrix"
PERSON = "matrix.person@kommune.example"

USERS = ["vive_editor", "vive_moderator", "bv_editor", "bv_moderator", "coordinator"]
VIVE_PEOPLE = {"vive_editor", "vive_moderator", "coordinator"}
VIVE_MODERATORS = {"vive_moderator", "coordinator"}

MATRIX = [
    # what, action, who may
    ("draft page", "view", VIVE_PEOPLE),
    ("draft page", "edit", VIVE_PEOPLE),
    ("draft page", "publish", VIVE_MODERATORS),
    # Wagtail lets the partner's editors delete an unpublished draft in their own area.
    ("draft page", "delete", VIVE_PEOPLE),
    ("image", "edit", VIVE_PEOPLE),
    ("document", "edit", VIVE_PEOPLE),
    ("registration", "view", VIVE_PEOPLE),
    ("registration", "export", VIVE_PEOPLE),
    ("registration", "cancel", VIVE_MODERATORS),
    ("application", "view", VIVE_PEOPLE),
    ("application", "approve", VIVE_MODERATORS),
    ("email", "view", VIVE_PEOPLE),
    ("webhook endpoint", "view", VIVE_PEOPLE),
    ("webhook endpoint", "edit", {"coordinator"}),
]


@pytest.fixture
def vive_world(event_of, vive, vocabulary):  # noqa: F811
    draft = event_of(vive, title="VIVEs kladde", publish=False)
    live = event_of(vive, title="VIVEs webinar", join_url=SECRET, capacity=10)
    course = event_of(
        vive,
        title="VIVEs forløb",
        event_type="advisory_course",
        participation="staff_group",
        format="physical",
        platform_name="",
        venue_name="VIVE",
        venue_city="København",
        capacity=20,
    )
    registration = sign_up(live, email=PERSON, accessibility_needs="Tolk").registration
    application = apply_group(course, email="kontakt.matrix@kommune.example").registration
    application.manager_confirmed_at = application.created_at
    application.save(update_fields=["manager_confirmed_at"])
    image = Image.objects.create(
        title="VIVEs billede", file=get_test_image_file(), collection=vive.collection
    )
    document = Document(title="VIVEs notat", collection=vive.collection)
    document.file.save("notat.txt", ContentFile(b"fortroligt"), save=False)
    document.save()
    email = email_write(
        kind=EmailKind.CONFIRMATION,
        to=PERSON,
        dedupe_key="matrix:1",
        registration_id=registration.pk,
        context=EmailContext(kind=EmailKind.CONFIRMATION, event=live, name="Matrix"),
    )
    endpoint = WebhookEndpoint.objects.create(
        name="VIVEs websted", url="https://www.vive.example/hook", partner=vive
    )
    return {
        "draft page": draft,
        "image": image,
        "document": document,
        "registration": registration,
        "application": application,
        "email": email,
        "webhook endpoint": endpoint,
    }


def allowed_to(client, user, what: str, action: str, obj) -> bool:
    """Try it through the admin's own views, as the user; True when it was let through."""
    client.force_login(user)
    if what == "draft page":
        permissions = obj.permissions_for_user(user)
        if action == "view":
            response = client.get(reverse("wagtailadmin_pages:edit", args=[obj.pk]))
            return response.status_code == 200
        if action == "edit":
            return permissions.can_edit()
        if action == "publish":
            return permissions.can_publish()
        if action == "delete":
            return permissions.can_delete()
    if what == "image":
        return client.get(reverse("wagtailimages:edit", args=[obj.pk])).status_code == 200
    if what == "document":
        return client.get(reverse("wagtaildocs:edit", args=[obj.pk])).status_code == 200
    if what in ("registration", "application"):
        namespace = "registrations" if what == "registration" else "applications"
        if action == "view":
            url = reverse(f"{namespace}:inspect", args=[obj.pk])
            return client.get(url).status_code == 200
        if action == "export":
            response = client.get(reverse(f"{namespace}:index") + "?export=csv")
            body = b"".join(response.streaming_content) if response.streaming else b""
            return response.status_code == 200 and obj.email.encode() in body
        url = reverse(f"{namespace}:action", args=[obj.pk, action])
        # A moderator cancelling gives the registrant a reason.
        client.post(url, {"reason": "Arrangementet er flyttet."} if action == "cancel" else {})
        obj.refresh_from_db()
        return obj.status == ("cancelled" if action == "cancel" else "confirmed")
    if what == "email":
        url = reverse("outbound_emails:inspect", args=[obj.pk])
        return client.get(url).status_code == 200
    if what == "webhook endpoint":
        if action == "view":
            url = reverse("webhook_endpoints:inspect", args=[obj.pk])
            return client.get(url).status_code == 200
        response = client.get(reverse("webhook_endpoints:edit", args=[obj.pk]))
        return response.status_code == 200 and b'name="url"' in response.content
    raise AssertionError(f"no way to try {action} on {what}")


@pytest.mark.parametrize("username", USERS)
def test_permission_matrix(request, client, vive_world, username):
    user = request.getfixturevalue(username)
    wrong = []
    for what, action, who in MATRIX:
        expected = username in who
        if allowed_to(client, user, what, action, vive_world[what]) != expected:
            wrong.append(f"{username} {'may' if not expected else 'may not'} {action} {what}")
        client.logout()
    assert not wrong, "\n".join(wrong)


def test_anonymous_clients_get_no_drafts_join_links_or_personal_data(client, vive_world):
    texts = []
    for path in (
        "/api/v1/events/",
        "/api/v1/events/?page_size=100&status=scheduled,cancelled,postponed,moved_online",
        "/api/v1/changes/?since=2000-01-01",
        "/feeds/events.ics",
        "/api/v1/pages/",
        "/api/v1/knowledge/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        texts.append(response.content.decode())
    everything = "\n".join(texts)
    assert "VIVEs kladde" not in everything
    assert SECRET not in everything
    assert PERSON not in everything and "Tolk" not in everything
    assert "kontakt.matrix" not in everything
    assert client.get(f"/api/v1/events/{vive_world['draft page'].pk}/").status_code == 404
    assert Registration.objects.filter(email=PERSON).exists()
