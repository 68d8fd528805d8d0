"""Which database errors mean "the database cannot be reached" (try again: 503), as opposed
to a query the database refused (a bug: 500, so tests and logs find it); values read by a
cursor as the ORM would read them; and statements sent together (``statements_run``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from home.prepared_statements import settled_nothing, statements_prepared

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


def statements_run(
    statements: Sequence[Statement],
    *,
    using: str = "default",
    commit: bool = False,
    prepared: bool = False,
) -> list[list]:
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

    ``prepared``: the server parses and plans each text once per connection
    (``home.prepared_statements``; unless ``DB_PREPARED_TEXTS`` is off), for texts that are
    fixed (made once per process, never with a request's values in them) and whose every
    parameter takes its type from where it stands (a column compared or written), not
    ``SELECT %s``, which a prepared text reads as text.

    The first error stops the rest and is raised as Django raises database errors (inside a
    transaction, which then rolls back as usual; outside one, PostgreSQL runs the message as
    one transaction of its own). With the values bound on the server
    (``DB_PREPARED_STATEMENTS``), and on SQLite, one by one. A statement's text never holds a
    ``;`` (values are parameters): one that does is refused before anything runs.

    ``commit``: the message ends with the transaction's COMMIT, so the statements that finish a
    transaction and its commit are one round trip, not two (where others wait for the
    transaction's locks to go). Only where ``commit_goes_with`` says so; see there for what the
    caller may still do afterwards."""
    if any(";" in sql for sql, _ in statements):
        raise ValueError("statements_run takes one statement per entry, without a ';'")
    connection = connections[using]
    if commit:
        if not commit_goes_with(using=using):
            raise ValueError("the COMMIT goes with the statements only in Django's own transaction")
        statements = [*statements, ("COMMIT", [])]
    if not statements:
        return []
    if not statements_go_together(connection):
        return [_rows_of(connection, sql, params) for sql, params in statements]
    with connection.cursor() as cursor:
        # Each statement the server has parsed and planned before on this connection goes as an
        # EXECUTE of it, preceded by its PREPARE the first time (``home.prepared_statements``).
        if prepared and getattr(settings, "DB_PREPARED_TEXTS", False):
            message, prepares, settled = statements_prepared(connection.connection, statements)
        else:
            message, prepares, settled = list(statements), 0, settled_nothing
        try:
            cursor.execute(
                "; ".join(sql for sql, _ in message),
                [value for _, params in message for value in params],
            )
        except BaseException as error:
            settled(error)
            raise
        settled(None)
        results = [_rows_or_none(cursor)]
        while cursor.nextset():
            results.append(_rows_or_none(cursor))
    return results[prepares:]


def statements_go_together(connection) -> bool:
    """PostgreSQL with Django's default cursor, psycopg 3's client-side binding one (not
    ``server_side_binding``): several statements may go in one ``execute``."""
    if connection.vendor != "postgresql":
        return False
    return connection.settings_dict.get("OPTIONS", {}).get("server_side_binding") is not True


def commit_goes_with(*, using: str = "default") -> bool:
    """Whether ``statements_run(..., commit=True)`` may end the transaction: PostgreSQL, with
    statements that go together, inside Django's outermost ``atomic`` block (not a savepoint
    within another, nor a test's transaction) that is to commit.

    The COMMIT is the server's: Django's block still thinks the transaction open, and on leaving
    it finds nothing to commit (psycopg commits nothing when no transaction is open) and runs the
    ``on_commit`` callbacks as usual. Between the two, nothing may touch the database, or it
    would run in a transaction of its own: ``statements_refused`` guards that stretch."""
    connection = connections[using]
    return (
        statements_go_together(connection)
        and connection.in_atomic_block
        and connection.commit_on_exit
        and not connection.needs_rollback
        and len(connection.atomic_blocks) == 1
        and not connection.savepoint_ids
        # a test's own transaction (Django's TestCase, pytest-django's ``db``) is not one
        and not getattr(connection.atomic_blocks[0], "_from_testcase", False)
    )


class StatementAfterCommit(RuntimeError):
    """A statement was about to run after ``statements_run(..., commit=True)`` ended the
    transaction, inside the ``atomic`` block that had begun it: a programming error."""


def _refuse(execute, sql, params, many, context):
    raise StatementAfterCommit(sql)


@contextmanager
def statements_refused(*, using: str = "default") -> Iterator[None]:
    """Within it, any statement on the connection raises ``StatementAfterCommit``: for the
    code that runs between a commit sent with the last statements and the end of Django's
    ``atomic`` block (signals whose receivers register ``on_commit`` callbacks only)."""
    with connections[using].execute_wrapper(_refuse):
        yield


# psycopg keeps what it learnt of a query's placeholders (client-side binding) for texts of up
# to 50 parameters, and parses any longer one again on every execute. A sign-up's rows go out as
# one text of 86 (``home.row_inserts.rows_insert_together``), under the event's lock, where
# parsing it took 0.13 ms each time. The texts this project sends with that many are few and
# fixed (made once per process), so they are kept like the short ones, in psycopg's own cache
# (128 texts, least recently used first out).
PSYCOPG_CACHED_PARAMETERS = 200


def psycopg_parse_cache_widen() -> None:
    """Keep psycopg's parse of texts with up to ``PSYCOPG_CACHED_PARAMETERS`` parameters.
    Its limit is a module constant read on every execute; where a psycopg has none (it changed),
    this does nothing, and the texts are parsed every time, as before."""
    try:
        from psycopg import _queries
    except ImportError:  # no psycopg: SQLite only
        return
    if isinstance(getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", None), int):
        _queries.MAX_CACHED_STATEMENT_PARAMS = max(
            _queries.MAX_CACHED_STATEMENT_PARAMS, PSYCOPG_CACHED_PARAMETERS
        )


def _rows_or_none(cursor) -> list:
    return cursor.fetchall() if cursor.description else []


def _rows_of(connection, sql: str, params: Sequence[Any]) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _rows_or_none(cursor)
