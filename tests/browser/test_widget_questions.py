"""An event's own questions in the widget (issue 16 through issue 15's form), on a partner's page
of another origin under a strict CSP: each kind its control, a question shown only while its
condition holds, an option's places, the answers' messages at their question, and the answers
stored as given."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from events.models import Registration, RegistrationAnswer
from tests.browser.widget_host import (
    assert_no_problems,
    axe_violations,
    expect_state,
    fill_person,
    open_form,
)
from tests.events.conftest import build_event
from tests.events.questions import option, question, with_questions
from tests.events.registrations import sign_up

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def conference(vive):
    from home.demo import vocabulary_seed

    vocabulary_seed()
    event = with_questions(
        lambda partner, **fields: build_event(partner, **fields),
        vive,
        question(
            "Hvilken workshop vil du deltage i?",
            "limited_choice",
            key="workshop",
            required=True,
            help_text="Hver workshop har sine egne pladser.",
            options=[option("a", "Workshop A", 1), option("b", "Workshop B", 30)],
        ),
        question("Deltager du i frokosten?", "yes_no", key="frokost", required=True),
        question(
            "Har du særlige kostbehov?",
            "long_text",
            key="kost",
            data_class="sensitive",
            shown_if_question="frokost",
            shown_if_value="ja",
        ),
        question("Års erfaring", "number", key="erfaring"),
        question(
            "Hvilke emner?",
            "multiple_choice",
            key="emner",
            options=[option("samtaler", "Samtaler"), option("planer", "Handleplaner")],
        ),
        title="Konference med workshopper",
        event_type="conference",
        capacity=100,
    )
    sign_up(event, answers={"workshop": "a", "frokost": False})  # Workshop A is now full
    return event


def test_questions_are_asked_checked_and_answered(widget_page, widget_host, conference, screenshot):
    page = widget_page
    page.goto(widget_host.page(partner="vive") + f"#arrangement-{conference.pk}")
    expect_state(page, "detail")
    open_form(page, "Tilmeld dig")

    workshops = page.get_by_role("group", name="Hvilken workshop vil du deltage i?")
    expect(workshops.get_by_label("Workshop A (fuldt)")).to_be_disabled()
    expect(workshops.get_by_label("Workshop B (30 pladser tilbage)")).to_be_enabled()
    diet = page.get_by_label("Har du særlige kostbehov? (valgfrit)")
    expect(diet).to_be_hidden()  # until lunch is answered "ja"

    # Required questions left out: named at the question and in the summary, as the server does.
    fill_person(page, email="anna@kommune.example")
    page.get_by_role("button", name="Send tilmelding").click()
    for message in (
        "Hvilken workshop vil du deltage i: besvar spørgsmålet.",
        "Deltager du i frokosten: besvar spørgsmålet.",
    ):
        expect(page.locator("videnscenter-events [part=error]")).to_contain_text(message)
    expect(workshops.get_by_label("Workshop B (30 pladser tilbage)")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert axe_violations(page) == []
    screenshot(page, "unanswered")

    workshops.get_by_label("Workshop B (30 pladser tilbage)").check()
    lunch = page.get_by_role("group", name="Deltager du i frokosten?")
    lunch.get_by_label("Ja").check()
    expect(diet).to_be_visible()
    diet.fill("Vegetar")
    lunch.get_by_label("Nej").check()
    expect(diet).to_be_hidden()  # hidden again: its answer is not sent
    lunch.get_by_label("Ja").check()
    page.get_by_label("Års erfaring (valgfrit)").fill("3")
    page.get_by_role("group", name="Hvilke emner? (valgfrit)").get_by_label("Handleplaner").check()
    assert axe_violations(page) == []
    screenshot(page, "answered")
    page.get_by_role("button", name="Send tilmelding").click()

    expect(page.get_by_role("heading", name="Du er tilmeldt")).to_be_focused()
    registration = Registration.objects.get(event=conference, email="anna@kommune.example")
    answers = {a.key: a.value for a in RegistrationAnswer.objects.filter(registration=registration)}
    assert answers == {
        "workshop": "b",
        "frokost": True,
        "kost": "Vegetar",
        "erfaring": 3,
        "emner": ["planer"],
    }
    assert_no_problems(page)


def test_an_answer_the_server_refuses_is_shown_at_its_question(
    widget_page, widget_host, conference
):
    """Workshop B fills while the form is open: the server's 409 for the option is shown."""
    page = widget_page
    page.goto(widget_host.page(partner="vive") + f"#arrangement-{conference.pk}")
    open_form(page, "Tilmeld dig")
    fill_person(page, email="bo@kommune.example")
    page.get_by_role("group", name="Hvilken workshop vil du deltage i?").get_by_label(
        "Workshop B (30 pladser tilbage)"
    ).check()
    page.get_by_role("group", name="Deltager du i frokosten?").get_by_label("Nej").check()
    for number in range(30):
        sign_up(
            conference,
            email=f"workshop-b-{number}@kommune.example",
            answers={"workshop": "b", "frokost": False},
        )
    page.get_by_role("button", name="Send tilmelding").click()
    summary = page.locator("videnscenter-events [part=error]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Workshop B")
    assert not Registration.objects.filter(email="bo@kommune.example").exists()
    assert axe_violations(page) == []
