"""What the webhook admin shows of a receiver's secrets: the signing secret once (after it is
made or renewed), the URL's credentials only in the coordinators' edit form, and the receivers'
answers with anything that looks like a credential masked.

Masked as mature products do it (Stripe, GitHub): ``whsec_••••`` and the last four characters,
``https://•••@host/path?token=•••``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlsplit

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import CreateView, EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button
from wagtail.log_actions import log
from wagtail.permissions import policy_registry

from api.models import WebhookEndpoint, WebhookKind
from api.webhooks.permissions import CoordinatorsManagePolicy, endpoint_policy
from api.webhooks.services import webhook_endpoint_secret_rotate
from home.outbox_admin import confirm_page

MASK = "•••"
SECRET_MASK = "whsec_••••"
ANSWER_LIMIT = 2000
ROTATE_ACTION = "api.webhook.secret_rotate"
SHOW_ONCE_KEY = "webhook_secret_show_once"

# What a receiver may echo back: our own signature headers, a secret, their credentials.
CREDENTIAL_PATTERNS = (
    re.compile(r"whsec_[A-Za-z0-9+/=_-]+"),
    re.compile(r"v1,[A-Za-z0-9+/=]{16,}"),
    re.compile(r"(?i)(authorization[\"']?[ \t]*[:=][ \t]*[\"']?)(?:[^\s\"']+[ \t]+)?[^\s\"']+"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?i)(\w+://)[^/\s:@]*:[^/\s@]*@"),
)


def secret_masked(secret: str) -> str:
    """``whsec_••••`` and the last four characters, enough to tell two secrets apart."""
    return f"{SECRET_MASK}{secret[-4:]}" if secret else "–"


def url_masked(url: str) -> str:
    """The URL without its user and password, and with every query value masked."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return MASK
    netloc = (f"{MASK}@" if "@" in parts.netloc else "") + host + (f":{port}" if port else "")
    masked = f"{parts.scheme}://{netloc}{parts.path}"
    if parts.query:
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        masked += "?" + "&".join(f"{name}={MASK}" for name, _value in pairs) if pairs else MASK
    if parts.fragment:
        masked += f"#{MASK}"
    return masked


def url_credentials(url: str) -> list[str]:
    """The parts of a receiver's URL a log text must not repeat: user, password, query values."""
    try:
        parts = urlsplit(url)
        values = [parts.username or "", parts.password or "", parts.fragment]
    except ValueError:
        return []
    values += [value for _name, value in parse_qsl(parts.query, keep_blank_values=True)]
    return [value for value in values if len(value) >= 4]


def text_redacted(text: str, *, known: Sequence[str] = (), limit: int = ANSWER_LIMIT) -> str:
    """A receiver's answer or an error, cut at ``limit`` characters, credentials masked: the
    ``known`` values (the receiver's secret, its URL's credentials) and anything that looks
    like a secret, a signature or an authorization header."""
    if not text:
        return text
    shortened = len(text) > limit
    text = text[:limit]
    for value in sorted(set(known), key=len, reverse=True):
        if value:
            text = text.replace(value, MASK)
    for pattern in CREDENTIAL_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + MASK, text)
    return text + (" … (forkortet)" if shortened else "")


def endpoint_known_secrets(endpoint: WebhookEndpoint) -> list[str]:
    return [endpoint.secret, *url_credentials(endpoint.url)]


