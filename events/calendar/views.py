"""The admin's *Kalender*: a month or a week of every event the user may see, rendered on the
server (a table for the month, a list per day for the week; no JavaScript), with filters by
partner, type and audience.

The query string is checked before anything is read: an unknown parameter, a parameter given
twice, or a value that names nothing (a partner, type or audience that does not exist, a date
that is no date) is a Danish error page with status 400 naming the parameter, never a 500 and
never a calendar silently unfiltered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem

from events.calendar.selectors import CalendarEntry, CalendarFilters, calendar_entries
from events.models import EventType
from home.models import Audience, Partner

VIEWS = (("month", _("Måned")), ("week", _("Uge")))
# Far enough for any event; near enough that a grid's first Monday and last Sunday exist.
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_VALUE_LENGTH = 100


class CalendarParams(forms.Form):
    """The calendar's query string, every field optional; errors in Danish, naming the field."""

    view = forms.ChoiceField(
        label=_("Visning"),
        choices=VIEWS,
        required=False,
        error_messages={"invalid_choice": _("Visning: vælg måned eller uge.")},
    )
    date = forms.DateField(
        label=_("Dato"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Dato: skriv datoen som ÅÅÅÅ-MM-DD, fx 2026-12-07.")},
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=Partner.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle partnere"),
        error_messages={"invalid_choice": _("Partner: der er ingen partner med det navn.")},
    )
    type = forms.ChoiceField(
        label=_("Type"),
        choices=[("", _("Alle typer")), *EventType.choices],
        required=False,
        error_messages={"invalid_choice": _("Type: der er ingen arrangementstype med det navn.")},
    )
    audience = forms.ModelChoiceField(
        label=_("Målgruppe"),
        queryset=Audience.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle målgrupper"),
        error_messages={"invalid_choice": _("Målgruppe: der er ingen målgruppe med det navn.")},
    )

    def clean_date(self):
        day = self.cleaned_data.get("date")
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(
                _("Dato: vælg en dato mellem år %(first)s og %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return day


def params_errors(query: QueryDict) -> list[str]:
    """What is wrong with the query string before the form reads it (which would take the last
    of repeated values and ignore the unknown)."""
    errors = []
    known = set(CalendarParams.base_fields)
    for name in query:
        label = CalendarParams.base_fields[name].label if name in known else None
        if label is None:
            errors.append(str(_("Kalenderen har ikke filteret „%(name)s“.")) % {"name": name[:40]})
            continue
        values = query.getlist(name)
        if len(values) > 1:
            errors.append(str(_("%(label)s: angiv kun én værdi.")) % {"label": label})
        elif len(values[0]) > MAX_VALUE_LENGTH or not values[0].isprintable():
            errors.append(str(_("%(label)s: værdien kan ikke bruges.")) % {"label": label})
    return errors


@dataclass
class Day:
    day: date
    label: str  # "mandag 7. december"
    in_period: bool
    today: bool
    entries: list[CalendarEntry] = field(default_factory=list)

    @property
    def event_count(self) -> int:
        return len({entry.event_id for entry in self.entries if not entry.cancelled})


def _period(view: str, day: date) -> tuple[date, date, date, date]:
    """The period shown (first, last) and the grid around it (Monday to Sunday)."""
    if view == "week":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6), first, first + timedelta(days=6)
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    grid_first = first - timedelta(days=first.weekday())
    grid_last = last + timedelta(days=6 - last.weekday())
    return first, last, grid_first, grid_last


def _label(day: date, pattern: str) -> str:
    with translation.override("da"):
        return formats.date_format(day, pattern)


def calendar_view(request: HttpRequest) -> HttpResponse:
    errors = params_errors(request.GET)
    form = CalendarParams(request.GET if not errors else None)
    if not errors and not form.is_valid():
        errors = [message for messages in form.errors.values() for message in messages]
    if errors:
        return TemplateResponse(
            request,
            "events/admin/calendar.html",
            {"errors": errors, "page_title": _("Kalender"), "form": CalendarParams()},
            status=400,
        )
    data = form.cleaned_data
    view = data["view"] or "month"
    today = timezone.localdate()
    anchor = data["date"] or today
    first, last, grid_first, grid_last = _period(view, anchor)
    filters = CalendarFilters(
        partners=(data["partner"],) if data["partner"] else (),
        types=(data["type"],) if data["type"] else (),
        audiences=(data["audience"],) if data["audience"] else (),
    )
    entries = calendar_entries(user=request.user, first=grid_first, last=grid_last, filters=filters)
    days = [
        Day(
            day=grid_first + timedelta(days=n),
            label=_label(grid_first + timedelta(days=n), "l j. F"),
            in_period=first <= grid_first + timedelta(days=n) <= last,
            today=grid_first + timedelta(days=n) == today,
        )
        for n in range((grid_last - grid_first).days + 1)
    ]
    by_day = {d.day: d for d in days}
    for entry in entries:
        by_day[entry.day].entries.append(entry)

    filter_params = {
        name: (value.slug if hasattr(value, "slug") else value)
        for name in ("partner", "type", "audience")
        if (value := data[name])
    }

    def link(**params) -> str:
        merged = {**filter_params, **{k: v for k, v in params.items() if v}}
        return reverse("events_calendar") + ("?" + urlencode(merged) if merged else "")

    if view == "week":
        previous, following = anchor - timedelta(days=7), anchor + timedelta(days=7)
        iso = first.isocalendar()
        title = _("Uge %(week)s, %(first)s – %(last)s") % {
            "week": iso.week,
            "first": _label(first, "j. F"),
            "last": _label(last, "j. F Y"),
        }
    else:
        previous = (first - timedelta(days=1)).replace(day=1)
        following = last + timedelta(days=1)
        title = _label(first, "F Y").capitalize()
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
    return TemplateResponse(
        request,
        "events/admin/calendar.html",
        {
            "page_title": _("Kalender"),
            "form": form,
            "view": view,
            "title": title,
            "days": days,
            "weeks": [{"number": week[0].day.isocalendar().week, "days": week} for week in weeks],
            "weekdays": [_label(days[n].day, "l") for n in range(7)],
            "previous_url": link(view=view, date=previous.isoformat()),
            "next_url": link(view=view, date=following.isoformat()),
            "today_url": link(view=view),
            "month_url": link(view="month", date=anchor.isoformat()),
            "week_url": link(view="week", date=anchor.isoformat()),
            "entries_count": len(entries),
            "filtered": bool(filter_params),
        },
    )


def menu_item() -> MenuItem:
    return MenuItem(
        _("Kalender"), reverse("events_calendar"), name="calendar", icon_name="date", order=305
    )


def urlpatterns() -> list:
    return [path("calendar/", calendar_view, name="events_calendar")]
