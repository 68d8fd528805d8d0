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
from collections.abc import Iterable
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
from home.database import aware_from_db, fixed_values_sql

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


def event_seat_fields_locked(event_id: int) -> dict[str, Any] | None:
    """The event's ``SEAT_FIELDS``, its row locked until the transaction ends (on PostgreSQL;
    SQLite takes one writer at a time anyway). None when there is no such event."""
    sql = _EVENT_LOCKED_SQL
    if connection.features.has_select_for_update_of:
        sql += f" FOR UPDATE OF {_EVENT}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [event_id])
        row = cursor.fetchone()
    if row is None:
        return None
    fields = dict(zip((name for name, _ in SEAT_FIELDS), row, strict=True))
    fields["live"] = bool(fields["live"])
    fields["waiting_list_enabled"] = bool(fields["waiting_list_enabled"])
    for name in _DATETIMES:
        fields[name] = aware_from_db(fields[name])
    return fields


@dataclass(frozen=True)
class SeatsSeen:
    """What a sign-up's decision needs of the event's registrations: the seats held, the last
    waiting-list position, and the person's own active registration, if any."""

    taken: int
    top: int | None
    existing: int | None


def seats_seen(event_id: int, email: str) -> SeatsSeen:
    """One pass over the event's registrations (the caller holds the event's lock)."""
    with connection.cursor() as cursor:
        cursor.execute(_SEEN_SQL, [email, event_id])
        taken, top, existing = cursor.fetchone()
    return SeatsSeen(taken=int(taken or 0), top=top, existing=existing)


def idempotent_answer(event_id: int, key: str) -> tuple[str, dict] | None:
    """The fingerprint and answer of an earlier request with this ``Idempotency-Key``."""
    with connection.cursor() as cursor:
        cursor.execute(_IDEMPOTENT_SQL, [event_id, key])
        row = cursor.fetchone()
    if row is None:
        return None
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
    sql = (
        f"SELECT r.event_id, a.key, a.value, "  # noqa: S608
        f"SUM(CASE WHEN a.member_id IS NULL THEN r.participants ELSE 1 END) "
        f"FROM {_ANSWER} a INNER JOIN {_REGISTRATION} r ON (a.registration_id = r.id) "
        f"WHERE r.event_id IN ({', '.join(['%s'] * len(event_ids))}) "
        f"AND r.status IN ({fixed_values_sql(ACTIVE_STATUSES)}) "
        f"AND a.key IN ({', '.join(['%s'] * len(keys))}) "
        f"GROUP BY r.event_id, a.key, a.value"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*event_ids, *keys])
        rows = cursor.fetchall()
    held: dict[tuple[int, str, str], int] = {}
    for event_id, key, raw, taken in rows:
        value = json.loads(raw) if isinstance(raw, str | bytes) else raw
        if isinstance(value, str):
            held[(event_id, key, value)] = int(taken)
    return held
