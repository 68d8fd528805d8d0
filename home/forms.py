"""The admin form every page type is edited with: media only from collections the editor may use.

Wagtail's choosers offer an editor only the images and documents of collections they may choose
from (their own partner's and *Fælles*), but the form takes any id it is sent, and whatever a
published page references is public through the API. So the form checks every reference a page
makes (foreign keys, StreamField blocks, rich-text image embeds and document links, inline
panels) against the editing user's ``choose`` permission, the same rule the choosers apply.
Model ``clean()`` cannot do it: it does not know the user; the admin form does (``for_user``).

Pages are checked alike: a rich-text page link, a page chooser block or a page foreign key may
point only at a page of the user's own area or a live, public one (``visible_pages_q``); the
editor's contentstate of a link would otherwise carry the page's URL back to them. Rich text is
also read as it was posted (Draftail's contentstate): the converter to HTML silently deletes an
entity the field has no feature for, link text and all, so the refusal would never see it.

Only references new in this save are refused: one whose target the page's latest revision (or,
without one, its saved row) already names is kept, so another partner unpublishing or closing a
page the editor once linked to does not stop them saving their own page. The editor learns
nothing new by it: their contentstate already hides such a page's address
(``home.areas.rich_text_editor``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel, get_all_child_relations
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import StreamValue
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.permissions import policy_registry
from wagtail.rich_text import RichText, extract_references_from_rich_text

from home.areas.rules import visible_pages_q

# The id is the one the editor sent; the image's title and owner are not theirs to learn.
MESSAGES = {
    "image": _(
        "Billede nr. %(ids)s ligger ikke i en samling, du må bruge. Vælg et billede fra din "
        "partners samling eller fra Fælles."
    ),
    "document": _(
        "Dokument nr. %(ids)s ligger ikke i en samling, du må bruge. Vælg et dokument fra din "
        "partners samling eller fra Fælles."
    ),
    "page": _(
        "Side nr. %(ids)s er ikke offentliggjort, eller den ligger uden for dit område. Link "
        "kun til en offentliggjort side eller en side fra din partner."
    ),
}


def _media_kinds() -> dict[type[Model], tuple[str, Any]]:
    image_model, document_model = get_image_model(), get_document_model()
    return {
        image_model: ("image", policy_registry.get_by_type(image_model)),
        document_model: ("document", policy_registry.get_by_type(document_model)),
    }


def _references(value: Any, model_field: Any = None) -> Iterator[tuple[type[Model], str]]:
    """(model, id) of every object a cleaned form value points at."""
    if isinstance(value, Model):
        yield type(value), str(value.pk)
    elif isinstance(value, StreamValue):
        for model, pk, _path, _content_path in value.stream_block.extract_references(value):
            yield model, str(pk)
    elif isinstance(value, RichText) or isinstance(model_field, RichTextField):
        source = value.source if isinstance(value, RichText) else value
        for model, pk, _path, _content_path in extract_references_from_rich_text(source or ""):
            yield model, str(pk)
    elif isinstance(value, Iterable) and not isinstance(value, str | bytes | dict):
        for item in value:
            if isinstance(item, Model):
                yield type(item), str(item.pk)


def refused_media(user, references: Iterable[tuple[type[Model], str]]) -> dict[str, list[str]]:
    """The ids, per kind ("image", "document"), that ``user`` may not choose.

    An id that names nothing is refused alike, so the answer never tells whether another
    partner's image exists.
    """
    kinds = _media_kinds()
    wanted: dict[type[Model], set[str]] = {}
    for model, pk in references:
        for media_model in kinds:
            if issubclass(model, media_model):
                wanted.setdefault(media_model, set()).add(pk)
    refused: dict[str, list[str]] = {}
    for media_model, ids in wanted.items():
        kind, policy = kinds[media_model]
        numeric = {pk for pk in ids if pk.isascii() and pk.isdigit()}
        allowed = {
            str(pk)
            for pk in policy.instances_user_has_any_permission_for(user, ["choose"])
            .filter(pk__in=numeric)
            .values_list("pk", flat=True)
        }
        if ids - allowed:
            refused[kind] = sorted(ids - allowed, key=lambda pk: (len(pk), pk))
    return refused


def refused_pages(user, references: Iterable[tuple[type[Model], str]]) -> list[str]:
    """The page ids ``user`` may not link to: neither in their area nor live and public. An id
    that names nothing is refused alike."""

    ids = {pk for model, pk in references if issubclass(model, Page)}
    if not ids:
        return []
    numeric = {pk for pk in ids if pk.isascii() and pk.isdigit() and len(pk) < 19}
    allowed = {
        str(pk)
        for pk in Page.objects.filter(visible_pages_q(user), pk__in=numeric).values_list(
            "pk", flat=True
        )
    }
    return sorted(ids - allowed, key=lambda pk: (len(pk), pk))


def _entity_models() -> dict[str, type[Model]]:
    return {"IMAGE": get_image_model(), "DOCUMENT": get_document_model(), "LINK": Page}


def _deleted(data, key: str) -> bool:
    """Whether ``key`` lies in a StreamField or list child the editor deleted."""
    parts = key.split("-")
    return any(data.get("-".join(parts[:i]) + "-deleted") for i in range(1, len(parts)))


def _posted_references(form: forms.BaseForm, name: str) -> Iterator[tuple[type[Model], str]]:
    """(model, id) of every image, document and page entity in Draftail contentstate posted
    for field ``name`` (itself or any block inside it)."""
    data = getattr(form, "data", None)
    if not data:
        return
    html_name = form.add_prefix(name)
    models = _entity_models()
    for key in data:
        if (key != html_name and not key.startswith(html_name + "-")) or _deleted(data, key):
            continue
        values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
        for raw in values:
            if not isinstance(raw, str) or "entityMap" not in raw:
                continue
            try:
                state = json.loads(raw)
            except ValueError:
                continue
            entities = state.get("entityMap") if isinstance(state, dict) else None
            if not isinstance(entities, dict):
                continue
            for entity in entities.values():
                if not isinstance(entity, dict) or not isinstance(entity.get("data"), dict):
                    continue
                model, pk = models.get(entity.get("type")), entity["data"].get("id")
                if model is not None and isinstance(pk, int | str) and not isinstance(pk, bool):
                    yield model, str(pk)


def _kind(model: type[Model]) -> str | None:
    if issubclass(model, Page):
        return "page"
    for media_model, (kind, _policy) in _media_kinds().items():
        if issubclass(model, media_model):
            return kind
    return None


def _object_references(obj: Model) -> Iterator[tuple[type[Model], str]]:
    """(model, id) of every object ``obj`` and its child objects (inline panels) point at."""
    for field in obj._meta.concrete_fields:
        if field.primary_key or isinstance(field, ParentalKey):
            continue
        if field.is_relation:  # the id alone: the target may since have been deleted
            if field.many_to_one and (pk := field.value_from_object(obj)) is not None:
                yield field.related_model, str(pk)
            continue
        value = getattr(obj, field.name, None)
        if value not in (None, ""):
            yield from _references(value, field)
    for field in obj._meta.many_to_many:  # ParentalManyToManyField: the revision's own values
        yield from _references(getattr(obj, field.name).all(), field)
    if isinstance(obj, ClusterableModel):
        for relation in get_all_child_relations(obj):
            for child in getattr(obj, relation.get_accessor_name()).all():
                yield from _object_references(child)


def existing_references(instance: Model | None) -> set[tuple[str | None, str]]:
    """(kind, id) of every reference the saved page already makes: its latest revision's, or
    its row's when it has no revision; nothing for a page not yet saved."""
    if instance is None or instance.pk is None:
        return set()
    revision = instance.get_latest_revision() if isinstance(instance, Page) else None
    if revision is not None:
        saved = revision.as_object()
    else:
        saved = type(instance)._default_manager.filter(pk=instance.pk).first()
    if saved is None:
        return set()
    return {(_kind(model), pk) for model, pk in _object_references(saved)}


