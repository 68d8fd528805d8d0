"""Wagtail's background tasks on django-q2: the django-tasks backend enqueues after commit, and
the runner runs the task by its module path in a worker."""

from __future__ import annotations

import pytest
from django_q.models import Task as QTask
from django_tasks import task, task_backends
from django_tasks.base import TaskResultStatus

from cms import tasks_backend
from cms.tasks_backend import RUNNER, DjangoQBackend, run_task
from home.models import KnowledgePage, Partner

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
