"""The privacy text a person consents to when signing up, as the widget and the partners' sites
show it beside the form (``GET /api/v1/privacy/``, read through
``events.registrations.selectors.privacy_notice``).

Plain Danish text, paragraphs separated by a blank line. It says what the system does: the
fields of a ``Registration``, the emails of ``events/mail/``, and the deletion of
``events/retention/`` (accessibility needs on the first daily run after the event, everything
personal ``REGISTRATION_RETENTION_DAYS`` after it). Change the wording, or that setting, and bump
``PRIVACY_TEXT_VERSION``: each consent records the version it was given to.
"""

from __future__ import annotations

from django.conf import settings

PARAGRAPHS = (
    "Sådan behandler vi dine oplysninger",
    "Når du tilmelder dig et arrangement hos Videnscenter om børneinddragelse og udsatte børns "
    "liv, behandler vi de oplysninger, du giver os. Dataansvarlig er Socialstyrelsen, som driver "
    "videnscentret sammen med VIVE og Børns Vilkår.",
    "Vi registrerer dit navn, din e-mailadresse, din arbejdsplads, din kommune og din "
    "stillingsgruppe og, hvis du oplyser dem, dit telefonnummer og de hensyn, vi skal tage, for "
    "at du kan deltage. Søger du for en personalegruppe, registrerer vi også enheden, antallet "
    "af deltagere og navn og e-mailadresse på den leder, der skal bekræfte forankringen. Vi "
    "gemmer desuden, hvornår du gav dit samtykke, hvilken udgave af denne tekst du fik vist, og "
    "hvilket websted tilmeldingen kom fra.",
    "Vi bruger oplysningerne til at administrere arrangementet: til at bekræfte din tilmelding "
    "og føre venteliste, til at sende dig påmindelser, praktiske ændringer og link til online "
    "deltagelse, til at registrere fremmøde og til efter arrangementet at sende dig materiale "
    "og evaluering. Oplysningerne ses af den af videnscentrets partnere, der arrangerer "
    "arrangementet. Videnscentrets statistik over, hvem arrangementerne når, bruger kun kommune, "
    "stillingsgruppe og antal deltagere, aldrig navne.",
    "Vi behandler oplysningerne, fordi du giver dit samtykke til det, når du tilmelder dig.",
    "De hensyn, du har oplyst, sletter vi, når arrangementet er slut. Dit navn, din "
    "e-mailadresse, dit telefonnummer, din arbejdsplads og de e-mails, vi har sendt dig, sletter "
    "vi {retention_days} dage efter arrangementets sidste dag. Tilbage bliver kun kommune, "
    "stillingsgruppe og antal deltagere til statistikken.",
    "Du har ret til indsigt i de oplysninger, vi har om dig, og til at få dem rettet eller "
    "slettet. I den e-mail, du får, når du tilmelder dig, er der et link til din tilmelding. "
    "Derfra kan du afmelde dig, se og hente dine oplysninger og slette dem; sletter du dem, "
    "afmeldes også dine kommende tilmeldinger. På samme måde kan du når som helst trække dit "
    "samtykke tilbage.",
    "Har du spørgsmål til et arrangement, så kontakt den kontaktperson, der står på "
    "arrangementet. Har du spørgsmål til, hvordan dine oplysninger behandles, så kontakt "
    "Socialstyrelsen eller Socialstyrelsens databeskyttelsesrådgiver (socialstyrelsen.dk). Du "
    "kan klage til Datatilsynet (datatilsynet.dk).",
)


def privacy_text() -> str:
    """The text with this installation's retention period."""
    return "\n\n".join(PARAGRAPHS).format(retention_days=settings.REGISTRATION_RETENTION_DAYS)
