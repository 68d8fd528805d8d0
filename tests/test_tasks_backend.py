"""Wagtail's background tasks on django-q2: the django-tasks backend enqueues after commit, and
the runner runs the task by its module path in a worker."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django_q.models import Task as QTask
from django_tasks import task, task_backends
from django_tasks.base import TaskResultStatus

from cms import tasks_backend
from cms.tasks_backend import RUNNER, DjangoQBackend, run_task
from home.models import KnowledgePage, Partner
from tests.markers import needs_postgres

DONE: list = []


@task()
def remember(value, *, twice: bool = False):
    DONE.append(value * 2 if twice else value)
    return {"remembered": value}


@pytest.fixture(autouse=True)
def _clear():
    DONE.clear()
    yield
    DONE.clear()


@pytest.fixture
def backend():
    return DjangoQBackend("default", {})


def test_enqueue_hands_the_task_to_django_q_only_after_commit(
    backend, monkeypatch, db, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks_backend, "async_task", lambda *a, **k: sent.append((a, k)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = backend.enqueue(remember, (21,), {"twice": True})
        assert sent == []  # a worker must not run before the rows it reads are committed
    assert result.status == TaskResultStatus.READY
    assert result.args == [21] and result.kwargs == {"twice": True}
    for callback in callbacks:
        callback()
    assert len(sent) == 1
    args, kwargs = sent[0]
    assert args == (RUNNER, "tests.test_tasks_backend.remember", [21], {"twice": True})
    assert kwargs["task_name"].startswith("remember-")
    assert DONE == []


def test_the_runner_runs_the_task_by_its_module_path(db):
    assert run_task("tests.test_tasks_backend.remember", [4], {"twice": True}) == {"remembered": 4}
    assert DONE == [8]


def test_through_django_q_the_task_runs_in_the_worker(
    backend, db, django_capture_on_commit_callbacks
):
    # The test settings run django-q2 synchronously: the worker's code path, in this process.
    with django_capture_on_commit_callbacks(execute=True):
        backend.enqueue(remember, ("hej",), {})
    assert DONE == ["hej"]
    q_task = QTask.objects.get(func=RUNNER)
    assert q_task.success is True
    assert q_task.result == {"remembered": "hej"}


def test_arguments_must_be_json(backend, db):
    with pytest.raises(TypeError):
        backend.enqueue(remember, (object(),), {})


def test_wagtail_indexing_goes_through_django_q_when_configured(
    settings, knowledge_page, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "cms.tasks_backend.DjangoQBackend"}}
    assert isinstance(task_backends["default"], DjangoQBackend)
    sent = []
    monkeypatch.setattr(tasks_backend, "async_task", lambda *a, **k: sent.append(a))
    with django_capture_on_commit_callbacks(execute=True):
        knowledge_page.save_revision().publish()
    paths = {args[1] for args in sent}
    # The publish itself returned without indexing: both indexes are the workers' job.
    assert "wagtail.tasks.update_reference_index_task" in paths
    assert "modelsearch.tasks.insert_or_update_object_task" in paths
    assert all(args[0] == RUNNER for args in sent)


def test_the_test_settings_run_tasks_immediately():
    from django.conf import settings

    assert settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")


@pytest.fixture
def knowledge_page(centre):
    from home.demo import knowledge_seed, vocabulary_seed

    vocabulary_seed()
    knowledge_seed()
    assert Partner.objects.exists()
    return KnowledgePage.objects.get(slug="anbragte-unges-trivsel")


# --- two index tasks for one page at once ------------------------------------------------------

INDEX_TASK = "modelsearch.tasks.insert_or_update_object_task"


def _index_at_once(page_pk: int, *, threads: int = 3, rounds: int = 15) -> list[str]:
    """Run the search-index task for one page in several threads at once, each time from an
    empty index, as two workers do after two quick saves; returns the errors raised."""
    from django.db import connections
    from wagtail.search.models import IndexEntry

    errors: list[str] = []
    for _ in range(rounds):
        IndexEntry.objects.all().delete()
        barrier = threading.Barrier(threads)

        def index(barrier=barrier):
            try:
                barrier.wait()
                run_task(INDEX_TASK, ["home", "knowledgepage", page_pk], {})
            except Exception as exc:
                errors.append(repr(exc))
            finally:
                connections.close_all()

        workers = [threading.Thread(target=index) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    return errors


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_index_tasks_for_one_page_at_once_log_no_integrity_error_on_postgresql(
    knowledge_page, caplog
):
    from wagtail.search.models import IndexEntry

    assert _index_at_once(knowledge_page.pk) == []
    assert "IntegrityError" not in caplog.text
    assert IndexEntry.objects.filter(object_id=str(knowledge_page.pk)).count() >= 1
    assert knowledge_page.pk in [p.pk for p in KnowledgePage.objects.live().search("trivsel")]


SQLITE_RACE = """
import django
django.setup()
from home.demo import knowledge_seed, vocabulary_seed
from home.models import KnowledgePage
from home.provisioning.services import centre_setup
from tests.test_tasks_backend import _index_at_once
centre_setup(); vocabulary_seed(); knowledge_seed()
page = KnowledgePage.objects.get(slug="anbragte-unges-trivsel")
print("ERRORS", len(_index_at_once(page.pk)))
"""


@pytest.mark.cluster
def test_two_index_tasks_for_one_page_at_once_log_no_integrity_error_on_sqlite(tmp_path):
    """SQLite is where it failed (a newcomer's `make run`): a file database shared by threads,
    as by the web process and the workers. Without the per-object serialisation, about every
    other round logged ``UNIQUE constraint failed: wagtailsearch_indexentry``."""
    root = Path(__file__).resolve().parent.parent
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PYTHONPATH": str(root),
    }
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=root, env=env, capture_output=True
    )
    assert migrate.returncode == 0, migrate.stderr.decode()[-2000:]
    race = subprocess.run(
        [sys.executable, "-c", SQLITE_RACE], cwd=root, env=env, capture_output=True, text=True
    )
    assert race.returncode == 0, race.stderr[-2000:]
    assert "ERRORS 0" in race.stdout, race.stderr[-2000:]
    assert "IntegrityError" not in race.stderr
