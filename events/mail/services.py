"""Who is told what: writes outbox emails in the caller's transaction, delivered after commit.

Every email has a ``dedupe_key`` naming its cause, so calling any of these twice (a retried task,
two worker clusters, a republish) never sends a second email for the same cause.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from events import ical
from events.courses.tokens import checkin_qr_url, checkin_url
from events.mail.compose import EmailContext, email_compose, format_moment
from events.models import (
    CancelReason,
    DataClass,
    EmailKind,
    EventFormat,
    EventPage,
    EventSession,
    EventStatus,
    GroupMember,
    OutboundEmail,
    Participation,
    Registration,
    RegistrationAnswer,
)
from events.webinars.links import LinkBook, join_url_for, later_session_links
from home.outbox import enqueue_on_commit

DELIVER_TASK = "events.mail.tasks.email_deliver"

# Emails whose calendar file adds or updates the event in the registrant's calendar.
ADDS_TO_CALENDAR = {
    EmailKind.CONFIRMATION,
    EmailKind.PROMOTED,
    EmailKind.APPLICATION_APPROVED,
    EmailKind.EVENT_CHANGED,
    EmailKind.JOIN_LINK,
}
# Emails to a staff group's manager (at the address the applicant gave).
TO_MANAGER = {
    EmailKind.MANAGER_REQUEST,
    EmailKind.MANAGER_TOLD_APPROVED,
    EmailKind.MANAGER_TOLD_DECLINED,
}
# Registration statuses that hold a seat, or may come to.
ACTIVE = ("confirmed", "waiting_list", "offered", "pending")


def cause_digest(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


# Emails that offer the registrant's self-service: change details and answers, send a colleague.
OFFERS_SELF_SERVICE = {
    EmailKind.CONFIRMATION,
    EmailKind.WAITING_LIST,
    EmailKind.PROMOTED,
    EmailKind.PENDING,
    EmailKind.APPLICATION_APPROVED,
    EmailKind.DETAILS_CHANGED,
}


# A cancellation leaves nothing to see or cancel: it offers no link to the registration.
NO_REGISTRATION_LINKS = {EmailKind.CANCELLED}


def _registration_links(registration: Registration, kind: str = "") -> list[tuple[str, str]]:
    if kind in NO_REGISTRATION_LINKS:
        return []
    links = [("Se eller annullér din tilmelding", registration.manage_url())]
    if kind in OFFERS_SELF_SERVICE:
        links.append(("Ret dine oplysninger og svar", registration.change_url()))
        if registration.event.participation != Participation.STAFF_GROUP:
            links.append(("Send en kollega i dit sted", registration.transfer_url()))
    return links


def _join_url_for(
    registration: Registration,
    event: EventPage,
    member: GroupMember | None = None,
    book: LinkBook | None = None,
) -> str:
    """The private join link, for confirmed registrants of online and hybrid events only: the
    person's own on Zoom, else the shared one ("" while their own is worth waiting for)."""
    if registration.status != "confirmed":
        return ""
    if event.format not in (EventFormat.ONLINE, EventFormat.HYBRID) and (
        event.status != EventStatus.MOVED_ONLINE
    ):
        return ""
    if book is not None:
        return book.url(registration, member)
    return join_url_for(event, registration, member)


def join_link_due_at(event: EventPage) -> datetime | None:
    if event.first_start is None:
        return None
    return event.first_start - timedelta(hours=event.join_link_hours)


_calendars: OrderedDict[tuple, str] = OrderedDict()

# Emails whose CANCEL takes one person off the event (RFC 5546's "uninvite"): the event goes on.
UNINVITES = {EmailKind.CANCELLED, EmailKind.MEMBER_CANCELLED}


def event_calendar(
    event: EventPage,
    *,
    method: str,
    attendee: ical.Attendee,
    sessions: Sequence[EventSession] | None = None,
    join_url: str = "",
    uninvite: bool = False,
) -> str:
    """The event's calendar file addressed to ``attendee`` (iTIP: ``events.ical.itip``).

    The file without its attendee is the same for every registrant told of the same thing, so
    it is built once per event, publish, method, sessions and link (a small bounded memo: a
    publish changes ``last_published_at`` and so the key); each copy adds its ATTENDEE."""

    session_ids = tuple(s.pk for s in sessions) if sessions is not None else None
    key = (event.pk, event.last_published_at, method, session_ids, join_url, uninvite)
    if key not in _calendars:
        calendar = ical.calendar_for_event(
            event,
            method=method,
            sessions=sessions,
            join_url=join_url or None,
            uninvite=uninvite,
        )
        _calendars[key] = calendar.to_ical().decode()
        while len(_calendars) > 64:
            _calendars.popitem(last=False)
    return ical.addressed_to(_calendars[key], attendee)


