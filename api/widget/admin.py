"""The widget in the admin, *Arrangementer på jeres websted*: a partner's people build the code
to paste into their own site, choosing the widget's filters, and see it live beneath.

Each editor and moderator builds their own partner's code; coordinators and superusers may
choose any partner (``partners_of_user``, the rule of every partner-scoped admin view). A
partner in the address that the user may not choose is ignored: the code is the user's own
partner's. People in no partner's group are turned away (Wagtail sends them back to the
dashboard) and have no menu item; Wagtail's admin URLs send anyone signed out to the login page.

The code is built here only: the page shows it, and the filters' script fetches it again from
``results/`` as the filters change (``api/static/api/widget/admin-snippet.js``). The preview is
the real ``<videnscenter-events>`` element with the same attributes, loading ``/widget/v1.js``
from this server, so it shows what the API answers anyone: published events only.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urljoin

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from api.pagination import MAX_PAGE_SIZE
from api.widget.assets import widget_loader_url
from events.models import EventFormat, EventType
from home.areas.membership import partners_of_user
from home.models import Audience, Partner, Topic, hosted_event_url_template

ELEMENT = "videnscenter-events"
VIEWS = [("list", _("Liste")), ("calendar", _("Kalender"))]
LANGUAGES = [("da", _("Dansk")), ("en", _("Engelsk"))]
# What the widget does when an attribute is left out: the code leaves it out too.
DEFAULTS = {"view": "list", "lang": "da"}
# The attributes that are the API's filters, which the hosted page takes as its query.
FILTER_ATTRIBUTES = ("partner", "type", "topic", "audience", "format")


class WidgetSnippetForm(forms.Form):
    """The widget's attributes, named as the events API's filters (``page_size`` is the
    attribute ``page-size``)."""

    partner = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=Partner.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=None,
    )
    type = forms.MultipleChoiceField(
        label=_("Type"),
        choices=EventType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    format = forms.MultipleChoiceField(
        # The event's form (physical, online, hybrid); "Form" alone is a web form in Danish.
        label=pgettext_lazy("arrangementets form", "Form"),
        choices=EventFormat.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.ModelMultipleChoiceField(
        label=_("Målgrupper"),
        queryset=Audience.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topic = forms.ModelMultipleChoiceField(
        label=_("Emner"),
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    view = forms.ChoiceField(
        label=_("Visning"),
        choices=VIEWS,
        required=False,
        initial="list",
        widget=forms.RadioSelect,
    )
    page_size = forms.IntegerField(
        label=_("Arrangementer pr. side"),
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        required=False,
        help_text=_("Tomt: widgettens eget antal."),
    )
    lang = forms.ChoiceField(
        label=_("Sprog"),
        choices=LANGUAGES,
        required=False,
        initial="da",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partner"]
        assert isinstance(field, forms.ModelChoiceField)
        # One partner to choose from is no choice: the field is not shown.
        field.widget = forms.Select() if len(partners) > 1 else forms.HiddenInput()
        field.queryset = partners  # after the widget: this gives the widget its choices

    def valid_data(self) -> dict[str, Any]:
        """The fields that are valid (all of them, or none of an unbound form)."""
        self.is_valid()
        return getattr(self, "cleaned_data", {})

    def attributes(self, partner: Partner) -> list[tuple[str, str]]:
        """The element's attributes, from the fields that are valid; defaults left out."""
        data = self.valid_data()
        page_size = data.get("page_size")
        attributes = [
            ("partner", partner.slug),
            ("type", _in_choice_order(data.get("type"), EventType.choices)),
            ("topic", _slugs(data.get("topic"))),
            ("audience", _slugs(data.get("audience"))),
            ("format", _in_choice_order(data.get("format"), EventFormat.choices)),
            ("view", data.get("view") or ""),
            ("page-size", str(page_size) if page_size else ""),
            ("lang", data.get("lang") or ""),
        ]
        return [
            (name, value) for name, value in attributes if value and value != DEFAULTS.get(name)
        ]


def _in_choice_order(values: list[str] | None, choices: list[tuple[str, Any]]) -> str:
    """Several values, comma-separated as the API reads them, in the choices' order."""
    return ",".join(value for value, _label in choices if value in (values or ()))


