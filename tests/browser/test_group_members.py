"""A staff group's applicant names the participants on their own page, each participant
withdraws by their own link, and the manager declines: followed from the emails in a real
Chromium (CSRF, Origin, CSP as browsers send and enforce them), on dev and production settings.
"""

from __future__ import annotations

import pytest

from events.models import GroupMember, Registration, RegistrationStatus
from events.registrations.applications import application_approve, application_manager_confirm
from tests.browser.test_registrant_forms import (  # noqa: F401 (fixtures)
    assert_posts_came_from_the_site,
    links_in_email_to,
    open_page,
    site,
    submit,
)
from tests.events.conftest import build_event
from tests.events.groups import group_course
from tests.events.registrations import apply_group

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _no_csp_problems(page) -> None:
    assert not [p for p in page.problems if "Content Security Policy" in p], page.problems


def test_applicant_names_members_and_a_member_withdraws(site, open_page, smtp_sink, vive):  # noqa: F811
    from home.demo import vocabulary_seed

    vocabulary_seed()
    course = group_course(build_event, vive)
    application = apply_group(
        course, participants=3, answers={"omraade": "almen", "workshop": "b"}
    ).registration
    [link] = [  # the application's own page (the email also links to its change page)
        found
        for found in links_in_email_to(smtp_sink, application.email)
        if found.rstrip("/").endswith(application.token)
    ]
    page = open_page()
    assert page.goto(link).status == 200
    page.click("text=Navngiv gruppens deltagere")
    assert page.locator("h1").text_content() == "Gruppens deltagere"

    # A first participant, with their answers to the questions asked per participant.
    page.fill("#new-name", "Mette Medarbejder")
    page.fill("#new-email", "mette@kommune.example")
    page.fill("#new-needs", "Vegetar")
    page.select_option("#qnew-answer-workshop", "a")
    submit(page, "Tilføj deltageren")
    assert "Deltager 1: Mette Medarbejder" in page.locator("main").text_content()
    mette = GroupMember.objects.get(email="mette@kommune.example")
    assert mette.answers.get(key="workshop").text == "Workshop A"

    # An address the browser takes but the centre will not write to: a Danish 400 naming it.
    page.fill("#new-name", "Bo Bent")
    page.fill("#new-email", "bo@localhost")
    page.select_option("#qnew-answer-workshop", "b")
    with page.expect_navigation():
        page.click("button:has-text('Tilføj deltageren')")
    assert (
        "Deltager 2, e-mail: skriv en gyldig e-mailadresse"
        in page.locator("[role=alert]").text_content()
    )
    assert page.input_value("#new-name") == "Bo Bent"  # what was typed is kept
    page.fill("#new-email", "bo@kommune.example")
    submit(page, "Tilføj deltageren")
    assert application.members.count() == 2

    # Change the first one's needs; remove the second.
    page.fill(f"#m{mette.pk}-needs", "Glutenfri")
    with page.expect_navigation():
        page.locator("section", has_text="Deltager 1").locator(
            "button:has-text('Gem ændringer')"
        ).click()
    mette.refresh_from_db()
    assert mette.needs == "Glutenfri"
    with page.expect_navigation():
        page.locator("section", has_text="Deltager 2").locator(
            "button:has-text('Fjern deltageren')"
        ).click()
    assert list(application.members.values_list("name", flat=True)) == ["Mette Medarbejder"]
    assert_posts_came_from_the_site(page, site)
    _no_csp_problems(page)

    # Approved: the participant gets their seat and their own link, and withdraws by it.
    application_manager_confirm(registration=application)
    application_approve(registration=application)
    [member_link] = links_in_email_to(smtp_sink, "mette@kommune.example")
    assert "/tilmelding/deltager/" in member_link and member_link.startswith(site.url)
    participant = open_page()
    assert participant.goto(member_link).status == 200
    assert participant.locator("h1").text_content() == course.title
    assert "Du har en plads" in participant.locator("main").text_content()
    submit(participant, "Afmeld mig")
    assert participant.locator("h1").text_content() == "Du er afmeldt"
    assert not GroupMember.objects.filter(email="mette@kommune.example").exists()
    assert participant.goto(member_link).status == 404
    subjects = [m["Subject"] for m in smtp_sink.messages if "mette@" in m["To"]]
    assert subjects == [f"Du har en plads: {course.title}", f"Du er afmeldt: {course.title}"]
    assert_posts_came_from_the_site(participant, site)
    _no_csp_problems(participant)


def test_manager_declines_the_application_with_a_reason(site, open_page, smtp_sink, vive):  # noqa: F811
    from home.demo import vocabulary_seed

    vocabulary_seed()
    course = build_event(
        vive,
        title="Forløb om børneinddragelse",
        participation="staff_group",
        capacity=10,
        event_type="advisory_course",
    )
    application = apply_group(course, participants=4).registration
    [link] = links_in_email_to(smtp_sink, application.manager_email)
    page = open_page()
    assert page.goto(link).status == 200
    page.fill("#reason", "Vi har ikke tid i dette halvår.")
    submit(page, "Afvis")
    assert page.url == link
    assert "Du har afvist ansøgningen" in page.locator("main").text_content()
    application.refresh_from_db()
    assert application.status == RegistrationStatus.CANCELLED
    assert application.cancel_reason == "manager_declined"
    assert Registration.objects.filter(event=course, status="confirmed").count() == 0
    [told] = [
        m for m in smtp_sink.messages if application.email in m["To"] and "afvist" in m["Subject"]
    ]
    assert "Vi har ikke tid i dette halvår." in told.get_body(("plain",)).get_content()
    assert_posts_came_from_the_site(page, site)
    _no_csp_problems(page)