def _registration_calendar(
    registration: Registration, event: EventPage, kind: str, method: str
) -> str:
    """A registration's own email's calendar file, to the registrant (or "" for none)."""
    if not method:
        return ""
    return event_calendar(
        event,
        method=method,
        attendee=ical.Attendee(registration.email, registration.name),
        uninvite=kind in UNINVITES,
    )


def email_write(
    *,
    kind: str,
    to: str,
    dedupe_key: str,
    context: EmailContext,
    registration_id: int | None = None,
    ics: str = "",
    ics_method: str = "",
) -> OutboundEmail | None:
    """Write one outbox email unless its cause has one already; deliver it after commit."""
    composed = email_compose(context)
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                kind=kind,
                dedupe_key=dedupe_key[:255],
                event=context.event,
                registration_id=registration_id,
                to=to,
                subject=composed.subject,
                body_text=composed.text,
                body_html=composed.html,
                ics=ics,
                ics_method=ics_method,
            )
    except IntegrityError:
        return None
    enqueue_on_commit(DELIVER_TASK, email.pk)
    return email


# Emails that give a seat: they carry the person's check-in code (QR) for events met in person.
CARRIES_CHECKIN = {
    EmailKind.CONFIRMATION,
    EmailKind.PROMOTED,
    EmailKind.APPLICATION_APPROVED,
    EmailKind.MEMBER_CONFIRMATION,
}


def checkin_links(
    event: EventPage, registration: Registration, member: GroupMember | None = None
) -> dict[str, str]:
    """The check-in code's page and QR image, for events met in person (not online ones)."""
    if event.format == EventFormat.ONLINE:
        return {}
    return {
        "checkin_url": checkin_url(registration=registration, member=member),
        "checkin_qr": checkin_qr_url(registration=registration, member=member),
    }


def _registration_email(registration: Registration, kind: str) -> tuple[str, str, dict, str]:
    """What a registration's own step (confirmation, waiting list, …) tells whom: the address,
    the dedupe key, what the email says beyond the event (``EmailContext``'s own fields) and
    the calendar method of its file ("" for none)."""
    to = registration.email
    links = _registration_links(registration, kind)
    name = registration.name
    municipality = ""
    ics_method = ""
    deadline = ""
    key = f"{kind}:{registration.pk}"
    status_reason = ""

    if kind in TO_MANAGER:
        # Nothing the applicant typed goes to the address they typed (events.mail.compose).
        to, name = registration.manager_email, ""
        municipality = registration.municipality.name
        links = [("Se ansøgningen", registration.manager_confirm_url())]
        if kind == EmailKind.MANAGER_REQUEST:
            links = [("Bekræft forankringen", registration.manager_confirm_url())]
    elif kind == EmailKind.MANAGER_DECLINED:
        # The manager's own words, to the applicant (never the other way).
        status_reason = registration.manager_decline_reason
    elif kind == EmailKind.ALREADY_REGISTERED:
        # Once a day at most, so the form cannot be used to flood someone's inbox.
        key = f"{kind}:{registration.pk}:{timezone.localdate().isoformat()}"
    elif kind == EmailKind.OFFERED:
        # One email per offer: the deadline names the offer.
        expires = registration.offer_expires_at
        key = f"{kind}:{registration.pk}:{expires.isoformat() if expires else ''}"
        deadline = format_moment(expires) if expires else ""
        links = [("Tag pladsen eller sig nej tak", registration.offer_url()), *links]
    elif kind in ADDS_TO_CALENDAR:
        ics_method = "REQUEST"
    elif kind == EmailKind.CANCELLED and registration.confirmed_at is not None:
        ics_method = "CANCEL"  # only a seat once confirmed was in their calendar
    says = {
        "name": name,
        "position": registration.waiting_position,
        "participants": registration.participants,
        "links": links,
        "municipality": municipality,
        "deadline": deadline,
        "note": status_reason,
        "without_calendar": kind == EmailKind.CANCELLED and not ics_method,
        # The centre cancelled, not the registrant: the email says so, with the moderator's
        # reason (the caller's ``note``).
        "by_centre": kind == EmailKind.CANCELLED
        and registration.cancel_reason == CancelReason.ORGANISER,
    }
    # A staff group that names its participants is checked in per participant (their own
    # emails carry their codes), never as a whole. Only a group's application names any (also
    # one whose event was made individual since): a person's confirmation, written while the
    # sign-up holds the event's lock, asks nothing.
    event = registration.event
    if kind in CARRIES_CHECKIN and event.format != EventFormat.ONLINE:
        group = event.participation == Participation.STAFF_GROUP or registration.participants != 1
        if not group or not registration.members.exists():
            says.update(checkin_links(event, registration))
    return to, key[:255], says, ics_method


