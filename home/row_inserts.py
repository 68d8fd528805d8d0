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

from django.db import connections
from django.db.models import Model

_STATEMENTS: dict[tuple[str, type[Model], int, bool], tuple[str, tuple]] = {}


def _statement(alias: str, model: type[Model], rows: int, returning: bool) -> tuple[str, tuple]:
    key = (alias, model, rows, returning)
    cached = _STATEMENTS.get(key)
    if cached is not None:
        return cached
    connection = connections[alias]
    meta = model._meta
    fields = tuple(
        field
        for field in meta.local_concrete_fields
        if field is not meta.auto_field and not getattr(field, "generated", False)
    )
    if any(field.has_db_default() for field in fields):
        raise TypeError("rows_insert does not write a database default (db_default)")
    quote = connection.ops.quote_name
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Only the model's own table and column names (quoted) and placeholders: every value is a
    # parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES {', '.join([placeholders] * rows)}"
    )
    if returning:
        sql += f" RETURNING {quote(meta.pk.column)}"
    _STATEMENTS[key] = (sql, fields)
    return sql, fields


def _check_new(obj: Model) -> None:
    meta = obj._meta
    if not obj._state.adding:
        raise TypeError("rows_insert takes new objects only")
    if meta.auto_field is not None and obj.pk is not None:
        raise TypeError("rows_insert gives the keys: an object with one set is refused")


def rows_insert(objs: Sequence[Model], *, using: str = "default") -> None:
    """Insert new objects of one model in one statement, and give each its primary key (when
    the model's key is an auto field and the database can return it). Objects that are not
    new, or of another model, are a programming error."""
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    if meta.parents or any(type(obj) is not model for obj in objs):
        raise TypeError("rows_insert takes new objects of one model without parents")
    connection = connections[using]
    returning = meta.auto_field is not None and connection.features.can_return_rows_from_bulk_insert
    if meta.auto_field is not None and not returning:
        # No RETURNING (SQLite before 3.35): the ORM's own insert, one row at a time, which
        # reads each new key as ``save`` does (and, like this function, sends no signals).
        fields = _statement(using, model, 1, False)[1]
        for obj in objs:
            _check_new(obj)
            obj._prepare_related_fields_for_save(operation_name="rows_insert")
            rows = model._base_manager._insert(  # type: ignore[attr-defined]
                [obj], fields=fields, returning_fields=meta.db_returning_fields, using=using
            )
            setattr(obj, meta.pk.attname, rows[0][0])
            obj._state.adding = False
            obj._state.db = using
        return
    sql, fields = _statement(using, model, len(objs), returning)
    params = []
    for obj in objs:
        _check_new(obj)
        obj._prepare_related_fields_for_save(operation_name="rows_insert")
        params += [
            field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields
        ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchall() if returning else []
    for obj, row in zip(objs, keys, strict=False):
        setattr(obj, meta.pk.attname, row[0])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using
