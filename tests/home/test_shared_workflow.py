"""Shared pages are published through a workflow that a coordinator approves."""

from django.urls import reverse
from wagtail.models import WorkflowState

from home.models import ContentPage


def _edit_form(page, **changes) -> dict:
    data = {"title": page.title, "slug": page.slug, "intro": page.intro, "body-count": "0"}
    data.update(changes)
    return data


def test_shared_page_goes_live_only_after_a_coordinator_approves(
    client, centre, sst_editor, coordinator, vive_moderator
):
    about = centre["about"]
    client.force_login(sst_editor)
    response = client.post(
        f"/admin/pages/{about.pk}/edit/",
        _edit_form(about, intro="Ny introduktion", **{"action-submit": "submit"}),
    )
    assert response.status_code == 302
    about.refresh_from_db()
    assert about.intro != "Ny introduktion"  # not live yet
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(about.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Fælles sider – koordinatorgodkendelse"
    task_state = state.current_task_state

    # A moderator of another partner cannot approve the shared page.
    client.force_login(vive_moderator)
    url = reverse("wagtailadmin_pages:workflow_action", args=(about.pk, "approve", task_state.pk))
    client.post(url, {})
    about.refresh_from_db()
    assert about.intro != "Ny introduktion"

    client.force_login(coordinator)
    response = client.post(url, {})
    assert response.status_code in (200, 302)
    about.refresh_from_db()
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert about.live and about.intro == "Ny introduktion"


def test_shared_editor_cannot_publish_directly(client, centre, sst_editor):
    about = centre["about"]
    client.force_login(sst_editor)
    client.post(
        f"/admin/pages/{about.pk}/edit/",
        _edit_form(about, intro="Direkte udgivet", **{"action-publish": "publish"}),
    )
    assert ContentPage.objects.get(pk=about.pk).intro != "Direkte udgivet"


def test_shared_editor_has_no_rights_in_partner_folders(client, centre, sst_editor, vive):
    from tests.home.test_partner_boundaries import assert_denied

    folder = centre["knowledge"].get_children().get(slug=vive.slug)
    client.force_login(sst_editor)
    assert_denied(client.get(f"/admin/pages/{folder.pk}/edit/"))
