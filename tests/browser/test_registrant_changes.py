"""A registrant changes their details and answers, and sends a colleague in their place, from
the links in their emails, in a real Chromium (dev over HTTP, production over HTTPS behind the
proxy), under the registrants' pages' strict CSP; the database holds what they sent."""

# The live site and browser fixtures are the registrant forms' own, imported: ruff takes the
# fixture arguments that use them for redefinitions.
# ruff: noqa: F811

from __future__ import annotations

import pytest

from events.models import Registration, RegistrationStatus
from tests.browser.test_registrant_forms import (  # noqa: F401 - fixtures
    assert_posts_came_from_the_site,
    links_in_email_to,
    open_page,
    site,
    submit,
)
from tests.events.conftest import build_event
from tests.events.questions import option, question
from tests.events.registrations import sign_up

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def course_with_questions(vive):
    from home.demo import vocabulary_seed

    vocabulary_seed()
    questions = [
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
        question(
            "Hvilken workshop?",
            "limited_choice",
            key="workshop",
            required=True,
            options=[option("a", "Workshop A", 1), option("b", "Workshop B", 10)],
        ),
        question("Hvilken kommune sender dig?", "municipality", key="kommune"),
    ]
    for number, item in enumerate(questions):
        item.sort_order = number
    return build_event(
        vive,
        title="Forløb om børnesamtaler",
        capacity=5,
        questions=questions,
        event_type="advisory_course",
    )


def subject(message) -> str:
    """The subject as read (a long Danish one comes folded)."""
    return " ".join(str(message["Subject"]).split())


def calendar_method(message) -> str:
    """The METHOD of the email's calendar file, as the person's mail client reads it."""
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    content = part.get_content()
    text = content.decode() if isinstance(content, bytes) else content
    return next(line for line in text.splitlines() if line.startswith("METHOD:"))[7:]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def no_csp_problems(page) -> None:
    assert not [p for p in page.problems if "Content Security Policy" in p], page.problems


def test_registrant_changes_details_and_answers(site, open_page, smtp_sink, vive):
    course = course_with_questions(vive)
    email = "anna@kommune.example"
    sign_up(
        course,
        email=email,
        name="Anna",
        answers={"frokost": True, "kost": "Vegetar", "workshop": "a"},
    )
    sign_up(course, answers={"frokost": False, "workshop": "b"})
    [link] = links_in_email_to(smtp_sink, email)[:1]

    page = open_page()
    page.goto(link)
    page.click("text=Ret dine oplysninger og svar")
    assert page.locator("h1").text_content() == "Ret dine oplysninger"
    # Her own full workshop stays selectable; the condition is told without JavaScript.
    assert page.is_checked("input[name=q_workshop][value=a]")
    assert page.is_enabled("input[name=q_workshop][value=a]")
    assert "din plads" in page.locator("label[for=id_q_workshop_0]").text_content()
    assert "Besvares kun, hvis du har svaret “ja”" in page.content()

    # A wrong number first: the page says which field, and nothing is saved.
    page.fill("#id_name", "Anna Andersen")
    page.fill("#id_q_erfaring", "mange")
    submit(page, "Gem ændringerne")
    assert "Års erfaring: skriv et tal" in page.locator(".field-error").first.text_content()
    assert Registration.objects.get(email=email).name == "Anna"

    page.fill("#id_q_erfaring", "2,5")
    page.fill("#id_phone", "12 34 56 78")
    page.check("input[name=q_frokost][value=nej]")  # the dietary answer no longer applies
    page.check("input[name=q_emner][value=samtaler]")
    page.check("input[name=q_emner][value=planer]")
    page.check("input[name=q_workshop][value=b]")
    page.select_option("#id_q_kommune", "0751")
    page.select_option("#id_municipality", "0751")
    submit(page, "Gem ændringerne")
    assert page.url == link + "?gemt=1"
    assert "Dine ændringer er gemt" in page.locator("main").text_content()
    assert "Workshop B" in page.locator("dl").text_content()

    anna = Registration.objects.get(email=email)
    assert (anna.name, anna.phone, anna.municipality.code) == (
        "Anna Andersen",
        "12 34 56 78",
        "0751",
    )
    assert dict(anna.answers.values_list("key", "value")) == {
        "frokost": False,
        "erfaring": 2.5,
        "emner": ["samtaler", "planer"],
        "workshop": "b",
        "kommune": "0751",
    }
    receipts = [
        m for m in smtp_sink.messages if subject(m).startswith("Dine oplysninger er ændret")
    ]
    assert len(receipts) == 1 and email in receipts[0]["To"]
    assert "Vegetar" not in text_of(receipts[0])
    assert "Har du særlige kostbehov" in text_of(receipts[0])  # what changed, not its value

    assert_posts_came_from_the_site(page, site)
    assert len(page.posts) == 2
    no_csp_problems(page)


