"""Preview for a headless site: editors see a draft as the consuming sites will receive it.

Wagtail's own preview modes (wagtail-headless-preview would need a front end to hand the draft
to; the consuming sites are not ours): "Visning" renders a plain Danish page, "API (JSON)" the
exact JSON the REST API would answer once the page is published. Both read the API's own
serializer of the page type, which the API registers here when it starts
(``preview_serializer_register``): the ground (``home``) names no serializer of the layer above.
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

_serializers: dict[type, type] = {}


def preview_serializer_register(model: type, serializer_class: type) -> None:
    """The serializer that represents ``model`` (and its subclasses) in the API."""
    _serializers[model] = serializer_class


class ApiPreviewMixin:
    preview_modes = [("", _("Visning")), ("api", _("API (JSON)"))]

    def api_representation(self, request=None) -> dict[str, Any]:
        """This page as the API represents it (a draft as it would be once published)."""
        for model in type(self).__mro__:
            serializer_class = _serializers.get(model)
            if serializer_class is not None:
                return serializer_class(self, context={"request": request}).data
        raise LookupError(f"No API serializer is registered for {type(self).__name__}.")

    def serve_preview(self, request, mode_name):
        if mode_name == "api":
            data = self.api_representation(request)
            response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
            response["Cache-Control"] = "private, no-store"
            return response
        return super().serve_preview(request, mode_name)
