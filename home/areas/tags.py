"""Image and document tags in the admin, as far as a user may see them.

Tags are shared by every image and document, so Wagtail's "popular tags" filters, the image
chooser's tag list and the tag autocomplete name the tags of every partner's media. Here they
are the tags of the images and documents in the user's own collections.
"""

from __future__ import annotations

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag, TaggedItem
from wagtail.admin.auth import require_admin_access
from wagtail.admin.filters import PopularTagsFilter
from wagtail.admin.views.tags import TAGS_AUTOCOMPLETE_LIMIT
from wagtail.documents import get_document_model
from wagtail.documents.views.documents import DocumentsFilterSet
from wagtail.documents.views.documents import IndexView as DocumentIndexView
from wagtail.images import get_image_model
from wagtail.images.views.images import ImagesFilterSet
from wagtail.images.views.images import IndexView as ImageIndexView

from home.areas.membership import user_is_coordinator
from home.areas.rules import media_in_area

POPULAR = 10


def tags_in_area(user, models=None) -> QuerySet[Tag]:
    """The tags on the images and documents (or only ``models``) of the user's collections."""
    models = models or (get_image_model(), get_document_model())
    if user_is_coordinator(user):
        types = ContentType.objects.get_for_models(*models).values()
        return Tag.objects.filter(taggit_taggeditem_items__content_type__in=types).distinct()
    used = Q(pk__in=[])
    for model in models:
        used |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=media_in_area(user, model).values("pk"),
        )
    return Tag.objects.filter(pk__in=TaggedItem.objects.filter(used).values("tag_id"))


def popular_tags_in_area(user, model) -> QuerySet[Tag]:
    content_type = ContentType.objects.get_for_model(model)
    items = Q(
        taggit_taggeditem_items__content_type=content_type,
        taggit_taggeditem_items__object_id__in=media_in_area(user, model).values("pk"),
    )
    return (
        Tag.objects.filter(items)
        .annotate(item_count=Count("taggit_taggeditem_items", filter=items))
        .order_by("-item_count", "name")[:POPULAR]
    )


class AreaTagsMixin:
    """The media filter sets' "popular tags", counted over the user's own collections."""

    def __init__(self, *args, request=None, is_searching=None, **kwargs):
        super().__init__(*args, request=request, is_searching=is_searching, **kwargs)
        self.filters.pop("tag", None)
        popular = popular_tags_in_area(request.user, self._meta.model)
        if popular:
            self.filters["tag"] = PopularTagsFilter(
                label=_("Tag"),
                field_name="tags__name",
                choices=[(tag.name, tag.name) for tag in popular],
                widget=forms.CheckboxSelectMultiple,
                use_subquery=is_searching,
                help_text=_("Filter by up to ten most popular tags."),
            )


class AreaImagesFilterSet(AreaTagsMixin, ImagesFilterSet):
    class Meta(ImagesFilterSet.Meta):
        pass


class AreaDocumentsFilterSet(AreaTagsMixin, DocumentsFilterSet):
    class Meta(DocumentsFilterSet.Meta):
        pass


class AreaImageIndexView(ImageIndexView):
    filterset_class = AreaImagesFilterSet


class AreaDocumentIndexView(DocumentIndexView):
    filterset_class = AreaDocumentsFilterSet


def tag_autocomplete(request):
    """Wagtail's tag autocomplete for the shared tag model, over the user's own media."""
    term = request.GET.get("term", "")
    tags = Tag.objects.none()
    if term:
        tags = (
            tags_in_area(request.user)
            .filter(name__istartswith=term)
            .order_by("name")
            .values_list("name", flat=True)[:TAGS_AUTOCOMPLETE_LIMIT]
        )
    return JsonResponse(list(tags), safe=False)


urlpatterns = [
    path("images/", require_admin_access(AreaImageIndexView.as_view())),
    path("images/results/", require_admin_access(AreaImageIndexView.as_view(results_only=True))),
    path("documents/", require_admin_access(AreaDocumentIndexView.as_view())),
    path(
        "documents/results/",
        require_admin_access(AreaDocumentIndexView.as_view(results_only=True)),
    ),
    path("tag-autocomplete/", require_admin_access(tag_autocomplete)),
]
