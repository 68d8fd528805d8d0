"""The admin's confirmations and the outboxes' "Send igen": one page and one view for the email
log, the webhook log and the webhook receivers' "Forny hemmelighed".

Each caller finds the row through its own permission policy (a row outside the user's scope is a
404 before anything here runs); this module asks, and on POST resends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import ListingButton

from home.outbox import OutboxRow, outbox_resend

#: Danish text, plain or translated lazily.
Text = str | Promise


def confirm_page(
    request: HttpRequest,
    *,
    page_title: Text,
    icon: str,
    lines: Sequence[Text],
    confirm_label: Text,
    back_url: str,
) -> TemplateResponse:
    """GET's answer: what will happen, in Danish, a button that POSTs back, and a way back."""
    return TemplateResponse(
        request,
        "home/admin/confirm.html",
        {
            "page_title": page_title,
            "icon": icon,
            "lines": [line for line in lines if line],
            "confirm_label": confirm_label,
            "back_url": back_url,
        },
    )


def outbox_resend_view(
    request: HttpRequest,
    *,
    row: OutboxRow,
    task: str,
    index_url: str,
    page_title: Text,
    icon: str,
    question: Text,
    last_error: Text,
    done_message: Text,
) -> HttpResponse:
    """GET asks for confirmation; POST puts the failed row back in the queue (once: a row that
    is no longer failed or cancelled is left alone) and returns to the log."""
    if request.method == "POST":
        if outbox_resend(type(row), row.pk, task):
            messages.success(request, done_message)
        return redirect(index_url)
    return confirm_page(
        request,
        page_title=page_title,
        icon=icon,
        lines=[
            question,
            _("Seneste fejl: %(error)s") % {"error": last_error} if last_error else "",
        ],
        confirm_label=_("Ja, send igen"),
        back_url=index_url,
    )


class ResendButtonMixin:
    """An outbox log's listing: "Send igen" in a row's menu when ``resend_allowed`` says the
    user may resend that row (the log's own policy, and the row has failed or was cancelled)."""

    resend_url_name = ""
    resend_icon = "redo"

    def resend_allowed(self, instance: Any) -> bool:
        raise NotImplementedError

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if self.resend_allowed(instance):
            buttons.append(
                ListingButton(
                    _("Send igen"),
                    url=reverse(self.resend_url_name, args=[instance.pk]),
                    icon_name=self.resend_icon,
                    priority=5,
                )
            )
        return buttons
