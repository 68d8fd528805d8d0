"""Resources whose content links to pages: which of those pages are public is looked up once
per response (``home.api_values.LinkTargets``), however many objects and blocks it holds."""

from __future__ import annotations

from django.db.models.manager import BaseManager
from django.urls import reverse
from rest_framework import serializers

from home.api_values import (
    LinkTargets,
    absolute,
)


def api_url(name: str, pk: int) -> str:
    return absolute(reverse(name, args=[pk]))


class LinkTargetsListSerializer(serializers.ListSerializer):
    """Looks up, once for the whole list, which of the pages its items link to are public."""

    def to_representation(self, data):
        items = list(data.all() if isinstance(data, BaseManager) else data)
        ids: set[int] = set()
        for item in items:
            ids |= self.child.linked_page_ids(item)
        self._context["links"] = LinkTargets(ids)
        return super().to_representation(items)


class LinkingSerializerMixin:
    """A resource whose content links to pages: ``links`` resolves them (see home/api_values.py)."""

    def linked_page_ids(self, instance) -> set[int]:
        raise NotImplementedError

    def links(self, instance) -> LinkTargets:
        links = self.context.get("links")
        if links is None:  # a detail, or the preview: this object alone
            links = LinkTargets(self.linked_page_ids(instance))
            self.context["links"] = links
        return links
