"""Middleware of the home app."""

from __future__ import annotations

from home.areas.rules import AdminTitles
from home.areas.titles import title_rule


class AdminTitleMiddleware:
    """Pages state their admin title as the request's user may read it
    (``home.areas.titles``): a page chooser widget in an edit form, which knows no user, names
    another partner's page by its live title, never by its draft. The user stays lazy: a
    request that shows no page title loads no session for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with title_rule(AdminTitles(request)):
            return self.get_response(request)
