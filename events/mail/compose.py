"""What each email to a professional says: Danish subject, text and HTML, from one template pair.

``email_compose`` is pure (no database writes); ``events.mail.services`` decides who gets which
email and writes the outbox rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from events.ical.data import is_online
from events.models import EmailKind, EventPage, EventSession


@dataclass(frozen=True)
class Wording:
    subject: str
    heading: str
    lead: str


# {title} is the event's title. Each kind's lead is the first thing the person reads.
WORDING: dict[str, Wording] = {
    EmailKind.CONFIRMATION: Wording(
        "Tilmelding bekræftet: {title}",
        "Du er tilmeldt",
        "Tak for din tilmelding. Du har en plads. Kalenderfilen i mailen lægger arrangementet "
        "i din kalender.",
    ),
    EmailKind.WAITING_LIST: Wording(
        "Du er på ventelisten: {title}",
        "Du er på ventelisten",
        "Arrangementet er fuldt, så du er skrevet på ventelisten som nummer {position}. "
        "Bliver en plads ledig, rykker du automatisk op, og du får besked.",
    ),
    EmailKind.PROMOTED: Wording(
        "Du har fået en plads: {title}",
        "Du har fået en plads",
        "En plads er blevet ledig, og du er rykket op fra ventelisten. Du er nu tilmeldt.",
    ),
    EmailKind.OFFERED: Wording(
        "Du kan få en plads: {title}",
        "Du kan få en plads",
        "En plads er blevet ledig, og den er din, hvis du tager den senest {deadline}. Brug "
        "linket nedenfor til at tage pladsen eller sige nej tak. Tager du den ikke inden "
        "fristen, går den videre til den næste på ventelisten.",
    ),
    EmailKind.OFFER_EXPIRED: Wording(
        "Tilbuddet om en plads er udløbet: {title}",
        "Tilbuddet er udløbet",
        "Du tog ikke den plads, vi tilbød dig, inden fristen, så den er gået videre til den "
        "næste på ventelisten. Du står ikke længere på ventelisten.",
    ),
    EmailKind.PENDING: Wording(
        "Ansøgning modtaget: {title}",
        "Vi har modtaget jeres ansøgning",
        "Jeres ansøgning for en medarbejdergruppe på {participants} deltagere er modtaget. "
        "Den behandles, når ledelsen har bekræftet forankringen. Pladserne er først jeres, "
        "når ansøgningen er godkendt.",
    ),
    # To an address the applicant typed: only what the centre controls (the event's title, the
    # count, the municipality from the centre's list), no text of the applicant's, so the form
    # cannot send the centre's email with a stranger's words. The link shows who applied.
    EmailKind.MANAGER_REQUEST: Wording(
        "Bekræft ledelsesmæssig forankring: {title}",
        "Bekræft forankringen",
        "Der er søgt om, at en medarbejdergruppe på {participants} deltagere fra {municipality} "
        "deltager i forløbet, med dig som leder. Forløbet kræver ledelsens forankring. Se "
        "ansøgningen og bekræft den via linket nedenfor. Kender du ikke til ansøgningen, kan du "
        "se bort fra denne mail.",
    ),
    EmailKind.APPLICATION_APPROVED: Wording(
        "Ansøgning godkendt: {title}",
        "Jeres ansøgning er godkendt",
        "Jeres medarbejdergruppe har fået {participants} pladser på forløbet.",
    ),
    EmailKind.APPLICATION_DECLINED: Wording(
        "Ansøgning ikke imødekommet: {title}",
        "Jeres ansøgning er ikke imødekommet",
        "Vi kan desværre ikke give jeres medarbejdergruppe plads på forløbet denne gang. "
        "Kontakt arrangøren, hvis I har spørgsmål.",
    ),
    # To the applicant: the manager's own reason (``status_reason``) goes with it.
    EmailKind.MANAGER_DECLINED: Wording(
        "Lederen har afvist ansøgningen: {title}",
        "Lederen har afvist ansøgningen",
        "Lederen har ikke bekræftet forankringen af jeres ansøgning, så ansøgningen er "
        "annulleret og holder ingen pladser. Kontakt jeres leder, hvis I har spørgsmål.",
    ),
    # To the manager, like their request: nothing the applicant typed.
    EmailKind.MANAGER_TOLD_APPROVED: Wording(
        "Ansøgningen er godkendt: {title}",
        "Ansøgningen er godkendt",
        "Ansøgningen for en medarbejdergruppe på {participants} deltagere fra {municipality}, "
        "som du har bekræftet forankringen af, er godkendt af arrangøren. Gruppen har fået "
        "sine pladser.",
    ),
    EmailKind.MANAGER_TOLD_DECLINED: Wording(
        "Ansøgningen er ikke imødekommet: {title}",
        "Ansøgningen er ikke imødekommet",
        "Arrangøren har desværre ikke kunnet give medarbejdergruppen på {participants} "
        "deltagere fra {municipality} plads på forløbet denne gang.",
    ),
    # To a named participant, at an address the applicant typed: only what the centre
    # controls (no greeting by name, nothing of the applicant's), and only once a moderator
    # has approved the application.
    EmailKind.MEMBER_CONFIRMATION: Wording(
        "Du har en plads: {title}",
        "Du er tilmeldt som deltager",
        "Du er tilmeldt som en af deltagerne i en medarbejdergruppe fra {municipality}. "
        "Kalenderfilen i mailen lægger arrangementet i din kalender. Via linket nedenfor kan "
        "du se arrangementet og afmelde dig.",
    ),
    EmailKind.MEMBER_CANCELLED: Wording(
        "Du er afmeldt: {title}",
        "Du er afmeldt",
        "Du er ikke længere tilmeldt som deltager i medarbejdergruppen. Kalenderfilen fjerner "
        "arrangementet fra din kalender.",
    ),
    EmailKind.ALREADY_REGISTERED: Wording(
        "Du er allerede tilmeldt: {title}",
        "Du er allerede tilmeldt",
        "Vi har fået en ny tilmelding med din e-mailadresse, men du er allerede tilmeldt. "
        "Der er ikke oprettet en ny tilmelding. Var det ikke dig, kan du se bort fra denne mail.",
    ),
    EmailKind.CANCELLED: Wording(
        "Afmelding bekræftet: {title}",
        "Du er afmeldt",
        "Din tilmelding er annulleret. Kalenderfilen fjerner arrangementet fra din kalender.",
    ),
    EmailKind.DETAILS_CHANGED: Wording(
        "Dine oplysninger er ændret: {title}",
        "Dine oplysninger er ændret",
        "Vi har gemt dine ændringer af tilmeldingen ({changed}). Se dine oplysninger og svar via "
        "linket nedenfor. Har du ikke selv ændret noget, så kontakt arrangøren.",
    ),
    EmailKind.REMINDER: Wording(
        "Påmindelse: {title}",
        "Snart er det tid",
        "Vi minder dig om, at du er tilmeldt {session}.",
    ),
    EmailKind.JOIN_LINK: Wording(
        "Dit link til {title}",
        "Dit deltagerlink",
        "Her er dit personlige link til at deltage. Del det ikke med andre.",
    ),
    EmailKind.EVENT_CHANGED: Wording(
        "Ændret tidspunkt eller sted: {title}",
        "Arrangementet er ændret",
        "Tidspunkt eller sted for arrangementet er ændret. Se de opdaterede oplysninger "
        "nedenfor. Kalenderfilen opdaterer aftalen i din kalender.",
    ),
    EmailKind.EVENT_CANCELLED: Wording(
        "Aflyst: {title}",
        "Aflysning",
        "Vi må desværre aflyse {session}. Kalenderfilen fjerner det fra din kalender.",
    ),
    EmailKind.FOLLOW_UP: Wording(
        "Materiale fra {title}",
        "Tak for din deltagelse",
        "Materialet fra arrangementet er nu tilgængeligt.",
    ),
    EmailKind.CERTIFICATE: Wording(
        "Dit kursusbevis: {title}",
        "Dit kursusbevis er klar",
        "Tak for din deltagelse. Du har deltaget i det, forløbet kræver, og dit kursusbevis er "
        "klar. Du kan hente det som PDF via linket nedenfor. Sessionerne, du deltog i, står "
        "herunder.",
    ),
    EmailKind.EVALUATION_INVITATION: Wording(
        "Hvad syntes du? Evaluering af {title}",
        "Hvad syntes du?",
        "Tak for din deltagelse. Vi vil gerne høre, hvad du fik ud af arrangementet. Det tager "
        "få minutter, og dine svar er anonyme: de gemmes uden dit navn og din e-mail. Linket "
        "er personligt og kan bruges én gang.",
    ),
    EmailKind.EVALUATION_REMINDER: Wording(
        "Påmindelse: evaluering af {title}",
        "Har du et par minutter?",
        "For nogle dage siden bad vi dig evaluere arrangementet. Har du ikke nået det endnu, "
        "vil vi stadig gerne høre fra dig. Dine svar er anonyme. Det er den eneste påmindelse, "
        "du får.",
    ),
}


# Emails to an address the applicant typed (the manager, a named participant): no name.
TO_ADDRESS_TYPED_BY_APPLICANT = frozenset(
    {
        EmailKind.MANAGER_REQUEST,
        EmailKind.MANAGER_TOLD_APPROVED,
        EmailKind.MANAGER_TOLD_DECLINED,
        EmailKind.MEMBER_CONFIRMATION,
        EmailKind.MEMBER_CANCELLED,
    }
)

# The waiting list's lead for an event that offers freed seats instead of giving them.
WAITING_LIST_WITH_OFFERS = (
    "Arrangementet er fuldt, så du er skrevet på ventelisten som nummer {position}. "
    "Bliver en plads ledig, og er du den næste, får du et tilbud om pladsen på e-mail. "
    "Du har så {hours} til at tage den (dog højst til arrangementet begynder)."
)
# A cancellation of a place that never was in the person's calendar (the waiting list, an
# offer not taken) comes without a calendar file, and says nothing of one.
CANCELLED_WITHOUT_CALENDAR = "Din tilmelding er annulleret."
# A registration the centre cancelled (a moderator in the admin), with the moderator's reason.
CANCELLED_BY_CENTRE = Wording(
    "Centret har annulleret din tilmelding: {title}",
    "Centret har annulleret din tilmelding",
    "Videnscentret har annulleret din tilmelding til arrangementet. Du har ikke længere en plads.",
)
CANCELLED_BY_CENTRE_CALENDAR = " Kalenderfilen fjerner arrangementet fra din kalender."
CANCELLED_BY_CENTRE_REASON = "Centrets begrundelse: {reason}"


# The emails that give a seat: for an online or hybrid event they say when the join link comes.
GIVES_A_SEAT = frozenset(
    {
        EmailKind.CONFIRMATION,
        EmailKind.PROMOTED,
        EmailKind.APPLICATION_APPROVED,
        EmailKind.MEMBER_CONFIRMATION,
    }
)
JOIN_LINK_COMES = (
    "Linket til at deltage får du i en særskilt mail {moment}, {hours} før arrangementet begynder."
)
JOIN_LINK_COMES_NOW = "Linket til at deltage får du i en særskilt mail om få minutter."


def join_link_sentence(event: EventPage, now: datetime) -> str:
    """When an online or hybrid event's join link comes, for the email that gives a seat
    (the link itself goes out on its own, ``events.mail.services.join_link_notify``)."""
    if not is_online(event) or event.first_start is None:
        return ""
    due = event.first_start - timedelta(hours=event.join_link_hours)
    if due <= now:
        return JOIN_LINK_COMES_NOW
    return JOIN_LINK_COMES.format(moment=format_moment(due), hours=_hours(event.join_link_hours))


@dataclass
class ComposedEmail:
    subject: str
    text: str
    html: str


@dataclass
class EmailContext:
    """What a template may show. ``join_url`` only in what goes to confirmed registrants."""

    kind: str
    event: EventPage
    name: str = ""
    sessions: list[EventSession] = field(default_factory=list)
    position: int | None = None
    participants: int | None = None
    join_url: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, absolute URL)
    material: list[tuple[str, str]] = field(default_factory=list)
    status_reason: str = ""
    municipality: str = ""  # the applicant's municipality, in the email to the manager
    deadline: str = ""  # an offer's deadline, in Danish local time (``format_moment``)
    # The registrant's answers to the event's questions, (question, answer), in the emails
    # that confirm what they sent; a sensitive answer is named, never quoted.
    answers: list[tuple[str, str]] = field(default_factory=list)
    changed: str = ""  # the names of what a registrant changed, in their receipt
    without_calendar: bool = False  # a cancellation of a place never in their calendar
    by_centre: bool = False  # a cancellation by the centre; ``status_reason`` says why
    # The person's check-in code (``events.courses.tokens``): its page and its QR image.
    checkin_url: str = ""
    checkin_qr: str = ""


def _hours(hours: int | None) -> str:
    """Danish: "1 time", "48 timer"."""
    if not hours:
        return ""
    return f"{hours} time" if hours == 1 else f"{hours} timer"


def format_when(session: EventSession) -> str:
    """Danish, in the centre's time zone: "tirsdag den 1. december 2026 kl. 10.00–12.00"."""
    with translation.override("da"):
        if session.all_day:
            first = formats.date_format(session.start_date, r"l \d\e\n j. F Y")
            if session.end_date and session.end_date != session.start_date:
                last = formats.date_format(session.end_date, r"l \d\e\n j. F Y")
                return f"{first} – {last}"
            return first
        start = timezone.localtime(session.start, timezone.get_default_timezone())
        end = timezone.localtime(session.end, timezone.get_default_timezone())
        day = formats.date_format(start, r"l \d\e\n j. F Y")
        if start.date() == end.date():
            return f"{day} kl. {start:%H.%M}–{end:%H.%M}"
        return f"{day} kl. {start:%H.%M} – " + formats.date_format(
            end, r"l \d\e\n j. F Y \k\l. H.i"
        )