def _slugs(terms: QuerySet[Topic] | QuerySet[Audience] | None) -> str:
    """Terms by their slugs, in the order their queryset comes in (by name)."""
    return ",".join(term.slug for term in terms) if terms else ""


def hosted_page_url(attributes: list[tuple[str, str]]) -> str:
    """The centre's own page with the same events: the filters as its query."""
    query = urlencode([(n, v) for n, v in attributes if n in FILTER_ATTRIBUTES], safe=",")
    return f"{settings.BASE_URL}{reverse('events_page:list')}?{query}"


def widget_element(attributes: list[tuple[str, str]], *, partner: Partner) -> SafeString:
    """The element; its child, a link to the hosted page, is what a browser without
    JavaScript shows."""
    name = partner.short_name or partner.name
    if dict(attributes).get("lang") == "en":
        text = f"See {name}’s events"
    else:
        text = f"Se {name}{'’' if name[-1:] in 'sxz' else 's'} arrangementer"
    return format_html(
        '<{}{}>\n  <a href="{}">{}</a>\n</{}>',
        ELEMENT,
        format_html_join("", ' {}="{}"', attributes),
        hosted_page_url(attributes),
        text,
        ELEMENT,
    )


def widget_snippet(element: SafeString) -> str:
    """The code a partner pastes: the loader from this system's public address, and the
    element. Text, not HTML: the page escapes it into its text field."""
    return f'<script type="module" src="{escape(widget_loader_url())}"></script>\n{element}'


def _own_partner(user: Any, partners: QuerySet[Partner]) -> Partner:
    """The partner whose groups the user is in, of those they may choose; a superuser in none:
    the first."""
    groups = user.groups.all()
    own = partners.filter(Q(editors_group__in=groups) | Q(moderators_group__in=groups)).first()
    first = own or partners.first()
    assert first is not None
    return first


class WidgetSnippetView(WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Arrangementer på jeres websted")
    header_icon = "code"
    template_name = "api/widget/admin/snippet.html"
    results_template_name = "api/widget/admin/snippet_results.html"
    results_only = False

    def get_template_names(self) -> list[str]:
        return [self.results_template_name if self.results_only else self.template_name]

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        request: HttpRequest = self.request
        partners = partners_of_user(request.user).order_by("name")
        if not partners.exists():
            raise PermissionDenied
        own = _own_partner(request.user, partners)
        data = request.GET.copy() if request.GET else None
        # A partner the user may not choose (or none) is their own: the form then shows theirs,
        # not what the address named.
        if data is not None and data.get("partner") not in {p.slug for p in partners}:
            data.setlist("partner", [own.slug])
        form = WidgetSnippetForm(data, initial={"partner": own.slug}, partners=partners)
        partner = form.valid_data().get("partner") or own
        attributes = form.attributes(partner)
        element = widget_element(attributes, partner=partner)
        context = super().get_context_data(**kwargs)
        context.update(
            form=form,
            partner=partner,
            element=element,
            snippet=widget_snippet(element),
            hosted_url=hosted_page_url([("partner", partner.slug)]),
            links_to_hosted_page=partner.event_url_template in ("", hosted_event_url_template()),
            hosted_event_url=hosted_event_url_template(),
            example_event_url=urljoin(
                partner.website or "https://www.jeres-websted.dk/",
                "arrangementer/#arrangement-{id}",
            ),
            partner_edit_url=(
                reverse("wagtailsnippets_home_partner:edit", args=[partner.pk])
                if request.user.has_perm("home.change_partner")
                else ""
            ),
            index_url=reverse("widget_admin:index"),
            results_url=reverse("widget_admin:results"),
        )
        return context


class WidgetMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return partners_of_user(request.user).exists()


def menu_item() -> MenuItem:
    return WidgetMenuItem(
        _("Widget"), reverse("widget_admin:index"), name="widget", icon_name="code", order=340
    )


def urlpatterns() -> list:
    return [
        path("", WidgetSnippetView.as_view(), name="index"),
        path("results/", WidgetSnippetView.as_view(results_only=True), name="results"),
    ]
