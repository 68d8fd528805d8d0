"""The evaluation's one public page, ``/evaluering/<token>/``, reached from the invitation or
the reminder: the questions, Danish errors per question, a thank-you after the answer is in.

A token that opens no invitation gets a calm Danish 404, one already used a 410; neither shows
anything of the event or the person. The page is the person's alone: no caching, no referrer
to other sites, no indexing, and the registrants' pages' strict Content-Security-Policy (no
JavaScript).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from events.evaluations.forms import EvaluationForm
from events.evaluations.selectors import evaluation_invitation_by_token, evaluation_questions
from events.evaluations.services import evaluation_submit

# "same-origin", not "no-referrer": with that a browser sends ``Origin: null`` with the form,
# and Django's CSRF check refuses it. The token in the address never leaves for another site.
_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "private, no-store",
}
TEMPLATE = "events/evaluations/answer.html"
CLOSED = "events/evaluations/closed.html"


def _answer(response: HttpResponse) -> HttpResponse:
    for header, value in _HEADERS.items():
        response[header] = value
    return response


def _closed(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    return _answer(render(request, CLOSED, {"reason": reason}, status=status))


@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    invitation = evaluation_invitation_by_token(token)
    if invitation is None:
        return _closed(request, "unknown", 404)
    if invitation.answered:
        return _closed(request, "used", 410)
    event = invitation.event
    questions = evaluation_questions(event)
    if not questions:
        return _closed(request, "gone", 410)
    form = EvaluationForm(questions, data=request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome = evaluation_submit(token=token, answers=form.answers())
            if outcome == "stored":
                return redirect("evaluations:thanks")
            return _closed(request, "used" if outcome == "used" else "unknown", 410)
        status = 400
    context = {"form": form, "event": event, "token": token}
    return _answer(render(request, TEMPLATE, context, status=status))


@require_http_methods(["GET", "HEAD"])
def thanks(request: HttpRequest) -> HttpResponse:
    return _closed(request, "thanks", 200)


app_name = "evaluations"
urlpatterns = [
    path("tak/", thanks, name="thanks"),
    path("<str:token>/", answer, name="answer"),
]