# The emails that confirm what a person sent: they repeat the answers.
SHOWS_ANSWERS = {
    EmailKind.CONFIRMATION,
    EmailKind.WAITING_LIST,
    EmailKind.PENDING,
    EmailKind.PROMOTED,
    EmailKind.APPLICATION_APPROVED,
}


def _answers_shown(registration_id: int | None) -> list[tuple[str, str]]:
    """(question, answer) of a registration; a sensitive answer (health, diet, access) only
    as "oplyst": an email is kept and forwarded, the answer stays in the registration."""
    if registration_id is None:
        return []
    return [
        (label, "Oplyst (gentages ikke i mailen)" if data_class == DataClass.SENSITIVE else text)
        for label, text, data_class in RegistrationAnswer.objects.filter(
            registration_id=registration_id, member__isnull=True
        )
        .order_by("sort_order", "pk")
        .values_list("label", "text", "data_class")
    ]


def _context(
    kind: str, event: EventPage, says: dict, registration_id: int | None = None
) -> EmailContext:
    return EmailContext(
        kind=kind,
        event=event,
        name=says["name"],
        sessions=list(event.sessions.all()),
        position=says["position"],
        participants=says["participants"],
        links=[(label, url) for label, url in says["links"]],
        municipality=says["municipality"],
        deadline=says.get("deadline", ""),
        answers=_answers_shown(registration_id) if kind in SHOWS_ANSWERS else [],
        status_reason=says.get("note", ""),
        without_calendar=says.get("without_calendar", False),
        by_centre=says.get("by_centre", False),
        checkin_url=says.get("checkin_url", ""),
        checkin_qr=says.get("checkin_qr", ""),
    )


def registration_notify(
    *, registration: Registration, kind: str, note: str = ""
) -> OutboundEmail | None:
    """The email a registration's own step causes (confirmation, waiting list, …); ``note``
    says why, where the kind alone does not (a seat handed over by a colleague)."""
    event: EventPage = registration.event
    to, key, says, ics_method = _registration_email(registration, kind)
    email = email_write(
        kind=kind,
        to=to,
        dedupe_key=key,
        registration_id=registration.pk,
        ics=_registration_calendar(registration, event, kind, ics_method),
        ics_method=ics_method,
        context=_context(kind, event, {**says, "note": note or says["note"]}, registration.pk),
    )
    join_link_if_due(registration=registration, kind=kind)
    return email


def registration_details_changed_notify(
    *, registration: Registration, changed: list[str], now: datetime
) -> OutboundEmail | None:
    """The receipt for a registrant's own change: what changed, by name only (never a value:
    the answers may be sensitive, and the address may since have been read by others)."""
    event: EventPage = registration.event
    return email_write(
        kind=EmailKind.DETAILS_CHANGED,
        to=registration.email,
        # One receipt per ten minutes at most: a flood of changes is not a flood of emails.
        dedupe_key=f"{EmailKind.DETAILS_CHANGED}:{registration.pk}:{int(now.timestamp()) // 600}",
        registration_id=registration.pk,
        context=EmailContext(
            kind=EmailKind.DETAILS_CHANGED,
            event=event,
            name=registration.name,
            sessions=list(event.sessions.all()),
            links=_registration_links(registration, EmailKind.DETAILS_CHANGED),
            changed=", ".join(changed),
        ),
    )


def join_link_owed_now(*, registration: Registration, kind: str) -> bool:
    """Whether a registration told ``kind`` (confirmed) gets the join link at once: it went out
    to the others already."""
    if kind in (EmailKind.CONFIRMATION, EmailKind.PROMOTED, EmailKind.APPLICATION_APPROVED):
        due = join_link_due_at(registration.event)
        return due is not None and due <= timezone.now()
    return False


