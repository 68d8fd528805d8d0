"""Text helpers for Danish content."""

from django.utils.text import slugify

DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def danish_slugify(value: str) -> str:
    """A slug that spells æ, ø and å the Danish way (``Børns Vilkår`` → ``boerns-vilkaar``)."""
    return slugify(value.translate(DANISH_LETTERS))


def machine_key(value: str, *, limit: int = 50, fallback: str = "noegle") -> str:
    """A stable machine key for an editor's label: a Danish slug of at most ``limit``
    characters ("Hvilket modul følger du?" → ``hvilket-modul-foelger-du``)."""
    return danish_slugify(value)[:limit].strip("-_") or fallback
