"""Query filters of the API (the feeds reuse the event filters)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import QueryArrayWidget
from drf_spectacular.utils import extend_schema_field

from api.errors import ParameterError
from api.params import SEARCH_MAX_LENGTH, parse_datetime_value, search_words
from events.models import EventFormat, EventStatus, EventType
from home.models import Audience, KnowledgeKind, Partner, Topic


class CommaSeparatedArrayWidget(QueryArrayWidget):
    """Reads ``a&x=b`` as well as ``x=a,b``, each part trimmed.

    An empty part (``x=a,``) is skipped, as the schema says. A part of spaces only (``x=+``)
    is kept as it came, so the choice field refuses it with a 400 naming the parameter: the
    schema allows the empty item, not a blank one, and a refused value must not be answered."""

    def value_from_datadict(self, data, files, name):
        values = super().value_from_datadict(data, files, name)
        return [part.strip() or part for value in values for part in value.split(",") if part]


class MultiValueChoiceFilter(django_filters.MultipleChoiceFilter):
    """Several values, repeated (``type=a&type=b``) or comma-separated (``type=a,b``), ORed."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", CommaSeparatedArrayWidget)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "description": "A slug; several comma-separated."})
class MultiValueModelFilter(django_filters.ModelMultipleChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", CommaSeparatedArrayWidget)
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)


class SearchMixin:
    """``q``: Wagtail search (Danish configuration on PostgreSQL), ANDed with the rest.

    Searched for its words only: the search backends put the text into their own query
    languages (SQLite's FTS5 MATCH, PostgreSQL's tsquery), where a stray quote or operator is
    a syntax error. A ``q`` of punctuation only finds nothing."""

    def filter_q(self, queryset, name, value):
        if not value.strip():
            return queryset
        words = search_words(value)
        if not words:
            return queryset.none()
        matches = queryset.model.objects.live().search(" ".join(words), operator="and")
        return queryset.filter(pk__in=[page.pk for page in matches])


def search_filter() -> django_filters.CharFilter:
    return django_filters.CharFilter(
        method="filter_q", label=_("Søgning"), max_length=SEARCH_MAX_LENGTH
    )


class DateOrDateTimeFilter(django_filters.CharFilter):
    """An ISO 8601 date or datetime; a malformed value is a 400 naming the parameter."""

    def __init__(self, *args, param: str, **kwargs):
        self.param = param
        super().__init__(*args, **kwargs)

    def filter(self, queryset, value):
        if value in (None, ""):
            return queryset
        moment = parse_datetime_value(self.param, value)
        return queryset.filter(**{f"{self.field_name}__{self.lookup_expr}": moment})


class YearFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    """``year=2020,2021``: whole years from 1900 to 2100; anything else (an empty item of the
    list, as in ``year=,``, a fraction) is a 400 naming ``year``."""

    def filter(self, queryset, value):
        if value and not all(
            year is not None and year == int(year) and 1900 <= year <= 2100 for year in value
        ):
            raise ParameterError("year", _("year skal være årstal mellem 1900 og 2100."))
        return super().filter(queryset, value)


class Ordering(django_filters.OrderingFilter):
    """``ordering``, with the page id as the tie-breaker, so pages never overlap; with no term
    in it (``ordering=,``) the default order stays, where django-filter's would drop all order."""

    def filter(self, qs, value):
        terms = [self.get_ordering_value(term) for term in value or [] if term]
        return qs.order_by(*terms, "pk") if terms else qs


class KnowledgeFilter(SearchMixin, django_filters.FilterSet):
    partner = MultiValueModelFilter(queryset=Partner.objects.all(), field_name="partner__slug")
    kind = MultiValueChoiceFilter(choices=KnowledgeKind.choices)
    topic = MultiValueModelFilter(
        queryset=Topic.objects.all(), field_name="topics__slug", distinct=True
    )
    audience = MultiValueModelFilter(
        queryset=Audience.objects.all(), field_name="audiences__slug", distinct=True
    )
    year = YearFilter(field_name="year", lookup_expr="in")
    modified_since = DateOrDateTimeFilter(
        param="modified_since", field_name="last_published_at", lookup_expr="gte"
    )
    q = search_filter()
    ordering = Ordering(
        fields=(("year", "year"), ("title", "title"), ("last_published_at", "last_published_at"))
    )


class EventFilter(SearchMixin, django_filters.FilterSet):
    """The events filters of DESIGN.md, shared by ``/api/v1/events/`` and ``/feeds/events.ics``."""

    partner = MultiValueModelFilter(queryset=Partner.objects.all(), field_name="partner__slug")
    type = MultiValueChoiceFilter(field_name="event_type", choices=EventType.choices)
    topic = MultiValueModelFilter(
        queryset=Topic.objects.all(), field_name="topics__slug", distinct=True
    )
    audience = MultiValueModelFilter(
        queryset=Audience.objects.all(), field_name="audiences__slug", distinct=True
    )
    format = MultiValueChoiceFilter(field_name="format", choices=EventFormat.choices)
    status = MultiValueChoiceFilter(field_name="status", choices=EventStatus.choices)
    starts_after = DateOrDateTimeFilter(
        param="starts_after", field_name="first_start", lookup_expr="gte"
    )
    starts_before = DateOrDateTimeFilter(
        param="starts_before", field_name="first_start", lookup_expr="lt"
    )
    # What is still on: a course whose first session has passed but whose last is to come.
    ends_after = DateOrDateTimeFilter(param="ends_after", field_name="last_end", lookup_expr="gte")
    modified_since = DateOrDateTimeFilter(
        param="modified_since", field_name="last_published_at", lookup_expr="gte"
    )
    q = search_filter()
    ordering = Ordering(
        fields=(
            ("first_start", "start"),
            ("title", "title"),
            ("last_published_at", "last_published_at"),
        )
    )
