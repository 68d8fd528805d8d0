"""Which email addresses the centre will write to on someone's say-so (a sign-up, a manager's
address in an application): addresses on the internet only.

Django's own validator also takes ``a@localhost`` and address literals (``a@[127.0.0.1]``),
which would let a stranger make the centre's mail server deliver to its own network."""

from __future__ import annotations

from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _


class InternetEmailValidator(EmailValidator):
    """An address whose domain is a name with a dot in it: no address literal, no bare host."""

    def __init__(self, message=None, code=None) -> None:
        super().__init__(message=message, code=code, allowlist=[])

    def validate_domain_part(self, domain_part: str) -> bool:
        if domain_part.startswith("[") or "." not in domain_part.strip("."):
            return False
        return super().validate_domain_part(domain_part)


def internet_email_for(label: str) -> InternetEmailValidator:
    """The validator for one field, its message naming the field first (as every message of
    the sign-up does, so a summary of two refused addresses says which is which)."""
    return InternetEmailValidator(
        message=_(
            "%(field)s: skriv en e-mailadresse på internettet (et domænenavn, ikke en IP-adresse)."
        )
        % {"field": label}
    )
