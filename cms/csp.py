"""Content-Security-Policy on every HTML page, chosen by where the page lives.

django-csp writes the header; this subclass only picks the policy. Everything the system
serves by default (the registrants' pages, error pages, previews) gets the strict
``CONTENT_SECURITY_POLICY``: no JavaScript at all, styles by nonce. The Wagtail admin and the
API's interactive docs run JavaScript and get the policies they need, set beside it in
``cms/settings/base.py``. JSON, calendar feeds and files carry no policy: a browser never
renders them as a page.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

# (path prefix, setting) – the first match wins; anything else has CONTENT_SECURITY_POLICY.
POLICY_BY_PATH = (
    ("/admin/", "CONTENT_SECURITY_POLICY_ADMIN"),
    ("/api/v1/schema/docs/", "CONTENT_SECURITY_POLICY_API_DOCS"),
    ("/api/v1/schema/redoc/", "CONTENT_SECURITY_POLICY_API_DOCS"),
    ("/arrangementer/", "CONTENT_SECURITY_POLICY_EVENTS_PAGE"),
)


def policy_setting_for(path: str) -> str:
    for prefix, setting in POLICY_BY_PATH:
        if path.startswith(prefix):
            return setting
    return "CONTENT_SECURITY_POLICY"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if not getattr(request, "is_dummy", False):
            super().process_request(request)

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        # Wagtail renders a preview through the middleware again, with a dummy request for
        # the page's own address; the admin request around it sets the policy (the admin's,
        # which lets the preview be framed by the editor).
        if getattr(request, "is_dummy", False):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        setting = policy_setting_for(request.path_info)
        if not report_only and parts.config is None and setting != "CONTENT_SECURITY_POLICY":
            parts.config = getattr(settings, setting)["DIRECTIVES"]
        return parts
