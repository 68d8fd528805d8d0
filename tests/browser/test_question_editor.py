"""An editor writes an event's questions in a real browser: the inline panel on the
Tilmelding tab, options added inside a question (a StreamField in an inline child), saved as a
draft and read back as the API will show it."""

from __future__ import annotations

import pytest

from events.models import EventPage
from home.demo import vocabulary_seed
from tests.events.conftest import build_event

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the live server needs the migrations' rows (the page tree's root).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_editor_adds_a_workshop_question_with_places_and_a_conditional_one(
    page_for, vive_editor, vive, live_server, screenshot
):
    vocabulary_seed()
    event = build_event(vive, title="VIVEs konference")
    editor = page_for(vive_editor)
    editor.goto(f"{live_server.url}/admin/pages/{event.pk}/edit/")
    editor.click("#tab-label-tilmelding")

    editor.click("#id_questions-ADD")
    editor.fill("#id_questions-0-label", "Hvilken workshop vil du deltage i?")
    editor.select_option("#id_questions-0-kind", "limited_choice")
    editor.check("#id_questions-0-required")
    first = editor.locator("#inline_child_questions-0")
    for number, (label, places) in enumerate([("Workshop A", "30"), ("Workshop B", "20")]):
        first.locator("button.c-sf-add-button").last.click()
        editor.locator(f"[name='questions-0-options-{number}-value-label']").fill(label)
        editor.locator(f"[name='questions-0-options-{number}-value-places']").fill(places)

    editor.click("#id_questions-ADD")
    editor.fill("#id_questions-1-label", "Deltager du i frokosten?")
    editor.select_option("#id_questions-1-kind", "yes_no")
    editor.click("#id_questions-ADD")
    editor.fill("#id_questions-2-label", "Har du særlige kostbehov?")
    editor.select_option("#id_questions-2-kind", "long_text")
    editor.select_option("#id_questions-2-data_class", "sensitive")
    editor.fill("#id_questions-2-shown_if_question", "deltager-du-i-frokosten")
    editor.fill("#id_questions-2-shown_if_value", "ja")
    screenshot(editor, "1-questions")

    editor.wait_for_load_state("networkidle")  # Wagtail 8 autosaves while one types
    with editor.expect_navigation():
        editor.click("button.action-save")
    editor.wait_for_load_state("networkidle")
    screenshot(editor, "2-saved")

    draft = EventPage.objects.get(pk=event.pk).get_latest_revision_as_object()
    questions = list(draft.questions.all())
    assert [(q.key, q.kind, q.required) for q in questions] == [
        ("hvilken-workshop-vil-du-deltage-i", "limited_choice", True),
        ("deltager-du-i-frokosten", "yes_no", False),
        ("har-du-saerlige-kostbehov", "long_text", False),
    ]
    assert [(o.value, o.label, o.places) for o in questions[0].option_list()] == [
        ("workshop-a", "Workshop A", 30),
        ("workshop-b", "Workshop B", 20),
    ]
    assert questions[2].condition_value() is True
    assert questions[2].data_class == "sensitive"
