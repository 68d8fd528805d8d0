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
    "idempotency_key_reused": (
        400,
        _("Idempotency-Key: nøglen er allerede brugt til en anden tilmelding."),
        "Idempotency-Key",
    ),
    "anonymised": (409, _("Tilmeldingens data er slettet."), None),
    "already_cancelled": (409, _("Tilmeldingen er allerede annulleret."), None),
    "attendance_not_confirmed": (
        409,
        _("Fremmøde kan kun registreres for bekræftede tilmeldinger."),
        None,
    ),
}


class EventsError(Exception):
    """A step of the events domain that cannot be taken; ``code`` names which (see MESSAGES)."""

    def __init__(self, code: str):
        self.code = code
        self.http_status, self.message, self.field = MESSAGES[code]
        super().__init__(str(self.message))
