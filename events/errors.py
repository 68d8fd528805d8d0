"""The events app's one error type, with every message it can carry in one place.

``api.errors`` maps it to the answer's status (``http_status``) and the Danish ``message``;
the registrant's pages show the message as it is.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# code: (HTTP status, Danish message, field it concerns or None)
MESSAGES: dict[str, tuple[int, str, str | None]] = {
    "event_not_found": (404, _("Arrangementet findes ikke eller er ikke offentliggjort."), None),
    "registration_not_found": (404, _("Tilmeldingen findes ikke."), None),
    "event_cancelled": (409, _("Arrangementet er aflyst, så tilmelding er ikke mulig."), None),
    "not_yet_open": (409, _("Tilmeldingen er ikke åbnet endnu."), None),
    "closed": (409, _("Tilmeldingen er lukket."), None),
    "full": (409, _("Arrangementet er fuldt, og der er ingen venteliste."), None),
    "too_many_participants": (
        409,
        _("Der er ikke pladser nok til så mange deltagere på arrangementet."),
        "participants",
    ),
    "consent_required": (
        400,
        _("Samtykke: du skal give samtykke til privatlivsteksten for at tilmelde dig."),
        "consent",
    ),
    "individual_only_one": (
        400,
        _("Deltagere: en personlig tilmelding gælder én deltager."),
        "participants",
    ),
    "manager_required": (
        400,
        _("Leder: angiv lederens navn og e-mail for en medarbejdergruppe."),
        "manager_email",
    ),
    "manager_name_required": (
        400,
        _("Lederens navn: angiv lederens navn for en medarbejdergruppe."),
        "manager_name",
    ),
    "unit_required": (400, _("Enhed: angiv enheden for en medarbejdergruppe."), "unit"),
    "manager_is_contact": (
        400,
        _("Leder: lederens e-mail skal være en anden end kontaktpersonens."),
        "manager_email",
    ),
    "started": (
        409,
        _("Arrangementet er begyndt, så tilmeldingen kan ikke længere ændres."),
        None,
    ),
    "not_pending": (409, _("Ansøgningen er allerede behandlet."), None),
    "not_waiting": (409, _("Tilmeldingen står ikke på ventelisten."), None),
    "manager_not_confirmed": (
        409,
        _("Ledelsen har endnu ikke bekræftet forankringen, så ansøgningen kan ikke godkendes."),
        None,
    ),
    "no_seats": (409, _("Der er ikke ledige pladser nok."), None),
    "offer_not_open": (
        409,
        _("Tilbuddet om en plads gælder ikke længere: tilmeldingen er ikke tilbudt en plads."),
        None,
    ),
    "offer_expired": (
        409,
        _(
            "Fristen for at tage pladsen er udløbet, så pladsen går videre til den næste på "
            "ventelisten."
        ),
        None,
    ),
    "offer_answer_unknown": (
        400,
        _("Svar: vælg “Tag pladsen” eller “Nej tak”."),
        "answer",
    ),
    "idempotency_key_reused": (
        400,
        _("Idempotency-Key: nøglen er allerede brugt til en anden tilmelding."),
        "Idempotency-Key",
    ),
    "anonymised": (409, _("Tilmeldingens data er slettet."), None),
    "already_cancelled": (409, _("Tilmeldingen er allerede annulleret."), None),
    # Self-service: a registrant changes their details or sends a colleague in their place.
    "change_closed": (
        409,
        _(
            "Tilmeldingen er lukket, så oplysningerne kan ikke længere ændres her. Kontakt "
            "arrangøren, hvis noget skal rettes."
        ),
        None,
    ),
    "change_cancelled": (409, _("Tilmeldingen er annulleret, så den kan ikke ændres."), None),
    "name_required": (400, _("Navn: skriv et navn."), "name"),
    "workplace_required": (400, _("Arbejdsplads: skriv en arbejdsplads."), "workplace"),
    "transfer_staff_group": (
        409,
        _(
            "En ansøgning for en medarbejdergruppe kan ikke overdrages til en kollega. "
            "Kontakt arrangøren, hvis deltagerne skal ændres."
        ),
        None,
    ),
    "transfer_offered": (
        409,
        _(
            "Du har fået tilbudt en plads: tag pladsen først (eller sig nej tak), så kan du "
            "sende en kollega i dit sted."
        ),
        None,
    ),
    "transfer_same_email": (
        400,
        _("Kollegaens e-mail: skriv din kollegas e-mail, ikke din egen."),
        "email",
    ),
    "transfer_already_registered": (
        409,
        _("Kollegaens e-mail: personen er allerede tilmeldt arrangementet."),
        "email",
    ),
    "transfer_consent_required": (
        400,
        _("Samtykke: bekræft, at din kollega ved, at du giver oplysningerne videre."),
        "consent",
    ),
    "attendance_not_confirmed": (
        409,
        _("Fremmøde kan kun registreres for bekræftede tilmeldinger."),
        None,
    ),
    # Attendance per session (``events.courses``).
    "attendance_no_session_started": (
        409,
        _("Ingen af arrangementets sessioner er begyndt endnu, så fremmøde kan ikke registreres."),
        None,
    ),
    "attendance_session_cancelled": (
        409,
        _("Sessionen er aflyst, så der registreres ikke fremmøde til den."),
        "session",
    ),
    "attendance_too_early": (
        409,
        _("Fremmøde kan først registreres på sessionens dag (afbud kan meldes før)."),
        "session",
    ),
    "attendance_status_unknown": (
        400,
        _("Fremmøde: vælg til stede, fraværende eller meldt afbud."),
        "status",
    ),
    "attendance_member_required": (
        400,
        _(
            "Deltager: medarbejdergruppen har navngivne deltagere; registrér fremmøde for "
            "hver af dem."
        ),
        "member",
    ),
    "attendance_wrong_event": (
        404,
        _("Personen er ikke tilmeldt denne session."),
        None,
    ),
    # A staff group's named participants (``events.registrations.members``).
    "members_not_group": (
        400,
        _("Deltagere: kun en ansøgning for en medarbejdergruppe kan navngive deltagere."),
        "members",
    ),
    "members_too_many": (
        400,
        _("Deltagere: højst %(limit)s navngivne deltagere (det antal pladser, I søger)."),
        "members",
    ),
    "members_invalid": (400, "%(summary)s", "members"),
    "members_several_invalid": (
        400,
        _("Deltagere: %(count)s felter kan ikke bruges; se beskeden ved hvert felt."),
        "members",
    ),
    "members_closed": (
        409,
        _("Deltagere: tilmeldingen er lukket, så deltagerne kan ikke længere ændres."),
        "members",
    ),
    "members_cancelled": (
        409,
        _("Deltagere: ansøgningen er annulleret, så deltagerne kan ikke ændres."),
        "members",
    ),
    "member_not_found": (404, _("Deltageren findes ikke."), None),
    "manager_reason_too_long": (
        400,
        _("Begrundelse: højst %(limit)s tegn."),
        "reason",
    ),
    "manager_decided": (
        409,
        _("Lederen har allerede bekræftet forankringen, så ansøgningen kan ikke afvises her."),
        None,
    ),
    # The answers to an event's questions: ``errors`` holds a message per question
    # (``answers.<key>``), each naming the question (``ANSWER_MESSAGES``).
    "answers_invalid": (400, "%(summary)s", "answers"),
    "answers_several_invalid": (
        400,
        _("Svar: %(count)s svar kan ikke bruges; se beskeden ved hvert spørgsmål."),
        "answers",
    ),
    "option_full": (
        409,
        _("%(question)s: “%(option)s” har ikke flere pladser. Vælg en anden mulighed."),
        "answers",
    ),
}

# What is wrong with one answer; ``%(question)s`` is the question's label.
ANSWER_MESSAGES: dict[str, str] = {
    "required": _("%(question)s: besvar spørgsmålet."),
    "hidden": _(
        "%(question)s: spørgsmålet stilles kun, når “%(condition)s” er besvaret med "
        "“%(value)s”, så det skal ikke besvares."
    ),
    "unknown": _("Svar: arrangementet stiller ikke spørgsmålet “%(key)s”."),
    "not_an_object": _("Svar: angiv svarene som et objekt med spørgsmålenes nøgler."),
    "text": _("%(question)s: skriv svaret som tekst."),
    "text_too_long": _("%(question)s: højst %(limit)s tegn."),
    "text_invalid_character": _("%(question)s: svaret indeholder et ugyldigt tegn."),
    "number": _("%(question)s: skriv et tal, fx 12 eller 2,5."),
    "date": _("%(question)s: skriv en dato som ÅÅÅÅ-MM-DD, fx 2027-03-01."),
    "yes_no": _("%(question)s: svar ja eller nej."),
    "choice": _("%(question)s: vælg en af mulighederne."),
    "multiple_choice": _("%(question)s: vælg en eller flere af mulighederne, som en liste."),
    "municipality": _("%(question)s: vælg en kommune på listen."),
    "job_role": _("%(question)s: vælg en stillingsgruppe på listen."),
}


class EventsError(Exception):
    """A step of the events domain that cannot be taken; ``code`` names which (see MESSAGES).

    ``params`` fill the message's placeholders; ``field`` names the field it concerns where
    that varies (``answers.<key>``); ``errors`` are messages per field where one error concerns
    several (the answers to an event's questions)."""

    def __init__(
        self,
        code: str,
        *,
        field: str | None = None,
        errors: dict[str, list[str]] | None = None,
        **params: object,
    ):
        self.code = code
        self.http_status, message, default_field = MESSAGES[code]
        self.field = field or default_field
        self.message = message % params if params else message
        self.errors = errors
        super().__init__(str(self.message))
