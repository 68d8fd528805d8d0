"""Commits that let go of their locks before the disk has them, and answer only once it has.

A sign-up holds its event's row lock from the seat count to the commit, and every sign-up to
the event waits for it. With PostgreSQL's default (``synchronous_commit = on``) the commit
keeps the lock until the WAL is flushed to disk: 2–4 ms of fsync on a small machine, paid one
sign-up after the other, so a popular event's sign-ups could never go faster than one fsync
each (``bench/registrations.py``).

``commit_without_waiting_for_disk`` turns that off for the one transaction (``SET LOCAL``), so
its commit releases the lock at once, and hands ``disk_flush_wait`` to run first after the
commit: a transaction that writes one WAL record (a logical message, which changes no table)
and commits synchronously, which flushes the WAL up to its own commit, and so ours. The
request answers after that, as before: nothing the person is told is lost in a crash. What
changes is only when others may see the commit: before it is on disk. If PostgreSQL crashed in
that moment, every commit after ours would be lost with it too (the WAL is one sequence), and
none of them has been answered yet. Concurrent sign-ups' flushes are shared by PostgreSQL's
group commit instead of taken in turn under the lock.

SQLite (the embedded default) has no such setting: there both do nothing.
"""

from __future__ import annotations

from django.db import connection, transaction

FLUSH_MESSAGE_PREFIX = "videnscenter-durable"


def commit_without_waiting_for_disk() -> None:
    """Inside ``transaction.atomic()``, before anything else is handed to ``on_commit``."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
    transaction.on_commit(disk_flush_wait)


def disk_flush_wait() -> None:
    """Returns once everything committed so far is on disk."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_logical_emit_message(true, %s, '')", [FLUSH_MESSAGE_PREFIX])
