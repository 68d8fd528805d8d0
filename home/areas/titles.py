"""The title a page states in the admin, as the person looking may read it.

Wagtail names a page in its admin by ``get_admin_display_title()``: the draft title, the title
of its newest revision, whoever looks. Widgets such as the page chooser of an edit form know no
viewer, so the rule is set for the duration of a request (``home.areas.middleware``) and the page
models ask it here; with no rule set (a shell, a task) Wagtail's own title stands.

This module imports nothing of the project, so the page models can use it: the rule itself
(own area, other partners' pages) is ``home.areas.rules.AdminTitles``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

#: ``rule(page, draft_title) -> title`` for the current request, or ``None``.
TitleRule = Callable[[Any, str], str]
_rule: ContextVar[TitleRule | None] = ContextVar("admin_title_rule", default=None)


@contextmanager
def title_rule(rule: TitleRule | None) -> Iterator[None]:
    """Pages state their admin title by ``rule`` inside the block."""
    token = _rule.set(rule)
    try:
        yield
    finally:
        _rule.reset(token)


class ViewerScopedTitleMixin:
    """A page's admin title by the current request's rule, Wagtail's draft title without one."""

    def get_admin_display_title(self) -> str:
        draft_title = super().get_admin_display_title()
        rule = _rule.get()
        return draft_title if rule is None else rule(self, draft_title)
