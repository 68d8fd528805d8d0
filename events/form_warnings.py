"""What the event form warns of without refusing to save: choices that may be meant, but
usually are not. Shown as Wagtail messages after a save or publish (``events/wagtail_hooks.py``);
the page is saved all the same. Errors that make an event unusable stay in ``EventPage.clean``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from events.mail.compose import format_moment
from events.models import (
    EventFormat,
    EventPage,
    EventSession,
    EventStatus,
    MeetingKind,
    WebinarAccount,
)

DEADLINE_AFTER_FIRST_SESSION = (
    "Tilmeldingsfrist: fristen ({deadline}) ligger efter, at første session er begyndt "
    "({start}). Nye tilmeldte kan så komme til midt i arrangementet. Er det ikke meningen, så "
    "ret fristen."
)
REMINDER_DURING_A_SESSION = (
    "Påmindelser: påmindelsen {hours} før {session} sendes {moment}, mens {earlier} er i gang. "
    "Vil du undgå det, så ret påmindelserne under Tilmelding."
)
ONLINE_WITHOUT_JOIN_LINK = (
    "Deltagerlink: arrangementet foregår online, men har intet deltagerlink endnu. De "
    "tilmeldte får linket {hours} før første session, så husk at udfylde det inden."
)

NO_WEBINAR_ACCOUNT = (
    "Møde oprettes på: {partner} har ingen konto på {platform} endnu, så møderne oprettes "
    "først, når en moderator har sat kontoen op under Indstillinger → Webinarkonti."
)


def _hours(hours: int) -> str:
    return "1 time" if hours == 1 else f"{hours} timer"


def _name(session: EventSession, number: int) -> str:
    return f"“{session.title}”" if session.title else f"session {number}"


def event_warnings(page: EventPage) -> list[str]:
    """The warnings for an event as saved, in the order of the form's tabs."""
    timed = sorted(
        (s for s in page.sessions.all() if s.starts_at() is not None),
        key=lambda s: s.starts_at() or datetime.min,
    )
    warnings: list[str] = []
    first_start = timed[0].starts_at() if timed else None
    last_end = max((end for s in timed if (end := s.ends_at()) is not None), default=None)
    online = page.format in (EventFormat.ONLINE, EventFormat.HYBRID) or (
        page.status == EventStatus.MOVED_ONLINE
    )
    if online and not page.join_url and page.status != EventStatus.CANCELLED:
        warnings.append(ONLINE_WITHOUT_JOIN_LINK.format(hours=_hours(page.join_link_hours)))
    partner = page.partner
    if page.webinar_platform and partner is not None:
        platform = MeetingKind.platform_of(page.webinar_platform)
        if not WebinarAccount.objects.filter(partner=partner, platform=platform).exists():
            warnings.append(
                NO_WEBINAR_ACCOUNT.format(
                    partner=partner.short_name or partner.name,
                    platform="Teams" if platform == "teams" else "Zoom",
                )
            )
    if (
        first_start is not None
        and page.registration_closes is not None
        and page.registration_closes > first_start
        and (last_end is None or page.registration_closes <= last_end)  # else an error
    ):
        warnings.append(
            DEADLINE_AFTER_FIRST_SESSION.format(
                deadline=format_moment(page.registration_closes), start=format_moment(first_start)
            )
        )
    warnings.extend(_reminders_during_sessions(page, timed))
    return warnings


def _reminders_during_sessions(page: EventPage, timed: list[EventSession]) -> list[str]:
    """A reminder of a later session that arrives while an earlier one is under way (a course
    day 1 from 9 to 16 and day 2 at 10: "24 hours before day 2" comes at 10 on day 1)."""
    try:
        offsets = page.reminder_offsets()
    except ValueError:
        return []  # an error of its own (EventPage.clean)
    warnings = []
    for number, session in enumerate(timed, start=1):
        start = session.starts_at()
        assert start is not None
        for hours in offsets:
            moment = start - timedelta(hours=hours)
            for earlier_number, earlier in enumerate(timed[: number - 1], start=1):
                earlier_start, earlier_end = earlier.starts_at(), earlier.ends_at()
                if earlier_start and earlier_end and earlier_start < moment < earlier_end:
                    warnings.append(
                        REMINDER_DURING_A_SESSION.format(
                            hours=_hours(hours),
                            session=_name(session, number),
                            moment=format_moment(moment),
                            earlier=_name(earlier, earlier_number),
                        )
                    )
                    break
    return warnings
