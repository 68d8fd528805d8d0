"""*Evalueringer* in the admin's reports: one event's evaluation, or several taken together by
partner, event type and period; invited, answered, response rate, a chart per question with
the mean of a 1–5 scale, the free-text answers; CSV and Excel export of the same rows.

Scoped as the other reports are (``registration_policy``; a partner's people see their own
partner's events, the coordinators all). The charts are inline SVG (``events.reports.charts``).
"""

from __future__ import annotations

import django_filters
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from events.evaluations.results import (
    MIN_RESPONSES,
    EvaluationResults,
    evaluation_events,
    evaluation_results,
)
from events.models import EventPage, EventType
from events.registrations.admin import registration_policy
from events.registrations.exports import spreadsheet_safe
from events.reports import charts
from events.reports.views import PeriodFilter
from home.areas.membership import partners_of_user
from home.spreadsheets import DanishSpreadsheetMixin


def _evaluated_events(request):
    if request is None:
        return EventPage.objects.none()
    events = evaluation_events(user=request.user).filter(evaluation_invitations__isnull=False)
    return events.distinct().order_by("-first_start", "pk")


def _partners(request):
    if request is None:
        return partners_of_user(None).none()
    return partners_of_user(request.user).order_by("name")


class EvaluationFilterSet(WagtailFilterSet):
    event = django_filters.ModelChoiceFilter(
        label=_("arrangement"),
        queryset=_evaluated_events,
        empty_label=_("Alle arrangementer"),
        method="filter_event",
    )
    partner = django_filters.ModelChoiceFilter(
        field_name="partner", label=_("partner"), queryset=_partners, empty_label=_("Alle partnere")
    )
    event_type = django_filters.ChoiceFilter(
        field_name="event_type",
        label=_("arrangementstype"),
        choices=EventType.choices,
        empty_label=_("Alle typer"),
    )
    period = PeriodFilter(field_name="first_start", label=_("periode (arrangementets start)"))

    class Meta:
        model = EventPage
        fields = []

    def filter_event(self, queryset, name, value):
        return queryset.filter(pk=value.pk) if value is not None else queryset


HEADINGS = {
    "question": _("Spørgsmål"),
    "answer": _("Svar"),
    "count": _("Antal"),
    "share": _("Andel (%)"),
    "mean": _("Gennemsnit (1–5)"),
    "event": _("Arrangement"),
}


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{number_format(value, 1)} %"


class EvaluationReportView(DanishSpreadsheetMixin, ReportView):
    export_sheet_title = "Evalueringer"
    page_title = _("Evalueringer")
    header_icon = "list-ul"
    results_template_name = "events/admin/evaluation_report_results.html"
    permission_policy = registration_policy
    permission_required = "view"
    paginate_by = None
    filterset_class = EvaluationFilterSet
    list_export = list(HEADINGS)
    export_headings = HEADINGS
    index_url_name = "evaluation_report:index"
    index_results_url_name = "evaluation_report:results"

    @cached_property
    def results(self) -> EvaluationResults:
        events = self.filter_queryset(evaluation_events(user=self.request.user))
        return evaluation_results(events)

    def get_queryset(self):
        return self.results.rows()

    def get_filtered_queryset(self):
        return self.get_queryset()

    @cached_property
    def no_results_message(self):
        return _("Ingen evalueringssvar for de valgte arrangementer endnu.")

    @property
    def columns(self):
        return [Column(name, label=label) for name, label in HEADINGS.items()]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        if not self.is_export:
            results = self.results
            context["summary"] = {
                "invited": results.invited,
                "answered": results.answered,
                "rate": _percent(results.rate),
                "withheld": results.withheld,
                "left_out": results.left_out,
                "shown": results.responses,
                "minimum": MIN_RESPONSES,
            }
            context["charts"] = self.charts(results)
            context["free_texts"] = [
                (question.label, question.texts)
                for question in results.questions
                if not question.counted and question.texts
            ]
        return context

    def charts(self, results: EvaluationResults) -> list:
        drawn = []
        counted = [question for question in results.questions if question.counted]
        for number, question in enumerate(counted, start=1):
            bars = [
                charts.Bar(
                    label=label,
                    value=count,
                    text=ngettext("%(count)s svar", "%(count)s svar", count) % {"count": count},
                )
                for label, count in question.counts.items()
            ]
            title = question.label
            if question.mean is not None:
                title = f"{title} (gennemsnit {number_format(question.mean, 2)})"
            svg = charts.bar_chart(
                bars,
                title=title,
                description=str(_("Vandrette søjler, én pr. svar: antal besvarelser."))
                + f" {question.answers} svar i alt.",
                ident=f"evaluation-chart-{number}",
            )
            drawn.append({"caption": title, "answers": question.answers, "svg": svg})
        return drawn

    def get_filename(self):
        return "evalueringer"

    def preprocess_field_value(self, field, value, export_format):
        return spreadsheet_safe(super().preprocess_field_value(field, value, export_format))


class EvaluationReportMenuItem(MenuItem):
    def is_shown(self, request):
        return registration_policy.user_has_permission(request.user, "view")


def menu_item() -> MenuItem:
    return EvaluationReportMenuItem(
        _("Evalueringer"),
        reverse("evaluation_report:index"),
        name="evaluation-report",
        icon_name="list-ul",
        order=160,
    )


def urlpatterns() -> list:
    return [
        path("reports/evaluations/", EvaluationReportView.as_view(), name="index"),
        path(
            "reports/evaluations/results/",
            EvaluationReportView.as_view(results_only=True),
            name="results",
        ),
    ]
