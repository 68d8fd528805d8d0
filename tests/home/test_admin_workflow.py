"""Wagtail's moderation views for one page answer only inside the user's area: given another
partner's page they said whether it was in moderation, and named it by its newest draft."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState

from events.models import EventIndexPage, EventPage
from tests.events.conftest import build_event, event_form_data, local

START = local(2031, 9, 15, 10, 0)
SECRET = "HEMMELIG-UDKAST-VIVE-moderation"


@pytest.fixture
def in_moderation(client, vive, vive_editor):
    """A VIVE event its editor submitted for moderation, never published."""
    folder = EventIndexPage.objects.get(partner=vive)
    client.force_login(vive_editor)
    data = event_form_data(
        title=SECRET,
        slug="hemmelig-moderation",
        registration_closes=START - timedelta(days=2),
        sessions=[{"title": "Del 1", "start": START, "end": START + timedelta(hours=2)}],
        **{"action-submit": "submit"},
    )
    response = client.post(f"/admin/pages/add/events/eventpage/{folder.pk}/", data)
    assert response.status_code == 302
    client.logout()
    event = EventPage.objects.get(slug="hemmelig-moderation")
    state = WorkflowState.objects.get(object_id=str(event.pk))
    return event, state.current_task_state


def _urls(event, task_state: TaskState) -> list[str]:
    return [
        reverse("wagtailadmin_pages:workflow_action", args=(event.pk, "approve", task_state.pk)),
        reverse(
            "wagtailadmin_pages:collect_workflow_action_data",
            args=(event.pk, "approve", task_state.pk),
        ),
        reverse("wagtailadmin_pages:confirm_workflow_cancellation", args=(event.pk,)),
        reverse("wagtailadmin_pages:workflow_preview", args=(event.pk, task_state.task_id)),
    ]


@pytest.mark.parametrize("who", ["bv_editor", "bv_moderator"])
def test_another_partners_people_learn_nothing_of_a_page_in_moderation(
    client, request, in_moderation, who
):
    event, task_state = in_moderation
    client.force_login(request.getfixturevalue(who))
    for url in _urls(event, task_state):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 404, (url, response.status_code)
            assert SECRET not in response.content.decode()
    left = " ".join(str(message) for message in get_messages(response.wsgi_request))
    assert SECRET not in left
    event.refresh_from_db()
    assert not event.live
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS


def test_a_page_not_in_moderation_is_not_named_to_another_partner(
    client, in_moderation, vive, bv_moderator
):
    """Wagtail's "… is not currently awaiting moderation" message named the page's draft."""
    _event, task_state = in_moderation
    quiet = build_event(vive, title="HEMMELIG-IKKE-I-MODERATION")
    client.force_login(bv_moderator)
    url = reverse("wagtailadmin_pages:workflow_action", args=(quiet.pk, "approve", task_state.pk))
    assert client.get(url).status_code == 404
    dashboard = client.get("/admin/").content.decode()
    assert "HEMMELIG-IKKE-I-MODERATION" not in dashboard


def test_the_partners_own_moderator_still_confirms_and_approves(
    client, in_moderation, vive_moderator
):
    event, task_state = in_moderation
    client.force_login(vive_moderator)
    confirm = reverse("wagtailadmin_pages:confirm_workflow_cancellation", args=(event.pk,))
    assert client.get(confirm).status_code == 200
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=(event.pk, "approve", task_state.pk)
    )
    assert client.post(approve, {}).status_code in (200, 302)
    event.refresh_from_db()
    assert event.live