def join_link_if_due(*, registration: Registration, kind: str) -> None:
    """Confirmed after the join link went out: it comes at once."""
    if join_link_owed_now(registration=registration, kind=kind):
        join_link_notify(registration=registration)


def registration_email_unwritten(*, registration: Registration, kind: str) -> OutboundEmail:
    """``registration_notify``'s email as an unsaved outbox row that holds what it will say
    (``compose``) instead of its text: for ``registration_create``, which saves it with the
    sign-up while it holds the event's lock and has ``emails_render`` write the text and the
    calendar file after the commit, so no template is rendered while others wait."""
    to, key, says, ics_method = _registration_email(registration, kind)
    return OutboundEmail(
        kind=kind,
        dedupe_key=key,
        event=registration.event,
        registration_id=registration.pk,
        to=to,
        subject="",
        body_text="",
        ics_method=ics_method,
        compose=says,
    )


def email_render(
    email: OutboundEmail, *, enqueue: bool = True, event: EventPage | None = None
) -> bool:
    """Write the text and calendar file of an email saved unrendered; then (``enqueue``) hand
    it to the workers. False when it was rendered already (by the worker, or a retry).
    ``event``: the email's event, when the caller has it."""
    if email.compose is None or email.event_id is None:
        return False
    if event is None or event.pk != email.event_id:
        event = EventPage.objects.get(pk=email.event_id)
    composed = email_compose(_context(email.kind, event, email.compose, email.registration_id))
    rendered = OutboundEmail.objects.filter(pk=email.pk, compose__isnull=False).update(
        subject=composed.subject,
        body_text=composed.text,
        body_html=composed.html,
        ics=event_calendar(
            event,
            method=email.ics_method,
            attendee=ical.Attendee(email.to, email.compose.get("name", "")),
            uninvite=email.kind in UNINVITES,
        )
        if email.ics_method
        else "",
        compose=None,
    )
    if rendered and enqueue:
        enqueue_on_commit(DELIVER_TASK, email.pk)
    return bool(rendered)


def emails_render(*, dedupe_keys: Iterable[str], event: EventPage | None = None) -> int:
    """Render the emails saved unrendered under these keys (``registration_email_unwritten``).
    One that is never rendered here (the process died first) is still due in the outbox: the
    sweeper hands it to a worker, which renders it before sending."""
    emails = OutboundEmail.objects.filter(dedupe_key__in=list(dedupe_keys), compose__isnull=False)
    return sum(email_render(email, event=event) for email in emails)


def join_link_key(registration: Registration, join_url: str) -> str:
    # A changed link is a new cause: registrants get the new one.
    return f"join_link:{registration.pk}:{cause_digest(join_url)}"


def join_link_notify(
    *, registration: Registration, book: LinkBook | None = None
) -> OutboundEmail | None:
    return join_link_write(
        book=book,
        registration=registration,
        to=registration.email,
        key=lambda join_url: join_link_key(registration, join_url),
        links=_registration_links(registration),
        name=registration.name,
        attendee_name=registration.name,
    )


def join_link_write(
    *,
    registration: Registration,
    to: str,
    key: Callable[[str], str],
    links: list[tuple[str, str]],
    name: str = "",
    attendee_name: str = "",
    member: GroupMember | None = None,
    book: LinkBook | None = None,
) -> OutboundEmail | None:
    """The join link with its calendar file, to a confirmed registrant or one of a staff
    group's named members (``to``, with their own ``links``; ``key`` names the cause by link;
    ``name`` greets, ``attendee_name`` names them in the calendar file; ``book``, the event's
    links read at once, for a round over many people)."""
    event: EventPage = registration.event
    join_url = _join_url_for(registration, event, member, book=book)
    if not join_url or event.status == EventStatus.CANCELLED:
        return None
    links = [*later_session_links(event, registration, member, book=book), *links]
    return email_write(
        kind=EmailKind.JOIN_LINK,
        to=to,
        dedupe_key=key(join_url),
        registration_id=registration.pk,
        ics=event_calendar(
            event, method="REQUEST", attendee=ical.Attendee(to, attendee_name), join_url=join_url
        ),
        ics_method="REQUEST",
        context=EmailContext(
            kind=EmailKind.JOIN_LINK,
            event=event,
            name=name,
            sessions=list(event.sessions.all()),
            join_url=join_url,
            links=links,
        ),
    )
