"""The admin of webinar accounts: a partner's moderators set up their partner's Zoom or Teams
account, the coordinators anyone's. Secrets are write-only: a password field that never shows
the stored value (blank keeps it), never in the list, never in an inspect view."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from events.models import WebinarAccount, WebinarPlatform
from events.webinars.selectors import account_partners, account_policy
from events.webinars.services import webinar_account_save

FIELD_LIMIT = 200


class SecretInput(forms.PasswordInput):
    """Never renders a value, whatever was stored or submitted."""

    def __init__(self, attrs=None) -> None:
        super().__init__(
            attrs={"autocomplete": "new-password", **(attrs or {})}, render_value=False
        )


class WebinarAccountForm(WagtailAdminModelForm):
    instance: WebinarAccount

    client_secret = forms.CharField(
        label=_("client secret"),
        required=False,
        max_length=FIELD_LIMIT,
        strip=True,
        widget=SecretInput(),
        help_text=_("Vises aldrig igen. Lad feltet stå tomt for at beholde den gemte."),
    )
    webhook_secret = forms.CharField(
        label=_("webhook secret token (Zoom)"),
        required=False,
        max_length=FIELD_LIMIT,
        strip=True,
        widget=SecretInput(),
        help_text=_("Kun Zoom. Vises aldrig igen. Tom: behold den gemte."),
    )

    class Meta:
        model = WebinarAccount
        fields = ["partner", "platform", "account_id", "tenant_id", "client_id", "organizer"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "partner" in self.fields:
            self.fields["partner"].queryset = account_partners(self.for_user)
        if self.instance.pk:
            # An account stays its partner's, on its platform: another one is added, not
            # made by editing this one (it would have no secret).
            for name in ("partner", "platform"):
                if name in self.fields:
                    self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        platform = cleaned.get("platform")
        errors: dict[str, Any] = {}

        def need(name: str, label: Any) -> None:
            if not (cleaned.get(name) or "").strip():
                errors[name] = _("%(label)s: skal udfyldes.") % {"label": label}

        need("client_id", "Client ID")
        if platform == WebinarPlatform.ZOOM:
            need("account_id", "Account ID")
        elif platform == WebinarPlatform.TEAMS:
            need("tenant_id", "Tenant")
            need("organizer", _("Organisator"))
        if not self.instance.has_client_secret:
            need("client_secret", "Client secret")
        partner = cleaned.get("partner")
        if (
            not self.instance.pk
            and partner is not None
            and platform
            and WebinarAccount.objects.filter(partner=partner, platform=platform).exists()
        ):
            errors["platform"] = _(
                "%(partner)s har allerede en konto på %(platform)s. Ret den i listen over "
                "webinarkonti i stedet for at oprette en ny."
            ) % {"partner": partner, "platform": WebinarPlatform(platform).label}
        for name in ("account_id", "tenant_id", "client_id", "organizer"):
            value = cleaned.get(name) or ""
            if any(ch in value for ch in "\x00\r\n/?#") and name != "organizer":
                errors[name] = _("Feltet indeholder ugyldige tegn.")
            elif "\x00" in value or "\n" in value:
                errors[name] = _("Feltet indeholder ugyldige tegn.")
        for name, message in errors.items():
            self.add_error(name, message)
        return cleaned

    def save(self, commit: bool = True) -> WebinarAccount:
        data = self.cleaned_data
        edited = self.instance if self.instance.pk else None
        account = webinar_account_save(
            partner=edited.partner if edited else data["partner"],
            platform=edited.platform if edited else data["platform"],
            client_id=data["client_id"].strip(),
            account_id=(data.get("account_id") or "").strip(),
            tenant_id=(data.get("tenant_id") or "").strip(),
            organizer=(data.get("organizer") or "").strip(),
            client_secret=data.get("client_secret") or "",
            webhook_secret=data.get("webhook_secret") or "",
        )
        self.instance = account
        return account


class ScopedMixin:
    request: HttpRequest
    kwargs: dict[str, Any]
    pk_url_kwarg: str

    def get_object(self, queryset=None):
        pk = unquote(str(self.kwargs[self.pk_url_kwarg]))
        if not pk.isdigit() or len(pk) > 18:
            raise Http404
        return get_object_or_404(
            account_policy.instances_user_has_permission_for(self.request.user, "change"),
            pk=int(pk),
        )


class AccountIndexView(IndexView):
    def get_base_queryset(self):
        return account_policy.instances_user_has_permission_for(
            self.request.user, "view"
        ).select_related("partner")


class AccountCreateView(CreateView):
    pass


class AccountEditView(ScopedMixin, EditView):
    pass


class AccountDeleteView(ScopedMixin, DeleteView):
    pass


class WebinarAccountViewSet(ModelViewSet):
    model = WebinarAccount
    permission_policy = account_policy
    icon = "key"
    menu_label = _("Webinarkonti")
    url_prefix = "webinarkonti"
    name = "webinar_accounts"
    add_to_settings_menu = True
    index_view_class = AccountIndexView
    add_view_class = AccountCreateView
    edit_view_class = AccountEditView
    delete_view_class = AccountDeleteView
    inspect_view_enabled = False
    copy_view_enabled = False
    search_fields = None
    list_display = [
        Column("partner", label=_("partner")),
        Column("platform", label=_("platform"), accessor="get_platform_display"),
        Column("client_id", label=_("client ID")),
        BooleanColumn("has_client_secret", label=_("secret gemt")),
        BooleanColumn("has_webhook_secret", label=_("webhook-secret gemt")),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("partner"),
            FieldPanel("platform"),
            MultiFieldPanel(
                [FieldPanel("account_id"), FieldPanel("webhook_secret")], heading=_("Zoom")
            ),
            MultiFieldPanel(
                [FieldPanel("tenant_id"), FieldPanel("organizer")], heading=_("Microsoft Teams")
            ),
            FieldPanel("client_id"),
            FieldPanel("client_secret"),
        ],
        base_form_class=WebinarAccountForm,
    )


webinar_account_viewset = WebinarAccountViewSet()


def register_policies() -> None:
    register_permission_policy(WebinarAccount, account_policy)
