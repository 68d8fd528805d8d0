"""The pages of a staff group's named participants: the applicant's page to name, change and
remove them (``<token>/deltagere/``), and each participant's own page (``deltager/<token>/``)
to see the event and withdraw. Danish, no JavaScript, CSRF on every form; the tokens in the
URLs are secrets (the headers of ``events.registrations.views._page``).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from events.errors import EventsError
from events.models import (
    EventQuestion,
    GroupMember,
    Participation,
    QuestionKind,
    Registration,
)
from events.registrations.members import (
    member_add,
    member_change,
    member_remove,
    member_withdraw,
    members_editable,
)
from events.registrations.roster import questions_split
from events.registrations.selectors import member_by_token
from events.registrations.views import _page, _registration
from events.retention.services import members_erase
from home.models import Audience, Municipality

YES_NO = {"ja": True, "nej": False}


def _answers_from_post(post, prefix: str, questions: list[EventQuestion]) -> dict[str, Any]:
    """A form's answers as the API would send them (the checks are the API's)."""
    answers: dict[str, Any] = {}
    for question in questions:
        name = f"{prefix}answer-{question.key}"
        if question.kind == QuestionKind.MULTIPLE_CHOICE:
            answers[question.key] = post.getlist(name)
        elif question.kind == QuestionKind.YES_NO:
            answers[question.key] = YES_NO.get(post.get(name, ""))
        else:
            answers[question.key] = post.get(name, "")
    return answers


def _member_from_post(post, questions: list[EventQuestion]) -> dict[str, Any]:
    return {
        "name": post.get("name", ""),
        "email": post.get("email", ""),
        "needs": post.get("needs", ""),
        "answers": _answers_from_post(post, "", questions),
    }


def _question_rows(questions: list[EventQuestion], given: dict[str, Any]) -> list[dict]:
    """What the form shows per question: its options and the value given."""
    rows = []
    for question in questions:
        value = given.get(question.key)
        options: list[tuple[str, str]] = []
        if question.kind in (QuestionKind.CHOICE, QuestionKind.LIMITED_CHOICE):
            options = [(o.value, o.label) for o in question.option_list() if o.active]
        elif question.kind == QuestionKind.MULTIPLE_CHOICE:
            options = [(o.value, o.label) for o in question.option_list() if o.active]
        elif question.kind == QuestionKind.MUNICIPALITY:
            options = list(Municipality.objects.order_by("name").values_list("code", "name"))
        elif question.kind == QuestionKind.JOB_ROLE:
            options = list(Audience.objects.order_by("name").values_list("slug", "name"))
        if question.kind == QuestionKind.YES_NO and isinstance(value, bool):
            value = "ja" if value else "nej"
        rows.append(
            {
                "question": question,
                "field": f"answer-{question.key}",
                "options": options,
                "value": value if value is not None else "",
                "chosen": value if isinstance(value, list) else [value],
            }
        )
    return rows


def _member_rows(members: list[GroupMember], questions: list[EventQuestion]) -> list[dict]:
    return [
        {
            "member": member,
            "questions": _question_rows(
                questions, {answer.key: answer.value for answer in member.answers.all()}
            ),
        }
        for member in members
    ]


@require_http_methods(["GET", "HEAD", "POST"])
def members(request: HttpRequest, token: str) -> HttpResponse:
    """The applicant's page: the participants named so far, each editable, and one more."""
    registration = _registration(token)
    event = registration.event
    if event.participation != Participation.STAFF_GROUP or not registration.unit:
        raise Http404
    _, each = questions_split(event, list(event.questions.all()))
    error: EventsError | None = None
    given: dict[str, Any] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "add":
                given = _member_from_post(request.POST, each)
                member_add(registration=registration, member=given)
            elif action in ("change", "remove"):
                member = _own_member(registration, request.POST.get("member", ""))
                if action == "change":
                    member_change(member=member, data=_member_from_post(request.POST, each))
                else:
                    member_remove(member=member)
            else:
                raise Http404
        except EventsError as exc:
            error = exc
        else:
            return redirect("registration:members", token=token)
        registration = _registration(token)
    listed = list(registration.members.all())
    messages = []
    if error is not None:
        messages = [m for field in (error.errors or {}).values() for m in field] or [
            str(error.message)
        ]
    return _page(
        request,
        "members.html",
        {
            "registration": registration,
            "rows": _member_rows(listed, each),
            "new_questions": _question_rows(each, given.get("answers", {})),
            "given": given,
            "room": registration.participants - len(listed),
            "editable": members_editable(registration),
            "error": error.message if error else None,
            "messages": messages if len(messages) > 1 else [],
        },
        status=error.http_status if error else 200,
    )


def _own_member(registration: Registration, raw: str) -> GroupMember:
    """A member of this registration by its id from the form; anything else is a 404."""
    if not (raw.isascii() and raw.isdecimal()) or len(raw) > 18:
        raise Http404
    member = next((m for m in registration.members.all() if m.pk == int(raw)), None)
    if member is None:
        raise Http404
    return member


@require_http_methods(["GET", "HEAD", "POST"])
def member(request: HttpRequest, token: str) -> HttpResponse:
    """A named participant's own page: the event, withdrawing (POST), and deleting their data
    (POST ``action=erase``)."""
    try:
        row = member_by_token(token=token)
    except GroupMember.DoesNotExist:
        raise Http404 from None
    error = None
    if request.method == "POST" and request.POST.get("action") == "erase":
        # Their data on every application that names them, and the emails to them; without a
        # cancellation email (there is no one left to write to).
        members_erase(email=row.email)
        return _page(request, "erased.html", {})
    if request.method == "POST":
        try:
            member_withdraw(member=row)
        except EventsError as exc:
            error = exc
        else:
            return _page(request, "member_withdrawn.html", {"event": row.registration.event})
    return _page(
        request,
        "member.html",
        {
            "member": row,
            "registration": row.registration,
            "event": row.registration.event,
            "error": error.message if error else None,
        },
        status=error.http_status if error else 200,
    )
