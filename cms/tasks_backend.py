"""A django-tasks backend that runs Wagtail's background tasks on the django-q2 workers.

Wagtail 8 hands its search-index and reference-index updates, image renditions and frontend
cache purges to ``django_tasks`` (``TASKS`` setting). Its default backend runs them inline, so
an editor's publish would wait for the indexing. This backend instead enqueues each task to
django-q2, after the surrounding transaction commits (a worker on another machine must find the
rows the task is about), as a call of ``run_task`` with the task's module path and its JSON
arguments.

django-q2 is at-least-once, and so are these tasks: Wagtail's indexing tasks are idempotent.
Results stay with django-q2 (its admin's task list); ``get_result`` is not supported.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.tasks import async_task
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.exceptions import InvalidTaskError
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_random_id, normalize_json

RUNNER = "cms.tasks_backend.run_task"


class DjangoQBackend(BaseTaskBackend):
    supports_defer = False
    supports_async_task = False
    supports_get_result = False
    supports_priority = False

    def validate_task(self, task: Task) -> None:
        super().validate_task(task)
        if task.takes_context:
            raise InvalidTaskError("DjangoQBackend does not pass a task context.")

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        # JSON only (a TypeError otherwise), checked here in the caller, not later in a worker.
        args, kwargs = normalize_json(list(args)), normalize_json(dict(kwargs))
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        module_path = task.module_path
        task_name = f"{module_path.rsplit('.', 1)[-1]}-{result.id}"[:100]

        def send() -> None:
            async_task(RUNNER, module_path, args, kwargs, task_name=task_name)
            task_enqueued.send(type(self), task_result=result)

        # robust: a broker outage must not fail the editor's committed publish; the index
        # catches up with the next save or `wagtail_update_index`.
        transaction.on_commit(send, robust=True)
        return result


# Tasks that write one object's rows in an index, read-then-write: two of them for one object at
# once (two quick saves, a retry racing the original) both find no row and both insert it, and
# the second fails with an IntegrityError (Wagtail's database search backend on SQLite). They
# run one at a time per object, each in one transaction.
PER_OBJECT_TASKS = frozenset(
    {"modelsearch.tasks.insert_or_update_object_task", "wagtail.tasks.update_reference_index_task"}
)
LOCK_NAMESPACE = 0x7A6B  # the first key of PostgreSQL's two-key advisory locks: this module's


def run_task(module_path: str, args: list, kwargs: dict) -> Any:
    """Run a django-tasks task in a django-q2 worker by its module path."""
    task = import_string(module_path)
    func = task.func if isinstance(task, Task) else task
    if module_path not in PER_OBJECT_TASKS:
        return normalize_json(func(*args, **kwargs))
    with transaction.atomic():
        _serialise_per_object(module_path, args, kwargs)
        return normalize_json(func(*args, **kwargs))


def _serialise_per_object(module_path: str, args: list, kwargs: dict) -> None:
    """Wait for any other run of this task for the same object, until this transaction ends.

    PostgreSQL: a transaction-level advisory lock on the task and its arguments (released at
    commit or rollback, and by the server if the worker dies). SQLite: the transaction itself
    serialises, as the settings begin every transaction IMMEDIATE (the write lock first, so the
    read sees the other run's committed row).
    """
    if connection.vendor != "postgresql":
        return
    name = json.dumps([module_path, args, kwargs], sort_keys=True, default=str)
    key = zlib.crc32(name.encode()) - 2**31  # a signed 32-bit int, as the two-key form takes
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, key])
