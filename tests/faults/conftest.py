"""Fault tests reuse the events fixtures."""

from tests.events.conftest import event_of  # noqa: F401
