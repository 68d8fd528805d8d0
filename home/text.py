"""Text helpers for Danish content."""

from django.utils.text import slugify

DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def danish_slugify(value: str) -> str:
    """A slug that spells æ, ø and å the Danish way (``Børns Vilkår`` → ``boerns-vilkaar``)."""
    return slugify(value.translate(DANISH_LETTERS))
