"""Every integration is switched by an environment variable read in cms/settings/base.py."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; from django.conf import settings as s; django.setup();"
    "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], 'db_name': "
    "s.DATABASES['default']['NAME'], 'cache': s.CACHES['default']['BACKEND'], "
    "'q_redis': s.Q_CLUSTER.get('redis'), 'q_orm': s.Q_CLUSTER.get('orm'), "
    "'hosts': s.ALLOWED_HOSTS, 'csrf': s.CSRF_TRUSTED_ORIGINS, 'cors': s.CORS_ALLOWED_ORIGINS, "
    "'email_host': s.EMAIL_HOST, 'email_port': s.EMAIL_PORT, 'base_url': s.BASE_URL, "
    "'tz': s.TIME_ZONE, 'lang': s.LANGUAGE_CODE, 'debug': s.DEBUG, "
    "'search': s.WAGTAILSEARCH_BACKENDS['default'], 'secret': s.SECRET_KEY}))"
)


def _settings(module: str, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.update({"DJANGO_SETTINGS_MODULE": module, **env})
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_defaults_are_sqlite_orm_broker_and_local_cache():
    s = _settings("cms.settings.dev")
    assert s["db"] == "django.db.backends.sqlite3"
    assert s["q_orm"] == "default" and s["q_redis"] is None
    assert s["cache"].endswith("LocMemCache")
    assert s["tz"] == "Europe/Copenhagen" and s["lang"] == "da"
    assert s["debug"] is True


def test_database_redis_hosts_email_and_origins_come_from_environment():
    s = _settings(
        "cms.settings.dev",
        DATABASE_URL="postgres://u@db.internal:5432/videnscenter",
        REDIS_URL="redis://cache.internal:6379/2",
        ALLOWED_HOSTS="api.example.dk,cms.example.dk",
        CSRF_TRUSTED_ORIGINS="https://cms.example.dk",
        CORS_ALLOWED_ORIGINS="https://www.vive.dk,https://bornsvilkar.dk",
        EMAIL_HOST="smtp.example.dk",
        EMAIL_PORT="587",
        BASE_URL="https://cms.example.dk/",
        DEBUG="false",
    )
    assert s["db"] == "django.db.backends.postgresql" and s["db_name"] == "videnscenter"
    assert s["q_redis"] == "redis://cache.internal:6379/2" and s["q_orm"] is None
    assert s["cache"].endswith("RedisCache")
    assert s["hosts"] == ["api.example.dk", "cms.example.dk"]
    assert s["csrf"] == ["https://cms.example.dk"]
    assert s["cors"] == ["https://www.vive.dk", "https://bornsvilkar.dk"]
    assert (s["email_host"], s["email_port"]) == ("smtp.example.dk", 587)
    assert s["base_url"] == "https://cms.example.dk"
    assert s["search"]["SEARCH_CONFIG"] == "danish"
    assert s["debug"] is False


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "cms.settings.production"
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode != 0
    assert "SECRET_KEY" in out.stderr


@pytest.mark.parametrize("module", ["cms.settings.production"])
def test_production_reads_secret_key_and_turns_debug_off(module):
    s = _settings(module, SECRET_KEY="x" * 60, DEBUG="true")
    assert s["secret"] == "x" * 60
    assert s["debug"] is False


DEV_PROBE = (
    "import json, django; from django.conf import settings as s; django.setup();"
    "print(json.dumps({'email': s.EMAIL_BACKEND, 'host': s.EMAIL_HOST, 'base_url': s.BASE_URL,"
    " 'admin_base_url': s.WAGTAILADMIN_BASE_URL}))"
)


def _dev(**env: str) -> dict:
    """The dev settings, imported in a fresh interpreter with exactly these variables."""
    unset = {"EMAIL_HOST", "EMAIL_BACKEND", "BASE_URL", "PORT", "DATABASE_URL", "REDIS_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update({"DJANGO_SETTINGS_MODULE": "cms.settings.dev", **env})
    out = subprocess.run(
        [sys.executable, "-c", DEV_PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_dev_prints_emails_without_an_smtp_server():
    assert _dev()["email"] == "django.core.mail.backends.console.EmailBackend"


def test_dev_sends_by_smtp_once_an_smtp_server_is_named():
    s = _dev(EMAIL_HOST="127.0.0.1")
    assert s["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["host"] == "127.0.0.1"


def test_an_explicit_email_backend_wins_in_dev():
    s = _dev(EMAIL_HOST="127.0.0.1", EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    assert s["email"] == "django.core.mail.backends.dummy.EmailBackend"


@pytest.mark.parametrize(
    ("env", "base_url"),
    [
        ({}, "http://localhost:8000"),
        ({"PORT": "8010"}, "http://localhost:8010"),
        ({"PORT": "8010", "BASE_URL": "https://cms.example.dk/"}, "https://cms.example.dk"),
    ],
)
def test_dev_base_url_follows_the_port_unless_set(env, base_url):
    s = _dev(**env)
    assert s["base_url"] == base_url
    assert s["admin_base_url"] == base_url


POOL_PROBE = (
    "import json, django; from django.conf import settings as s; django.setup();"
    "d = s.DATABASES['default'];"
    "print(json.dumps({'options': d.get('OPTIONS', {}), 'max_age': d['CONN_MAX_AGE']}))"
)


def _web_database(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "WEB_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "cms.settings.dev", **env})
    out = subprocess.run(
        [sys.executable, "-c", POOL_PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_web_process_model_sizes_the_pool_and_bounds_every_query():
    """cms/gunicorn.conf.py hands its processes a pool of one connection per thread and a
    statement timeout of the longest request budget; the settings turn them into psycopg's
    pool and PostgreSQL's statement_timeout (issue 20)."""
    # as gunicorn reads it: with the file's own name
    config: dict = {"__file__": str(ROOT / "cms" / "gunicorn.conf.py")}
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "WEB_"))}
    os_environ = os.environ.copy()
    try:
        os.environ.clear()
        os.environ.update({**clean, "WEB_THREADS": "6", "WEB_CONCURRENCY": "2"})
        exec((ROOT / "cms" / "gunicorn.conf.py").read_text(), config)  # noqa: S102 - our file
    finally:
        os.environ.clear()
        os.environ.update(os_environ)
    assert config["worker_class"] == "gthread"
    assert (config["workers"], config["threads"]) == (2, 6)
    # a process takes what its threads can start and as many kept alive, not a whole burst
    assert config["worker_connections"] == 12
    env = dict(item.split("=", 1) for item in config["raw_env"])
    # a connection per thread, and one for the deferred builds (api/capacity.py)
    assert env == {"DB_POOL_SIZE": "7", "DB_STATEMENT_TIMEOUT": "60000"}

    s = _web_database(DATABASE_URL="postgres://u@db.internal:5432/videnscenter", **env)
    assert s["options"]["pool"]["max_size"] == 7
    assert s["options"]["pool"]["reconnect_timeout"] == 5.0  # back within seconds after an outage
    assert s["options"]["options"] == "-c statement_timeout=60000"
    assert s["max_age"] == 0  # a pool, not persistent connections per thread
    # workers and tests: no pool, persistent connections, no statement timeout
    s = _web_database(DATABASE_URL="postgres://u@db.internal:5432/videnscenter")
    assert "pool" not in s["options"] and "options" not in s["options"]
    assert s["max_age"] == 60


