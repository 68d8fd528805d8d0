"""The moderators' notice of recordings the platform has made: each meeting's cloud recording
found after its session (``events.webinars.imports``), until the event is published with that
recording (or for 30 days). Shown to the moderators of the event's partner (and the
coordinators); a fixed number of queries however many rows."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.dashboard import DashboardPanel
from events.models import EventPage, ImportKind, MeetingImport
from events.webinars.selectors import account_partners
from home.outbox import DeliveryStatus

NEWEST_RECORDINGS = 10
NOTICE_DAYS = timedelta(days=30)  # a recording not taken in a month is not pressed further


def recordings_proposed(user) -> list[dict]:
    """Recordings found for the events of the partners the user moderates, not yet published."""
    imports = (
        MeetingImport.objects.filter(
            kind=ImportKind.RECORDING,
            status=DeliveryStatus.SENT,
            settled_at__isnull=True,
            sent_at__gte=timezone.now() - NOTICE_DAYS,
            meeting__event__partner__in=account_partners(user),
        )
        .select_related("meeting__event", "meeting__session")
        .order_by("-sent_at", "-pk")
    )
    rows = []
    for row in imports[: NEWEST_RECORDINGS * 3]:
        event: EventPage | None = row.meeting.event
        share_url = str(row.result.get("share_url") or "")
        if event is None or not share_url or event.recording_url == share_url:
            continue
        rows.append(
            {
                "event": event,
                "session": row.meeting.session,
                "share_url": share_url,
                "passcode": str(row.result.get("passcode") or ""),
                "drafted": bool(row.result.get("drafted")),
                "edit_url": reverse("wagtailadmin_pages:edit", args=[event.pk]),
            }
        )
    return rows[:NEWEST_RECORDINGS]


class RecordingsPanel(DashboardPanel):
    name = "webinar_recordings"
    order = 155
    heading = _("Optagelser fra webinarer")
    template_name = "events/dashboard/recordings.html"

    def is_shown(self) -> bool:
        return account_partners(self.request.user).exists()

    def get_context_data(self, parent_context=None) -> dict:
        return {"heading": self.heading, "rows": recordings_proposed(self.request.user)}

    def has_content(self, context) -> bool:
        return bool(context["rows"])
