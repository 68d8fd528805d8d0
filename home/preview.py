"""Preview for a headless site: editors see a draft as the consuming sites will receive it.

Wagtail's own preview modes (wagtail-headless-preview would need a front end to hand the draft
to; the consuming sites are not ours): "Visning" renders a plain Danish page, "API (JSON)" the
exact JSON the REST API would answer once the page is published.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class ApiPreviewMixin:
    #: Dotted path of the API serializer that represents this page type.
    api_serializer = "api.serializers.PageSerializer"
    preview_modes = [("", _("Visning")), ("api", _("API (JSON)"))]

    def serve_preview(self, request, mode_name):
        if mode_name == "api":
            serializer_class = import_string(self.api_serializer)
            data = serializer_class(self, context={"request": request}).data
            response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
            response["Cache-Control"] = "private, no-store"
            return response
        return super().serve_preview(request, mode_name)
