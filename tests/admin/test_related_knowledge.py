"""The event form's "Relateret viden" offers only the knowledge pages the user may see.

Django's default select listed every knowledge page of the centre by its draft title, other
partners' never-published and password-protected ones included. Now: the user's own area,
drafts included, and elsewhere only live, public pages by their live title. A link the user
cannot see is kept when they save.
"""

from __future__ import annotations

import re

import pytest

from events.models import EventPage
from tests.admin.conftest import PEOPLE
from tests.events.conftest import edit_form_data


def _option(page_id: int, label: str) -> re.Pattern:
    """The page's checkbox with its label (the form offers checkboxes, not a multi-select)."""
    return re.compile(
        rf'<input type="checkbox" name="related_knowledge" value="{page_id}"[^>]*>'
        rf"\s*{re.escape(label)}\s*</label>"
    )


def _offered(page_id: int) -> re.Pattern:
    return re.compile(rf'name="related_knowledge" value="{page_id}"')


def _bodies(client, w, key: str) -> list[str]:
    slug = key.split(":", 1)[1]
    own = w.partners[slug]
    client.force_login(w.user(key))
    urls = [
        f"/admin/pages/{own.live_event.pk}/edit/",
        f"/admin/pages/add/events/eventpage/{own.events_folder.pk}/",
    ]
    bodies = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(response.content.decode())
    return bodies


@pytest.mark.parametrize("key", PEOPLE)
def test_other_partners_draft_and_private_knowledge_is_not_offered(client, w, key):
    slug = key.split(":", 1)[1]
    for body in _bodies(client, w, key):
        for other in w.others(slug):
            other_slug = other.partner.slug
            assert f"HEMMELIG-UDKAST-{other_slug}" not in body
            assert f"HEMMELIG-PRIVAT-{other_slug}" not in body
            assert f"HEMMELIG-REVISION-{other_slug}" not in body
            assert not _offered(other.draft.pk).search(body)
            assert not _offered(other.private.pk).search(body)
            # Another partner's published page is offered, by the title it is published with.
            assert _option(other.revised.pk, f"Offentlig viden {other_slug}").search(body)


@pytest.mark.parametrize("key", PEOPLE)
def test_own_drafts_are_offered_by_the_title_being_edited(client, w, key):
    own = w.partners[key.split(":", 1)[1]]
    slug = own.partner.slug
    for body in _bodies(client, w, key):
        assert _option(own.draft.pk, f"HEMMELIG-UDKAST-{slug}").search(body)
        assert _option(own.private.pk, f"HEMMELIG-PRIVAT-{slug}").search(body)
        assert _option(own.revised.pk, f"HEMMELIG-REVISION-{slug}").search(body)


def _linked(event: EventPage) -> set[int]:
    latest = EventPage.objects.get(pk=event.pk).get_latest_revision_as_object()
    return {page.pk for page in latest.related_knowledge.all()}


@pytest.mark.parametrize("foreign", ["draft", "private"])
def test_posting_another_partners_draft_or_private_knowledge_is_refused(client, w, foreign):
    bv, vive = w.partners["boerns-vilkaar"], w.partners["vive"]
    event = bv.live_event
    target = getattr(vive, foreign)
    revisions = event.revisions.count()
    client.force_login(w.user("editor:boerns-vilkaar"))
    response = client.post(
        f"/admin/pages/{event.pk}/edit/",
        edit_form_data(event, related_knowledge=[bv.draft.pk, target.pk]),
    )
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["form"].errors.get("related_knowledge", []))
    assert f"Marker en gyldig valgmulighed. {target.pk} er ikke en af" in errors, errors
    assert target.title not in response.content.decode()
    assert event.revisions.count() == revisions


def test_own_and_other_partners_public_knowledge_can_be_linked(client, w):
    bv, vive = w.partners["boerns-vilkaar"], w.partners["vive"]
    event = bv.live_event
    client.force_login(w.user("editor:boerns-vilkaar"))
    response = client.post(
        f"/admin/pages/{event.pk}/edit/",
        edit_form_data(event, related_knowledge=[bv.draft.pk, vive.revised.pk]),
    )
    assert response.status_code == 302
    assert _linked(event) == {bv.draft.pk, vive.revised.pk}


def test_saving_keeps_a_link_the_editor_cannot_see(client, w):
    """A coordinator linked VIVE's page, which is a draft now: BV's editor neither sees the link
    nor removes it by saving their event."""
    bv, vive = w.partners["boerns-vilkaar"], w.partners["vive"]
    event = bv.live_event
    event.related_knowledge = [vive.draft, vive.private]
    event.save_revision(user=w.user("coordinator"))

    client.force_login(w.user("editor:boerns-vilkaar"))
    body = client.get(f"/admin/pages/{event.pk}/edit/").content.decode()
    assert "HEMMELIG-UDKAST-vive" not in body
    assert "HEMMELIG-PRIVAT-vive" not in body

    response = client.post(
        f"/admin/pages/{event.pk}/edit/",
        edit_form_data(event, related_knowledge=[bv.revised.pk]),
    )
    assert response.status_code == 302
    assert _linked(event) == {
        bv.revised.pk,
        vive.draft.pk,
        vive.private.pk,
    }