def test_registrant_sends_a_colleague_who_then_gives_their_own_answers(
    site, open_page, smtp_sink, vive
):
    course = course_with_questions(vive)
    email = "bo@kommune.example"
    sign_up(
        course,
        email=email,
        name="Bo",
        answers={"frokost": True, "kost": "Vegansk", "workshop": "a"},
    )
    [link] = links_in_email_to(smtp_sink, email)[:1]

    page = open_page()
    page.goto(link)
    page.click("text=Send en kollega i dit sted")
    assert page.locator("h1").text_content() == "Send en kollega i dit sted"
    # Bo's own address is refused at the field.
    page.fill("#id_name", "Kim Kollega")
    page.fill("#id_email", email)
    page.fill("#id_workplace", "PPR")
    page.select_option("#id_municipality", "0101")
    page.check("#id_consent")
    submit(page, "Send min kollega i mit sted")
    assert "Kollegaens e-mail: skriv din kollegas e-mail" in page.locator("main").text_content()
    assert Registration.objects.get(email=email).status == RegistrationStatus.CONFIRMED

    page.fill("#id_email", "kim@kommune.example")
    page.check("#id_consent")
    submit(page, "Send min kollega i mit sted")
    assert page.url == link
    assert "overdraget din plads til en kollega" in page.locator("main").text_content()

    bo = Registration.objects.get(email=email)
    kim = Registration.objects.get(email="kim@kommune.example")
    assert bo.status == RegistrationStatus.CANCELLED and bo.cancel_reason == "transferred"
    assert kim.status == RegistrationStatus.CONFIRMED and kim.transferred_from == bo
    assert dict(kim.answers.values_list("key", "value")) == {"frokost": True, "workshop": "a"}

    to_bo = [m for m in smtp_sink.messages if email in m["To"]]
    assert subject(to_bo[-1]) == "Afmelding bekræftet: Forløb om børnesamtaler"
    assert calendar_method(to_bo[-1]) == "CANCEL"
    to_kim = [m for m in smtp_sink.messages if "kim@kommune.example" in m["To"]]
    assert [subject(m) for m in to_kim] == ["Tilmelding bekræftet: Forløb om børnesamtaler"]
    assert calendar_method(to_kim[0]) == "REQUEST"
    assert kim.token in text_of(to_kim[0]) and bo.token not in text_of(to_kim[0])
    assert "Vegansk" not in text_of(to_kim[0])

    # Kim's own link: Kim gives their own dietary needs.
    [kim_link] = links_in_email_to(smtp_sink, "kim@kommune.example")[:1]
    assert kim.token in kim_link
    kim_page = open_page()
    kim_page.goto(kim_link)
    kim_page.click("text=Ret dine oplysninger og svar")
    kim_page.fill("#id_q_kost", "Laktosefri")
    submit(kim_page, "Gem ændringerne")
    assert "Dine ændringer er gemt" in kim_page.locator("main").text_content()
    assert dict(kim.answers.values_list("key", "value"))["kost"] == "Laktosefri"

    assert_posts_came_from_the_site(page, site)
    assert_posts_came_from_the_site(kim_page, site)
    no_csp_problems(page)
    no_csp_problems(kim_page)
