"""``home.database.fixed_values_sql``: the code's own fixed values as SQL literals."""

from __future__ import annotations

import pytest

from home.database import fixed_values_sql


def test_fixed_values_become_a_list_of_literals():
    assert fixed_values_sql(["confirmed", "offered"]) == "'confirmed', 'offered'"


@pytest.mark.parametrize("value", ["it's", "back\\slash"])
def test_a_value_that_could_end_its_literal_is_refused(value):
    with pytest.raises(ValueError):
        fixed_values_sql(["confirmed", value])


# ``home.database.statements_run``: several statements, one round trip on PostgreSQL.


@pytest.mark.django_db
def test_each_statement_gets_its_own_rows_in_order():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from home.database import statements_run
    from home.models.changes import ContentChange

    table = ContentChange._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        results = statements_run(
            [
                ("SELECT %s, %s", [1, "a"]),
                (
                    f"INSERT INTO {table} (object_type, object_id, action, changed_at) "  # noqa: S608
                    "VALUES (%s, %s, %s, CURRENT_TIMESTAMP)",
                    ["page", 4711, "published"],
                ),
                (f"SELECT object_id FROM {table} WHERE object_id = %s", [4711]),  # noqa: S608
                ("SELECT 1 WHERE 1 = %s", [2]),
            ]
        )
    assert results == [[(1, "a")], [], [(4711,)], []]
    # The INSERT is seen by the statement after it: they run in order.
    from home.database import statements_go_together

    expected = 1 if statements_go_together(connection) else 4  # one message, or one by one
    assert len(queries.captured_queries) == expected


@pytest.mark.django_db
def test_an_error_is_raised_as_django_raises_it_and_nothing_is_kept():
    from django.db import IntegrityError, transaction

    from home.database import statements_run
    from home.models.changes import ContentChange

    table = ContentChange._meta.db_table
    insert = (
        f"INSERT INTO {table} (id, object_type, object_id, action, changed_at) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, CURRENT_TIMESTAMP)"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        statements_run(
            [
                (insert, [10**9, "page", 4712, "published"]),
                (insert, [10**9, "page", 4713, "published"]),  # the same key: refused
                (insert, [10**9 + 1, "page", 4714, "published"]),
            ]
        )
    assert not ContentChange.objects.filter(object_id__in=[4712, 4713, 4714]).exists()


@pytest.mark.django_db
def test_a_statement_holding_a_semicolon_is_refused_before_anything_runs():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from home.database import statements_run

    with CaptureQueriesContext(connection) as queries, pytest.raises(ValueError):
        statements_run([("SELECT 1", []), ("SELECT 2; SELECT 3", [])])
    assert queries.captured_queries == []


@pytest.mark.django_db
def test_with_values_bound_on_the_server_they_go_one_by_one(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from home.database import statements_run

    options = connection.settings_dict.setdefault("OPTIONS", {})
    before = options.get("server_side_binding")
    options["server_side_binding"] = True
    try:
        with CaptureQueriesContext(connection) as queries:
            results = statements_run([("SELECT %s", [1]), ("SELECT %s", [2])])
    finally:
        if before is None:
            options.pop("server_side_binding")
        else:
            options["server_side_binding"] = before
    assert results == [[(1,)], [(2,)]]
    assert len(queries.captured_queries) == 2
