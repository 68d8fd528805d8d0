"""Bulk actions on registrations and applications, on Wagtail's bulk action framework.

Each action takes its step through a service in ``events.services``, item by item, so one
item that cannot be acted on (an application the manager has not confirmed, a full event)
is reported in Danish and the others go ahead. Only registrations the registration policy
lets the user act on are ever loaded: ids of another partner's registrations, however they
got into the URL, are counted as refused and never named.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail.admin.views.bulk_action import BulkAction

from events import services
from events.errors import EventsError
from events.models import CancelReason, Participation, Registration, RegistrationStatus
from events.registration_admin import RegistrationFilterSet, registration_policy


def _name(registration: Registration) -> str:
    return registration.name or str(_("(anonymiseret)"))


class RegistrationBulkAction(BulkAction):
    """One step for many registrations; ``permission`` is the policy's action it needs."""

    models = [Registration]
    template_name = "events/admin/bulk_actions/confirm.html"
    permission = ""
    question = ""
    # ngettext_lazy(singular, plural, "count"): what was done, for the success message.
    success_message = None

    def dispatch(self, request, *args, **kwargs):
        if not registration_policy.user_has_permission(request.user, self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    # --- which registrations -------------------------------------------------------------

    def _allowed(self) -> QuerySet[Registration]:
        return registration_policy.instances_user_has_permission_for(
            self.request.user, self.permission
        ).select_related("event")

    def _listing(self, allowed: QuerySet[Registration]) -> QuerySet[Registration]:
        """ "Select all in listing": the listing's own filters and search, within the policy."""
        participation = (
            Participation.STAFF_GROUP
            if urlsplit(self.next_url).path.startswith("/admin/applications/")
            else Participation.INDIVIDUAL
        )
        queryset = RegistrationFilterSet(
            self.request.GET, queryset=allowed, request=self.request
        ).qs.filter(event__participation=participation)
        if query := self.request.GET.get("q", "").strip():
            queryset = queryset.filter(
                Q(name__icontains=query) | Q(email__icontains=query) | Q(workplace__icontains=query)
            )
        return queryset

    def get_actionable_objects(self):
        ids = self.request.GET.getlist("id")
        allowed = self._allowed()
        if "all" in ids:
            return list(self._listing(allowed)), {"items_with_no_access": 0}
        ids = {value for value in ids if value.isdigit()}
        objects = list(allowed.filter(pk__in=ids).order_by("event__first_start", "name", "pk"))
        return objects, {"items_with_no_access": len(ids) - len(objects)}

    def object_context(self, obj):
        return {"item": obj, "name": _name(obj)}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "page_title": self.display_name,
            "question": self.question,
            "label": self.display_name,
        }

    # --- the step ------------------------------------------------------------------------

    def get_execution_context(self):
        return {"action": self}

    def act(self, registration: Registration) -> None:
        raise NotImplementedError

    def get_success_message(self, num_parent_objects, num_child_objects):
        if not num_parent_objects:
            return None
        return self.success_message % {"count": num_parent_objects}

    @classmethod
    def execute_action(cls, objects, action=None, **kwargs):
        done = 0
        for registration in objects:
            try:
                action.act(registration)
            except EventsError as error:
                messages.error(
                    action.request,
                    _("%(name)s: %(message)s")
                    % {"name": _name(registration), "message": error.message},
                )
            else:
                done += 1
        return done, 0


class ApproveBulkAction(RegistrationBulkAction):
    display_name = _("Godkend")
    action_type = "approve"
    aria_label = _("Godkend de valgte ansøgninger")
    action_priority = 10
    permission = "approve"
    question = _("Godkend disse ansøgninger? Hver godkendes kun, hvis deltagerne kan være der.")

    success_message = ngettext_lazy(
        "%(count)d ansøgning godkendt.",
        "%(count)d ansøgninger godkendt.",
        "count",
    )

    def act(self, registration):
        services.application_approve(registration=registration, by=self.request.user)


class DeclineBulkAction(RegistrationBulkAction):
    display_name = _("Afvis")
    action_type = "decline"
    aria_label = _("Afvis de valgte ansøgninger")
    action_priority = 20
    classes = {"serious"}
    permission = "decline"
    question = _("Afvis disse ansøgninger? Kontaktpersonerne får besked.")

    success_message = ngettext_lazy(
        "%(count)d ansøgning afvist.",
        "%(count)d ansøgninger afvist.",
        "count",
    )

    def act(self, registration):
        services.application_decline(registration=registration, by=self.request.user)


class CancelBulkAction(RegistrationBulkAction):
    display_name = _("Annullér")
    action_type = "cancel"
    aria_label = _("Annullér de valgte tilmeldinger")
    action_priority = 30
    classes = {"serious"}
    permission = "cancel"
    question = _(
        "Annullér disse tilmeldinger? Deltagerne får besked, og ledige pladser går til de "
        "første på ventelisten."
    )

    success_message = ngettext_lazy(
        "%(count)d tilmelding annulleret.",
        "%(count)d tilmeldinger annulleret.",
        "count",
    )

    def act(self, registration):
        if registration.status == RegistrationStatus.CANCELLED:
            raise EventsError("already_cancelled")
        services.registration_cancel(registration=registration, reason=CancelReason.ORGANISER)


class AttendedBulkAction(RegistrationBulkAction):
    display_name = _("Registrér fremmøde")
    action_type = "attended"
    aria_label = _("Registrér, at de valgte mødte op")
    action_priority = 40
    permission = "attend"
    attended: bool | None = True
    question = _("Registrér, at disse deltagere mødte op?")

    success_message = ngettext_lazy(
        "Fremmøde registreret for %(count)d tilmelding.",
        "Fremmøde registreret for %(count)d tilmeldinger.",
        "count",
    )

    def act(self, registration):
        services.registration_attendance_set(
            registration=registration, attended=self.attended, by=self.request.user
        )


class NotAttendedBulkAction(AttendedBulkAction):
    display_name = _("Mødte ikke op")
    action_type = "not_attended"
    aria_label = _("Registrér, at de valgte ikke mødte op")
    action_priority = 50
    attended = False
    question = _("Registrér, at disse deltagere ikke mødte op?")

    success_message = ngettext_lazy(
        "Udeblivelse registreret for %(count)d tilmelding.",
        "Udeblivelse registreret for %(count)d tilmeldinger.",
        "count",
    )


BULK_ACTIONS = (
    ApproveBulkAction,
    DeclineBulkAction,
    CancelBulkAction,
    AttendedBulkAction,
    NotAttendedBulkAction,
)
