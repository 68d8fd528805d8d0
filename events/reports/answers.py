"""The report of an event's answers in the admin: per option of each choice and yes/no
question, how many confirmed registrations chose it, with one chart per question.

Scoped as the reach reports are (``registration_policy``: a partner's people see their own
partner's events, the coordinators all); the counts come from
``events.reports.selectors.answer_counts`` in one query, the charts are inline SVG
(``events.reports.charts``).
"""

from __future__ import annotations

import django_filters
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from events.models import EventPage, Registration
from events.registrations.admin import registration_policy
from events.registrations.exports import spreadsheet_safe
from events.reports import charts
from events.reports.selectors import answer_counts, reach_registrations
from events.reports.views import CONFIRMED_ONLY
from home.areas.membership import partners_of_user, user_is_coordinator
from home.spreadsheets import DanishSpreadsheetMixin


def _events_with_questions(request):
    """The events whose answers the user may count: their partners' (coordinators: all)."""
    if request is None:
        return EventPage.objects.none()
    events = EventPage.objects.filter(questions__isnull=False).distinct()
    if not user_is_coordinator(request.user):
        events = events.filter(partner__in=partners_of_user(request.user))
    return events.order_by("-first_start", "pk")


class AnswerFilterSet(WagtailFilterSet):
    event = django_filters.ModelChoiceFilter(
        label=_("arrangement"),
        queryset=_events_with_questions,
        empty_label=_("Vælg et arrangement"),
    )

    class Meta:
        model = Registration
        fields = []


HEADINGS = {
    "question": _("Spørgsmål"),
    "label": _("Svar"),
    "registrations": _("Tilmeldinger"),
    "participants": _("Deltagere"),
}


class AnswerReportView(DanishSpreadsheetMixin, ReportView):
    """Answers per option of the chosen event's questions."""

    export_sheet_title = "Svar"
    page_title = _("Svar på spørgsmål")
    header_icon = "list-ul"
    results_template_name = "events/admin/answer_report_results.html"
    permission_policy = registration_policy
    permission_required = "view"
    paginate_by = None
    filterset_class = AnswerFilterSet
    list_export = ["question", "label", "registrations", "participants"]
    export_headings = HEADINGS
    index_url_name = "answer_report:index"
    index_results_url_name = "answer_report:results"

    @cached_property
    def event(self) -> EventPage | None:
        filters = self.filters
        if filters is None or not filters.is_valid():
            return None
        return filters.form.cleaned_data.get("event")

    def get_queryset(self):
        registrations = self.filter_queryset(reach_registrations(user=self.request.user))
        if self.event is None:
            return []
        return answer_counts(registrations, event=self.event)

    def get_filtered_queryset(self):
        return self.get_queryset()

    @cached_property
    def no_results_message(self):
        if self.event is None:
            return _("Vælg et arrangement med spørgsmål.")
        return _("Arrangementet har ingen spørgsmål med svarmuligheder.")

    @property
    def columns(self):
        return [Column(name, label=label) for name, label in HEADINGS.items()]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        if not self.is_export:
            context["confirmed_only"] = CONFIRMED_ONLY
            context["charts"] = self.charts(context["object_list"])
        return context

    def charts(self, rows) -> list:
        """One bar chart per question, in the questions' order."""
        by_question: dict[str, list] = {}
        for row in rows:
            by_question.setdefault(row.key, []).append(row)
        drawn = []
        for number, question_rows in enumerate(by_question.values(), start=1):
            bars = [
                charts.Bar(
                    label=row.label,
                    value=row.registrations,
                    text=ngettext(
                        "%(count)s tilmelding", "%(count)s tilmeldinger", row.registrations
                    )
                    % {"count": row.registrations},
                )
                for row in question_rows
            ]
            description = _("Vandrette søjler, én pr. svarmulighed: antal tilmeldinger.")
            drawn.append(
                charts.bar_chart(
                    bars,
                    title=question_rows[0].question,
                    description=str(description),
                    ident=f"answer-chart-{number}",
                )
            )
        return drawn

    def get_filename(self):
        return f"svar-{self.event.pk}" if self.event is not None else "svar"

    def preprocess_field_value(self, field, value, export_format):
        return spreadsheet_safe(super().preprocess_field_value(field, value, export_format))


class AnswerReportMenuItem(MenuItem):
    def is_shown(self, request):
        return registration_policy.user_has_permission(request.user, "view")


def menu_item() -> MenuItem:
    return AnswerReportMenuItem(
        _("Svar på spørgsmål"),
        reverse("answer_report:index"),
        name="answer-report",
        icon_name="list-ul",
        order=150,
    )


def urlpatterns() -> list:
    return [
        path("reports/answers/", AnswerReportView.as_view(), name="index"),
        path(
            "reports/answers/results/",
            AnswerReportView.as_view(results_only=True),
            name="results",
        ),
    ]
