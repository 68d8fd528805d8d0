"""The reads a sign-up makes around the event's lock, written out as SQL.

Every sign-up to an event waits for the one before it to commit, so the CPU a sign-up spends
while it holds the lock bounds how many the event takes a second (issue 16: 150). Compiling the
ORM's queries cost several times more CPU than running them: the locked read of the event, the
count and the places per option took about 4.5 ms of a 14 ms sign-up (``py-spy`` over
``bench/registrations.py``'s requests), against well under 1 ms written out. The SQL is written
once per process; it is plain SQL (CASE rather than FILTER) that SQLite runs as well, and only
the lock clause is PostgreSQL's. Only table names (from the models' ``_meta``), the fixed status
values and placeholders' counts are put into the SQL text; every value a request brings is a
parameter (hence the ``noqa: S608``). What it reads back is converted as the ORM would (SQLite hands
back datetimes as text; both hand back JSON as text).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from events.models import (
    ACTIVE_STATUSES,
    SEAT_STATUSES,
    EventPage,
    IdempotentRequest,
    Registration,
    RegistrationAnswer,
    RegistrationStatus,
)
from events.webinars.registrants import any_zoom_meeting_statement
from home.database import Statement, aware_from_db, fixed_values_sql, statements_run
from home.row_inserts import key_draw_statement

_PAGE = "wagtailcore_page"
_EVENT = EventPage._meta.db_table
_REGISTRATION = Registration._meta.db_table
_ANSWER = RegistrationAnswer._meta.db_table
_IDEMPOTENT = IdempotentRequest._meta.db_table

# The fields a sign-up's decision reads of the event, read again under the lock (an editor may
# have published a change while the sign-up waited), and their columns.
SEAT_FIELDS = (
    ("live", f"{_PAGE}.live"),
    ("status", f"{_EVENT}.status"),
    ("participation", f"{_EVENT}.participation"),
    ("capacity", f"{_EVENT}.capacity"),
    ("waiting_list_enabled", f"{_EVENT}.waiting_list_enabled"),
    ("registration_opens", f"{_EVENT}.registration_opens"),
    ("registration_closes", f"{_EVENT}.registration_closes"),
    ("first_start", f"{_EVENT}.first_start"),
)
_DATETIMES = {"registration_opens", "registration_closes", "first_start"}

# The row locked is the event's own (``events_eventpage``), as ``seats._lock_event`` locks it
# (``select_for_update(of=("self",))``): every write that moves a seat takes the same lock.
_EVENT_LOCKED_SQL = (
    f"SELECT {', '.join(column for _, column in SEAT_FIELDS)} FROM {_EVENT} "  # noqa: S608
    f"INNER JOIN {_PAGE} ON ({_EVENT}.page_ptr_id = {_PAGE}.id) "
    f"WHERE {_EVENT}.page_ptr_id = %s"
)


_SEEN_SQL = (
    "SELECT "  # noqa: S608
    f"COALESCE(SUM(CASE WHEN status IN ({fixed_values_sql(SEAT_STATUSES)}) "
    "THEN participants ELSE 0 END), 0), "
    f"MAX(CASE WHEN status = '{RegistrationStatus.WAITING_LIST}' THEN waiting_position END), "
    f"MAX(CASE WHEN email = %s AND status IN ({fixed_values_sql(ACTIVE_STATUSES)}) THEN id END) "
    f"FROM {_REGISTRATION} WHERE event_id = %s"
)

_IDEMPOTENT_SQL = f"SELECT fingerprint, body FROM {_IDEMPOTENT} WHERE event_id = %s AND key = %s"  # noqa: S608


@dataclass(frozen=True)
class SeatsSeen:
    """What a sign-up's decision needs of the event's registrations: the seats held, the last
    waiting-list position, and the person's own active registration, if any."""

    taken: int
    top: int | None
    existing: int | None


@dataclass(frozen=True)
class LockedReads:
    """What a sign-up reads once it holds the event's lock: the event's ``SEAT_FIELDS``, the
    seats seen, and the places held per option of the limited-choice questions asked for."""

    fields: dict[str, Any]
    seen: SeatsSeen
    held: dict[tuple[int, str, str], int]
    registration_key: int | None  # drawn under the lock (PostgreSQL), so in sign-up order
    zoom_meetings: bool  # whether the event has a Zoom meeting (its registrants follow)
    earlier: tuple[str, dict] | None = None  # an earlier request's answer under the same key


