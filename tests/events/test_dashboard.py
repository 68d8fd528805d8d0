"""The editor's dashboard: the partner's upcoming events, applications and failed deliveries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.models import WebhookDelivery, WebhookEndpoint
from events.dashboard import PANELS
from events.models import OutboundEmail
from events.registrations.applications import application_manager_confirm
from tests.events.registrations import apply_group, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


def dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return response.content.decode()


def test_moderator_sees_own_partners_upcoming_event_with_counts(
    client, event_of, vive, bv, vive_moderator
):
    vive_event = event_of(vive, title="VIVE-webinar om samtaler", capacity=2)
    draft = event_of(vive, title="VIVE-kursus under udarbejdelse", publish=False)
    event_of(bv, title="Børns Vilkårs workshop", capacity=5)
    for _ in range(3):
        sign_up(vive_event)  # two confirmed, one on the waiting list

    content = dashboard(client, vive_moderator)

    assert "Kommende arrangementer" in content
    assert "VIVE-webinar om samtaler" in content
    assert "VIVE-kursus under udarbejdelse" in content  # the partner's own draft
    assert "Børns Vilkårs workshop" not in content
    assert reverse("wagtailadmin_pages:edit", args=[vive_event.pk]) in content
    assert reverse("wagtailadmin_pages:edit", args=[draft.pk]) in content
    assert f"/admin/registrations/?event={vive_event.pk}" in content
    assert "2 tilmeldt af 2, 0 ledige" in content
    assert "<td>2</td>\n                        <td>1</td>" in content  # confirmed, waiting


def test_past_events_are_left_out(client, event_of, vive, vive_moderator):
    from datetime import timedelta

    from django.utils import timezone

    past = timezone.now() - timedelta(days=3)
    event_of(vive, title="Afholdt webinar", sessions=[{"start": past}])
    content = dashboard(client, vive_moderator)
    assert "Afholdt webinar" not in content


def test_application_awaits_the_manager_then_the_moderator(
    client, event_of, vive, vive_moderator, bv_moderator
):
    course = event_of(vive, participation="staff_group", capacity=10, event_type="advisory_course")
    application = apply_group(course, participants=4).registration
    listing = f"/admin/applications/?status=pending&amp;event={course.pk}"

    content = dashboard(client, vive_moderator)
    assert "Ansøgninger, der venter" in content
    assert "Afventer ledelsens bekræftelse: 1" in content
    assert "Afventer moderatorens afgørelse: 0" in content
    assert "Venter på ledelsen" in content and "Klar til godkendelse" not in content
    assert "Børne- og familieafdelingen (4 deltagere)" in content and listing in content

    application_manager_confirm(registration=application)
    content = dashboard(client, vive_moderator)
    assert "Afventer ledelsens bekræftelse: 0" in content
    assert "Afventer moderatorens afgørelse: 1" in content
    assert "Klar til godkendelse" in content and "Venter på ledelsen" not in content

    assert "Børne- og familieafdelingen" not in dashboard(client, bv_moderator)
    assert "Ansøgninger, der venter" not in dashboard(client, bv_moderator)


def test_failed_email_and_webhook_show_for_the_organising_partner_only(
    client, event_of, vive, bv, vive_moderator, bv_moderator, coordinator
):
    event = event_of(vive, title="VIVE-webinar")
    sign_up(event)
    OutboundEmail.objects.filter(event=event).update(status="failed")
    endpoint = WebhookEndpoint.objects.create(
        name="BV's site", url="https://bv.example/hook", kinds=["event.published"], partner=bv
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint, kind="event.published", payload={}, status="failed"
    )

    vive_content = dashboard(client, vive_moderator)
    assert "Fejlede e-mails: 1" in vive_content
    assert "/admin/e-mails/?status=failed" in vive_content
    assert "Fejlede webhooks" not in vive_content

    bv_content = dashboard(client, bv_moderator)
    assert "Fejlede e-mails" not in bv_content
    assert "Fejlede webhooks: 1" in bv_content
    assert "/admin/webhooks/log/?status=failed" in bv_content

    coordinator_content = dashboard(client, coordinator)
    assert "Fejlede e-mails: 1" in coordinator_content
    assert "Fejlede webhooks: 1" in coordinator_content


def test_wagtails_own_moderation_panel_is_kept(client, event_of, vive, vive_editor, vive_moderator):
    draft = event_of(vive, title="Til godkendelse", publish=False)
    draft.get_workflow().start(draft, vive_editor)
    content = dashboard(client, vive_moderator)
    assert 'id="awaiting-review' in content or "awaiting-review" in content
    assert content.count("Til godkendelse") >= 2  # Wagtail's panel and the upcoming events


def _dashboard_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("wagtailadmin_home")).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_events_applications_or_failures(
    client, event_of, vive, vive_moderator
):
    def add(n: int) -> None:
        for _ in range(n):
            event = event_of(vive, capacity=3)
            sign_up(event)
            course = event_of(
                vive, participation="staff_group", capacity=10, event_type="advisory_course"
            )
            application_manager_confirm(registration=apply_group(course).registration)
            apply_group(course)
        OutboundEmail.objects.update(status="failed")

    add(1)
    _dashboard_queries(client, vive_moderator)  # warm Wagtail's own caches
    few = _dashboard_queries(client, vive_moderator)
    add(4)
    many = _dashboard_queries(client, vive_moderator)
    assert many == few

    request = RequestFactory().get("/admin/")
    request.user = vive_moderator
    for panel_class in PANELS:
        with CaptureQueriesContext(connection) as queries:
            assert panel_class(request).render_html({"request": request})
        # The deliveries panel asks the email and webhook permission policies, a few each.
        assert len(queries) <= 9, (panel_class.__name__, [q["sql"] for q in queries])
