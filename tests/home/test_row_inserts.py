"""``home.row_inserts``: what one INSERT with a kept text writes is what the ORM writes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from home.database import statements_go_together, statements_run
from home.models.changes import ContentChange
from home.row_inserts import _STATEMENTS, key_draw_statement, rows_insert, rows_insert_together

pytestmark = pytest.mark.django_db


def _changes(n: int, start: int = 0) -> list[ContentChange]:
    return [
        ContentChange(object_type="page", object_id=start + i, action="published") for i in range(n)
    ]


def test_rows_get_their_keys_and_read_back_as_the_orm_wrote_them():
    ours = _changes(3)
    with CaptureQueriesContext(connection) as queries:
        rows_insert(ours)
    assert len(queries.captured_queries) == 1  # one statement for all three
    theirs = ContentChange.objects.bulk_create(_changes(3, start=100))
    assert all(row.pk is not None for row in ours)
    assert [row.pk for row in ours] == sorted(row.pk for row in ours)  # in the given order
    for mine, other in zip(ours, theirs, strict=True):
        stored = ContentChange.objects.get(pk=mine.pk)
        assert stored.object_id == mine.object_id
        assert stored.changed_at == mine.changed_at  # auto_now_add set on the object too
        assert stored.changed_at.utcoffset() is not None
        fields = {"object_type", "action"}
        assert model_to_dict(stored, fields=fields) == model_to_dict(
            ContentChange.objects.get(pk=other.pk), fields=fields
        )
    assert not ours[0]._state.adding
    assert ours[0]._state.db == "default"


def test_the_statement_is_made_once_per_model_and_number_of_rows():
    rows_insert(_changes(2))
    kept = {key: value for key, value in _STATEMENTS.items() if key[1] is ContentChange}
    rows_insert(_changes(2, start=10))
    again = {key: value for key, value in _STATEMENTS.items() if key[1] is ContentChange}
    assert again == kept
    assert all(kept[key] is again[key] for key in kept)  # the same text, not made anew


def test_nothing_to_insert_is_no_statement():
    with CaptureQueriesContext(connection) as queries:
        rows_insert([])
    assert queries.captured_queries == []


def test_saved_objects_or_mixed_models_are_refused_and_nothing_is_written():
    saved = ContentChange.objects.create(object_type="page", object_id=1, action="published")
    before = ContentChange.objects.count()
    with pytest.raises(TypeError):
        rows_insert([saved])
    with pytest.raises(TypeError):
        rows_insert([*_changes(1), object()])  # type: ignore[list-item]
    assert ContentChange.objects.count() == before


def test_a_given_time_is_kept_where_the_field_has_no_auto_value():
    from django.contrib.auth.models import User

    joined = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    user = User(username="rows-insert", date_joined=joined, password="!")
    rows_insert([user])
    assert User.objects.get(pk=user.pk).date_joined == joined


def test_without_returning_each_row_still_gets_its_key(monkeypatch):
    """SQLite before 3.35 returns no rows from an INSERT: the ORM's insert per row reads the key
    as ``save`` does."""
    monkeypatch.setattr(
        type(connection.features), "can_return_rows_from_bulk_insert", False, raising=True
    )
    ours = _changes(2, start=500)
    rows_insert(ours)
    assert [ContentChange.objects.get(pk=row.pk).object_id for row in ours] == [500, 501]
    assert not ours[1]._state.adding


def test_an_object_with_its_key_set_is_refused():
    given = _changes(1)[0]
    given.pk = 10**9
    with pytest.raises(TypeError):
        rows_insert([given])
    assert not ContentChange.objects.filter(pk=10**9).exists()


def test_a_refused_object_among_others_writes_none_of_them(monkeypatch):
    """Every object is checked before the first row is written, with RETURNING or without."""
    saved = ContentChange.objects.create(object_type="page", object_id=1, action="published")
    before = ContentChange.objects.count()
    with pytest.raises(TypeError):
        rows_insert([*_changes(2, start=700), saved])
    monkeypatch.setattr(
        type(connection.features), "can_return_rows_from_bulk_insert", False, raising=True
    )
    with pytest.raises(TypeError):
        rows_insert([*_changes(2, start=800), saved])
    assert ContentChange.objects.count() == before


def test_several_models_rows_go_together_a_drawn_key_kept():
    """A key drawn before (PostgreSQL's sequence) is the row's; the groups go in one round trip
    there, one statement each elsewhere."""
    from django.contrib.auth.models import Group

    statement = key_draw_statement(ContentChange)
    drawn = statements_run([statement])[0][0][0] if statement is not None else None
    first = _changes(1, start=900)[0]
    first.pk = drawn
    others = _changes(2, start=901)
    group = Group(name="rows-insert-together")
    with CaptureQueriesContext(connection) as queries:
        rows_insert_together([[first], others, [], [group]], keys_drawn=True)
    if connection.vendor == "postgresql":
        assert isinstance(drawn, int)
        assert first.pk == drawn
        # one message; one statement each with values bound on the server
        assert len(queries.captured_queries) == (1 if statements_go_together(connection) else 3)
    else:
        assert drawn is None  # no sequence: the database gives the key on insert
        assert len(queries.captured_queries) == 3
    stored = ContentChange.objects.filter(object_id__gte=900, object_id__lte=902)
    assert dict(stored.values_list("object_id", "pk")) == {
        row.object_id: row.pk for row in [first, *others]
    }
    assert Group.objects.get(pk=group.pk).name == "rows-insert-together"
    assert not group._state.adding


def test_a_group_with_and_without_drawn_keys_is_refused_before_any_write():
    keyed = _changes(1, start=950)[0]
    keyed.pk = 10**9 + 7
    before = ContentChange.objects.count()
    with pytest.raises(TypeError):
        rows_insert_together(
            [_changes(1, start=951), [keyed, *_changes(1, start=952)]], keys_drawn=True
        )
    with pytest.raises(TypeError):  # without keys_drawn a key set is refused, as before
        rows_insert_together([[keyed]])
    assert ContentChange.objects.count() == before
