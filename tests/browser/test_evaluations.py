"""A participant answers the evaluation from the link in their invitation, in Chromium under the
registrants' pages' strict Content-Security-Policy; the link then answers "already answered";
the organiser's moderator opens the evaluation report and the charts are drawn."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from events.evaluations.services import (
    GivenAnswer,
    evaluation_record,
    evaluations_release,
    evaluations_send_due,
)
from events.models import (
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationResponse,
    EvaluationSubmission,
    EventEvaluationQuestion,
    EventPage,
    OutboundEmail,
)
from tests.events.conftest import build_event
from tests.events.registrations import sign_up

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def finished_course(vive):
    course = build_event(
        vive,
        title="Kompetenceforløb om børnesamtaler",
        event_type="advisory_course",
        format="physical",
        venue_name="Socialstyrelsen",
        venue_city="Odense",
        capacity=20,
        sessions=[{"title": "Modul 1"}, {"title": "Modul 2"}, {"title": "Modul 3"}],
    )
    start = timezone.now() - timedelta(days=15)
    for i, session in enumerate(course.sessions.order_by("sort_order")):
        begins = start + timedelta(days=7 * i)
        type(session).objects.filter(pk=session.pk).update(
            start=begins, end=begins + timedelta(hours=3)
        )
    EventPage.objects.filter(pk=course.pk).update(last_end=start + timedelta(days=14, hours=3))
    for order, (key, label, kind) in enumerate(
        [
            ("samlet", "Hvor tilfreds er du samlet set?", "scale"),
            ("anbefaling", "Vil du anbefale forløbet til en kollega?", "yes_no"),
            ("godt", "Hvad var særligt godt?", "long_text"),
        ]
    ):
        EventEvaluationQuestion.objects.create(
            page=course, sort_order=order, key=key, label=label, kind=kind, required=order == 0
        )
    return course


def test_participant_answers_and_moderator_sees_the_charts(
    browser, live_server, settings, vive, vive_moderator, bv_moderator, page_for, screenshot
):
    from home.demo import vocabulary_seed

    vocabulary_seed()
    settings.BASE_URL = live_server.url
    course = finished_course(vive)
    sign_up(course, name="Søren Ærø", email="soeren@kommune.example")
    sign_up(course, name="Åse Østergaard", email="aase@kommune.example")
    sign_up(course, name="Bo Bøgh", email="bo@kommune.example")
    assert evaluations_send_due() == 3
    # Sent, the stored email keeps no link: the link is in the message that went out.
    email = OutboundEmail.objects.get(kind="evaluation_invitation", to="soeren@kommune.example")
    assert "[skjult link]" in email.body_text and "/evaluering/" not in email.body_text
    [message] = [
        m
        for m in mail.outbox
        if m.to == ["soeren@kommune.example"] and m.subject.startswith("Hvad syntes du?")
    ]
    prefix = "Svar på evalueringen: "
    [link] = [line[len(prefix) :] for line in message.body.splitlines() if line.startswith(prefix)]

    context = browser.new_context(locale="da-DK", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(20_000)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Evaluering: Kompetenceforløb om børnesamtaler")
    # Sent without the required answer: a Danish error at the question, nothing stored.
    page.fill("textarea[name=q_godt]", "Rollespillene med børnesamtaler.")
    page.click("button:has-text('Send mine svar')")
    expect(page.locator("[role=alert]")).to_contain_text(
        "Hvor tilfreds er du samlet set: svar på spørgsmålet."
    )
    assert not EvaluationResponse.objects.exists()
    screenshot(page, "evaluation-form-errors")
    expect(page.locator("textarea[name=q_godt]")).to_have_value("Rollespillene med børnesamtaler.")
    page.get_by_label("4 – i høj grad").check()
    page.get_by_label("Ja").check()
    page.click("button:has-text('Send mine svar')")
    expect(page.locator("h1")).to_have_text("Tak for dine svar")
    screenshot(page, "evaluation-thanks")
    # Kept pending (with nothing of Søren) until it can be released among others' answers.
    [pending] = EvaluationSubmission.objects.values_list("answers", flat=True)
    assert sorted((a["key"], a["value"]) for a in pending) == [
        ("anbefaling", True),
        ("godt", "Rollespillene med børnesamtaler."),
        ("samlet", 4),
    ]
    assert not EvaluationAnswer.objects.exists()
    # Åse and Bo answer too (three answers at least are shown in the report).
    for invitation, overall in zip(
        EvaluationInvitation.objects.filter(answered=False).order_by("pk"), (5, 3), strict=True
    ):
        evaluation_record(
            invitation_id=invitation.pk,
            answers=[
                GivenAnswer("samlet", "Hvor tilfreds er du samlet set?", "scale", overall, "")
            ],
        )
    # Everyone invited has answered: the evaluation is closed, all three are released.
    assert evaluations_release(event=course) == 3
    assert EvaluationResponse.objects.count() == 3
    response = page.goto(link)
    assert response.status == 410
    expect(page.locator("h1")).to_have_text("Du har allerede svaret")
    assert "Kompetenceforløb" not in page.content()
    assert violations == []
    context.close()

    # The organiser's moderator: the report with its charts.
    admin = page_for(vive_moderator)
    admin.goto(f"{live_server.url}/admin/reports/evaluations/?event={course.pk}")
    expect(admin.locator("[data-rate]")).to_have_text("100,0 %")
    charts = admin.locator("svg.reach-chart[role=img]")
    expect(charts).to_have_count(2)
    expect(charts.first.locator("title").first).to_contain_text("gennemsnit 4,00")
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 50
    bars = charts.first.locator("rect")
    assert any(float(bars.nth(i).get_attribute("width") or 0) > 0 for i in range(bars.count()))
    expect(admin.locator(".evaluation-free-texts")).to_contain_text("Rollespillene")
    screenshot(admin, "evaluation-report")

    # Another partner's moderator: nothing of it.
    other = page_for(bv_moderator)
    other.goto(f"{live_server.url}/admin/reports/evaluations/?event={course.pk}")
    content = other.content()
    assert "Rollespillene" not in content and "Kompetenceforløb om børnesamtaler" not in content
    assert re.search(r"data-invited[^>]*>0<", content)
