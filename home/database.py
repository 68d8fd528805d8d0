"""Which database errors mean "the database cannot be reached" (try again: 503), as opposed
to a query the database refused (a bug: 500, so tests and logs find it); values read by a
cursor as the ORM would read them; and statements sent together (``statements_run``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import InterfaceError, OperationalError, connections
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


Statement = tuple[str, Sequence[Any]]


def statements_run(statements: Sequence[Statement], *, using: str = "default") -> list[list]:
    """Run ``statements`` in order on one connection and return each one's rows (an empty list
    for a statement that returns none). Each statement is written with placeholders (a literal
    ``%`` as ``%%``), as for a cursor given parameters.

    On PostgreSQL, with the values bound on the client (Django's default), they go out as one
    message, one round trip to the server instead of one each, and psycopg does a third of the
    work (measured: 0.10-0.13 ms of CPU for four small statements against 0.27-0.36 ms one by
    one, and 0.23-0.36 ms in psycopg's pipeline mode). The server still runs them one after the
    other, each with a snapshot of its own (READ COMMITTED), so a statement that follows a row
    lock sees what the lock's previous holder committed. What one statement returns cannot go
    into the next: they are all written before any runs. Worth it where others wait for every
    round trip, as under an event's lock (``events.registrations.seat_sql``).

    The first error stops the rest and is raised as Django raises database errors (inside a
    transaction, which then rolls back as usual; outside one, PostgreSQL runs the message as
    one transaction of its own). With the values bound on the server
    (``DB_PREPARED_STATEMENTS``), and on SQLite, one by one. A statement's text never holds a
    ``;`` (values are parameters): one that does is refused before anything runs."""
    if any(";" in sql for sql, _ in statements):
        raise ValueError("statements_run takes one statement per entry, without a ';'")
    connection = connections[using]
    if len(statements) < 2 or not statements_go_together(connection):
        return [_rows_of(connection, sql, params) for sql, params in statements]
    with connection.cursor() as cursor:
        cursor.execute(
            "; ".join(sql for sql, _ in statements),
            [value for _, params in statements for value in params],
        )
        results = [_rows_or_none(cursor)]
        while cursor.nextset():
            results.append(_rows_or_none(cursor))
    return results


def statements_go_together(connection) -> bool:
    """PostgreSQL with Django's default cursor, psycopg 3's client-side binding one (not
    ``server_side_binding``): several statements may go in one ``execute``."""
    if connection.vendor != "postgresql":
        return False
    return connection.settings_dict.get("OPTIONS", {}).get("server_side_binding") is not True


def _rows_or_none(cursor) -> list:
    return cursor.fetchall() if cursor.description else []


def _rows_of(connection, sql: str, params: Sequence[Any]) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _rows_or_none(cursor)
