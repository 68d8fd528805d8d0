"""Bulk actions on registrations and applications, on Wagtail's bulk action framework.

Each action takes its step through a service in ``events.registrations.services``, item by
item, so one item that cannot be acted on (an application the manager has not confirmed, a full
event) is reported in Danish and the others go ahead. Only registrations the registration policy
lets the user act on are ever loaded: ids of another partner's registrations, however they
got into the URL, are counted as refused and never named.

"Select all in listing" (``id=all``) carries the listing's filters in the query string. A filter
that cannot be applied exactly as the listing would (another partner's or an unknown event, an
unknown status, a malformed date, a parameter the listing does not have, a listing that is not
one of the two) fails closed: the confirmation page names the problem in Danish, with no
button, and a POST does nothing; both answer 400.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_filters.widgets import SuffixedMultiWidget
from wagtail.admin.views.bulk_action import BulkAction

from events.errors import EventsError
from events.models import CancelReason, Participation, Registration, RegistrationStatus
from events.registrations.admin import RegistrationFilterSet, registration_policy
from events.registrations.admin_actions import CancelForm
from events.registrations.applications import application_approve, application_decline
from events.registrations.services import registration_attendance_set, registration_cancel

# What the listing's URL carries besides its filters (Wagtail's page number, ordering and
# search, and the bulk action's own); none of them widens the selection.
LISTING_PARAMETERS = frozenset({"id", "next", "childOf", "p", "ordering", "q"})
LISTINGS = {
    "registrations:index": Participation.INDIVIDUAL,
    "applications:index": Participation.STAFF_GROUP,
}


def _name(registration: Registration) -> str:
    return registration.name or str(_("(anonymiseret)"))


def _parameter_names(name: str, field) -> list[str]:
    """The query-string names of one filter's form field (a date range has two)."""
    widget = field.widget
    if isinstance(widget, SuffixedMultiWidget):
        return [widget.suffixed(name, suffix) for suffix in widget.suffixes]
    return [name]


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
        if self.selection_errors:
            # Nothing is loaded or done, on GET or POST: the page says why, with no button.
            return self.render_to_response(self.get_context_data(), status=400)
        return super().dispatch(request, *args, **kwargs)

    # --- which registrations -------------------------------------------------------------

    def _allowed(self) -> QuerySet[Registration]:
        return registration_policy.instances_user_has_permission_for(
            self.request.user, self.permission
        ).select_related("event")

    @property
    def selects_all(self) -> bool:
        return "all" in self.request.GET.getlist("id")

    @cached_property
    def participation(self) -> str | None:
        """Which listing "select all" was pressed in, from its ``next`` URL; None if neither."""
        path = urlsplit(self.next_url).path
        for url_name, participation in LISTINGS.items():
            if path == reverse(url_name):
                return participation
        return None

    @cached_property
    def filterset(self) -> RegistrationFilterSet:
        return RegistrationFilterSet(
            self.request.GET, queryset=self._allowed(), request=self.request
        )

    @cached_property
    def selection_errors(self) -> list[str]:
        """Why "select all" cannot be narrowed as the listing was, in Danish; [] if it can."""
        if not self.selects_all:
            return []
        errors = []
        if self.participation is None:
            errors.append(_("Det fremgår ikke, hvilken liste der er valgt alt i."))
        form = self.filterset.form
        known = set(LISTING_PARAMETERS)
        for name, field in form.fields.items():
            for parameter in _parameter_names(name, field):
                known.add(parameter)
                if len(self.request.GET.getlist(parameter)) > 1:
                    errors.append(
                        _("Filteret „%(filter)s“ er angivet mere end én gang.")
                        % {"filter": field.label}
                    )
        for parameter in sorted(set(self.request.GET) - known):
            errors.append(_("Listen har ikke filteret „%(filter)s“.") % {"filter": parameter})
        if not form.is_valid():
            for name, messages_ in form.errors.items():
                label = form.fields[name].label if name in form.fields else name
                errors.append(
                    _("Filteret „%(filter)s“ kan ikke bruges: %(problem)s")
                    % {"filter": label, "problem": " ".join(messages_)}
                )
        return errors

    def _listing(self) -> QuerySet[Registration]:
        """ "Select all in listing": the listing's own filters and search, within the policy.
        Only called once ``selection_errors`` is empty, so every filter is applied."""
        queryset = self.filterset.qs.filter(event__participation=self.participation)
        if query := self.request.GET.get("q", "").strip():
            queryset = queryset.filter(
                Q(name__icontains=query) | Q(email__icontains=query) | Q(workplace__icontains=query)
            )
        return queryset

    def get_actionable_objects(self):
        if self.selection_errors:
            return [], {"items_with_no_access": 0}
        if self.selects_all:
            return list(self._listing()), {"items_with_no_access": 0}
        ids = {
            value for value in self.request.GET.getlist("id") if value.isascii() and value.isdigit()
        }
        objects = list(
            self._allowed().filter(pk__in=ids).order_by("event__first_start", "name", "pk")
        )
        return objects, {"items_with_no_access": len(ids) - len(objects)}

    def object_context(self, obj):
        return {"item": obj, "name": _name(obj)}

    def form_invalid(self, form):
        # Nothing is done; the page asks again, naming what is missing.
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "page_title": self.display_name,
            "question": self.question,
            "label": self.display_name,
            "selection_errors": self.selection_errors,
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
        application_approve(registration=registration, by=self.request.user)


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
        application_decline(registration=registration, by=self.request.user)


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
    # The moderator's reason, the same for every registration, in each registrant's email.
    form_class = CancelForm

    def act(self, registration):
        if registration.status == RegistrationStatus.CANCELLED:
            raise EventsError("already_cancelled")
        registration_cancel(
            registration=registration,
            reason=CancelReason.ORGANISER,
            explanation=self.cleaned_form.cleaned_data["reason"],
        )


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
        registration_attendance_set(
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
