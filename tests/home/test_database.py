"""``home.database.fixed_values_sql``: the code's own fixed values as SQL literals."""

from __future__ import annotations

import pytest

from home.database import fixed_values_sql
from tests.markers import needs_postgres


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


# ``statements_run(..., commit=True)``: the COMMIT in the same round trip as the last statements.


def _change_insert():
    from home.models.changes import ContentChange

    return (
        f"INSERT INTO {ContentChange._meta.db_table} "  # noqa: S608
        "(object_type, object_id, action, changed_at) VALUES (%s, %s, %s, CURRENT_TIMESTAMP)"
    )


def _committed_object_ids(object_ids):
    """What another connection sees: committed rows only."""
    from django.db import connections

    from home.models.changes import ContentChange

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                f"SELECT object_id FROM {ContentChange._meta.db_table} "  # noqa: S608
                "WHERE object_id = ANY(%s) ORDER BY object_id",
                [list(object_ids)],
            )
            return [row[0] for row in cursor.fetchall()]
    finally:
        other.close()


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_commit_sent_with_the_statements_ends_the_transaction_and_on_commit_still_runs():
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from psycopg.pq import TransactionStatus

    from home.database import commit_goes_with, statements_go_together, statements_run

    if not statements_go_together(connection):
        pytest.skip("values bound on the server (DB_PREPARED_STATEMENTS): no COMMIT goes with")
    ran = []
    with transaction.atomic():
        assert commit_goes_with()
        transaction.on_commit(lambda: ran.append(_committed_object_ids([4801, 4802])))
        with CaptureQueriesContext(connection) as queries:
            statements_run(
                [(_change_insert(), ["page", 4801, "published"]), ("SELECT %s", [1])],
                commit=True,
            )
        [message] = [query["sql"] for query in queries.captured_queries]
        assert message.endswith("; COMMIT")
        # Committed before Django's block is left: another connection sees the row, and the
        # connection has no transaction open for Django's own COMMIT to end.
        assert _committed_object_ids([4801]) == [4801]
        assert connection.connection.info.transaction_status == TransactionStatus.IDLE
        assert ran == []  # the callbacks wait for the block's end, as always
    assert ran == [[4801]]
    assert connection.get_autocommit()
    with transaction.atomic():  # the connection goes on as usual
        statements_run([(_change_insert(), ["page", 4802, "published"])])
    assert _committed_object_ids([4801, 4802]) == [4801, 4802]


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refused_statement_stops_the_commit_and_leaves_nothing():
    from django.db import IntegrityError, connection, transaction

    from home.database import statements_go_together, statements_run
    from home.models.changes import ContentChange

    if not statements_go_together(connection):
        pytest.skip("values bound on the server (DB_PREPARED_STATEMENTS): no COMMIT goes with")
    insert = (
        f"INSERT INTO {ContentChange._meta.db_table} "  # noqa: S608
        "(id, object_type, object_id, action, changed_at) "
        "VALUES (%s, %s, %s, %s, CURRENT_TIMESTAMP)"
    )
    ran = []
    with pytest.raises(IntegrityError), transaction.atomic():
        transaction.on_commit(lambda: ran.append(True))
        statements_run(
            [
                (insert, [10**9, "page", 4811, "published"]),
                (insert, [10**9, "page", 4812, "published"]),  # the same key: refused
            ],
            commit=True,
        )
    assert ran == []
    assert _committed_object_ids([4811, 4812]) == []
    assert not ContentChange.objects.filter(object_id__in=[4811, 4812]).exists()


@pytest.mark.django_db
def test_no_commit_goes_with_the_statements_inside_a_savepoint_or_a_tests_transaction():
    """Inside another transaction (a test's, an outer ``atomic``), a COMMIT would end the
    outer one too: refused before anything runs."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from home.database import commit_goes_with, statements_run

    with transaction.atomic():
        assert not commit_goes_with()
        with CaptureQueriesContext(connection) as queries, pytest.raises(ValueError):
            statements_run([(_change_insert(), ["page", 4821, "published"])], commit=True)
    assert queries.captured_queries == []
    assert not commit_goes_with()  # in the test's own transaction: not one to end


@pytest.mark.django_db
def test_between_a_sent_commit_and_the_blocks_end_statements_are_refused():
    from django.db import connection

    from home.database import StatementAfterCommit, statements_refused

    with statements_refused(), pytest.raises(StatementAfterCommit):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    with connection.cursor() as cursor:  # and after it, as before
        cursor.execute("SELECT 1")


@needs_postgres
@pytest.mark.django_db
def test_a_text_of_many_parameters_is_parsed_once_per_process():
    """psycopg parses the placeholders of a text with more than 50 parameters on every
    execute unless told to keep it (``psycopg_parse_cache_widen``, at start-up): a sign-up's
    rows go out as one such text, under the event's lock."""
    from psycopg import _queries

    from home.database import PSYCOPG_CACHED_PARAMETERS, statements_run

    assert _queries.MAX_CACHED_STATEMENT_PARAMS >= PSYCOPG_CACHED_PARAMETERS
    values = list(range(86))
    text = "SELECT " + ", ".join(["%s"] * len(values))
    before = _queries._query2pg_client.cache_info()
    for _ in range(3):
        [[row]] = statements_run([(text, values)])
        assert list(row) == values
    after = _queries._query2pg_client.cache_info()
    assert after.hits - before.hits >= 2  # parsed at most once, then found


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_commit_that_fails_itself_leaves_nothing_and_runs_no_callback():
    """Django's foreign keys are checked at the commit (DEFERRABLE INITIALLY DEFERRED): a
    COMMIT sent with the statements can fail on its own. The server has rolled back, the error
    is Django's, the ``on_commit`` callbacks do not run, and the connection goes on."""
    from django.db import IntegrityError, connection, transaction

    from home.database import statements_go_together, statements_run
    from home.models import Municipality

    if not statements_go_together(connection):
        pytest.skip("values bound on the server (DB_PREPARED_STATEMENTS): no COMMIT goes with")
    table = Municipality._meta.db_table
    insert = f"INSERT INTO {table} (code, name, region_id) VALUES (%s, %s, %s)"  # noqa: S608
    ran = []
    with pytest.raises(IntegrityError), transaction.atomic():
        transaction.on_commit(lambda: ran.append(True))
        statements_run([(insert, ["9991", "Ingen region", 10**9])], commit=True)
    assert ran == []
    assert not Municipality.objects.filter(code="9991").exists()
    with transaction.atomic():  # the connection goes on as usual
        statements_run([("SELECT 1", [])])
    assert connection.get_autocommit() and not connection.in_atomic_block
