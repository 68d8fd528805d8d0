"""Helpers for tests of questions: an event's questions built as the page form saves them."""

from __future__ import annotations

from events.models import EventQuestion


def option(value: str, label: str | None = None, places: int | None = None, active=True):
    return (
        "option",
        {"label": label or value.capitalize(), "value": value, "places": places, "active": active},
    )


def question(label: str, kind: str = "text", *, key: str = "", options=(), **fields):
    """An unsaved question; ``options`` are ``option(...)`` tuples or plain values."""
    blocks = [item if isinstance(item, tuple) else option(item) for item in options]
    return EventQuestion(label=label, kind=kind, key=key or label.lower(), options=blocks, **fields)


def with_questions(event_of, partner, *questions: EventQuestion, **fields):
    """A published event of ``partner`` asking ``questions``, in their order."""
    for number, item in enumerate(questions):
        item.sort_order = number
    return event_of(partner, questions=list(questions), **fields)
