"""Statements PostgreSQL parses and plans once per connection, under client-side binding.

Django's default with psycopg 3 binds values on the client, so every statement reaches the
server as new text, which it parses, analyses and plans again each time. For a sign-up's
statements, which are few, fixed and run for every sign-up (``events.registrations.seat_sql``,
``home.row_inserts``), that was most of the database's CPU: the reads taken under an event's
lock cost the server 1.3-1.5 ms a time as text and 0.9 ms prepared, and took 0.45 ms less
while the lock was held (2,000 runs in one process on ``bench/registrations.py``'s data).
psycopg's own prepared statements come with server-side binding only, which sends every
statement in a round trip of its own (``home.database.statements_run``), so this keeps
client-side binding and writes SQL's own ``PREPARE`` and ``EXECUTE``: a statement's first run
on a connection goes out as ``PREPARE name AS text; EXECUTE name(values)``, every later run as
``EXECUTE name(values)``, in the same message as the others.

What the server has prepared is kept per connection (its session's), by name: a digest of the
text. A prepared statement outlives a rolled-back transaction (PostgreSQL's ``PREPARE`` is not
transactional), so when a message that prepared something fails, this cannot know which of its
``PREPARE``\\ s ran (unless a constraint refused a write, which comes after them all): the
connection then takes new names (a generation more), and the old ones stay unused until it
closes. So it does when a statement it had prepared fails as stale: a migration that changes
the type of a column it reads makes PostgreSQL refuse the old plan ("cached plan must not change
result type"); the next run prepares it anew. After ``GENERATIONS`` of those a connection
prepares nothing more. At most ``NAMES_PER_CONNECTION`` texts are prepared on a connection;
others go as text, as before.

Written by hand because neither Django nor psycopg offers prepared statements with client-side
binding, and the other way (``DB_PREPARED_STATEMENTS``) costs a round trip per statement.
Not for a connection through a pooler in transaction mode (PgBouncer's), which would send a
session's ``EXECUTE`` to another server session; Django's own pool, used here, keeps them.
"""

from __future__ import annotations

import hashlib
import re
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

NAMES_PER_CONNECTION = 100
GENERATIONS = 8  # failed messages that prepared something, before a connection stops preparing
# A prepared statement that no longer fits its tables ("cached plan must not change result
# type", after a migration), is gone, or is there already: the session's are not what is kept.
STALE_SQLSTATES = {"0A000", "26000", "42P05"}
# What PostgreSQL's PREPARE takes.
_PREPARABLE = ("SELECT", "INSERT", "UPDATE", "DELETE", "VALUES", "WITH")
_PLACEHOLDER = re.compile(r"%%|%s")

Statement = tuple[str, Sequence[Any]]


@dataclass
class _Prepared:
    generation: int = 0
    names: set[str] = field(default_factory=set)


_sessions: weakref.WeakKeyDictionary[Any, _Prepared] = weakref.WeakKeyDictionary()
_sessions_lock = threading.Lock()


@lru_cache(maxsize=1024)
def _server_form(sql: str) -> tuple[str, str, int] | None:
    """The text's digest, the text with PostgreSQL's numbered parameters (``$1``…) in place of
    the client's ``%s`` (a literal ``%%`` kept for the client's formatting of the message), and
    how many there are; None for a text PREPARE does not take."""
    words = sql.split(None, 1)
    if not words or words[0].upper() not in _PREPARABLE:
        return None
    count = 0

    def numbered(match: re.Match) -> str:
        nonlocal count
        if match.group(0) == "%%":
            return "%%"
        count += 1
        return f"${count}"

    text = _PLACEHOLDER.sub(numbered, sql)
    if "%" in text.replace("%%", ""):  # a named placeholder, or a stray %: not this module's
        return None
    digest = hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()
    if len(_texts) < 4 * _server_form.cache_info().maxsize:  # type: ignore[operator]
        _texts[digest] = sql
    return digest, text, count


_texts: dict[str, str] = {}  # digest: the text, for ``executes_expanded``
_PREPARES = re.compile(r"^(PREPARE vc\d+_[0-9a-f]{16} AS [^;]*; )+")
_EXECUTE = re.compile(r"EXECUTE vc\d+_([0-9a-f]{16})(?:\(.*?\))?(?=; |$)")


def executes_expanded(message: str) -> str:
    r"""A message as sent (Django's query log, a test's captured queries) as it would read
    unprepared: without its leading ``PREPARE``\ s, and each ``EXECUTE`` replaced by the
    statement's text (with placeholders, not the values), to read or search. A name it does not
    know is a KeyError, so that a search of what it gives never passes over what it could not
    read. For reading only: a value holding ``); `` ends its ``EXECUTE`` early."""
    message = _PREPARES.sub("", message)
    return _EXECUTE.sub(lambda match: _texts[match.group(1)], message)


def statements_prepared(
    raw_connection: Any, statements: Sequence[Statement]
) -> tuple[list[Statement], int, Callable[[BaseException | None], None]]:
    """``statements`` as they go in one message on this (psycopg) connection: each one this
    module can prepare as an ``EXECUTE``, preceded by the ``PREPARE``\\ s the session lacks.
    Returns the message's statements, how many ``PREPARE``\\ s lead them (their results come
    first), and what to call once the message has run (with None) or failed (with the error)."""
    session = _sessions.get(raw_connection)
    if session is None:  # the connection's first message: the lock only then
        with _sessions_lock:
            session = _sessions.setdefault(raw_connection, _Prepared())
    if session.generation >= GENERATIONS:
        return list(statements), 0, settled_nothing
    prepares: list[Statement] = []
    new: set[str] = set()
    executes: list[Statement] = []
    for sql, params in statements:
        form = _server_form(sql)
        if form is None or len(params) != form[2]:
            executes.append((sql, params))
            continue
        digest, text, count = form
        name = f"vc{session.generation}_{digest}"
        if name not in session.names and name not in new:
            if len(session.names) + len(new) >= NAMES_PER_CONNECTION:
                executes.append((sql, params))
                continue
            new.add(name)
            prepares.append((f"PREPARE {name} AS {text}", []))
        arguments = f"({', '.join(['%s'] * count)})" if count else ""
        executes.append((f"EXECUTE {name}{arguments}", params))

    def settled(error: BaseException | None) -> None:
        sqlstate = _sqlstate(error)
        if error is None or (new and sqlstate[:2] == "23"):
            # Run; or refused by a constraint, which only a write that follows every PREPARE
            # can be (a twin request's key): the server has them all.
            session.names |= new
        elif new or sqlstate in STALE_SQLSTATES:
            # Which of the new ones the server prepared is unknown; or one it had is gone or
            # no longer fits (a migration changed a column it reads): new names from now on.
            session.generation += 1
            session.names = set()

    return [*prepares, *executes], len(prepares), settled


def _sqlstate(error: BaseException | None) -> str:
    """The SQLSTATE of a database error as Django raises it (psycopg's is its cause)."""
    for candidate in (error, getattr(error, "__cause__", None)):
        sqlstate = getattr(candidate, "sqlstate", None)
        if isinstance(sqlstate, str):
            return sqlstate
    return ""


def settled_nothing(error: BaseException | None) -> None:
    """What to call after a message that prepared nothing: there is nothing to keep."""
    return None
