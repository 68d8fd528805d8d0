"""The admin form of an event: validates the page together with its sessions and questions."""

from __future__ import annotations

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.panels import InlinePanel

from events.models.questions import EventQuestion, RegistrationAnswer, questions_check
from home.areas.rules import pages_in_area, visible_pages_q
from home.forms import PartnerMediaFormMixin
from home.models import KnowledgePage

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
        self._check_questions()
        evaluation_keys_check(self.formsets.get("evaluation_questions"))
        return cleaned_data

    def _check_questions(self) -> None:
        """The questions together: keys unique, conditions on earlier questions, and no key
        changed or option removed that answers use. Each problem is shown at its question."""
        formset = self.formsets.get("questions")
        if formset is None:
            return
        formset.errors  # noqa: B018 - validates (and completes the keys of) every question
        submitted = sorted(
            (
                form
                for form in formset.forms
                if (form.has_changed() or form in formset.initial_forms)
                and not (formset.can_delete and form.cleaned_data.get("DELETE"))
            ),
            key=lambda form: form.cleaned_data.get("ORDER") or 0,
        )
        if any(form.errors for form in submitted):
            return  # each question's own messages first
        page_id = self.instance.pk
        initial_keys: dict[int, str] = {}
        in_use: dict[str, set] = {}
        if page_id:
            initial_keys = dict(
                EventQuestion.objects.filter(page_id=page_id).values_list("pk", "key")
            )
            in_use = RegistrationAnswer.objects.values_in_use(page_id)
        problems = questions_check(
            [form.instance for form in submitted], initial_keys=initial_keys, in_use=in_use
        )
        for index, fields in problems.items():
            for field, messages in fields.items():
                for message in messages:
                    submitted[index].add_error(field, message)


def evaluation_keys_check(formset) -> None:
    """An evaluation form's keys are unique: the report gathers answers by key."""
    if formset is None:
        return
    formset.errors  # noqa: B018 - validates (and completes the keys of) every question
    seen: set[str] = set()
    for form in sorted(formset.forms, key=lambda form: form.cleaned_data.get("ORDER") or 0):
        if form.errors or not (form.has_changed() or form in formset.initial_forms):
            continue
        if formset.can_delete and form.cleaned_data.get("DELETE"):
            continue
        key = form.instance.key
        if key in seen:
            form.add_error("key", f"Nøgle: “{key}” bruges af et andet spørgsmål.")
        seen.add(key)


class EvaluationDefaultsForm(WagtailAdminModelForm):
    """The centre's default evaluation form: its keys unique, as an event's."""

    def clean(self):
        cleaned_data = super().clean()
        evaluation_keys_check(self.formsets.get("questions"))
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
            if not type(self.instance).objects.filter(uuid=drafted).exists():
                self.instance.uuid = drafted
        return cleaned_data


class SessionInlinePanel(InlinePanel):
    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = EventSessionForm
        return options


class RelatedKnowledgeFormMixin:
    """ "Relateret viden" offers the knowledge pages the user may see: their own area's, drafts
    included, by the title they edit; other partners' only when live and public, by their live
    title. Django's default select lists every knowledge page by its draft title.

    A link the user cannot see (another partner's page that has since become a draft or
    private, linked by a coordinator) is neither shown nor dropped: saving keeps it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._hidden_knowledge: list[int] = []
        field = self.fields.get("related_knowledge")
        user = getattr(self, "for_user", None)
        if field is None or user is None:
            return

        area = set(pages_in_area(user).type(KnowledgePage).values_list("pk", flat=True))
        field.queryset = KnowledgePage.objects.filter(visible_pages_q(user)).order_by("path")
        field.label_from_instance = lambda page: (
            (page.draft_title or page.title) if page.pk in area else page.title
        )
        linked = [page.pk for page in self.instance.related_knowledge.all()]
        if linked:
            visible = set(field.queryset.filter(pk__in=linked).values_list("pk", flat=True))
            self._hidden_knowledge = [pk for pk in linked if pk not in visible]

    def save(self, *args, **kwargs):
        chosen = self.cleaned_data.get("related_knowledge")
        if self._hidden_knowledge and chosen is not None:
            ids = [page.pk for page in chosen] + self._hidden_knowledge
            self.cleaned_data["related_knowledge"] = KnowledgePage.objects.filter(pk__in=ids)
        return super().save(*args, **kwargs)


class EventPageAdminForm(PartnerMediaFormMixin, RelatedKnowledgeFormMixin, EventPageForm):
    """The event form (page and sessions together) that takes media and linked pages only from
    what the editor may see (``EventPage.base_form_class``)."""