def test_the_connections_a_web_process_takes_can_be_set():
    config: dict = {"__file__": str(ROOT / "cms" / "gunicorn.conf.py")}
    os_environ = os.environ.copy()
    try:
        os.environ.update({"WEB_THREADS": "4", "WEB_CONNECTIONS": "40"})
        exec((ROOT / "cms" / "gunicorn.conf.py").read_text(), config)  # noqa: S102 - our file
    finally:
        os.environ.clear()
        os.environ.update(os_environ)
    assert (config["threads"], config["worker_connections"]) == (4, 40)
    # at or below the threads, gunicorn would take no connection (0) or keep none alive
    for refused in ("0", "4"):
        try:
            os.environ.update({"WEB_THREADS": "4", "WEB_CONNECTIONS": refused})
            with pytest.raises(ValueError, match="WEB_CONNECTIONS"):
                exec((ROOT / "cms" / "gunicorn.conf.py").read_text(), dict(config))  # noqa: S102
        finally:
            os.environ.clear()
            os.environ.update(os_environ)


def test_prepared_statements_are_opt_in_on_postgresql():
    """DB_PREPARED_STATEMENTS=1: parameters bound on the server and a statement run twice
    prepared (PostgreSQL's CPU per sign-up about halved); off by default, since a migration that
    changes a column's type breaks the statements prepared on running processes' connections."""
    s = _web_database(DATABASE_URL="postgres://u@db.internal:5432/videnscenter")
    assert "server_side_binding" not in s["options"] and "prepare_threshold" not in s["options"]
    s = _web_database(
        DATABASE_URL="postgres://u@db.internal:5432/videnscenter", DB_PREPARED_STATEMENTS="1"
    )
    assert s["options"]["server_side_binding"] is True
    assert s["options"]["prepare_threshold"] == 2
    s = _web_database(DATABASE_URL="sqlite:///probe.sqlite3", DB_PREPARED_STATEMENTS="1")
    assert "server_side_binding" not in s["options"]  # PostgreSQL's alone
