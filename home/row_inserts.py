"""New rows written with one INSERT whose text is made once per process.

``QuerySet.bulk_create`` and ``Model.save`` build their SQL anew for every call: for a sign-up,
which writes its registration, answers, emails and idempotency record while every other
sign-up to the event waits for its lock, the ORM's compiling of those four INSERTs cost about
2.5 ms of a 11 ms sign-up (``py-spy`` over ``bench/registrations.py``'s requests), running them
well under half a millisecond. ``rows_insert`` keeps Django's own conversion of each value
(``Field.pre_save`` then ``get_db_prep_save``: ``auto_now``, JSON, time zones) and only the
statement's text is kept, per model, column list and number of rows.

``rows_insert_together`` sends several models' rows in one round trip on PostgreSQL
(``home.database.statements_run``); a row that others refer to can go with them when its key
was drawn from its sequence before (``key_draw_statement``).

Like ``bulk_create``, it sends no signals: a caller whose model has ``post_save`` receivers
sends the signal itself (``events.registrations.signups`` does).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import connections
from django.db.models import Field, Model

from home.database import Statement, statements_run

_STATEMENTS: dict[tuple[str, type[Model], int, bool], str] = {}


@cache
def _insert_fields(model: type[Model], keyed: bool = False) -> tuple[Field, ...]:
    """The columns an INSERT writes: every concrete field but the auto key (``keyed``: with
    it, its value drawn beforehand by ``key_draw_statement``)."""
    meta = model._meta
    fields = tuple(
        field
        for field in meta.local_concrete_fields
        if (keyed or field is not meta.auto_field) and not getattr(field, "generated", False)
    )
    if any(field.has_db_default() for field in fields):
        raise TypeError("rows_insert does not write a database default (db_default)")
    return fields


def _statement(alias: str, model: type[Model], rows: int, keyed: bool) -> str:
    """The INSERT of ``rows`` rows, returning the auto key when the model has one and the rows
    do not bring theirs."""
    key = (alias, model, rows, keyed)
    cached = _STATEMENTS.get(key)
    if cached is not None:
        return cached
    meta = model._meta
    quote = connections[alias].ops.quote_name
    fields = _insert_fields(model, keyed)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Only the model's own table and column names (quoted) and placeholders: every value is a
    # parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES {', '.join([placeholders] * rows)}"
    )
    if meta.auto_field is not None and not keyed:
        sql += f" RETURNING {quote(meta.pk.column)}"
    _STATEMENTS[key] = sql
    return sql


def key_draw_statement(model: type[Model], *, using: str = "default") -> Statement | None:
    """The statement that draws a key for a new row of ``model`` from its sequence
    (PostgreSQL), to send with others (``home.database.statements_run``); its one row holds
    the key. Rows that refer to the new row can then be written in the same round trip as it
    (``rows_insert_together(..., keys_drawn=True)``). None where keys are given on insert only
    (SQLite). A key drawn and not used is a gap in the numbering, as a rolled-back insert
    leaves one."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    meta = model._meta
    return (
        "SELECT nextval(pg_get_serial_sequence(%s, %s))",
        [connection.ops.quote_name(meta.db_table), meta.pk.column],
    )


def _check_new(obj: Model, keys_drawn: bool) -> None:
    meta = obj._meta
    if not obj._state.adding:
        raise TypeError("rows_insert takes new objects only")
    if meta.auto_field is not None and obj.pk is not None and not keys_drawn:
        raise TypeError("rows_insert gives the keys: an object with one set is refused")
    obj._prepare_related_fields_for_save(operation_name="rows_insert")


def _group_checked(objs: Sequence[Model], keys_drawn: bool) -> tuple[type[Model], bool]:
    """The group's model, and whether its rows bring their keys; refused before any write."""
    model = type(objs[0])
    meta = model._meta
    if meta.parents or any(type(obj) is not model for obj in objs):
        raise TypeError("rows_insert takes new objects of one model without parents")
    for obj in objs:
        _check_new(obj, keys_drawn)
    if meta.auto_field is None:  # a key of its own (e.g. a UUID's default): always written
        return model, False
    keyed = objs[0].pk is not None
    if any((obj.pk is not None) != keyed for obj in objs):
        raise TypeError("rows_insert takes a model's objects all with keys drawn or none")
    return model, keyed


def rows_insert(objs: Sequence[Model], *, using: str = "default") -> None:
    """Insert new objects of one model in one statement, and give each its primary key (when
    the model's key is an auto field). Objects that are not new, or of another model, are a
    programming error, found before anything is written."""
    rows_insert_together([objs], using=using)


def rows_insert_together(
    groups: Sequence[Sequence[Model]],
    *,
    using: str = "default",
    keys_drawn: bool = False,
    commit: bool = False,
) -> None:
    """``rows_insert`` for several models at once: one INSERT per group (a model's new
    objects), all sent in one round trip on PostgreSQL (``home.database.statements_run``), in
    the order given. A group's rows can refer to an earlier group's only by keys known before
    (``keys_drawn``: objects may carry a key drawn by ``key_draw_statement``, and are inserted
    with it).
    Every object of every group is checked before anything is written; call it inside a
    transaction, so that a refused row leaves none of the others.

    ``commit``: the transaction's COMMIT goes in the same round trip
    (``home.database.statements_run``, where ``commit_goes_with`` allows it)."""
    groups = [objs for objs in groups if objs]
    if not groups and not commit:
        return
    checked = [_group_checked(objs, keys_drawn) for objs in groups]
    connection = connections[using]
    if not connection.features.can_return_rows_from_bulk_insert:
        if commit:
            raise ValueError("the COMMIT goes with the rows only where they go together")
        for objs, (model, keyed) in zip(groups, checked, strict=True):
            _insert_one_by_one(objs, model, keyed, using)
    else:
        statements = [
            (
                _statement(using, model, len(objs), keyed),
                [
                    field.get_db_prep_save(field.pre_save(obj, True), connection)
                    for obj in objs
                    for field in _insert_fields(model, keyed)
                ],
            )
            for objs, (model, keyed) in zip(groups, checked, strict=True)
        ]
        results = statements_run(statements, using=using, commit=commit, prepared=True)
        # (with ``commit``, the COMMIT's empty result comes last)
        for objs, (model, keyed), rows in zip(groups, checked, results[: len(groups)], strict=True):
            if model._meta.auto_field is not None and not keyed:
                for obj, (key,) in zip(objs, rows, strict=True):
                    setattr(obj, model._meta.pk.attname, key)
    for objs in groups:
        for obj in objs:
            obj._state.adding = False
            obj._state.db = using


def _insert_one_by_one(objs: Sequence[Model], model: type[Model], keyed: bool, using: str):
    """No RETURNING (SQLite before 3.35): the ORM's own insert, one row at a time, which reads
    each new key as ``save`` does (and, like this module, sends no signals)."""
    meta = model._meta
    fields = _insert_fields(model, keyed)
    returning = meta.db_returning_fields if meta.auto_field is not None and not keyed else None
    for obj in objs:
        rows = model._base_manager._insert(  # type: ignore[attr-defined]
            [obj], fields=fields, returning_fields=returning, using=using
        )
        if returning:
            setattr(obj, meta.pk.attname, rows[0][0])
