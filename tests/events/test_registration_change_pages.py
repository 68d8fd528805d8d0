"""The registrant's pages to change their details and answers and to send a colleague, with
the test client: CSRF, unknown tokens, hostile values (a 400 naming the field, nothing
written), the deadline, and every kind of question rendered on the server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from events.models import OutboundEmail, Registration
from tests.events.questions import option, question, with_questions
from tests.events.registrations import apply_group, emails_to, sign_up, vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def course(event_of, vive):
    """Every kind of question, a condition, and a workshop whose A has one place."""
    return with_questions(
        event_of,
        vive,
        question("Hvad vil du gerne lære?", key="maal"),
        question("Hvilken sag tager du med?", "long_text", key="sag"),
        question("Års erfaring", "number", key="erfaring"),
        question("Hvornår startede du?", "date", key="startdato"),
        question("Deltager du i frokosten?", "yes_no", key="frokost", required=True),
        question(
            "Har du særlige kostbehov?",
            "long_text",
            key="kost",
            data_class="sensitive",
            shown_if_question="frokost",
            shown_if_value="ja",
        ),
        question(
            "Hvilket modul følger du?",
            "choice",
            key="modul",
            options=[option("m1", "Modul 1"), option("m2", "Modul 2")],
        ),
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
            options=[option("a", "Workshop A", 1), option("b", "Workshop B", 5)],
        ),
        question("Hvilken kommune sender dig?", "municipality", key="kommune"),
        question("Din stilling", "job_role", key="stilling"),
        capacity=10,
        title="Forløb om børnesamtaler",
    )


ANSWERS = {"frokost": True, "kost": "Vegetar", "workshop": "a", "modul": "m1"}


def form_of(registration: Registration, **changes) -> dict:
    data = {
        "name": registration.name,
        "phone": registration.phone,
        "workplace": registration.workplace,
        "municipality": registration.municipality.code,
        "job_role": registration.job_role.slug if registration.job_role else "",
        "accessibility_needs": "",
        "q_frokost": "ja",
        "q_kost": "Vegetar",
        "q_workshop": "a",
        "q_modul": "m1",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post(browser, url: str, data: dict):
    page = browser.get(url)
    return browser.post(url, {"csrfmiddlewaretoken": str(page.context["csrf_token"]), **data})


def change_url(registration):
    return f"/tilmelding/{registration.token}/ret/"


def transfer_url(registration):
    return f"/tilmelding/{registration.token}/kollega/"


def test_the_manage_page_links_to_changing_and_sending_a_colleague_and_shows_answers(
    browser, course
):
    anna = sign_up(course, answers=ANSWERS).registration
    content = browser.get(f"/tilmelding/{anna.token}/").content.decode()
    assert change_url(anna) in content and transfer_url(anna) in content
    assert "Har du særlige kostbehov?" in content and "Vegetar" in content


def test_every_kind_of_question_is_rendered_with_conditions_and_places(browser, course):
    anna = sign_up(course, answers=ANSWERS).registration
    sign_up(course, answers={"frokost": False, "workshop": "b"})
    response = browser.get(change_url(anna))
    content = response.content.decode()
    assert response.status_code == 200 and "<script" not in content
    for name in (
        "q_maal",
        "q_sag",
        "q_erfaring",
        "q_startdato",
        "q_kost",
        "q_kommune",
        "q_stilling",
    ):
        assert f'name="{name}"' in content
    assert 'type="date"' in content and 'type="radio" name="q_frokost" value="ja"' in content
    assert 'type="checkbox" name="q_emner" value="planer"' in content
    assert "Besvares kun, hvis du har svaret “ja” til “Deltager du i frokosten”." in content
    # A is full, but it is Anna's own place: selectable and chosen; B shows what is left.
    assert "Workshop A (din plads)" in content
    assert "Workshop B (4 pladser tilbage)" in content
    assert 'value="a"' in content and "disabled" not in content.split("Workshop A")[0][-200:]
    assert 'name="email"' not in content  # the address is changed by sending a colleague
    assert "Vegetar</textarea>" in content


def test_a_full_option_of_someone_else_is_shown_but_cannot_be_chosen(browser, course):
    sign_up(course, answers=ANSWERS)  # A's one place
    bo = sign_up(course, answers={"frokost": False, "workshop": "b"}).registration
    content = browser.get(change_url(bo)).content.decode()
    assert "Workshop A (fuldt)" in content
    radio = content.split('value="a"')[1].split(">")[0]
    assert "disabled" in radio
    # Posting it anyway: refused at the question, nothing written.
    response = post(
        browser, change_url(bo), form_of(bo, q_frokost="nej", q_kost="", q_workshop="a", q_modul="")
    )
    assert response.status_code == 409
    assert "Hvilken workshop: “Workshop A” har ikke flere pladser." in response.content.decode()
    assert dict(bo.answers.values_list("key", "value"))["workshop"] == "b"


def test_changing_details_and_answers_through_the_page(browser, course):
    anna = sign_up(course, answers=ANSWERS).registration
    response = post(
        browser,
        change_url(anna),
        form_of(
            anna,
            name="Anna Andersen",
            phone="+45 12 34 56 78",
            municipality="0751",
            job_role="ledere-i-myndighed",
            q_frokost="nej",  # the dietary answer is still in the field: dropped
            q_erfaring="2,5",
            q_startdato="2020-03-01",
            q_emner=["samtaler", "planer"],
            q_kommune="0101",
            q_stilling="ppr",
            q_workshop="b",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/tilmelding/{anna.token}/?gemt=1"
    anna.refresh_from_db()
    assert (anna.name, anna.phone, anna.municipality.code) == (
        "Anna Andersen",
        "+45 12 34 56 78",
        "0751",
    )
    assert dict(anna.answers.values_list("key", "value")) == {
        "erfaring": 2.5,
        "startdato": "2020-03-01",
        "frokost": False,
        "modul": "m1",
        "emner": ["samtaler", "planer"],
        "workshop": "b",
        "kommune": "0101",
        "stilling": "ppr",
    }
    assert emails_to(anna.email) == ["confirmation", "details_changed"]
    assert "Dine ændringer er gemt" in browser.get(response["Location"]).content.decode()


def test_the_forms_need_the_csrf_token_and_unknown_tokens_are_404(browser, course):
    anna = sign_up(course, answers=ANSWERS).registration
    assert browser.post(change_url(anna), form_of(anna, name="X")).status_code == 403
    assert browser.post(transfer_url(anna), {"name": "X"}).status_code == 403
    anna.refresh_from_db()
    assert anna.name != "X"
    for url in ("/tilmelding/ukendt/ret/", "/tilmelding/ukendt/kollega/", "/tilmelding/a%00b/ret/"):
        assert browser.get(url).status_code == 404
    assert browser.get(f"/tilmelding/{anna.manager_token}/ret/").status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Navn: feltet skal udfyldes."),
        ({"name": "x" * 5000}, "Navn: højst 200 tegn"),
        ({"workplace": "a\x00b"}, "Arbejdsplads: "),
        ({"municipality": "9999"}, "Kommune: vælg en af mulighederne."),
        ({"municipality": "01\x0001"}, "Kommune: "),
        ({"job_role": "ukendt"}, "Stillingsgruppe: vælg en af mulighederne."),
        ({"q_maal": "x" * 100_000}, "Hvad vil du gerne lære: højst 500 tegn"),
        ({"q_erfaring": "mange"}, "Års erfaring: skriv et tal"),
        ({"q_startdato": "2020-13-45"}, "Hvornår startede du: skriv en dato"),
        ({"q_frokost": "måske"}, "Deltager du i frokosten: vælg en af mulighederne."),
        ({"q_frokost": ""}, "Deltager du i frokosten: besvar spørgsmålet."),
        ({"q_workshop": "z"}, "Hvilken workshop: vælg en af mulighederne."),
        ({"q_emner": ["samtaler", "ukendt"]}, "Hvilke emner: vælg en af mulighederne."),
        ({"q_kommune": "0000"}, "Hvilken kommune sender dig: vælg en af mulighederne."),
    ],
)
def test_hostile_values_are_a_400_naming_the_field_and_nothing_is_written(
    browser, course, changes, message
):
    anna = sign_up(course, answers=ANSWERS).registration
    before = dict(anna.answers.values_list("key", "value"))
    response = post(browser, change_url(anna), form_of(anna, phone="999", **changes))
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert "?: " not in content  # each message names its field once, as the API's do
    assert "Formularen er ikke gemt" in content
    anna.refresh_from_db()
    assert anna.phone == "" and dict(anna.answers.values_list("key", "value")) == before
    assert emails_to(anna.email) == ["confirmation"]


def test_after_the_deadline_the_form_is_gone_and_a_post_is_refused(browser, course):
    anna = sign_up(course, answers=ANSWERS).registration
    with freeze_time(course.first_start + timedelta(minutes=5)):
        for url in (change_url(anna), transfer_url(anna)):
            content = browser.get(url).content.decode()
            assert "Tilmeldingen er lukket" in content and "<form" not in content
        client = Client()  # no CSRF enforcement: the refusal is the service's, not CSRF's
        response = client.post(change_url(anna), form_of(anna, phone="1"))
        assert response.status_code == 409
        assert "Tilmeldingen er lukket" in response.content.decode()
        response = client.post(transfer_url(anna), {"name": "Kim", "email": "kim@kommune.example"})
        assert response.status_code == 409
        manage = browser.get(f"/tilmelding/{anna.token}/").content.decode()
        assert change_url(anna) not in manage
    anna.refresh_from_db()
    assert anna.phone == "" and anna.status == "confirmed"


TRANSFER = {
    "name": "Kim Kollega",
    "email": "Kim@Kommune.example",
    "workplace": "PPR",
    "municipality": "0101",
    "job_role": "ppr",
    "consent": "on",
}


def test_sending_a_colleague_through_the_page_and_twice(browser, course):
    anna = sign_up(course, answers=ANSWERS).registration
    response = post(browser, transfer_url(anna), TRANSFER)
    assert response.status_code == 302 and response["Location"] == f"/tilmelding/{anna.token}/"
    page = browser.get(response["Location"]).content.decode()
    assert "du har overdraget din plads til en kollega" in page
    assert "Kim" not in page  # the colleague's link and details are theirs
    kim = Registration.objects.get(email="kim@kommune.example")
    assert kim.status == "confirmed" and kim.transferred_from_id == anna.pk
    assert kim.token not in page
    # The second click of a double submit: the same colleague, no second one.
    again = Client().post(transfer_url(anna), TRANSFER)
    assert again.status_code == 302
    assert Registration.objects.filter(email="kim@kommune.example").count() == 1
    assert emails_to("kim@kommune.example") == ["confirmation"]
    # The colleague's own page offers changing; the original's offers nothing more.
    assert change_url(kim) in browser.get(f"/tilmelding/{kim.token}/").content.decode()
    assert "<form" not in browser.get(transfer_url(anna)).content.decode()


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"email": "ikke-en-adresse"}, 400, "Kollegaens e-mail: skriv en gyldig e-mailadresse."),
        ({"email": "x@" + "a" * 300 + ".dk"}, 400, "Kollegaens e-mail: "),
        ({"consent": None}, 400, "Samtykke: bekræft, at din kollega ved"),
        ({"name": "a\x00"}, 400, "Kollegaens navn: "),
        ({"email": "bo@kommune.example"}, 409, "Kollegaens e-mail: personen er allerede tilmeldt"),
        ({"email": "ANNA@kommune.example"}, 400, "Kollegaens e-mail: skriv din kollegas e-mail"),
    ],
)
def test_transfer_refusals_name_the_field_and_write_nothing(
    browser, course, changes, status, message
):
    anna = sign_up(course, email="anna@kommune.example", answers=ANSWERS).registration
    sign_up(course, email="bo@kommune.example", answers={"frokost": False})
    data = {k: v for k, v in {**TRANSFER, **changes}.items() if v is not None}
    response = post(browser, transfer_url(anna), data)
    assert response.status_code == status
    assert message in response.content.decode()
    anna.refresh_from_db()
    assert anna.status == "confirmed"
    assert Registration.objects.filter(event=course).count() == 2
    assert not OutboundEmail.objects.filter(kind="cancelled").exists()


def test_a_staff_group_cannot_send_a_colleague_but_can_change_its_details(browser, event_of, vive):
    course = event_of(vive, participation="staff_group", capacity=20, event_type="advisory_course")
    application = apply_group(course, participants=3).registration
    manage = browser.get(f"/tilmelding/{application.token}/").content.decode()
    assert change_url(application) in manage and transfer_url(application) not in manage
    page = browser.get(transfer_url(application)).content.decode()
    assert "medarbejdergruppe kan ikke overdrages" in page and "<form" not in page
    response = Client().post(transfer_url(application), TRANSFER)
    assert response.status_code == 409
    assert not Registration.objects.filter(email="kim@kommune.example").exists()


def test_a_cancelled_registration_shows_no_form(browser, course):
    from events.registrations.services import registration_cancel

    anna = sign_up(course, answers=ANSWERS).registration
    registration_cancel(registration=anna)
    content = browser.get(change_url(anna)).content.decode()
    assert "annulleret, så den kan ikke ændres" in content and "<form" not in content
    assert Client().post(change_url(anna), form_of(anna)).status_code == 409


def test_the_change_is_refused_when_registration_closed_meanwhile(browser, course):
    """The page was opened before the deadline, sent after it: the service refuses."""
    anna = sign_up(course, answers=ANSWERS).registration
    course.registration_closes = timezone.now() + timedelta(minutes=1)
    course.save(update_fields=["registration_closes"])
    page = browser.get(change_url(anna))
    token = str(page.context["csrf_token"])
    with freeze_time(timezone.now() + timedelta(minutes=2)):
        response = browser.post(change_url(anna), {"csrfmiddlewaretoken": token, **form_of(anna)})
    assert response.status_code == 409
