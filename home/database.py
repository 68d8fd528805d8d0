"""Which database errors mean "the database cannot be reached" (try again: 503), as opposed
to a query the database refused (a bug: 500, so tests and logs find it); and values read by a
cursor as the ORM would read them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

# SQLSTATE classes of PostgreSQL that say the server, not the query, is the trouble:
# 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown,
# statement timeout), 58 system error; 40 (serialization failure, deadlock) is worth a retry.
UNAVAILABLE_SQLSTATE_CLASSES = {"08", "40", "53", "57", "58"}
UNAVAILABLE_SQLSTATES = {"55P03"}  # lock not available
# SQLite's messages for a file it cannot use right now (it has no SQLSTATE).
SQLITE_UNAVAILABLE = ("locked", "busy", "unable to open", "disk i/o", "readonly", "full")


def database_unreachable(exc: BaseException) -> bool:
    """True for an error that a retry later may cure; False for every other exception,
    database errors about the query itself (syntax, a value the database refuses) included."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate[:2] in UNAVAILABLE_SQLSTATE_CLASSES or sqlstate in UNAVAILABLE_SQLSTATES
    if isinstance(cause, sqlite3.Error):
        message = str(cause).lower()
        return any(fragment in message for fragment in SQLITE_UNAVAILABLE)
    # psycopg's errors without a SQLSTATE: no answer from a server (refused, closed, timed out).
    return True


def aware_from_db(value: Any) -> datetime | None:
    """A datetime column's value as read by a cursor, not the ORM: SQLite hands back text, and a
    naive value is UTC (how Django stores them)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


def fixed_values_sql(values: Iterable[str]) -> str:
    """Fixed values of the code's own (choices such as statuses or kinds) as a list of SQL
    string literals, for an ``IN (...)`` written into a statement's text; never a value a
    request brings, which is a parameter. A value holding a quote is a programming error."""
    values = [str(value) for value in values]
    if any("'" in value or "\\" in value for value in values):
        raise ValueError("fixed_values_sql takes plain values only")
    return ", ".join(f"'{value}'" for value in values)
