"""``home.prepared_statements``: fixed texts parsed and planned once per connection, under
client-side binding (``home.database.statements_run(..., prepared=True)``)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from home import prepared_statements
from home.database import statements_go_together, statements_run
from home.models.changes import ContentChange
from home.prepared_statements import executes_expanded
from tests.markers import needs_postgres

TABLE = ContentChange._meta.db_table
INSERT = (
    f"INSERT INTO {TABLE} (object_type, object_id, action, changed_at) "  # noqa: S608
    "VALUES (%s, %s, %s, CURRENT_TIMESTAMP)"
)
SELECT = f"SELECT object_id, action FROM {TABLE} WHERE object_id = %s ORDER BY id"  # noqa: S608
# Object ids no other row has; the connection, and what its session has prepared, outlive a test.
MINE = 990_000


def select(tag: str) -> str:
    """A text of its own per test, so that none finds it prepared by another."""
    return f"SELECT object_id AS {tag}, action FROM {TABLE} WHERE object_id = %s ORDER BY id"  # noqa: S608


def sent(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries]


def prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def session_forget() -> None:
    """The server's prepared statements and what this process keeps of them, both emptied:
    the connection, and its session, outlive a test."""
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    prepared_statements._sessions.pop(connection.connection, None)


@pytest.fixture
def together():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's PREPARE")
    if not statements_go_together(connection):
        pytest.skip("values bound on the server (DB_PREPARED_STATEMENTS): psycopg prepares")
    session_forget()
    yield
    session_forget()


@needs_postgres
@pytest.mark.django_db
def test_a_text_is_prepared_on_its_first_run_and_executed_after(together):
    insert = INSERT.replace("INSERT INTO", "INSERT  INTO")  # a text of its own
    query = select("first_then")
    statements = [(insert, ["page", MINE, "published"]), (query, [MINE])]
    with CaptureQueriesContext(connection) as first:
        results = statements_run(statements, prepared=True)
    assert results == [[], [(MINE, "published")]]  # the PREPAREs' own results are not given
    [message] = sent(first)
    assert message.startswith("PREPARE ") and message.count("PREPARE ") == 2

    with CaptureQueriesContext(connection) as second:
        results = statements_run(
            [(insert, ["page", MINE, "unpublished"]), (query, [MINE])], prepared=True
        )
    assert results == [[], [(MINE, "published"), (MINE, "unpublished")]]
    [message] = sent(second)
    assert message.startswith("EXECUTE ") and "PREPARE" not in message and TABLE not in message
    # Read back as it would be sent unprepared, with placeholders.
    assert executes_expanded(message) == f"{insert}; {query}"


@needs_postgres
@pytest.mark.django_db
def test_a_literal_percent_and_a_text_without_parameters_are_kept(together):
    ContentChange.objects.create(object_type="page", object_id=MINE, action="published")
    statements = [
        (
            f"SELECT COUNT(*), '5%%' FROM {TABLE} WHERE action LIKE 'pub%%' AND object_id = {MINE}",
            [],
        ),  # noqa: S608
        (select("percent"), [MINE]),
    ]
    for _ in range(2):
        assert statements_run(statements, prepared=True) == [[(1, "5%")], [(MINE, "published")]]


@needs_postgres
@pytest.mark.django_db
def test_what_prepare_does_not_take_goes_as_text(together):
    with CaptureQueriesContext(connection) as queries:
        statements_run([("SHOW TIME ZONE", []), (select("show"), [MINE])], prepared=True)
    [message] = sent(queries)
    assert "SHOW TIME ZONE; " in message and "PREPARE" in message  # the SELECT is prepared


@needs_postgres
@pytest.mark.django_db
def test_unprepared_by_default(together):
    with CaptureQueriesContext(connection) as queries:
        statements_run([(select("unprepared"), [MINE]), (SELECT, [MINE])])
        statements_run([(select("unprepared"), [MINE]), (SELECT, [MINE])])
    assert all(message.startswith("SELECT ") for message in sent(queries))


@needs_postgres
@pytest.mark.django_db
def test_a_failed_message_that_prepared_makes_the_connection_take_new_names(together):
    """PREPARE is not undone by a rollback: after a message that prepared fails, which of its
    statements the server kept is unknown, so the next run prepares under new names (the same
    name again would be refused: "prepared statement already exists")."""
    query = select("failed")
    with pytest.raises(DatabaseError), transaction.atomic():
        statements_run([(query, [MINE]), ("SELECT 1 / %s", [0])], prepared=True)
    with CaptureQueriesContext(connection) as queries:
        assert statements_run([(query, [MINE])], prepared=True) == [[]]
    [message] = sent(queries)
    assert message.startswith("PREPARE vc1_")  # the next generation's name


@needs_postgres
@pytest.mark.django_db
def test_a_write_refused_by_a_constraint_keeps_what_was_prepared(together):
    """A constraint refuses a write, which runs after every PREPARE of its message: the
    server has them all, and the next run executes them (a twin request's key, on every
    connection, would otherwise cost each a generation)."""
    taken = ContentChange.objects.create(object_type="page", object_id=MINE, action="published").pk
    query = select("twin")
    duplicate = (
        f"INSERT INTO {TABLE} (id, object_type, object_id, action, changed_at) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, CURRENT_TIMESTAMP)"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        statements_run(
            [(query, [MINE]), (duplicate, [taken, "page", 2, "published"])], prepared=True
        )
    assert len(prepared_names()) == 2
    with CaptureQueriesContext(connection) as queries:
        assert statements_run([(query, [MINE])], prepared=True) == [[(MINE, "published")]]
    assert sent(queries)[0].startswith("EXECUTE vc0_")


@needs_postgres
@pytest.mark.django_db
def test_a_statement_a_migration_made_stale_is_prepared_anew(together):
    """A column's type changed under a prepared statement: PostgreSQL refuses its plan once
    ("cached plan must not change result type"), and the next run prepares it again instead
    of failing until the connection closes."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE stale_test (id int, status varchar(10))")
        cursor.execute("INSERT INTO stale_test VALUES (1, 'open')")
    query = ("SELECT status FROM stale_test WHERE id = %s", [1])
    assert statements_run([query], prepared=True) == [[("open",)]]
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE stale_test ALTER COLUMN status TYPE varchar(30)")
    with pytest.raises(DatabaseError), transaction.atomic():
        statements_run([query], prepared=True)
    for _ in range(2):
        assert statements_run([query], prepared=True) == [[("open",)]]