class SecretPanel(Panel):
    """The secret in the receiver's form: masked, with the way to renew it, never a field."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "api/admin/secret_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            if self.instance.pk:
                context["masked"] = secret_masked(self.instance.secret)
                context["rotate_url"] = reverse(
                    "webhook_endpoints:rotate_secret", args=[self.instance.pk]
                )
            return context


def _secret_once(request, endpoint: WebhookEndpoint, *, rotated: bool):
    """After the POST that made the secret, a redirect to the one page that shows it (so a
    reload sends nothing again). The session holds only which receiver may show it, once."""
    request.session[SHOW_ONCE_KEY] = [
        *request.session.get(SHOW_ONCE_KEY, []),
        [endpoint.pk, rotated],
    ]
    return redirect(reverse("webhook_endpoints:secret_once", args=[endpoint.pk]))


def secret_once_view(request, pk: int):
    """The one answer that shows the secret: not cached anywhere, not repeated in a message;
    a second visit sends back to the receiver."""
    endpoint = get_object_or_404(
        policy_registry.get_by_type(WebhookEndpoint).instances_user_has_permission_for(
            request.user, "change"
        ),
        pk=pk,
    )
    pending = request.session.get(SHOW_ONCE_KEY, [])
    entry = next((item for item in pending if item[0] == endpoint.pk), None)
    if entry is None:
        messages.warning(
            request,
            _("Hemmeligheden er allerede vist. Er den mistet, så forny den."),
        )
        return redirect(reverse("webhook_endpoints:edit", args=[endpoint.pk]))
    request.session[SHOW_ONCE_KEY] = [item for item in pending if item[0] != endpoint.pk]
    rotated = bool(entry[1])
    response = TemplateResponse(
        request,
        "api/admin/secret_once.html",
        {
            "object": endpoint,
            "secret": endpoint.secret,
            "rotated": rotated,
            "page_title": _("Hemmelighed fornyet") if rotated else _("Modtager oprettet"),
            "edit_url": reverse("webhook_endpoints:edit", args=[endpoint.pk]),
            "index_url": reverse("webhook_endpoints:index"),
        },
    )
    add_never_cache_headers(response)
    return response


class EndpointCreateView(CreateView):
    """After the save, the answer shows the generated secret once instead of redirecting."""

    def save_action(self):
        if self.expects_json_response:
            return super().save_action()
        return _secret_once(self.request, self.object, rotated=False)


class EndpointEditView(EditView):
    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            Button(
                _("Forny hemmelighed"),
                url=reverse("webhook_endpoints:rotate_secret", args=[self.object.pk]),
                icon_name="key",
                priority=15,
            )
        )
        return buttons


def rotate_secret_view(request, pk: int):
    """GET asks for confirmation; POST makes a new secret, shown once, and the old one stops
    working at once."""
    endpoint_policy = policy_registry.get_by_type(WebhookEndpoint)
    endpoint = get_object_or_404(
        endpoint_policy.instances_user_has_permission_for(request.user, "change"), pk=pk
    )
    if not endpoint_policy.user_has_permission_for_instance(request.user, "change", endpoint):
        raise PermissionDenied
    if request.method == "POST":
        webhook_endpoint_secret_rotate(endpoint_id=endpoint.pk)
        log(instance=endpoint, action=ROTATE_ACTION, user=request.user)
        return _secret_once(request, endpoint, rotated=True)
    if request.method != "GET":
        return redirect(reverse("webhook_endpoints:edit", args=[endpoint.pk]))
    return confirm_page(
        request,
        page_title=_("Forny hemmelighed"),
        icon="key",
        lines=[
            _("Forny hemmeligheden for %(endpoint)s (nu %(masked)s)?")
            % {"endpoint": endpoint, "masked": secret_masked(endpoint.secret)},
            _(
                "Den gamle hemmelighed holder op med at virke med det samme: beskeder, der sendes "
                "fra nu af (også dem, der venter på at blive sendt igen), signeres med den nye, og "
                "modtageren afviser dem, til dens udviklere har fået den nye. Den nye vises én "
                "gang, lige efter."
            ),
        ],
        confirm_label=_("Ja, forny hemmeligheden"),
        back_url=reverse("webhook_endpoints:edit", args=[endpoint.pk]),
    )


class EndpointForm(WagtailAdminModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("hændelser"),
        choices=WebhookKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=True,
        help_text=_("De hændelser, modtageren får besked om."),
    )

    def save(self, commit=True):
        # Switched on again by a coordinator: the reason it was switched off no longer holds.
        if self.instance.active:
            self.instance.disabled_reason = ""
        return super().save(commit=commit)

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.startswith(("https://", "http://")):
            raise forms.ValidationError(_("Adressen skal begynde med https://."))
        return url


class ScopedIndexMixin:
    """An index of the rows ``policy`` lets the user view."""

    policy: CoordinatorsManagePolicy
    request: HttpRequest

    def get_base_queryset(self):
        return self.policy.instances_user_has_permission_for(self.request.user, "view")


class EndpointIndexView(ScopedIndexMixin, IndexView):
    policy = endpoint_policy

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("partner")


class EndpointInspectView(InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            endpoint_policy.instances_user_has_permission_for(self.request.user, "view"),
            pk=self.pk,
        )

    def get_field_display_value(self, field_name, field):
        # The secret was shown once; the URL's user, password and query values only in the form.
        if field_name == "secret":
            return secret_masked(self.object.secret)
        if field_name == "url":
            return url_masked(self.object.url)
        value = super().get_field_display_value(field_name, field)
        if field_name == "kinds":
            labels = dict(WebhookKind.choices)
            return ", ".join(str(labels.get(kind, kind)) for kind in self.object.kinds or [])
        return "–" if value in (None, "") else value


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link-external"
    menu_label = _("Webhook-modtagere")
    url_prefix = "webhooks/modtagere"
    name = "webhook_endpoints"
    index_view_class = EndpointIndexView
    add_view_class = EndpointCreateView
    edit_view_class = EndpointEditView
    inspect_view_class = EndpointInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_filter = ["active", "partner"]
    # Not the URL: a search would tell, letter by letter, the credentials it may carry.
    search_fields = ["name"]
    search_backend_name = None
    list_display = [
        "name",
        Column("url", label=_("adresse"), accessor=lambda endpoint: url_masked(endpoint.url)),
        Column("partner", label=_("partner")),
        BooleanColumn("active", label=_("aktiv")),
        "disabled_reason",
    ]
    # The secret is shown once, after it is made (created or renewed); everywhere else masked.
    inspect_view_fields = [
        "name",
        "url",
        "partner",
        "kinds",
        "active",
        "disabled_reason",
        "secret",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("url"),
            FieldPanel("partner"),
            FieldPanel("kinds"),
            FieldPanel("active"),
            FieldPanel("disabled_reason", read_only=True),
            SecretPanel(),
        ],
        base_form_class=EndpointForm,
    )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("rotate/<int:pk>/", rotate_secret_view, name="rotate_secret"),
            path("secret/<int:pk>/", secret_once_view, name="secret_once"),
        ]
