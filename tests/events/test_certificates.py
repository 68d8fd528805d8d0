"""Completion and course certificates: the rule at its boundaries, the PDF's text, the email
once through the outbox, the person's link and the public verification before and after
retention, and the moderators' overview per event."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from freezegun import freeze_time
from pypdf import PdfReader

from events.courses.certificate_pdf import certificate_pdf
from events.courses.certificates import (
    certificates_issue,
    certificates_issue_due,
    event_completions,
)
from events.courses.services import attendance_set
from events.models import (
    Certificate,
    EmailKind,
    EventSession,
    GroupMember,
    OutboundEmail,
    Registration,
)
from events.retention.services import retention_apply
from tests.events.conftest import local
from tests.events.registrations import apply_group, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")

START = local(2030, 3, 4, 9)
AFTER = START + timedelta(days=15)  # the third session (day 14) is over


def three_sessions() -> list[dict]:
    return [
        {
            "title": f"Modul {i + 1}",
            "start": START + timedelta(days=7 * i),
            "end": START + timedelta(days=7 * i, hours=3),
        }
        for i in range(3)
    ]


def build_course(event_of, partner, **fields):
    values = {
        "title": "Børns perspektiv i sagsbehandlingen",
        "event_type": "advisory_course",
        "format": "physical",
        "venue_name": "Socialstyrelsen",
        "venue_city": "Odense",
        "capacity": 30,
        "completion_rule": "at_least",
        "completion_min_sessions": 2,
    }
    values.update(fields)
    return event_of(partner, sessions=three_sessions(), **values)


@pytest.fixture
def course(event_of, vive):
    return build_course(event_of, vive)


def sessions_of(event) -> list[EventSession]:
    return list(event.sessions.order_by("sort_order"))


def attend(event, registration, count: int, *, status="present", member=None) -> None:
    for session in sessions_of(event)[:count]:
        attendance_set(
            session=session,
            registration=registration,
            member=member,
            status=status,
            now=session.starts_at(),
        )


def person(event, name: str, email: str) -> Registration:
    sign_up(event, name=name, email=email)
    return Registration.objects.get(email=email)


def earned(event) -> dict[str, bool]:
    return {c.person.name: c.met for c in event_completions(event)}


# --- the rule at its boundaries -----------------------------------------------------------


def test_at_least_n_is_met_at_n_and_not_at_n_minus_one(course):
    one = person(course, "Én Gang", "en@kommune.example")
    two = person(course, "To Gange", "to@kommune.example")
    three = person(course, "Tre Gange", "tre@kommune.example")
    attend(course, one, 1)
    attend(course, two, 2)
    attend(course, three, 3)
    assert earned(course) == {"Én Gang": False, "To Gange": True, "Tre Gange": True}


def test_all_means_every_held_session(event_of, vive):
    course = build_course(event_of, vive, completion_rule="all", completion_min_sessions=None)
    two = person(course, "To Gange", "to@kommune.example")
    three = person(course, "Tre Gange", "tre@kommune.example")
    attend(course, two, 2)
    attend(course, three, 3)
    assert earned(course) == {"To Gange": False, "Tre Gange": True}


def test_a_cancelled_session_neither_counts_nor_is_required(event_of, vive):
    course = build_course(event_of, vive, completion_rule="all", completion_min_sessions=None)
    first, second, third = sessions_of(course)
    two = person(course, "To Gange", "to@kommune.example")
    attend(course, two, 2)
    # Attendance taken at the second, which is cancelled afterwards: it no longer counts.
    EventSession.objects.filter(pk=second.pk).update(status="cancelled")
    attendance_set(session=third, registration=two, status="present", now=third.starts_at())
    [completion] = event_completions(course)
    assert [s.title for s in completion.attended] == ["Modul 1", "Modul 3"]
    assert completion.required == 2 and completion.met


def test_at_least_n_asks_no_more_than_were_held(course):
    EventSession.objects.filter(pk__in=[s.pk for s in sessions_of(course)[1:]]).update(
        status="cancelled"
    )
    one = person(course, "Én Gang", "en@kommune.example")
    attend(course, one, 1)
    assert earned(course) == {"Én Gang": True}


def test_absent_and_excused_do_not_count(course):
    absent = person(course, "Ikke Her", "ikke@kommune.example")
    attend(course, absent, 3, status="absent")
    excused = person(course, "Meldt Afbud", "afbud@kommune.example")
    attend(course, excused, 3, status="excused")
    assert earned(course) == {"Ikke Her": False, "Meldt Afbud": False}


def test_named_members_of_a_staff_group_earn_their_own(event_of, vive):
    course = build_course(event_of, vive, participation="staff_group", capacity=10)
    group = apply_group(course, participants=2).registration
    Registration.objects.filter(pk=group.pk).update(status="confirmed")
    bjoern = GroupMember.objects.create(registration=group, name="Bjørn Ås", email="b@k.example")
    mette = GroupMember.objects.create(registration=group, name="Mette Kær", email="m@k.example")
    attend(course, group, 2, member=bjoern)
    attend(course, group, 1, member=mette)
    last = sessions_of(course)[-1]
    attendance_set(
        session=last, registration=group, member=mette, status="absent", now=last.starts_at()
    )
    assert earned(course) == {"Bjørn Ås": True, "Mette Kær": False}
    with freeze_time(AFTER):
        assert certificates_issue(event=course) == 1
    certificate = Certificate.objects.get()
    assert (certificate.member, certificate.name) == (bjoern, "Bjørn Ås")
    assert OutboundEmail.objects.get(kind=EmailKind.CERTIFICATE).to == "b@k.example"


def test_the_event_form_needs_n_for_at_least_and_no_more_than_its_sessions(event_of, vive):
    from django.core.exceptions import ValidationError

    course = build_course(event_of, vive)
    course.completion_min_sessions = None
    with pytest.raises(ValidationError) as error:
        course.full_clean()
    assert "Mindst antal sessioner: angiv, hvor mange" in str(error.value)
    course.completion_min_sessions = 4
    with pytest.raises(ValidationError) as error:
        course.full_clean()
    assert "arrangementet har kun 3 sessioner" in str(error.value)


# --- issuing, once ------------------------------------------------------------------------


def test_nothing_is_issued_before_the_last_session_is_over_and_recorded(course):
    soeren = person(course, "Søren Ærø", "soeren@kommune.example")
    attend(course, soeren, 2)
    with freeze_time(AFTER):
        assert certificates_issue_due() == 0  # the last session has no attendance yet
    with freeze_time(START + timedelta(days=14, hours=1)):
        attend(course, soeren, 3)
        assert certificates_issue_due() == 0  # recorded, but the session is not over
    with freeze_time(AFTER):
        assert certificates_issue_due() == 1


def test_the_email_goes_once_through_the_outbox(course, django_capture_on_commit_callbacks):
    soeren = person(course, "Søren Ærø", "soeren@kommune.example")
    aase = person(course, "Åse Øster", "aase@kommune.example")
    attend(course, soeren, 3)
    attend(course, aase, 1)
    mail.outbox.clear()
    with freeze_time(AFTER):
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                certificates_issue_due()
    sent = [m for m in mail.outbox if "kursusbevis" in m.subject.lower()]
    assert len(sent) == 1
    [message] = sent
    assert message.to == ["soeren@kommune.example"]
    assert message.subject == "Dit kursusbevis: Børns perspektiv i sagsbehandlingen"
    certificate = Certificate.objects.get()
    link = settings.BASE_URL + reverse("certificates:certificate", args=[certificate.token])
    assert link in message.body
    assert "Modul 3" in message.body
    assert OutboundEmail.objects.filter(kind=EmailKind.CERTIFICATE).count() == 1


def test_a_correction_later_issues_the_one_missing(course):
    soeren = person(course, "Søren Ærø", "soeren@kommune.example")
    aase = person(course, "Åse Øster", "aase@kommune.example")
    attend(course, soeren, 3)
    attend(course, aase, 1)
    with freeze_time(AFTER):
        assert certificates_issue_due() == 1
        second = sessions_of(course)[1]
        attendance_set(session=second, registration=aase, status="present")
        assert certificates_issue_due() == 1
        assert certificates_issue_due() == 0
    assert sorted(Certificate.objects.values_list("name", flat=True)) == ["Søren Ærø", "Åse Øster"]


# --- the PDF ------------------------------------------------------------------------------


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def issued(course, sst):
    course.co_organisers.add(sst)
    course.save()
    soeren = person(course, "Søren Ærø Åberg", "soeren@kommune.example")
    attend(course, soeren, 3)
    with freeze_time(AFTER):
        certificates_issue(event=course)
    return Certificate.objects.get()


def test_the_pdf_reads_back_with_name_sessions_and_code(issued):
    text = text_of(certificate_pdf(issued))
    flat = " ".join(text.split())
    for expected in (
        "Kursusbevis",
        "Søren Ærø Åberg",
        "Børns perspektiv i sagsbehandlingen",
        "VIVE",
        "Socialstyrelsen",
        "Modul 1: mandag den 4. marts 2030 kl. 09.00-12.00 (3 timer)",
        "Modul 3: mandag den 18. marts 2030",
        "I alt 9 timer",
        "Udstedt 19. marts 2030",
        f"Kontrolkode: {issued.code}",
        f"/bevis/{issued.code}/",
    ):
        assert expected in flat, expected


# --- the person's link and the verification page ------------------------------------------


def test_the_persons_page_and_pdf(client, issued):
    page = client.get(reverse("certificates:certificate", args=[issued.token]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Søren Ærø Åberg" in body and issued.code in body
    assert page["Cache-Control"] == "private, no-store"
    pdf = client.get(reverse("certificates:pdf", args=[issued.token]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "Søren Ærø Åberg" in text_of(pdf.content)


@pytest.mark.parametrize(
    "token", ["x", "A" * 43, "A" * 65, "..", "%00", "ø" * 10, "kursusbevis.pdf"]
)
def test_a_guessed_token_is_a_danish_404_without_data(client, issued, token):
    for name in ("certificates:certificate", "certificates:pdf"):
        answer = client.get(reverse(name, args=[token]))
        body = answer.content.decode()
        assert answer.status_code == 404
        assert "Kursusbeviset blev ikke fundet" in body
        assert "Søren" not in body and issued.code not in body and "Børns perspektiv" not in body


def test_verification_confirms_name_course_partner_and_date(client, issued):
    # Read from paper: any case, with a hyphen in the middle.
    typed = f"{issued.code[:5].lower()}-{issued.code[5:]}"
    answer = client.get(reverse("verification:verify", args=[typed]))
    body = answer.content.decode()
    assert answer.status_code == 200
    for expected in (
        "Kursusbeviset er gyldigt",
        "Søren Ærø Åberg",
        "Børns perspektiv i sagsbehandlingen",
        "VIVE",
        "19. marts 2030",
        issued.code,
    ):
        assert expected in body, expected
    assert issued.token not in body


@pytest.mark.parametrize("code", ["AAAAAAAAAA", "ABC", "0000000000", "<script>", "Å" * 10])
def test_a_wrong_code_is_a_danish_404_without_data(client, issued, code):
    answer = client.get(reverse("verification:verify", args=[code]))
    body = answer.content.decode()
    assert answer.status_code == 404
    assert "Vi kender ikke den kontrolkode" in body
    assert "Søren" not in body and "Børns perspektiv" not in body and "<script>" not in body


def test_after_retention_the_code_still_confirms_course_and_date_without_the_name(
    client, issued, settings
):
    old_token = issued.token
    with freeze_time(AFTER + timedelta(days=settings.REGISTRATION_RETENTION_DAYS + 2)):
        retention_apply()
    issued.refresh_from_db()
    assert issued.name == "" and issued.anonymised_at is not None
    body = client.get(reverse("verification:verify", args=[issued.code])).content.decode()
    assert "Kursusbeviset er gyldigt" in body
    assert "Børns perspektiv i sagsbehandlingen" in body and "19. marts 2030" in body
    assert "Navnet er slettet" in body
    assert "Søren" not in body
    # The person's old link is gone with their name.
    gone = client.get(reverse("certificates:certificate", args=[old_token]))
    assert gone.status_code == 404 and "Søren" not in gone.content.decode()
    assert "Søren" not in text_of(certificate_pdf(issued))


def test_a_member_who_erases_their_data_leaves_no_name_on_the_certificate(event_of, vive):
    from events.retention.services import members_erase

    course = build_course(event_of, vive, participation="staff_group", capacity=10)
    group = apply_group(course, participants=1).registration
    Registration.objects.filter(pk=group.pk).update(status="confirmed")
    bjoern = GroupMember.objects.create(registration=group, name="Bjørn Ås", email="b@k.example")
    attend(course, group, 3, member=bjoern)
    with freeze_time(AFTER):
        certificates_issue(event=course)
    members_erase(email="b@k.example")
    certificate = Certificate.objects.get()
    assert certificate.name == "" and certificate.anonymised_at is not None


# --- the moderators' overview -------------------------------------------------------------


def test_the_organisers_moderator_sees_who_earned_one(client, vive_moderator, issued, course):
    aase = person(course, "Åse Øster", "aase@kommune.example")
    attend(course, aase, 1)
    client.force_login(vive_moderator)
    index = client.get(reverse("certificates_admin:index")).content.decode()
    assert "Børns perspektiv i sagsbehandlingen" in index
    answer = client.get(reverse("certificates_admin:event", args=[course.pk]))
    body = answer.content.decode()
    assert answer.status_code == 200
    assert re.search(r"Søren Ærø Åberg</td>\s*<td>3 af 3</td>\s*<td>Ja</td>", body)
    assert re.search(r"Åse Øster</td>\s*<td>1 af 3</td>\s*<td>Nej</td>", body)
    assert issued.code in body
    assert issued.token not in body


def test_another_partners_moderator_and_an_editor_see_nothing(
    client, bv_moderator, bv_editor, vive_editor, issued, course
):
    for user in (bv_moderator, bv_editor, vive_editor):
        client.force_login(user)
        index = client.get(reverse("certificates_admin:index"))
        event = client.get(reverse("certificates_admin:event", args=[course.pk]))
        for answer in (index, event):
            body = answer.content.decode()
            assert "Børns perspektiv" not in body
            assert "Søren" not in body
            assert issued.code not in body and issued.token not in body
        assert event.status_code in (403, 404)
        if user is not bv_moderator:
            assert index.status_code == 403
            assert "Kun arrangørens moderatorer" in index.content.decode()


def test_a_huge_event_id_is_a_404(client, vive_moderator, course):
    client.force_login(vive_moderator)
    answer = client.get(f"/admin/kursusbeviser/{2**64}/")
    assert answer.status_code == 404
