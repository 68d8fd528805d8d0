"""Named participants in the admin (their own partner's people only), in the applications'
export and the answers report, and on the applicant's and each member's own pages."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from events.models import GroupMember
from events.registrations.members import member_add
from tests.events.groups import START, approved, group_course, member
from tests.events.registrations import apply_group, emails_to, vocabulary  # noqa: F401
from tests.events.test_registration_pages import csrf_post, path

pytestmark = pytest.mark.usefixtures("vocabulary")

HOSTILE_NAME = '=HYPERLINK("http://x.example")'
BEFORE = START - timedelta(days=20)


@pytest.fixture
def group(event_of, vive):
    with freeze_time(BEFORE):
        course = group_course(event_of, vive)
        registration = apply_group(
            course,
            participants=4,
            answers={"omraade": "almen"},
            members=[
                member(
                    1, "a", name="Mette Medarbejder", answers={"workshop": "a", "kost": "Vegan"}
                ),
                member(2, "a", name=HOSTILE_NAME),
            ],
        ).registration
        return approved(registration)


def _csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_application_in_the_admin_shows_its_members_and_no_tokens(client, vive_editor, group):
    client.force_login(vive_editor)
    response = client.get(reverse("applications:inspect", args=[group.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Mette Medarbejder" in page and "medarbejder1@kommune.example" in page
    assert "Workshop: Workshop A" in page and "Kostbehov: Vegan" in page
    for row in group.members.all():
        assert row.token not in page
    assert group.token not in page and group.manager_token not in page


@pytest.mark.parametrize("username", ["bv_editor", "bv_moderator"])
def test_another_partners_people_see_no_member(request, client, group, username):
    client.force_login(request.getfixturevalue(username))
    inspect = client.get(reverse("applications:inspect", args=[group.pk]))
    assert inspect.status_code in (302, 403, 404)
    assert "Mette" not in inspect.content.decode()
    index = client.get(reverse("applications:index")).content.decode()
    assert "Mette" not in index and "medarbejder1" not in index
    export = client.get(reverse("applications:index"), {"export": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig") if export.streaming else ""
    assert "Mette" not in body and "medarbejder1" not in body
    report = client.get(reverse("answer_report:index"), {"event": group.event_id})
    assert "Workshop A" not in report.content.decode()


def test_the_applications_export_lists_members_with_formulas_neutralised(
    client, vive_moderator, group
):
    client.force_login(vive_moderator)
    (row,) = _csv_rows(client.get(reverse("applications:index"), {"export": "csv"}))
    lines = row["Navngivne deltagere"].split("\n")
    assert lines[0].startswith("Mette Medarbejder <medarbejder1@kommune.example>")
    assert "Kostbehov: Vegan" in lines[0]
    assert lines[1].startswith(HOSTILE_NAME)  # not the cell's start: no formula
    assert row["Workshop"].startswith("Mette Medarbejder: Workshop A")
    assert row["Område"] == "Almenområdet"
    # A cell that would start with the hostile name is neutralised.
    GroupMember.objects.filter(name="Mette Medarbejder").delete()
    (row,) = _csv_rows(client.get(reverse("applications:index"), {"export": "csv"}))
    assert row["Navngivne deltagere"].startswith("'=HYPERLINK")
    assert row["Workshop"].startswith("'=HYPERLINK")


def test_the_answers_report_counts_each_member_as_a_participant(client, vive_moderator, group):
    client.force_login(vive_moderator)
    response = client.get(reverse("answer_report:index"), {"event": group.event_id})
    rows = {
        (row.question, row.label): (row.registrations, row.participants)
        for row in response.context["object_list"]
    }
    assert rows[("Workshop", "Workshop A")] == (1, 2)  # one group, two members
    assert rows[("Område", "Almenområdet")] == (1, 4)  # the group's four seats


def test_the_applicants_data_export_has_the_members(client, group):
    data = client.get(reverse("registration:data", args=[group.token]), {"format": "json"})
    (exported,) = json.loads(data.content)["registrations"]
    assert [m["name"] for m in exported["members"]] == ["Mette Medarbejder", HOSTILE_NAME]
    assert {a["key"] for a in exported["members"][0]["answers"]} == {"workshop", "kost"}
    assert [a["key"] for a in exported["answers"]] == ["omraade"]


# --- the applicant's members page -----------------------------------------------------------


def test_the_applicant_adds_changes_and_removes_members_on_their_page(group):
    browser = Client(enforce_csrf_checks=True)
    url = reverse("registration:members", args=[group.token])
    with freeze_time(BEFORE + timedelta(days=1)):
        page = browser.get(url).content.decode()
        assert "Gruppens deltagere" in page and "Mette Medarbejder" in page
        assert browser.post(url, {"action": "add"}).status_code == 403  # no CSRF token
        added = csrf_post(
            browser,
            url,
            {
                "action": "add",
                "name": "Karl Kollega",
                "email": "karl@kommune.example",
                "answer-workshop": "b",
                "answer-kost": "",
            },
        )
        assert added.status_code == 302
        karl = group.members.get(email="karl@kommune.example")
        assert emails_to("karl@kommune.example") == ["member_confirmation"]  # approved: told
        changed = csrf_post(
            browser,
            url,
            {
                "action": "change",
                "member": str(karl.pk),
                "name": "Karl Kollega",
                "email": "karl@kommune.example",
                "needs": "Høreslynge",
                "answer-workshop": "b",
            },
        )
        assert changed.status_code == 302
        karl.refresh_from_db()
        assert karl.needs == "Høreslynge"
        removed = csrf_post(browser, url, {"action": "remove", "member": str(karl.pk)})
        assert removed.status_code == 302
    assert not group.members.filter(email="karl@kommune.example").exists()
    assert emails_to("karl@kommune.example") == ["member_confirmation", "member_cancelled"]


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (
            {"name": "Bo", "email": "ikke-en-adresse", "answer-workshop": "b"},
            400,
            "Deltager 4, e-mail: skriv en gyldig e-mailadresse",
        ),
        (
            {"name": "x" * 100_000, "email": "bo@kommune.example", "answer-workshop": "b"},
            400,
            "Deltager 4, navn: skriv deltagerens navn (højst 200 tegn).",
        ),
        (
            {"name": "Bo", "email": "bo@kommune.example", "answer-workshop": "zzz"},
            400,
            "Deltager 4, Workshop: vælg en af mulighederne.",
        ),
        (
            {"name": "Bo", "email": "bo@kommune.example", "answer-workshop": "a"},
            409,
            "“Workshop A” har ikke flere pladser",
        ),
        (
            {"name": "Bo", "email": "MEDARBEJDER1@kommune.example", "answer-workshop": "b"},
            400,
            "er allerede deltager i ansøgningen",
        ),
    ],
)
def test_bad_member_forms_are_a_clear_danish_answer_and_write_nothing(group, data, status, message):
    browser = Client(enforce_csrf_checks=True)
    url = reverse("registration:members", args=[group.token])
    with freeze_time(BEFORE + timedelta(days=1)):
        # The third workshop place in A, so a member asking for A finds it full.
        member_add(registration=group, member=member(7, "a"))
        response = csrf_post(browser, url, {"action": "add", **data})
    assert response.status_code == status
    assert message in response.content.decode()
    assert group.members.count() == 3  # the two named at sign-up, and the one added above


def test_foreign_or_bad_member_ids_and_tokens_are_404(group, event_of, vive):
    browser = Client(enforce_csrf_checks=True)
    url = reverse("registration:members", args=[group.token])
    other = apply_group(group.event, participants=2, members=[member(9)]).registration
    foreign = other.members.get()
    with freeze_time(BEFORE + timedelta(days=1)):
        for raw in (str(foreign.pk), "abc", "9" * 40, ""):
            response = csrf_post(browser, url, {"action": "remove", "member": raw})
            assert response.status_code == 404
        assert csrf_post(browser, url, {"action": "hack"}).status_code == 404
    assert other.members.count() == 1
    assert browser.get("/tilmelding/ukendt/deltagere/").status_code == 404
    assert browser.get("/tilmelding/deltager/ukendt/").status_code == 404
    assert browser.get("/tilmelding/deltager/a%00b/").status_code == 404


def test_after_registration_closes_the_members_are_read_only(group):
    browser = Client(enforce_csrf_checks=True)
    url = reverse("registration:members", args=[group.token])
    with freeze_time(BEFORE):
        token = str(browser.get(url).context["csrf_token"])  # a form open before the close
    with freeze_time(START + timedelta(minutes=1)):
        page = browser.get(url).content.decode()
        assert "kan ikke længere ændres" in page and "Tilføj en deltager" not in page
        response = browser.post(
            url,
            {
                "csrfmiddlewaretoken": token,
                "action": "add",
                "name": "Bo",
                "email": "bo@kommune.example",
                "answer-workshop": "b",
            },
        )
    assert response.status_code == 409
    assert "tilmeldingen er lukket" in response.content.decode()


def test_a_member_sees_the_event_and_withdraws_by_their_own_link(group):
    browser = Client(enforce_csrf_checks=True)
    mette = group.members.get(email="medarbejder1@kommune.example")
    url = path(mette.page_url())
    with freeze_time(BEFORE + timedelta(days=1)):
        page = browser.get(url)
        content = page.content.decode()
        assert page.status_code == 200 and "Forløb om børnesamtaler" in content
        assert "Mette Medarbejder" in content and "Afmeld mig" in content
        assert group.name not in content and group.token not in content
        assert page["Referrer-Policy"] == "same-origin"
        assert browser.post(url).status_code == 403
        response = csrf_post(browser, url)
    assert response.status_code == 200 and "Du er afmeldt" in response.content.decode()
    assert not group.members.filter(pk=mette.pk).exists()
    assert browser.get(url).status_code == 404


def test_a_member_deletes_their_data_by_their_own_link(group):
    browser = Client(enforce_csrf_checks=True)
    mette = group.members.get(email="medarbejder1@kommune.example")
    url = path(mette.page_url())
    with freeze_time(BEFORE + timedelta(days=1)):
        response = csrf_post(browser, url, {"action": "erase"})
    assert response.status_code == 200 and "Dine data er slettet" in response.content.decode()
    assert not GroupMember.objects.filter(email="medarbejder1@kommune.example").exists()
    assert emails_to("medarbejder1@kommune.example") == []  # emptied, no cancellation written
    assert group.members.count() == 1
