"""The admin form of an event: validates the page together with its sessions."""

from __future__ import annotations

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.panels import InlinePanel

# Handed to EventPage.clean when a session form has its own errors: the schedule as a whole
# cannot be judged yet, and the session's own messages say what to fix.
SKIP_SCHEDULE_CHECKS = "skip"


class EventPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        formset = self.formsets.get("sessions")
        if formset is not None:
            # While the form validates, the page's relation still holds the saved sessions;
            # EventPage.clean must judge the submitted ones.
            formset.errors  # noqa: B018 - validates every session form
            submitted = [
                form
                for form in formset.forms
                if (form.has_changed() or form in formset.initial_forms)
                and not (formset.can_delete and form.cleaned_data.get("DELETE"))
            ]
            if any(form.errors for form in submitted):
                self.instance._submitted_sessions = SKIP_SCHEDULE_CHECKS
            else:
                self.instance._submitted_sessions = [form.instance for form in submitted]
        return cleaned_data


class EventSessionForm(WagtailAdminModelForm):
    """Carries a drafted session's uuid through the browser.

    A session added in a draft has no row yet, so the formset cannot find it again by id; without
    this, each draft save would mint it a new uuid. Only a uuid that no row has is accepted.
    """

    session_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session_uuid"].initial = self.instance.uuid

    def clean(self):
        cleaned_data = super().clean()
        drafted = cleaned_data.get("session_uuid")
        if drafted and self.instance.pk is None:
            from events.models import EventSession

            if not EventSession.objects.filter(uuid=drafted).exists():
                self.instance.uuid = drafted
        return cleaned_data


class SessionInlinePanel(InlinePanel):
    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = EventSessionForm
        return options
