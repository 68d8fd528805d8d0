"""Messages to an event's registrants: who receives one, what each person's copy says, and the
send, which writes one outbox email per person in the transaction that records the message.

A message is written to the confirmed, the waiting or all registrants of an event (or about one
of its sessions). The confirmed of a staff group that names its participants are the contact
person and each named participant. Each address gets one copy: the copy's ``dedupe_key`` names
the message and the address, so a send retried, a double click (the form's ``key``) or two
workers delivering at once never yield a second email; the outbox delivers, logs and resends it
like every other email (``events.mail.tasks.email_deliver``, the admin's email log).

The text may merge ``{navn}`` (the person's name) and ``{arrangement}`` (the event's title);
any other placeholder is refused with a Danish message naming it, before anything is written.
"""

from __future__ import annotations

import hashlib
import string
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation

from events import ical
from events.mail.compose import format_when
from events.models import (
    EmailKind,
    EventMessage,
    EventPage,
    EventSession,
    MessageAudience,
    OutboundEmail,
    Registration,
    RegistrationStatus,
)
from events.models.messages import BODY_MAX, SUBJECT_MAX
from home.areas.permissions import PartnerScopedPolicy
from home.outbox import enqueue_on_commit

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User

DELIVER_TASK = "events.mail.tasks.email_deliver"
SENDER = "Videnscenter om børneinddragelse og udsatte børns liv"
# What a named participant of a staff group is called where ``{navn}`` stands: their name was
# typed by the applicant, and nothing the applicant typed goes to an address they typed
# (``events.mail.compose``).
MEMBER_NAME = "deltager"
PLACEHOLDERS = {"navn": "modtagerens navn", "arrangement": "arrangementets titel"}
BATCH = 500

# Moderators of the event's partner (and the coordinators) write to its registrants; editors
# do not. Not registered as EventPage's policy (the pages keep Wagtail's own).
message_policy = PartnerScopedPolicy(
    EventPage, partner_path="partner", member_actions=(), moderator_actions=("message",)
)

STATUSES: dict[str, tuple[str, ...]] = {
    MessageAudience.CONFIRMED: (RegistrationStatus.CONFIRMED,),
    MessageAudience.WAITING: (RegistrationStatus.WAITING_LIST, RegistrationStatus.OFFERED),
    MessageAudience.ALL: (
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITING_LIST,
        RegistrationStatus.OFFERED,
        RegistrationStatus.PENDING,
    ),
}


class MessageError(Exception):
    """A message that cannot be written as it stands: ``field`` names what, in Danish."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str  # what ``{navn}`` becomes
    registration_id: int


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


# --- reads -----------------------------------------------------------------------------------


def message_events_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[EventPage]:
    """The events the user may write to the registrants of: their moderated partners' events."""
    return message_policy.instances_user_has_permission_for(user, "message")


def message_recipients(*, event: EventPage, audience: str) -> list[Recipient]:
    """Who receives a message to the event's ``audience``, each address once (the first
    registration that has it, in sign-up order), anonymised people left out."""
    statuses = STATUSES[audience]
    registrations = (
        Registration.objects.filter(event=event, status__in=statuses, anonymised_at__isnull=True)
        .prefetch_related("members")
        .order_by("created_at", "pk")
    )
    seen: set[str] = set()
    recipients: list[Recipient] = []

    def add(email: str, name: str, registration_id: int) -> None:
        folded = email.strip().casefold()
        if folded and folded not in seen:
            seen.add(folded)
            recipients.append(Recipient(email=email, name=name, registration_id=registration_id))

    for registration in registrations:
        add(registration.email, registration.name, registration.pk)
        if registration.status == RegistrationStatus.CONFIRMED:
            for member in registration.members.all():
                if member.anonymised_at is None:
                    add(member.email, MEMBER_NAME, registration.pk)
    return recipients


# --- the text --------------------------------------------------------------------------------


def template_check(text: str, *, field: str, label: str) -> list[tuple[str, str | None]]:
    """The text as (literal, placeholder) pieces; a ``MessageError`` naming the field for an
    unknown placeholder or a stray brace. Never ``str.format``: a placeholder is a name, not
    an expression (``{navn.__class__}`` is refused, not evaluated)."""
    try:
        pieces = list(string.Formatter().parse(text))
    except ValueError:
        raise MessageError(
            field,
            f"{label}: en krøllet parentes står alene. Skriv {{{{ og }}}} for at få {{ og }} "
            "med i teksten.",
        ) from None
    known = ", ".join(f"{{{name}}} ({what})" for name, what in PLACEHOLDERS.items())
    parsed: list[tuple[str, str | None]] = []
    for literal, name, spec, conversion in pieces:
        if name is not None and (name not in PLACEHOLDERS or spec or conversion):
            shown = "{" + name + (f"!{conversion}" if conversion else "")
            shown += (f":{spec}" if spec else "") + "}"
            raise MessageError(
                field, f"{label}: flettefeltet {shown[:60]} findes ikke. Brug {known}."
            )
        parsed.append((literal, name))
    return parsed


def _merge(pieces: list[tuple[str, str | None]], values: dict[str, str]) -> str:
    return "".join(literal + (values[name] if name else "") for literal, name in pieces)


def message_validate(*, subject: str, body: str) -> None:
    """Everything a message's own text must be; ``MessageError`` for the first fault."""
    if not subject.strip():
        raise MessageError("subject", "Emne: skriv et emne.")
    if len(subject) > SUBJECT_MAX:
        raise MessageError("subject", f"Emne: højst {SUBJECT_MAX} tegn.")
    if "\n" in subject or "\r" in subject:
        raise MessageError("subject", "Emne: emnet skal stå på én linje.")
    if not body.strip():
        raise MessageError("body", "Tekst: skriv en tekst.")
    if len(body) > BODY_MAX:
        raise MessageError("body", f"Tekst: højst {BODY_MAX} tegn.")
    for field, label, value in (("subject", "Emne", subject), ("body", "Tekst", body)):
        if "\x00" in value:
            raise MessageError(field, f"{label}: teksten indeholder et ugyldigt tegn.")
        template_check(value, field=field, label=label)


