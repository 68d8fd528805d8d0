"""Events built the way editors build them: add_child into a partner folder, then publish."""

from __future__ import annotations

from datetime import datetime, timedelta

import factory
import pytest
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, streamfield

from events.models import EventIndexPage, EventPage, EventSession


def local(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.get_default_timezone())


class EventSessionFactory(factory.Factory):
    class Meta:
        model = EventSession

    title = ""
    start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=2))


class EventPageFactory(factory.Factory):
    class Meta:
        model = EventPage

    title = factory.Sequence(lambda n: f"Webinar om børneinddragelse {n}")
    slug = factory.Sequence(lambda n: f"arrangement-{n}")
    event_type = "webinar"
    teaser = "Hvordan inddrager vi børn i deres egen sag?"
    format = "online"
    platform_name = "Teams"
    join_url = "https://teams.example.com/hemmeligt-link"


def build_event(partner, *, sessions=None, publish=True, **fields) -> EventPage:
    """An event in the partner's folder with the given sessions (default: one timed session)."""
    folder = EventIndexPage.objects.get(partner=partner)
    session_specs = sessions if sessions is not None else [{}]
    page = EventPageFactory.build(live=False, **fields)
    page.sessions = [
        EventSessionFactory.build(sort_order=i, **spec) for i, spec in enumerate(session_specs)
    ]
    folder.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return EventPage.objects.get(pk=page.pk)


@pytest.fixture
def event_of():
    return build_event


# --- the admin form, as a browser posts it ------------------------------------------------

DT_FORMAT = "%Y-%m-%d %H:%M"


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value, timezone.get_default_timezone()).strftime(DT_FORMAT)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def question_form_data(questions: list[dict], *, initial: int = 0) -> dict:
    """POST data of the form's questions: dicts of question fields (and id), ``options`` a
    list of dicts of option fields (label, value, places, active)."""
    data = {
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": str(initial),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for i, spec in enumerate(questions):
        spec = dict(spec)
        options = spec.pop("options", [])
        fields = {
            "id": "",
            "ORDER": str(i + 1),
            "label": "",
            "key": "",
            "kind": "text",
            "help_text": "",
            "shown_if_question": "",
            "shown_if_value": "",
            "data_class": "ordinary",
            **spec,
        }
        for name in ("required", "per_participant", "DELETE"):
            if fields.pop(name, False):
                data[f"questions-{i}-{name}"] = "on"
        data.update({f"questions-{i}-{name}": str(value) for name, value in fields.items()})
        option_items = []
        for option in options:
            value = {
                "label": option.get("label", ""),
                "value": option.get("value", ""),
                "places": "" if option.get("places") is None else str(option["places"]),
            }
            if option.get("active", True):
                value["active"] = "on"
            option_items.append(("option", value))
        data.update(nested_form_data({f"questions-{i}-options": streamfield(option_items)}))
    return data


def event_form_data(
    *,
    sessions: list[dict],
    initial_sessions: int = 0,
    questions: list[dict] | None = None,
    initial_questions: int = 0,
    **fields,
) -> dict:
    """POST data of the event edit/add form; ``sessions`` are dicts of session fields (and id),
    ``questions`` dicts of question fields (see ``question_form_data``)."""
    data = {
        "title": "Webinar om børnesamtaler",
        "slug": "webinar-om-boernesamtaler",
        "event_type": "webinar",
        "teaser": "Sådan taler du med børn om deres sag.",
        "body-count": "0",
        "format": "online",
        "platform_name": "Teams",
        "join_url": "https://teams.example.com/hemmeligt-link",
        "status": "scheduled",
        "participation": "individual",
        "waiting_list_enabled": "on",
        "price_text": "Gratis",
        "join_link_hours": "24",
        "attendance_share": "50",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        "slides-TOTAL_FORMS": "0",
        "slides-INITIAL_FORMS": "0",
        "slides-MIN_NUM_FORMS": "0",
        "slides-MAX_NUM_FORMS": "1000",
        "evaluation_questions-TOTAL_FORMS": "0",
        "evaluation_questions-INITIAL_FORMS": "0",
        "evaluation_questions-MIN_NUM_FORMS": "0",
        "evaluation_questions-MAX_NUM_FORMS": "1000",
        "sessions-TOTAL_FORMS": str(len(sessions)),
        "sessions-INITIAL_FORMS": str(initial_sessions),
        "sessions-MIN_NUM_FORMS": "1",
        "sessions-MAX_NUM_FORMS": "1000",
        **question_form_data(questions or [], initial=initial_questions),
    }
    for key, value in fields.items():
        data[key] = _fmt(value) if not isinstance(value, list) else [str(v) for v in value]
    for i, session in enumerate(sessions):
        prefix = f"sessions-{i}-"
        data[prefix + "ORDER"] = str(session.get("ORDER", i + 1))
        for key in ("id", "title", "start", "end", "start_date", "end_date", "location"):
            data[prefix + key] = _fmt(session.get(key))
        data[prefix + "status"] = session.get("status", "inherit")
        if session.get("all_day"):
            data[prefix + "all_day"] = "on"
        if session.get("DELETE"):
            data[prefix + "DELETE"] = "on"
    return {k: v for k, v in data.items() if v is not None}


def saved_questions(page: EventPage) -> list[dict]:
    """The page's questions as its edit form resubmits them (see ``question_form_data``)."""
    return [
        {
            "id": question.pk,
            "label": question.label,
            "key": question.key,
            "kind": question.kind,
            "help_text": question.help_text,
            "required": question.required,
            "per_participant": question.per_participant,
            "shown_if_question": question.shown_if_question,
            "shown_if_value": question.shown_if_value,
            "data_class": question.data_class,
            "options": [
                {"label": o.label, "value": o.value, "places": o.places, "active": o.active}
                for o in question.option_list()
            ],
        }
        for question in page.questions.all()
    ]


def edit_form_data(page: EventPage, *, session_changes: dict | None = None, **fields) -> dict:
    """POST data that resubmits ``page`` as it is (sessions and questions), with the given
    changes."""
    session_changes = session_changes or {}
    sessions = []
    for session in page.sessions.all():
        spec = {
            "id": session.pk,
            "title": session.title,
            "all_day": session.all_day,
            "start": session.start,
            "end": session.end,
            "start_date": session.start_date,
            "end_date": session.end_date,
            "location": session.location,
            "status": session.status,
            "ORDER": session.sort_order + 1 if session.sort_order is not None else 1,
        }
        spec.update(session_changes.get(session.pk, {}))
        sessions.append(spec)
    base = {
        "title": page.title,
        "slug": page.slug,
        "event_type": page.event_type,
        "teaser": page.teaser,
        "format": page.format,
        "platform_name": page.platform_name,
        "join_url": page.join_url,
        "venue_name": page.venue_name,
        "venue_city": page.venue_city,
        "status": page.status,
        "participation": page.participation,
        "capacity": page.capacity,
    }
    base.update(fields)
    questions = base.pop("questions", None)
    if questions is None:
        questions = saved_questions(page)
    return event_form_data(
        sessions=sessions,
        initial_sessions=len(sessions),
        questions=questions,
        initial_questions=sum(1 for q in questions if q.get("id")),
        **base,
    )
