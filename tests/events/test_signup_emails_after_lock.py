"""A sign-up's emails are saved with it while the event is locked, and rendered after the
commit: no template or calendar file is built while other sign-ups wait for the lock, and an
email whose rendering never came (the web process died) is rendered by the worker that sends it.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection, connections

from events.mail import services as mail_services
from events.mail.tasks import email_deliver, emails_sweep
from events.models import EmailKind, OutboundEmail
from home.outbox import DeliveryStatus
from home.prepared_statements import executes_expanded
from tests.events.registrations import sign_up, vocabulary  # noqa: F401
from tests.markers import needs_postgres

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def webinar(event_of, vive):
    return event_of(vive, title="Webinar om børnesamtaler", capacity=1, waiting_list_enabled=True)


def test_sign_up_emails_are_rendered_with_position_and_calendar(webinar):
    first = sign_up(webinar).registration
    second = sign_up(webinar).registration
    confirmation = OutboundEmail.objects.get(registration_id=first.pk)
    waiting = OutboundEmail.objects.get(registration_id=second.pk)
    assert confirmation.compose is None and waiting.compose is None
    assert confirmation.subject == "Tilmelding bekræftet: Webinar om børnesamtaler"
    assert f"Kære {first.name}" in confirmation.body_text
    assert first.manage_url() in confirmation.body_text
    assert "METHOD:REQUEST" in confirmation.ics and confirmation.ics_method == "REQUEST"
    assert "som nummer 1" in waiting.body_text and waiting.ics == ""


def test_an_email_left_unrendered_is_rendered_by_the_worker_that_sends_it(webinar):
    """The web process died after the commit, before rendering: the row is due in the outbox,
    the sweeper hands it out, and the worker renders it before sending."""
    registration = sign_up(webinar).registration
    OutboundEmail.objects.all().delete()
    row = mail_services.registration_email_unwritten(
        registration=registration, kind=EmailKind.CONFIRMATION
    )
    row.save()
    assert row.subject == "" and row.compose["name"] == registration.name

    assert emails_sweep() == 1  # tasks run at once in the tests (Q_SYNC)
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.compose is None
    [sent] = mail.outbox
    assert sent.subject == "Tilmelding bekræftet: Webinar om børnesamtaler"
    assert registration.manage_url() in sent.body
    [(filename, content, _)] = sent.attachments
    assert filename == "arrangement.ics" and "METHOD:REQUEST" in content
    assert email_deliver(row.pk) == "skipped"  # sent once
    assert len(mail.outbox) == 1


def test_a_daily_already_registered_email_is_saved_once(webinar):
    first = sign_up(webinar, email="anna@kommune.example")
    again = sign_up(webinar, email="anna@kommune.example")
    assert again.registration.pk == first.registration.pk and not again.created
    sign_up(webinar, email="anna@kommune.example")
    kinds = list(
        OutboundEmail.objects.filter(registration_id=first.registration.pk).values_list(
            "kind", flat=True
        )
    )
    assert sorted(kinds) == ["already_registered", "confirmation"]


def test_rendering_failure_after_commit_loses_nothing(webinar, monkeypatch):
    """The sign-up has committed when its email is rendered: a failing template leaves the
    registration and a due, unrendered email for the worker, not a lost sign-up."""

    def broken(context):
        raise RuntimeError("template broke")

    monkeypatch.setattr(mail_services, "email_compose", broken)
    with pytest.raises(RuntimeError):
        sign_up(webinar, email="bo@kommune.example")
    monkeypatch.undo()
    row = OutboundEmail.objects.get(to="bo@kommune.example")
    assert row.compose is not None and row.status == DeliveryStatus.PENDING
    emails_sweep()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_event_is_not_locked_while_the_emails_are_rendered(centre, event_of, vive):
    """From another connection, the event's row can be locked at once (NOWAIT) while the
    sign-up's email is rendered: the sign-up's transaction has committed by then."""
    from home.demo import vocabulary_seed

    vocabulary_seed()
    event = event_of(vive, capacity=5)
    real = mail_services.email_compose
    seen: list[bool] = []

    def compose_and_probe(context):
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute(
                    "SELECT 1 FROM events_eventpage WHERE page_ptr_id = %s FOR UPDATE NOWAIT",
                    [event.pk],
                )
                seen.append(True)
                cursor.execute("ROLLBACK")
        finally:
            other.close()
        return real(context)

    assert connection.vendor == "postgresql"
    mail_services.email_compose = compose_and_probe
    try:
        outcome = sign_up(event, email="cecilie@kommune.example")
    finally:
        mail_services.email_compose = real
    assert outcome.status == "confirmed"
    assert seen == [True]  # a held lock would have raised "could not obtain lock"
    assert OutboundEmail.objects.get(to="cecilie@kommune.example").compose is None


def test_the_confirmation_repeats_the_answers_but_never_a_sensitive_one(event_of, vive):
    from tests.events.questions import option, question, with_questions

    event = with_questions(
        event_of,
        vive,
        question("Workshop", "choice", key="workshop", options=[option("a", "Workshop A")]),
        question("Kostbehov", "text", key="kost", data_class="sensitive"),
        capacity=10,
    )
    registration = sign_up(event, answers={"workshop": "a", "kost": "Glutenfri"}).registration
    email = OutboundEmail.objects.get(registration_id=registration.pk)
    assert "Dine svar:" in email.body_text
    assert "- Workshop: Workshop A" in email.body_text
    assert "- Kostbehov: Oplyst (gentages ikke i mailen)" in email.body_text
    assert "Glutenfri" not in email.body_text + email.body_html
    assert "Workshop A" in email.body_html


def test_an_unrendered_email_of_a_deleted_event_is_never_sent(webinar):
    registration = sign_up(webinar).registration
    OutboundEmail.objects.all().delete()
    row = mail_services.registration_email_unwritten(
        registration=registration, kind=EmailKind.CONFIRMATION
    )
    row.save()
    OutboundEmail.objects.filter(pk=row.pk).update(event=None)
    assert email_deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED and mail.outbox == []


@needs_postgres
def test_under_the_lock_a_sign_up_reads_in_one_round_trip_and_writes_in_another(event_of, vive):
    """The locked read of the event, the seat count, the places of the option chosen and the
    registration's key go out together, and so do the registration, its answers, its email
    and the request's record: every round trip under the lock is waited for by every other
    sign-up to the event. The key is drawn after the lock, so keys follow the decisions."""
    from django.test.utils import CaptureQueriesContext

    from home.database import statements_go_together
    from tests.events.questions import option, question, with_questions

    if not statements_go_together(connection):
        pytest.skip("values bound on the server (DB_PREPARED_STATEMENTS): one by one")
    event = with_questions(
        event_of,
        vive,
        question(
            "Workshop", "limited_choice", key="workshop", options=[option("a", "A", places=2)]
        ),
        capacity=1,
        waiting_list_enabled=True,
    )
    sign_up(event, answers={"workshop": "a"})
    with CaptureQueriesContext(connection) as queries:
        outcome = sign_up(event, answers={"workshop": "a"}, idempotency_key="k-1")
    assert outcome.status == "waiting_list"
    statements = [executes_expanded(query["sql"]) for query in queries.captured_queries]
    [locked] = [sql for sql in statements if "FOR UPDATE" in sql]
    assert "COALESCE(SUM(" in locked and "a.key IN" in locked  # seats and option places
    assert locked.index("FOR UPDATE") < locked.index("nextval")  # the key drawn under it
    [written] = [sql for sql in statements if sql.startswith("INSERT")]
    for table in ("events_registration", "events_registrationanswer", "events_outboundemail"):
        assert f'INSERT INTO "{table}"' in written
    assert 'INSERT INTO "events_idempotentrequest"' in written


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_usual_sign_up_sends_its_commit_with_its_rows_and_its_email_follows_the_commit(
    event_of, vive
):
    """Nothing else to write (no Zoom meeting, no named members, no join link due): the COMMIT
    goes in the round trip of the rows, so the lock is released one round trip sooner; what
    runs after the commit (the email's text and calendar file) still runs."""
    from django.test.utils import CaptureQueriesContext

    from events.models import Registration
    from home.database import statements_go_together

    if not statements_go_together(connection):
        pytest.skip("values bound on the server (DB_PREPARED_STATEMENTS): one by one")
    event = event_of(vive, title="Kursus om børnesamtaler", capacity=1, waiting_list_enabled=True)
    for status in ("confirmed", "waiting_list"):
        with CaptureQueriesContext(connection) as queries:
            outcome = sign_up(event)
        assert outcome.status == status
        sent = [query["sql"] for query in queries.captured_queries]
        statements = [executes_expanded(sql) for sql in sent]
        [written] = [sql for sql in statements if sql.startswith('INSERT INTO "events_reg')]
        assert written.endswith("; COMMIT")
        if status == "waiting_list":  # the second sign-up on this connection
            # Its statements were prepared by the first (home.prepared_statements): the
            # message is their EXECUTEs, short enough for psycopg to keep its parse of it
            # (home.database), which it does for texts of up to 4,096 bytes.
            message = sent[statements.index(written)]
            assert message.startswith("EXECUTE ") and len(message.encode()) <= 4096
        # Django logs its own COMMIT on leaving the block, which psycopg, with no transaction
        # open, does not send; nothing ran between the two.
        assert statements[statements.index(written) + 1] == "COMMIT"
        registration = Registration.objects.get(pk=outcome.registration.pk)
        assert registration.status == status
        email = OutboundEmail.objects.get(registration_id=registration.pk)
        assert email.compose is None and email.body_text  # rendered after the commit
    assert connection.get_autocommit() and not connection.in_atomic_block


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sign_up_to_an_event_with_a_zoom_meeting_writes_its_registrant_before_the_commit(
    event_of, vive
):
    """The locked reads say whether the event has a Zoom meeting; when it has, the person's
    registrant row is written in the sign-up's transaction, and the COMMIT comes after it."""
    from django.test.utils import CaptureQueriesContext

    from events.models import MeetingRegistrant, SessionMeeting
    from home.database import statements_go_together

    event = event_of(vive, title="Webinar om børnesamtaler", capacity=1, waiting_list_enabled=True)
    SessionMeeting.objects.create(
        session=event.sessions.first(), event=event, kind="zoom_meeting", desired_fingerprint="x"
    )
    with CaptureQueriesContext(connection) as queries:
        outcome = sign_up(event)
    assert outcome.status == "confirmed"
    statements = [executes_expanded(query["sql"]) for query in queries.captured_queries]
    assert not any(sql.endswith("; COMMIT") for sql in statements)
    [registrant] = MeetingRegistrant.objects.filter(registration=outcome.registration)
    assert registrant.wanted and registrant.email == outcome.registration.email
    # On the waiting list: nobody to register with Zoom, so the COMMIT goes with the rows.
    with CaptureQueriesContext(connection) as queries:
        waiting = sign_up(event)
    assert waiting.status == "waiting_list"
    statements = [executes_expanded(query["sql"]) for query in queries.captured_queries]
    folded = any(sql.endswith("; COMMIT") for sql in statements)
    assert folded is statements_go_together(connection)
    assert not MeetingRegistrant.objects.filter(registration=waiting.registration).exists()


@pytest.mark.parametrize("zoom_meetings", [True, False])
def test_the_webinars_receiver_asks_no_more_once_told_there_is_no_zoom_meeting(
    event_of, vive, zoom_meetings
):
    from django.db.models.signals import post_save
    from django.test.utils import CaptureQueriesContext

    event = event_of(vive, capacity=5)
    registration = sign_up(event).registration
    with CaptureQueriesContext(connection) as queries:
        post_save.send(
            sender=type(registration),
            instance=registration,
            created=True,
            zoom_meetings=zoom_meetings,
        )
    sqls = [executes_expanded(query["sql"]) for query in queries.captured_queries]
    asked = [sql for sql in sqls if "meeting" in sql]
    assert bool(asked) is zoom_meetings