def _sessions(event: EventPage, session: EventSession | None) -> list[EventSession]:
    return [session] if session is not None else list(event.sessions.all())


def message_render(
    *,
    event: EventPage,
    session: EventSession | None,
    subject: str,
    body: str,
    recipient: Recipient,
) -> Rendered:
    """One person's copy: the text with their name merged, then the event's sessions."""
    values = {"navn": recipient.name, "arrangement": event.title}
    merged_subject = _merge(template_check(subject, field="subject", label="Emne"), values)
    merged_body = _merge(template_check(body, field="body", label="Tekst"), values)
    context = {
        "subject": merged_subject,
        "body": merged_body.strip(),
        "event": event,
        "sessions": [
            {
                "label": s.title,
                "when": format_when(s),
                "where": s.effective_location(event),
                "cancelled": str(s.effective_status(event)) == "cancelled",
            }
            for s in _sessions(event, session)
        ],
        "contact": (event.contact_name, event.contact_email, event.contact_phone),
        "sender": SENDER,
    }
    with translation.override("da"):
        text = render_to_string("events/messages/email.txt", context)
        html = render_to_string("events/messages/email.html", context)
    return Rendered(subject=" ".join(merged_subject.split())[:255], text=_tidy(text), html=html)


def _tidy(text: str) -> str:
    """The template's skipped blocks leave blank runs: keep at most one empty line."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip() + "\n"


def message_calendar(*, event: EventPage, session: EventSession | None) -> str:
    """The event's calendar file (or the one session's), as the confirmations carry it."""
    sessions = [session] if session is not None else None
    return ical.calendar_for_event(event, method="PUBLISH", sessions=sessions).to_ical().decode()


# --- the send --------------------------------------------------------------------------------


def _dedupe_key(message: EventMessage, recipient: Recipient) -> str:
    address = hashlib.sha256(recipient.email.strip().casefold().encode()).hexdigest()[:24]
    return f"{EmailKind.MESSAGE}:{message.pk}:{address}"


@dataclass(frozen=True)
class Sent:
    message: EventMessage
    created: bool  # False: the same form was sent before, and nothing new was written


def message_send(
    *,
    event: EventPage,
    session: EventSession | None,
    audience: str,
    subject: str,
    body: str,
    attach_calendar: bool,
    key: uuid.UUID,
    by: User | None,
) -> Sent:
    """Record the message and write each recipient's copy to the outbox, in one transaction;
    the copies are handed to the workers once it commits. The same ``key`` again returns the
    first message and writes nothing (a double click, a retried POST)."""
    if audience not in STATUSES:
        raise MessageError("audience", "Modtagere: vælg bekræftede, venteliste eller alle.")
    if session is not None and session.event_id != event.pk:
        raise MessageError("session", "Session: sessionen hører ikke til arrangementet.")
    message_validate(subject=subject, body=body)
    existing = EventMessage.objects.filter(key=key).first()
    if existing is not None:
        return _same_form(existing, event)
    recipients = message_recipients(event=event, audience=audience)
    if not recipients:
        raise MessageError("audience", "Modtagere: der er ingen at sende til.")
    ics = message_calendar(event=event, session=session) if attach_calendar else ""
    try:
        with transaction.atomic():
            message = EventMessage.objects.create(
                event=event,
                session=session,
                audience=audience,
                subject=subject,
                body=body,
                attach_calendar=attach_calendar,
                key=key,
                recipients=len(recipients),
                created_by=by,
            )
            _write_copies(message, recipients, ics=ics)
    except IntegrityError:
        # The same form, sent at the same moment by another request: that one wrote it.
        existing = EventMessage.objects.filter(key=key).first()
        if existing is None:
            raise
        return _same_form(existing, event)
    return Sent(message=message, created=True)


def _same_form(message: EventMessage, event: EventPage) -> Sent:
    if message.event_id != event.pk:
        raise MessageError("key", "Formularen er brugt til et andet arrangement. Skriv igen.")
    return Sent(message=message, created=False)


def _write_copies(message: EventMessage, recipients: Sequence[Recipient], *, ics: str) -> None:
    event: EventPage = message.event
    rows = []
    for recipient in recipients:
        rendered = message_render(
            event=event,
            session=message.session,
            subject=message.subject,
            body=message.body,
            recipient=recipient,
        )
        rows.append(
            OutboundEmail(
                kind=EmailKind.MESSAGE,
                dedupe_key=_dedupe_key(message, recipient),
                event=event,
                registration_id=recipient.registration_id,
                to=recipient.email,
                subject=rendered.subject,
                body_text=rendered.text,
                body_html=rendered.html,
                ics=ics,
                ics_method="PUBLISH" if ics else "",
            )
        )
    OutboundEmail.objects.bulk_create(rows, batch_size=BATCH)
    ids = OutboundEmail.objects.filter(
        dedupe_key__startswith=f"{EmailKind.MESSAGE}:{message.pk}:"
    ).values_list("pk", flat=True)
    for pk in ids:
        enqueue_on_commit(DELIVER_TASK, pk)


def message_copies(message: EventMessage) -> QuerySet[OutboundEmail]:
    return OutboundEmail.objects.filter(
        kind=EmailKind.MESSAGE, dedupe_key__startswith=f"{EmailKind.MESSAGE}:{message.pk}:"
    )
