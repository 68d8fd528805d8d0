"""The admin's calendar across partners: own drafts, others' published events only, filters
that refuse what they cannot apply, in Danish."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from home.models import Audience
from tests.events.conftest import local

MARCH = "2027-03-10"


@pytest.fixture
def programme(event_of, vive, bv):
    """March 2027: each partner's published event, a draft and a published event with an
    unpublished change of title and date."""
    children = Audience.objects.create(name="Børn og unge", slug="boern-og-unge")
    managers = Audience.objects.create(name="Ledere", slug="ledere")
    on = {"start": local(2027, 3, 9, 10), "end": local(2027, 3, 9, 12)}
    vive_live = event_of(vive, title="VIVE: udgivet webinar", sessions=[on])
    vive_live.audiences.set([children])
    vive_live.save_revision().publish()
    vive_draft = event_of(vive, title="VIVE: hemmelig kladde", sessions=[on], publish=False)
    bv_live = event_of(
        bv,
        title="Børns Vilkår: udgivet workshop",
        event_type="workshop",
        sessions=[{"start": local(2027, 3, 9, 13), "end": local(2027, 3, 9, 15)}],
    )
    bv_live.audiences.set([managers])
    bv_live.save_revision().publish()
    bv_draft = event_of(bv, title="Børns Vilkår: hemmelig kladde", sessions=[on], publish=False)
    changed = event_of(
        bv,
        title="Børns Vilkår: konference",
        event_type="conference",
        sessions=[{"start": local(2027, 3, 16, 9), "end": local(2027, 3, 16, 16)}],
    )
    changed.title = "Børns Vilkår: hemmeligt nyt navn"
    session = changed.sessions.all()[0]
    session.start, session.end = local(2027, 3, 23, 9), local(2027, 3, 23, 16)
    changed.sessions = [session]
    changed.save_revision()
    return {
        "vive_live": vive_live,
        "vive_draft": vive_draft,
        "bv_live": bv_live,
        "bv_draft": bv_draft,
        "changed": changed,
    }


def calendar(client, user, **params):
    client.force_login(user)
    return client.get(reverse("events_calendar"), {"date": MARCH, **params})


def edit_url(event) -> str:
    return reverse("wagtailadmin_pages:edit", args=[event.pk])


@pytest.mark.parametrize("who", ["vive_editor", "vive_moderator"])
def test_another_partner_sees_published_events_read_only_and_no_draft_title(
    client, programme, request, who
):
    response = calendar(client, request.getfixturevalue(who))
    body = response.content.decode()

    assert response.status_code == 200
    assert "Børns Vilkår: udgivet workshop" in body
    assert "Børns Vilkår: hemmelig kladde" not in body
    assert "hemmeligt nyt navn" not in body
    # The published version of the changed event: its live title on its live date.
    assert "Børns Vilkår: konference" in body
    for event in ("bv_live", "bv_draft", "changed"):
        assert edit_url(programme[event]) not in body
    assert "kun til visning" in body
    # Their own partner's draft and published event, with links to edit them.
    assert "VIVE: hemmelig kladde" in body
    assert edit_url(programme["vive_draft"]) in body
    assert edit_url(programme["vive_live"]) in body


@pytest.mark.parametrize("who", ["bv_editor", "bv_moderator"])
def test_own_drafts_and_unpublished_changes_show_as_they_stand(client, programme, request, who):
    response = calendar(client, request.getfixturevalue(who), view="week", date="2027-03-23")
    body = response.content.decode()

    assert "Børns Vilkår: hemmeligt nyt navn" in body  # the draft's title on the draft's day
    assert "Ændringer ikke udgivet" in body
    assert "Tirsdag 23. marts" in body
    assert "VIVE: hemmelig kladde" not in body

    earlier = calendar(client, request.getfixturevalue(who), view="week", date="2027-03-16")
    assert "Børns Vilkår: konference" not in earlier.content.decode()


def test_the_coordinator_sees_every_partners_drafts(client, programme, coordinator):
    body = calendar(client, coordinator).content.decode()
    assert "VIVE: hemmelig kladde" in body
    assert "Børns Vilkår: hemmelig kladde" in body
    assert edit_url(programme["bv_draft"]) in body


def test_a_month_is_a_danish_table_with_clashes_marked(client, programme, vive_moderator):
    body = calendar(client, vive_moderator).content.decode()

    assert '<h2 class="w-h2" id="calendar-title">Marts 2027</h2>' in body
    assert '<th scope="col">Mandag</th>' in body
    assert '<th scope="col">Søndag</th>' in body
    assert '<th scope="row">Uge 10</th>' in body
    # 9 March: VIVE's webinar and draft, Børns Vilkår's workshop.
    assert "3 arrangementer samme dag" in body
    assert "10.00–12.00" in body  # Copenhagen time
    assert "Forrige måned" in body and "Næste måned" in body
    assert "date=2027-02-01" in body and "date=2027-04-01" in body


def test_filters_narrow_the_calendar(client, programme, vive_moderator):
    body = calendar(client, vive_moderator, partner="boerns-vilkaar").content.decode()
    assert "Børns Vilkår: udgivet workshop" in body
    assert "VIVE: udgivet webinar" not in body

    body = calendar(client, vive_moderator, type="workshop").content.decode()
    assert "Børns Vilkår: udgivet workshop" in body
    assert "VIVE: udgivet webinar" not in body

    body = calendar(client, vive_moderator, audience="boern-og-unge").content.decode()
    assert "VIVE: udgivet webinar" in body
    assert "Børns Vilkår: udgivet workshop" not in body
    # The filters are kept in the links to the next month.
    assert "audience=boern-og-unge" in body


def test_a_drafts_own_type_and_audience_decide_the_filter(client, programme, bv_moderator):
    body = calendar(
        client, bv_moderator, type="conference", view="week", date="2027-03-23"
    ).content.decode()
    assert "Børns Vilkår: hemmeligt nyt navn" in body
    body = calendar(client, bv_moderator, type="webinar", view="week", date="2027-03-23")
    assert "hemmeligt nyt navn" not in body.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"partner": "ukendt"}, "Partner: der er ingen partner med det navn."),
        ({"type": "fest"}, "Type: der er ingen arrangementstype med det navn."),
        ({"audience": "x' OR 1=1 --"}, "Målgruppe: der er ingen målgruppe med det navn."),
        ({"date": "2027-13-01"}, "Dato: skriv datoen som ÅÅÅÅ-MM-DD"),
        ({"date": "9999-12-31"}, "Dato: vælg en dato mellem år 2000 og 2100."),
        ({"date": "０２０２７-03-01"}, "Dato: skriv datoen som ÅÅÅÅ-MM-DD"),
        ({"view": "year"}, "Visning: vælg måned eller uge."),
        ({"partner": "vive\x00"}, "Partner: værdien kan ikke bruges."),
        ({"type": "w" * 5000}, "Type: værdien kan ikke bruges."),
        ({"partner": ["vive", "boerns-vilkaar"]}, "Partner: angiv kun én værdi."),
        ({"partnr": "vive"}, "Kalenderen har ikke filteret „partnr“."),
    ],
)
def test_hostile_filters_are_a_danish_400_naming_the_parameter(
    client, programme, bv_editor, params, message
):
    client.force_login(bv_editor)
    query = {"date": MARCH, **params} if "date" not in params else params
    response = client.get(reverse("events_calendar"), query)
    body = response.content.decode()

    assert response.status_code == 400
    assert message in body
    assert "VIVE: hemmelig kladde" not in body
    assert "Til kalenderen" in body


def test_the_calendar_is_in_the_admin_menu(client, vive_editor):
    client.force_login(vive_editor)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("events_calendar") in body
    assert "Kalender" in body


def test_an_all_day_session_over_days_stands_on_each(client, event_of, vive, vive_editor):
    first = local(2027, 3, 1).date()
    event_of(
        vive,
        title="Konference over to dage",
        sessions=[
            {
                "all_day": True,
                "start": None,
                "end": None,
                "start_date": first,
                "end_date": first + timedelta(days=1),
            }
        ],
    )
    body = calendar(client, vive_editor, view="week", date="2027-03-01").content.decode()
    assert body.count("Konference over to dage") == 2
    assert "Hele dagen" in body
