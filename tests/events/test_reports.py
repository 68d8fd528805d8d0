"""The reach reports: counts per dimension from confirmed registrations, scoped per partner."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from events.courses.services import attendance_set
from events.models import Registration
from events.registrations.services import registration_cancel
from events.reports.selectors import reach_by, reach_registrations
from events.retention.services import registration_anonymise
from home.models import Audience, Municipality
from tests.events.conftest import local
from tests.events.registrations import apply_group, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


def url(dimension: str, **params) -> str:
    from django.utils.http import urlencode

    base = reverse("reach_reports:index", args=[dimension])
    return base + ("?" + urlencode(params) if params else "")


def one_session(year: int, month: int, day: int = 10) -> list[dict]:
    start = local(year, month, day, 10)
    return [{"start": start, "end": start + timedelta(hours=2)}]


def municipality(code: str) -> Municipality:
    return Municipality.objects.get(code=code)


def rows(response) -> list[tuple]:
    return [
        tuple(getattr(row, name) for name in ("label", "registrations", "participants"))
        for row in response.context["object_list"]
    ]


def csv_rows(response) -> list[list[str]]:
    """As Danish Excel reads it: UTF-8 with a byte order mark, fields separated by ";"."""
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body), delimiter=";"))


@pytest.fixture
def reach(event_of, vive, bv):
    """VIVE: a webinar in March 2030 (2 from København, 1 from Aarhus, a cancelled one from
    Odense) and a workshop in May 2030 (1 from Frederiksberg). Børns Vilkår: a webinar in
    March 2030 with 1 from Odense."""
    webinar = event_of(vive, title="VIVE-webinar", sessions=one_session(2030, 3))
    workshop = event_of(
        vive, title="VIVE-workshop", event_type="workshop", sessions=one_session(2030, 5)
    )
    bv_event = event_of(bv, title="Børns Vilkårs webinar", sessions=one_session(2030, 3))
    sign_up(webinar, municipality=municipality("0101"))
    sign_up(webinar, municipality=municipality("0101"))
    sign_up(webinar, municipality=municipality("0751"), job_role=Audience.objects.get(slug="ppr"))
    cancelled = sign_up(webinar, municipality=municipality("0461")).registration
    registration_cancel(registration=cancelled, reason="registrant")
    sign_up(workshop, municipality=municipality("0147"))
    sign_up(bv_event, municipality=municipality("0461"))
    return {"webinar": webinar, "workshop": workshop, "bv": bv_event}


def test_counts_confirmed_registrations_per_municipality(client, vive_moderator, reach):
    client.force_login(vive_moderator)
    response = client.get(url("municipality"))
    assert response.status_code == 200
    assert rows(response) == [("København", 2, 2), ("Aarhus", 1, 1), ("Frederiksberg", 1, 1)]


def test_counts_per_region_add_up_the_regions_municipalities(client, vive_moderator, reach):
    client.force_login(vive_moderator)
    response = client.get(url("region"))
    assert rows(response) == [("Region Hovedstaden", 3, 3), ("Region Midtjylland", 1, 1)]


def test_staff_group_counts_as_one_registration_and_its_participants(
    client, vive_moderator, event_of, vive, reach
):
    from events.registrations.applications import application_approve, application_manager_confirm

    course = event_of(
        vive,
        title="Forløb",
        participation="staff_group",
        capacity=20,
        sessions=one_session(2030, 4),
    )
    group = apply_group(course, participants=6, municipality=municipality("0751")).registration
    application_manager_confirm(registration=group)
    application_approve(registration=Registration.objects.get(pk=group.pk), by=vive_moderator)
    client.force_login(vive_moderator)
    response = client.get(url("municipality"))
    assert ("Aarhus", 2, 7) in rows(response)


def test_anonymised_registration_is_still_counted(client, vive_moderator, reach):
    for registration in Registration.objects.filter(event=reach["webinar"]):
        registration_anonymise(registration=registration)
    assert not Registration.objects.filter(event=reach["webinar"], name__startswith="Deltager")
    client.force_login(vive_moderator)
    response = client.get(url("municipality"))
    assert ("København", 2, 2) in rows(response)


def test_vive_moderator_never_sees_boerns_vilkaars_numbers(client, vive_moderator, reach, bv):
    client.force_login(vive_moderator)
    page = client.get(url("partner")).content.decode()
    assert "Børns Vilkår" not in page  # neither a row, a bar nor a filter choice
    # Asking for Børns Vilkår by id is not a valid choice: the report stays VIVE's own.
    forced = [row[0] for row in rows(client.get(url("municipality", partner=bv.pk)))]
    assert forced == ["København", "Aarhus", "Frederiksberg"]
    odense = client.get(url("municipality")).content.decode()
    assert "Odense" not in odense
    export = csv_rows(client.get(url("partner", export="csv")))
    assert export == [["Partner", "Tilmeldinger", "Deltagere"], ["VIVE", "4", "4"]]


def test_boerns_vilkaar_moderator_sees_only_their_own(client, bv_moderator, reach):
    client.force_login(bv_moderator)
    response = client.get(url("municipality"))
    assert rows(response) == [("Odense", 1, 1)]
    page = response.content.decode()
    assert "VIVE" not in page and "Socialstyrelsen" not in page
    partner_choices = response.context["filters"].form.fields["partner"].queryset
    assert [partner.slug for partner in partner_choices] == ["boerns-vilkaar"]


def test_coordinator_sees_every_partner(client, coordinator, reach):
    client.force_login(coordinator)
    labels = [row[0] for row in rows(client.get(url("partner")))]
    assert labels == ["VIVE", "Børns Vilkår"]


def test_user_in_no_partners_group_is_refused_and_has_no_menu_item(client, make_user, reach):
    from django.contrib.auth.models import Permission

    outsider = make_user("udenfor")
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(outsider)
    # Wagtail turns the view's PermissionDenied into a redirect to the dashboard.
    for response in (client.get(url("municipality")), client.get(url("partner", export="csv"))):
        assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
    assert (
        reverse("reach_reports:index", args=["municipality"])
        not in client.get(reverse("wagtailadmin_home")).content.decode()
    )


def test_xlsx_export_opens_with_danish_headings_and_the_rows(client, vive_moderator, reach):
    client.force_login(vive_moderator)
    response = client.get(url("municipality", export="xlsx"))
    assert response["Content-Disposition"].endswith('raekkevidde-municipality.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Kommune", "Tilmeldinger", "Deltagere"],
        ["København", 2, 2],
        ["Aarhus", 1, 1],
        ["Frederiksberg", 1, 1],
    ]


def test_export_neutralises_formulas_in_labels(client, vive_moderator, reach):
    Audience.objects.filter(slug="ppr").update(name="=HYPERLINK(1)")
    client.force_login(vive_moderator)
    export = csv_rows(client.get(url("job-role", export="csv")))
    assert ["'=HYPERLINK(1)", "1", "1"] in export


def test_chart_is_inline_svg_with_one_labelled_bar_per_row(client, vive_moderator, reach):
    client.force_login(vive_moderator)
    page = client.get(url("municipality")).content.decode()
    svg = re.search(r"<svg class=\"reach-chart\".*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count('class="reach-chart-bar"') == 3
    assert ">2 deltagere</text>" in svg and ">1 deltager</text>" in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert "<script" not in page.split('id="listing-results"')[1].split("</main>")[0]


def test_months_run_in_order_with_empty_months_between(client, vive_moderator, reach):
    client.force_login(vive_moderator)
    response = client.get(url("month"))
    assert rows(response) == [("marts 2030", 3, 3), ("april 2030", 0, 0), ("maj 2030", 1, 1)]
    svg = response.content.decode()
    assert svg.count('class="reach-chart-bar"') == 3


def test_period_filter_on_the_events_start(client, vive_moderator, reach):
    client.force_login(vive_moderator)
    may = client.get(url("municipality", period_after="2030-05-01", period_before="2030-05-31"))
    assert rows(may) == [("Frederiksberg", 1, 1)]
    march = client.get(url("month", period_before="2030-03-31"))
    assert rows(march) == [("marts 2030", 3, 3)]


def test_event_type_filter(client, vive_moderator, reach):
    client.force_login(vive_moderator)
    response = client.get(url("event-type", event_type="workshop"))
    assert rows(response) == [("Workshop", 1, 1)]
    everything = rows(client.get(url("event-type")))
    assert everything == [("Webinar", 3, 3), ("Workshop", 1, 1)]


def test_audience_counts_under_each_of_the_events_audiences(client, vive_moderator, reach):
    webinar = reach["webinar"]
    webinar.audiences.set(Audience.objects.filter(slug__in=["ppr", "skole"]))
    webinar.save_revision().publish()
    client.force_login(vive_moderator)
    assert rows(client.get(url("audience"))) == [
        ("PPR", 3, 3),
        ("Skole", 3, 3),
        ("Ingen målgruppe angivet", 1, 1),
    ]


def test_job_role_report_names_the_missing_role(client, vive_moderator, reach):
    Registration.objects.filter(event=reach["workshop"]).update(job_role=None)
    client.force_login(vive_moderator)
    assert rows(client.get(url("job-role"))) == [
        ("Sagsbehandlere", 2, 2),
        ("PPR", 1, 1),
        ("Ikke oplyst", 1, 1),
    ]


def record(registration, status: str, session=None) -> None:
    """Attendance at ``session`` (the event's first), recorded as of the session's start."""
    session = session or registration.event.sessions.order_by("sort_order").first()
    attendance_set(
        session=session, registration=registration, status=status, now=session.starts_at()
    )


def test_attendance_counts_only_recorded_registrations(client, vive_moderator, reach):
    confirmed = Registration.objects.filter(event=reach["webinar"], status="confirmed")
    first, second, _unrecorded = confirmed.order_by("pk")
    record(first, "present")
    record(second, "absent")
    client.force_login(vive_moderator)
    response = client.get(url("attendance"))
    [row] = response.context["object_list"]  # the workshop has no record: no row
    assert (row.label, row.registered, row.attended, row.attendance_rate) == (
        "VIVE-webinar (10. marts 2030)",
        2,
        1,
        50.0,
    )
    assert response.content.decode().count('class="reach-chart-bar"') == 1
    export = csv_rows(client.get(url("attendance", export="csv")))
    assert export[0][:5] == [
        "Session",
        "Start",
        "Tilmeldinger med registreret fremmøde",
        "Mødte op",
        "Fremmøde (%)",
    ]
    # As Danish Excel reads a CSV: a Danish date and a decimal comma (issue 19).
    assert export[1][:5] == ["VIVE-webinar (10. marts 2030)", "10-03-2030", "2", "1", "50,0"]


def test_attendance_counts_per_session(client, vive_moderator, bv_moderator, event_of, vive):
    start = local(2030, 9, 1, 9)
    course = event_of(
        vive,
        title="Forløb om børnesamtaler",
        event_type="advisory_course",
        participation="staff_group",
        capacity=20,
        sessions=[
            {"title": "Modul 1", "start": start, "end": start + timedelta(hours=3)},
            {
                "title": "Modul 2",
                "start": start + timedelta(days=14),
                "end": start + timedelta(days=14, hours=3),
            },
        ],
    )
    first, second = course.sessions.order_by("sort_order")
    people = [apply_group(course, participants=1).registration for _ in range(3)]
    group = apply_group(course, participants=4).registration
    Registration.objects.filter(event=course).update(status="confirmed")
    for person, status in zip(people, ["present", "present", "absent"], strict=True):
        record(person, status, first)
    record(group, "present", first)  # a group without named members: its four seats
    record(people[0], "present", second)
    record(people[1], "excused", second)
    client.force_login(vive_moderator)
    rows_ = client.get(url("attendance")).context["object_list"]
    assert [
        (r.label, r.registered, r.attended, r.participants_registered, r.participants_attended)
        for r in rows_
    ] == [
        ("Forløb om børnesamtaler – Modul 1 (1. september 2030)", 4, 3, 7, 6),
        ("Forløb om børnesamtaler – Modul 2 (15. september 2030)", 2, 1, 2, 1),
    ]
    # Another partner's moderator counts none of it.
    client.force_login(bv_moderator)
    assert client.get(url("attendance")).context["object_list"] == []


def test_query_count_does_not_grow_with_rows(
    client, vive_moderator, event_of, vive, reach, django_assert_max_num_queries
):
    for registration in Registration.objects.filter(event=reach["webinar"], status="confirmed"):
        record(registration, "present")
    client.force_login(vive_moderator)
    client.get(url("municipality"))  # warm caches (site root paths, content types)

    def queries_for(path: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    before = {d: queries_for(url(d)) for d in ("municipality", "month", "attendance")}
    event = event_of(vive, title="Flere", sessions=one_session(2030, 8))
    for code in ("0151", "0153", "0461", "0751"):
        record(sign_up(event, municipality=municipality(code)).registration, "present")
    for dimension, count in before.items():
        with django_assert_max_num_queries(count):
            response = client.get(url(dimension))
        assert len(response.context["object_list"]) > 1


def test_selector_scopes_to_the_users_partners(vive_moderator, bv_moderator, reach):
    vive_rows = reach_by(reach_registrations(user=vive_moderator), "partner")
    bv_rows = reach_by(reach_registrations(user=bv_moderator), "partner")
    assert [row.label for row in vive_rows] == ["VIVE"]
    assert [row.label for row in bv_rows] == ["Børns Vilkår"]


def test_chart_escapes_labels_and_shortens_long_ones_but_keeps_them_whole_in_the_title():
    from events.reports.charts import Bar, bar_chart

    long_label = "Kommunernes Landsforening og " + "meget lang tekst " * 3
    svg = bar_chart(
        [Bar("<script>alert(1)</script>", 3), Bar(long_label, 1)],
        title="Rækkevidde & mere",
        description="Søjler",
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "Rækkevidde &amp; mere" in svg
    assert "Kommunernes Landsforening og…" in svg
    assert f"<title>{long_label}: 1</title>" in svg