class PartnerMediaFormMixin:
    """Refuses, on the field that holds it, any image or document the user may not choose."""

    def clean(self):
        cleaned_data = super().clean()
        user = getattr(self, "for_user", None)
        if user is None:
            return cleaned_data
        existing = existing_references(getattr(self, "instance", None))
        _refuse_foreign_media(self, user, existing)
        for formset in getattr(self, "formsets", {}).values():
            formset.errors  # noqa: B018 - cleans every child form, so it has cleaned_data
            for child in formset.forms:
                if getattr(child, "cleaned_data", None) is None:
                    continue
                if formset.can_delete and child.cleaned_data.get("DELETE"):
                    continue
                _refuse_foreign_media(child, user, existing)
        return cleaned_data


def _refuse_foreign_media(
    form: forms.BaseForm, user, existing: set[tuple[str | None, str]] = frozenset()
) -> None:
    opts = form._meta.model._meta if hasattr(form, "_meta") else None
    for name, value in list(form.cleaned_data.items()):
        if name == "DELETE":
            continue
        references = set(_posted_references(form, name))
        if value not in (None, ""):
            try:
                model_field = opts.get_field(name) if opts else None
            except FieldDoesNotExist:  # a form-only field (comments, schedule, …)
                model_field = None
            references |= set(_references(value, model_field))
        references = {(m, pk) for m, pk in references if (_kind(m), pk) not in existing}
        if not references:
            continue
        refused = refused_media(user, references)
        pages = refused_pages(user, references)
        if pages:
            refused["page"] = pages
        for kind, ids in refused.items():
            form.add_error(name, ValidationError(MESSAGES[kind], params={"ids": ", ".join(ids)}))


class PartnerMediaPageForm(PartnerMediaFormMixin, WagtailAdminPageForm):
    """The base form of the centre's page types (``base_form_class``)."""
