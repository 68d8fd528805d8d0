"""``EventQuestion.option_list``: read from the blocks once per value of ``options``."""

from __future__ import annotations

from events.models import EventQuestion


def option(value: str, places: int | None = None) -> tuple:
    return ("option", {"label": value.upper(), "value": value, "places": places, "active": True})


def test_the_options_are_read_once_and_given_as_a_list_of_their_own():
    question = EventQuestion(kind="limited_choice", options=[option("a", 3)])
    first = question.option_list()
    first.append("not an option")  # a caller's list is its own
    assert [(o.value, o.places) for o in question.option_list()] == [("a", 3)]


def test_new_options_or_another_kind_are_read_anew():
    question = EventQuestion(kind="limited_choice", options=[option("a", 3)])
    question.option_list()
    question.options = [option("b", 5)]  # an editor's form sets a new value
    assert [(o.value, o.places) for o in question.option_list()] == [("b", 5)]
    question.kind = "choice"  # places belong to limited choices only
    assert [(o.value, o.places) for o in question.option_list()] == [("b", None)]
    question.kind = "text"
    assert question.option_list() == []
