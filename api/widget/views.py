"""The widget's script: the loader partners paste, and the module under its content hash."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from api.widget.assets import widget_module

JAVASCRIPT = "text/javascript; charset=utf-8"
# The loader is what partners paste: kept briefly, so a deploy reaches every page in minutes.
LOADER_CACHE_CONTROL = "public, max-age=300, s-maxage=300, stale-while-revalidate=3600"
IMMUTABLE = "public, max-age=31536000, immutable"


def _script(body: bytes | str, cache_control: str) -> HttpResponse:
    response = HttpResponse(body, content_type=JAVASCRIPT)
    response["Cache-Control"] = cache_control
    # A module script from another origin is fetched in CORS mode: any site may embed it.
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def widget_loader(request: HttpRequest) -> HttpResponse:
    """``/widget/v1.js``: imports the current module by its content hash."""
    # Relative to the loader's own address, so it works under whatever host served the loader.
    return _script(f'import "./{widget_module().filename}";\n', LOADER_CACHE_CONTROL)


@require_safe
def widget_module_view(request: HttpRequest, digest: str) -> HttpResponse:
    """``/widget/events.<hash>.js``: the module, kept for a year; an old hash is a 404."""
    module = widget_module()
    if digest != module.digest:
        raise Http404
    return _script(module.source, IMMUTABLE)
