"""Resources whose content links to pages: which of those pages are public is looked up once
per response (``home.api_values.LinkTargets``), however many objects and blocks it holds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from django.db.models.manager import BaseManager
from django.urls import reverse
from rest_framework import serializers

from home.api_values import (
    LinkTargets,
    absolute,
)


def api_url(name: str, pk: int) -> str:
    return absolute(reverse(name, args=[pk]))


def _remember(context: Mapping[str, Any], links: LinkTargets) -> None:
    """Keep the lookup in the serializers' shared context: the dict the view passed (DRF's
    types say a read-only Mapping), which every nested serializer of the response reads."""
    cast("dict[str, Any]", context)["links"] = links


class LinkTargetsListSerializer(serializers.ListSerializer):
    """Looks up, once for the whole list, which of the pages its items link to are public."""

    def to_representation(self, data: Any) -> list[Any]:
        # Only linking serializers name this class as their list_serializer_class.
        child = cast("LinkingSerializerMixin", self.child)
        items = list(data.all() if isinstance(data, BaseManager) else data)
        ids: set[int] = set()
        for item in items:
            ids |= child.linked_page_ids(item)
        _remember(self._context, LinkTargets(ids))
        return super().to_representation(items)


class LinkingSerializerMixin:
    """A resource whose content links to pages: ``links`` resolves them (see home/api_values.py)."""

    # drf-spectacular publishes that docstring as the description of the resources that mix
    # this in, so it stays as it is. ``link_targets`` resolves the links (home/blocks.py reads
    # them from the context); it is not named ``links``, which is one of the event's fields.

    if TYPE_CHECKING:  # the serializer's, which this mixes into

        @property
        def context(self) -> Mapping[str, Any]: ...

    def linked_page_ids(self, instance) -> set[int]:
        raise NotImplementedError

    def link_targets(self, instance) -> LinkTargets:
        links = self.context.get("links")
        if links is None:  # a detail, or the preview: this object alone
            links = LinkTargets(self.linked_page_ids(instance))
            _remember(self.context, links)
        return links

    def stream_representation(self, instance, stream) -> list[dict]:
        """A StreamField value's blocks as they represent themselves, with this response's
        public pages (``home/blocks.py``)."""
        if not stream:
            return []
        return stream.stream_block.get_api_representation(
            stream, context={"links": self.link_targets(instance)}
        )
