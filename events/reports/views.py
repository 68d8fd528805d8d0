"""The centre's reach reports in the admin: who the events reached, by one dimension each.

Each report is a Wagtail report view (its filters, CSV and Excel export) over the confirmed
registrations the user may see: a partner's editors and moderators their own partner's, the
coordinators everyone's (``registration_policy``, the registrations admin's own rule). A user
in no partner's group gets a 403 and no menu item. The counts come from
``events.reports.selectors`` in one aggregate query; the chart is inline SVG from
``events.reports.charts``, so no number leaves the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import django_filters
from django.urls import re_path, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from events.models import EventType, Registration
from events.registrations.admin import registration_policy
from events.registrations.exports import spreadsheet_safe
from events.reports import charts
from events.reports.selectors import (
    attendance_by_session,
    reach_by,
    reach_by_month,
    reach_registrations,
)
from home.areas.membership import partners_of_user
from home.spreadsheets import DanishSpreadsheetMixin

CONFIRMED_ONLY = _(
    "Kun bekræftede tilmeldinger tæller: ventelister, ansøgninger, der ikke er godkendt, og "
    "annulleringer er ikke med. Tilmeldinger er personer eller medarbejdergrupper; deltagere "
    "er de pladser, de har. Tallene bevares, når persondata slettes efter reglerne for "
    "opbevaring."
)


@dataclass(frozen=True)
class Report:
    slug: str
    menu_label: str
    title: str
    heading: str
    icon: str
    help_text: str = ""


REPORTS: dict[str, Report] = {
    report.slug: report
    for report in (
        Report(
            "municipality",
            _("Rækkevidde: kommuner"),
            _("Rækkevidde pr. kommune"),
            _("Kommune"),
            "site",
            _("Deltagernes kommune, som de oplyste ved tilmeldingen."),
        ),
        Report(
            "region",
            _("Rækkevidde: regioner"),
            _("Rækkevidde pr. region"),
            _("Region"),
            "globe",
            _("Regionen, som deltagernes kommune ligger i."),
        ),
        Report(
            "job-role",
            _("Rækkevidde: stillingsgrupper"),
            _("Rækkevidde pr. stillingsgruppe"),
            _("Stillingsgruppe"),
            "user",
            _("Den stillingsgruppe, deltagerne oplyste ved tilmeldingen."),
        ),
        Report(
            "audience",
            _("Rækkevidde: målgrupper"),
            _("Rækkevidde pr. målgruppe"),
            _("Målgruppe"),
            "group",
            _(
                "Arrangementernes målgrupper. En tilmelding tæller med under hver af "
                "arrangementets målgrupper, så rækkerne kan give mere end det samlede tal."
            ),
        ),
        Report(
            "event-type",
            _("Rækkevidde: arrangementstyper"),
            _("Rækkevidde pr. arrangementstype"),
            _("Arrangementstype"),
            "calendar-alt",
            "",
        ),
        Report(
            "partner",
            _("Rækkevidde: partnere"),
            _("Rækkevidde pr. partner"),
            _("Partner"),
            "pick",
            _("Den partner, der arrangerer; medarrangører tæller ikke med."),
        ),
        Report(
            "month",
            _("Rækkevidde: måneder"),
            _("Rækkevidde pr. måned"),
            _("Måned"),
            "date",
            _("Måneden, hvor arrangementet begynder. Måneder uden tilmeldinger står med 0."),
        ),
        Report(
            "attendance",
            _("Fremmøde"),
            _("Fremmøde i forhold til tilmeldinger"),
            _("Session"),
            "tick-inverse",
            _(
                "Én række pr. session: kun sessioner, hvor arrangøren har registreret "
                "fremmødet, og kun de tilmeldinger, hvor fremmødet til sessionen er registreret: "
                "ukendt fremmøde tæller ikke som udeblivelse. En medarbejdergruppe med "
                "navngivne deltagere tæller hver deltager for sig."
            ),
        ),
    )
}


def _partners_of_request(request):
    if request is None:
        return partners_of_user(None).none()
    return partners_of_user(request.user).order_by("name")


class ReachFilterSet(WagtailFilterSet):
    period = django_filters.DateFromToRangeFilter(
        field_name="event__first_start", label=_("periode (arrangementets start)")
    )
    # Only the user's own partners to choose from.
    partner = django_filters.ModelChoiceFilter(
        field_name="event__partner",
        label=_("partner"),
        queryset=_partners_of_request,
        empty_label=_("Alle partnere"),
    )
    event_type = django_filters.ChoiceFilter(
        field_name="event__event_type",
        label=_("arrangementstype"),
        choices=EventType.choices,
        empty_label=_("Alle typer"),
    )

    class Meta:
        model = Registration
        fields = []


REACH_COLUMNS = ("registrations", "participants")
ATTENDANCE_COLUMNS = (
    "registered",
    "attended",
    "attendance_rate",
    "participants_registered",
    "participants_attended",
)
HEADINGS = {
    "registrations": _("Tilmeldinger"),
    "participants": _("Deltagere"),
    "start_date": _("Start"),
    "registered": _("Tilmeldinger med registreret fremmøde"),
    "attended": _("Mødte op"),
    "attendance_rate": _("Fremmøde (%)"),
    "participants_registered": _("Deltagere tilmeldt"),
    "participants_attended": _("Deltagere mødt op"),
}


class ReachReportView(DanishSpreadsheetMixin, ReportView):
    export_sheet_title = "Rækkevidde"

    """One reach report; ``dimension`` (a key of ``REPORTS``) comes from the URL."""

    results_template_name = "events/admin/reach_report_results.html"
    permission_policy = registration_policy
    permission_required = "view"
    paginate_by = None
    dimension: str = "municipality"

    def setup(self, request, *args, dimension: str = "municipality", **kwargs):
        super().setup(request, *args, **kwargs)
        self.dimension = dimension
        self.report = REPORTS[dimension]

    # --- what is counted ------------------------------------------------------------------

    filterset_class = ReachFilterSet

    def get_queryset(self):
        registrations = self.filter_queryset(reach_registrations(user=self.request.user))
        if self.dimension == "month":
            return reach_by_month(registrations)
        if self.dimension == "attendance":
            return attendance_by_session(registrations)
        return reach_by(registrations, self.dimension)

    def get_filtered_queryset(self):
        return self.get_queryset()

    # --- page -------------------------------------------------------------------------------

    @property
    def page_title(self):
        return self.report.title

    @property
    def header_icon(self):
        return self.report.icon

    def get_index_url(self):
        return reverse("reach_reports:index", args=[self.dimension])

    def get_index_results_url(self):
        return reverse("reach_reports:results", args=[self.dimension])

    @cached_property
    def no_results_message(self):
        if self.dimension == "attendance":
            return _("Der er ikke registreret fremmøde til nogen sessioner i udvalget.")
        return _("Der er ingen bekræftede tilmeldinger i udvalget.")

    @property
    def columns(self):
        label = Column("label", label=self.report.heading)
        if self.dimension == "attendance":
            return [
                label,
                Column("start_date", label=HEADINGS["start_date"]),
                *(Column(name, label=HEADINGS[name]) for name in ATTENDANCE_COLUMNS),
            ]
        return [label, *(Column(name, label=HEADINGS[name]) for name in REACH_COLUMNS)]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        if not self.is_export:
            context["report"] = self.report
            context["confirmed_only"] = CONFIRMED_ONLY
            context["chart"] = self.chart(context["object_list"])
            if self.dimension == "attendance":
                context["legend"] = [
                    {"label": HEADINGS["registered"], "fill": charts.FILL_LIGHT},
                    {"label": HEADINGS["attended"], "fill": charts.FILL},
                ]
            context["other_reports"] = self.other_reports()
        return context

    def other_reports(self) -> list[dict]:
        """Links to the other dimensions, keeping the filters."""
        params = self.request.GET.copy()
        for key in ("export", "p", "_w_filter_fragment"):
            params.pop(key, None)
        query = "?" + params.urlencode() if params else ""
        return [
            {
                "label": report.menu_label,
                "url": reverse("reach_reports:index", args=[slug]) + query,
                "current": slug == self.dimension,
            }
            for slug, report in REPORTS.items()
        ]

    def chart(self, rows) -> str:
        if not rows:
            return ""
        title = str(self.report.title)
        if self.dimension == "attendance":
            bars = [
                charts.Bar(
                    label=row.label,
                    value=row.registered,
                    part=row.attended,
                    text=_("%(attended)s af %(registered)s mødte op")
                    % {"attended": row.attended, "registered": row.registered},
                )
                for row in rows
            ]
            description = _(
                "Vandrette søjler, én pr. session: den lyse søjle er tilmeldinger med "
                "registreret fremmøde, den mørke dem, der mødte op."
            )
            return charts.bar_chart(bars, title=title, description=str(description))
        bars = [
            charts.Bar(
                label=row.label,
                value=row.participants,
                text=ngettext("%(count)s deltager", "%(count)s deltagere", row.participants)
                % {"count": row.participants},
            )
            for row in rows
        ]
        if self.dimension == "month":
            short = [
                date_format(row.month, "b Y") if row.month else str(_("Uden dato")) for row in rows
            ]
            description = _("Søjler, én pr. måned i tidsorden: antal deltagere.")
            return charts.column_chart(
                bars, title=title, short_labels=short, description=str(description)
            )
        description = _("Vandrette søjler, én pr. række i tabellen: antal deltagere.")
        return charts.bar_chart(bars, title=title, description=str(description))

    # --- export -----------------------------------------------------------------------------

    @property
    def list_export(self):
        if self.dimension == "attendance":
            return ["label", "start_date", *ATTENDANCE_COLUMNS]
        return ["label", *REACH_COLUMNS]

    @property
    def export_headings(self):
        return {"label": self.report.heading, **HEADINGS}

    def get_filename(self):
        return "raekkevidde-" + self.dimension

    def preprocess_field_value(self, field, value, export_format):
        return spreadsheet_safe(super().preprocess_field_value(field, value, export_format))


class ReachReportMenuItem(MenuItem):
    def is_shown(self, request):
        return registration_policy.user_has_permission(request.user, "view")


def menu_item(slug: str) -> MenuItem:
    """The report's item in the admin's *Rapporter* menu, before Wagtail's own reports."""
    report = REPORTS[slug]
    return ReachReportMenuItem(
        report.menu_label,
        reverse("reach_reports:index", args=[slug]),
        name=f"reach-{slug}",
        icon_name=report.icon,
        order=100 + list(REPORTS).index(slug),
    )


def urlpatterns() -> list:
    index = ReachReportView.as_view()
    results = ReachReportView.as_view(results_only=True)
    dimensions = "|".join(REPORTS)
    return [
        re_path(rf"^reports/reach/(?P<dimension>{dimensions})/$", index, name="index"),
        re_path(rf"^reports/reach/(?P<dimension>{dimensions})/results/$", results, name="results"),
    ]