def seat_reads_locked(
    event_id: int, email: str, option_keys: Sequence[str], idempotency_key: str = ""
) -> LockedReads | None:
    """Lock the event's row until the transaction ends (on PostgreSQL; SQLite takes one writer
    at a time anyway) and read what the decision needs, in one round trip on PostgreSQL with
    the values bound on the client, Django's default (``home.database.statements_run``). The
    counts are separate statements after the lock, so each sees what the lock's previous
    holder committed. With them, the key of the registration the sign-up may write
    (``home.row_inserts.key_draw_statement``), drawn under the lock so that keys follow the
    order of the decisions, and its rows can go out together; and whether the event has a Zoom
    meeting, which a confirmed registration's people then follow (``events.webinars``): asked
    here, it costs no round trip of its own. With ``idempotency_key``, the answer given to an
    earlier request with that key, if any (``idempotent_answer``), read after the lock, so that
    a twin request that committed while this one waited is seen. None when there is no such
    event."""
    locked = _EVENT_LOCKED_SQL
    if connection.features.has_select_for_update_of:
        locked += f" FOR UPDATE OF {_EVENT}"
    statements: list[Statement] = [
        (locked, [event_id]),
        (_SEEN_SQL, [email, event_id]),
        any_zoom_meeting_statement(event_id),
    ]
    places_at = idempotent_at = draw_at = None  # where the optional statements' rows come
    if option_keys:
        places_at = len(statements)
        statements.append(_option_places_statement([event_id], list(option_keys)))
    if idempotency_key:
        idempotent_at = len(statements)
        statements.append((_IDEMPOTENT_SQL, [event_id, idempotency_key]))
    draw = key_draw_statement(Registration)
    if draw is not None:
        draw_at = len(statements)
        statements.append(draw)
    results = statements_run(statements, prepared=True)
    if not results[0]:
        return None
    fields = dict(zip((name for name, _ in SEAT_FIELDS), results[0][0], strict=True))
    fields["live"] = bool(fields["live"])
    fields["waiting_list_enabled"] = bool(fields["waiting_list_enabled"])
    for name in _DATETIMES:
        fields[name] = aware_from_db(fields[name])
    taken, top, existing = results[1][0]
    earlier = results[idempotent_at] if idempotent_at is not None else []
    return LockedReads(
        fields=fields,
        seen=SeatsSeen(taken=int(taken or 0), top=top, existing=existing),
        held=_places_held(results[places_at]) if places_at is not None else {},
        registration_key=results[draw_at][0][0] if draw_at is not None else None,
        zoom_meetings=bool(results[2]),
        earlier=_earlier_answer(earlier[0]) if earlier else None,
    )


def idempotent_answer(event_id: int, key: str) -> tuple[str, dict] | None:
    """The fingerprint and answer of an earlier request with this ``Idempotency-Key``."""
    (rows,) = statements_run([(_IDEMPOTENT_SQL, [event_id, key])], prepared=True)
    return _earlier_answer(rows[0]) if rows else None


def _earlier_answer(row: tuple) -> tuple[str, dict]:
    fingerprint, body = row
    return fingerprint, json.loads(body) if isinstance(body, str | bytes) else body


def option_places_held(
    *, event_ids: Iterable[int], keys: Iterable[str]
) -> dict[tuple[int, str, str], int]:
    """Places held per option of limited-choice questions, by (event, question key, option
    value): the participants of every registration that holds or waits for a seat and chose the
    option, or one per named participant who chose it (see
    ``events.registrations.selectors.option_places_taken``)."""
    event_ids, keys = list(event_ids), list(keys)
    if not event_ids or not keys:
        return {}
    # Not prepared: the text varies with how many events (a page of the list) and keys.
    (rows,) = statements_run([_option_places_statement(event_ids, keys)])
    return _places_held(rows)


def _option_places_statement(event_ids: list[int], keys: list[str]) -> Statement:
    sql = (
        f"SELECT r.event_id, a.key, a.value, "  # noqa: S608
        f"SUM(CASE WHEN a.member_id IS NULL THEN r.participants ELSE 1 END) "
        f"FROM {_ANSWER} a INNER JOIN {_REGISTRATION} r ON (a.registration_id = r.id) "
        f"WHERE r.event_id IN ({', '.join(['%s'] * len(event_ids))}) "
        f"AND r.status IN ({fixed_values_sql(ACTIVE_STATUSES)}) "
        f"AND a.key IN ({', '.join(['%s'] * len(keys))}) "
        f"GROUP BY r.event_id, a.key, a.value"
    )
    return sql, [*event_ids, *keys]


def _places_held(rows: Iterable[tuple]) -> dict[tuple[int, str, str], int]:
    held: dict[tuple[int, str, str], int] = {}
    for event_id, key, raw, taken in rows:
        value = json.loads(raw) if isinstance(raw, str | bytes) else raw
        if isinstance(value, str):
            held[(event_id, key, value)] = int(taken)
    return held