@needs_postgres
@pytest.mark.django_db
def test_a_connection_prepares_no_more_than_its_limit(together, monkeypatch):
    statements_run([(select("limit_one"), [MINE])], prepared=True)
    known = prepared_statements._sessions[connection.connection].names
    monkeypatch.setattr(prepared_statements, "NAMES_PER_CONNECTION", len(known))
    other = select("limit_two")
    with CaptureQueriesContext(connection) as queries:
        assert statements_run([(other, [MINE])], prepared=True) == [[]]
    assert sent(queries) == [other.replace("%s", str(MINE))]


@needs_postgres
@pytest.mark.django_db
def test_after_a_few_failures_a_connection_prepares_nothing(together):
    connection.ensure_connection()
    session = prepared_statements._sessions.setdefault(
        connection.connection, prepared_statements._Prepared()
    )
    session.generation = prepared_statements.GENERATIONS  # the fixture forgets it after
    with CaptureQueriesContext(connection) as queries:
        statements_run([(select("given_up"), [MINE]), (SELECT, [MINE])], prepared=True)
    assert sent(queries)[0].startswith("SELECT ")


def test_the_server_form_numbers_the_placeholders_and_keeps_literal_percents():
    digest, text, count = prepared_statements._server_form(
        "SELECT a FROM t WHERE b = %s AND c LIKE 'x%%' AND d IN (%s, %s)"
    )
    assert text == "SELECT a FROM t WHERE b = $1 AND c LIKE 'x%%' AND d IN ($2, $3)"
    assert count == 3 and len(digest) == 16
    assert prepared_statements._server_form("COMMIT") is None
    assert prepared_statements._server_form("SELECT %(name)s") is None


@needs_postgres
@pytest.mark.django_db
def test_nothing_is_prepared_when_turned_off(together, settings):
    """``DB_PREPARED_TEXTS=0``: behind a pooler in transaction mode, whose server sessions
    are not the client's."""
    settings.DB_PREPARED_TEXTS = False
    with CaptureQueriesContext(connection) as queries:
        for _ in range(2):
            assert statements_run([(select("turned_off"), [MINE])], prepared=True) == [[]]
    assert [message.startswith("SELECT ") for message in sent(queries)] == [True, True]
    assert prepared_names() == set()
