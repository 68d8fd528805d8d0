"""Registrations and applications in the admin: per partner, with counts, exports and actions."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from events.models import Registration
from events.registrations.applications import application_manager_confirm
from tests.events.registrations import apply_group, emails_to, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def events(event_of, vive, bv):
    vive_event = event_of(vive, title="VIVE-webinar", capacity=2)
    bv_event = event_of(bv, title="Børns Vilkårs workshop", capacity=5)
    for i in range(3):
        sign_up(vive_event, email=f"vive{i}@kommune.example", name=f"VIVE-deltager {i}")
    sign_up(bv_event, email="bv0@kommune.example", name="BV-deltager")
    return {"vive": vive_event, "bv": bv_event}


def test_bv_editor_cannot_see_vives_registrations_not_even_by_url(client, bv_editor, events):
    client.force_login(bv_editor)
    content = client.get(reverse("registrations:index")).content.decode()
    assert "BV-deltager" in content
    assert "VIVE-deltager" not in content
    assert "VIVE-webinar" not in content  # nor in the event filter's choices
    vive_registration = Registration.objects.filter(event=events["vive"]).first()
    inspect = reverse("registrations:inspect", args=[vive_registration.pk])
    assert client.get(inspect).status_code in (302, 403, 404)
    filtered = client.get(reverse("registrations:index"), {"event": events["vive"].pk})
    assert "VIVE-deltager" not in filtered.content.decode()
    export = client.get(reverse("registrations:index"), {"export": "csv"})
    assert b"vive0@kommune.example" not in b"".join(export.streaming_content)
    action = reverse("registrations:action", args=[vive_registration.pk, "cancel"])
    assert client.post(action).status_code == 404
    vive_registration.refresh_from_db()
    assert vive_registration.status == "confirmed"


def test_partner_editor_sees_own_registrations_with_counts(client, vive_editor, events):
    client.force_login(vive_editor)
    response = client.get(reverse("registrations:index"), {"event": events["vive"].pk})
    assert response.status_code == 200
    counts = response.context["event_counts"]
    assert [
        (r["event"].pk, r["confirmed"], r["waiting"], r["pending"], r["cancelled"], r["seats_left"])
        for r in counts
    ] == [(events["vive"].pk, 2, 1, 0, 0, 0)]
    content = response.content.decode()
    assert "VIVE-deltager 2" in content and "Ledige pladser" in content


def test_coordinator_sees_every_partners_registrations(client, coordinator, events):
    client.force_login(coordinator)
    content = client.get(reverse("registrations:index")).content.decode()
    assert "VIVE-deltager" in content and "BV-deltager" in content


def test_editor_cannot_act_moderator_cancels_and_the_waiting_list_moves(
    client, vive_editor, vive_moderator, events
):
    first = Registration.objects.get(email="vive0@kommune.example")
    url = reverse("registrations:action", args=[first.pk, "cancel"])
    client.force_login(vive_editor)
    assert client.post(url).status_code == 404
    index = client.get(reverse("registrations:index")).content.decode()
    assert url not in index
    client.force_login(vive_moderator)
    assert url in client.get(reverse("registrations:index")).content.decode()
    assert client.get(url).status_code == 200
    # Without a reason nothing is done: the page asks for one.
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert "Begrundelse: skriv, hvorfor tilmeldingen annulleres." in refused.content.decode()
    first.refresh_from_db()
    assert first.status == "confirmed"
    assert client.post(url, {"reason": "Dobbelt tilmeldt."}).status_code == 302
    first.refresh_from_db()
    assert (first.status, first.cancel_reason) == ("cancelled", "organiser")
    promoted = Registration.objects.get(email="vive2@kommune.example")
    assert promoted.status == "confirmed"
    assert emails_to("vive2@kommune.example")[-1] == "promoted"


def test_moderator_promotes_from_the_waiting_list_only_when_seats_are_free(
    client, vive_moderator, events
):
    waiting = Registration.objects.get(email="vive2@kommune.example")
    url = reverse("registrations:action", args=[waiting.pk, "promote"])
    client.force_login(vive_moderator)
    response = client.post(url, follow=True)
    assert "ikke ledige pladser" in response.content.decode()
    events["vive"].capacity = 3
    events["vive"].save(update_fields=["capacity"])
    client.post(url)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_moderator_approves_and_declines_applications(client, event_of, vive, vive_moderator):
    course = event_of(vive, participation="staff_group", capacity=10, event_type="advisory_course")
    approved = apply_group(course, participants=6, email="a@kommune.example").registration
    declined = apply_group(course, participants=6, email="b@kommune.example").registration
    client.force_login(vive_moderator)
    listing = client.get(reverse("applications:index")).content.decode()
    assert reverse("applications:action", args=[approved.pk, "approve"]) in listing
    assert "a@kommune.example" not in client.get(reverse("registrations:index")).content.decode()

    url = reverse("applications:action", args=[approved.pk, "approve"])
    response = client.post(url, follow=True)
    assert "ikke bekræftet forankringen" in response.content.decode()
    application_manager_confirm(registration=approved)
    client.post(url)
    client.post(reverse("applications:action", args=[declined.pk, "decline"]))
    approved.refresh_from_db()
    declined.refresh_from_db()
    assert (approved.status, approved.decided_by) == ("confirmed", vive_moderator)
    assert (declined.status, declined.cancel_reason) == ("cancelled", "declined")


def test_exports_are_safe_against_formula_injection(client, vive_moderator, event_of, vive):
    event = event_of(vive, capacity=5)
    sign_up(event, name='=HYPERLINK("http://evil.example")', workplace="+45 1234", email="x@k.dk")
    sign_up(event, name="@SUM(A1)", workplace="-2+3")
    # The services strip what people type; a row written otherwise must be safe too.
    Registration.objects.filter(name="@SUM(A1)").update(accessibility_needs="\tskjult")
    client.force_login(vive_moderator)
    response = client.get(reverse("registrations:index"), {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][:3] == ["Arrangement", "Navn", "E-mail"]
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert "'+45 1234" in cells and "'@SUM(A1)" in cells and "'-2+3" in cells
    assert "'\tskjult" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for cell in cells)

    response = client.get(reverse("registrations:index"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [
        c.value for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)
    ]
    assert '\'=HYPERLINK("http://evil.example")' in values
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)


def test_admin_menu_shows_registrations_and_applications(client, vive_editor, events):
    client.force_login(vive_editor)
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("registrations:index") in content
    assert reverse("applications:index") in content