def format_moment(moment: datetime) -> str:
    """Danish, in the centre's time zone: "tirsdag den 1. december 2026 kl. 10.00"."""
    with translation.override("da"):
        local = timezone.localtime(moment, timezone.get_default_timezone())
        return formats.date_format(local, r"l \d\e\n j. F Y") + f" kl. {local:%H.%M}"


def session_label(session: EventSession, event: EventPage) -> str:
    title = f"{event.title} – {session.title}" if session.title else event.title
    return f"{title}, {format_when(session)}"


FOLLOW_UP_EVALUATION = " Vi vil også gerne høre, hvad du syntes: svar gerne på evalueringen."


def email_compose(context: EmailContext) -> ComposedEmail:
    wording = WORDING[context.kind]
    by_centre = context.kind == EmailKind.CANCELLED and context.by_centre
    if by_centre:
        wording = CANCELLED_BY_CENTRE
    event = context.event
    session_text = (
        session_label(context.sessions[0], event) if len(context.sessions) == 1 else event.title
    )
    # The manager's name and address came from the applicant: the manager gets no greeting by
    # name, and no field of the applicant's is quoted to them.
    to_manager = context.kind in TO_ADDRESS_TYPED_BY_APPLICANT
    name = "" if to_manager else context.name
    values = {
        "title": event.title,
        "name": name,
        "municipality": context.municipality,
        "position": context.position or "",
        "participants": context.participants or "",
        "session": session_text,
        "deadline": context.deadline,
        "hours": _hours(event.waiting_list_offer_hours),
        "changed": context.changed,
    }
    lead = wording.lead
    if context.kind == EmailKind.WAITING_LIST and event.waiting_list_offer_hours:
        lead = WAITING_LIST_WITH_OFFERS
    if context.kind == EmailKind.CANCELLED and context.without_calendar and not by_centre:
        lead = CANCELLED_WITHOUT_CALENDAR
    if context.kind == EmailKind.FOLLOW_UP and event.evaluation_url:
        lead += FOLLOW_UP_EVALUATION  # only where the material has an evaluation to answer
    status_reason = context.status_reason
    if by_centre:
        if not context.without_calendar:
            lead += CANCELLED_BY_CENTRE_CALENDAR
        if status_reason:
            status_reason = CANCELLED_BY_CENTRE_REASON.format(reason=status_reason)
    if context.kind in GIVES_A_SEAT and (sentence := join_link_sentence(event, timezone.now())):
        lead = f"{lead} {sentence}"
    rows = [
        {
            "label": session.title,
            "when": format_when(session),
            "where": session.effective_location(event),
            "cancelled": str(session.effective_status(event)) == "cancelled",
        }
        for session in context.sessions
    ]
    template_context = {
        "heading": wording.heading.format(**values),
        "lead": lead.format(**values),
        "name": name,
        "event": event,
        "sessions": rows,
        "join_url": context.join_url,
        "checkin_url": context.checkin_url,
        "checkin_qr": context.checkin_qr,
        "platform": event.platform_name,
        "links": context.links,
        "material": context.material,
        "answers": [] if to_manager else context.answers,
        "status_reason": status_reason,
        "contact": (event.contact_name, event.contact_email, event.contact_phone),
        "sender": "Videnscenter om børneinddragelse og udsatte børns liv",
    }
    with translation.override("da"):
        text = render_to_string("events/emails/message.txt", template_context)
        html = render_to_string("events/emails/message.html", template_context)
    subject = " ".join(wording.subject.format(**values).split())[:255]
    return ComposedEmail(subject=subject, text=_tidy_text(text), html=html)


def _tidy_text(text: str) -> str:
    """Templates leave blank runs where blocks are skipped; keep at most one empty line."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if not line and (not lines or not lines[-1]):
            continue
        lines.append(line)
    return "\n".join(lines).strip() + "\n"
