"""New rows written with one INSERT whose text is made once per process.

``QuerySet.bulk_create`` and ``Model.save`` build their SQL anew for every call: for a sign-up,
which writes its registration, answers, emails and idempotency record while every other
sign-up to the event waits for its lock, the ORM's compiling of those four INSERTs cost about
2.5 ms of a 11 ms sign-up (``py-spy`` over ``bench/registrations.py``'s requests), running them
well under half a millisecond. ``rows_insert`` keeps Django's own conversion of each value
(``Field.pre_save`` then ``get_db_prep_save``: ``auto_now``, JSON, time zones) and only the
statement's text is kept, per model, column list and number of rows.

Like ``bulk_create``, it sends no signals: a caller whose model has ``post_save`` receivers
sends the signal itself (``events.registrations.signups`` does).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import connections
from django.db.models import Field, Model

_STATEMENTS: dict[tuple[str, type[Model], int], str] = {}


@cache
def _insert_fields(model: type[Model]) -> tuple[Field, ...]:
    """The columns an INSERT writes: every concrete field but the auto key."""
    meta = model._meta
    fields = tuple(
        field
        for field in meta.local_concrete_fields
        if field is not meta.auto_field and not getattr(field, "generated", False)
    )
    if any(field.has_db_default() for field in fields):
        raise TypeError("rows_insert does not write a database default (db_default)")
    return fields


def _statement(alias: str, model: type[Model], rows: int) -> str:
    """The INSERT of ``rows`` rows, returning the auto key when the model has one."""
    key = (alias, model, rows)
    cached = _STATEMENTS.get(key)
    if cached is not None:
        return cached
    meta = model._meta
    quote = connections[alias].ops.quote_name
    fields = _insert_fields(model)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Only the model's own table and column names (quoted) and placeholders: every value is a
    # parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES {', '.join([placeholders] * rows)}"
    )
    if meta.auto_field is not None:
        sql += f" RETURNING {quote(meta.pk.column)}"
    _STATEMENTS[key] = sql
    return sql


def _check_new(obj: Model) -> None:
    meta = obj._meta
    if not obj._state.adding:
        raise TypeError("rows_insert takes new objects only")
    if meta.auto_field is not None and obj.pk is not None:
        raise TypeError("rows_insert gives the keys: an object with one set is refused")
    obj._prepare_related_fields_for_save(operation_name="rows_insert")


def rows_insert(objs: Sequence[Model], *, using: str = "default") -> None:
    """Insert new objects of one model in one statement, and give each its primary key (when
    the model's key is an auto field). Objects that are not new, or of another model, are a
    programming error, found before anything is written."""
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    if meta.parents or any(type(obj) is not model for obj in objs):
        raise TypeError("rows_insert takes new objects of one model without parents")
    for obj in objs:
        _check_new(obj)
    connection = connections[using]
    fields = _insert_fields(model)
    if meta.auto_field is not None and not connection.features.can_return_rows_from_bulk_insert:
        # No RETURNING (SQLite before 3.35): the ORM's own insert, one row at a time, which
        # reads each new key as ``save`` does (and, like this function, sends no signals).
        for obj in objs:
            rows = model._base_manager._insert(  # type: ignore[attr-defined]
                [obj], fields=fields, returning_fields=meta.db_returning_fields, using=using
            )
            setattr(obj, meta.pk.attname, rows[0][0])
    else:
        params = [
            field.get_db_prep_save(field.pre_save(obj, True), connection)
            for obj in objs
            for field in fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(_statement(using, model, len(objs)), params)
            if meta.auto_field is not None:
                for obj, (key,) in zip(objs, cursor.fetchall(), strict=True):
                    setattr(obj, meta.pk.attname, key)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
