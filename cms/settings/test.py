from .base import *

SECRET_KEY = "test-only-secret-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
# Worker clusters started by the pipeline tests send through a real SMTP sink instead.
EMAIL_BACKEND = os.environ.get(
    "TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SEED_DEMO_USERS = True
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
MEDIA_ROOT = BASE_DIR / ".test-media"
WHITENOISE_AUTOREFRESH = True
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Scope cache keys per test run so CI runs against a shared Redis never see each other's entries.
# Servers started together on these settings (the load test, the capacity bench) must share
# their cache as production's processes do: they name one prefix in CACHE_KEY_PREFIX.
CACHES["default"]["KEY_PREFIX"] = os.environ.get("CACHE_KEY_PREFIX") or f"test-{os.getpid()}"
# A test's cache.clear() is a FLUSHDB on Redis, which no key prefix escapes: each parallel test
# process (pytest-xdist) gets a Redis database of its own, or one process emptying the cache
# took another's seats version and vocabulary from under it mid-test (a changed ETag, a query
# more than its warm-up counted).
if REDIS_URL and os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):
    from urllib.parse import urlsplit, urlunsplit

    _worker = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw") or 0)
    _url = urlsplit(REDIS_URL)
    CACHES["default"]["LOCATION"] = urlunsplit(_url._replace(path=f"/{1 + _worker % 15}"))
Q_CLUSTER["sync"] = env_bool("Q_SYNC", True)
# A test runs inside a transaction that never commits, so no worker would render a sign-up's
# emails: the web process renders them (tests/events/test_signup_emails_by_workers.py turns
# production's way on and checks the workers write the same emails).
SIGNUP_EMAILS_RENDERED_BY_WORKERS = env_bool("SIGNUP_EMAILS_RENDERED_BY_WORKERS", False)
# Wagtail's indexing runs inline in tests, so a test sees the index right after a publish.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Parallel test processes (pytest-xdist) each get their own queue, so the worker clusters one
# of them starts never take another's tasks; clusters are handed the name they must use.
if "Q_CLUSTER_NAME" not in os.environ and os.environ.get("PYTEST_XDIST_WORKER"):
    Q_CLUSTER["name"] = f"{Q_CLUSTER['name']}-{os.environ['PYTEST_XDIST_WORKER']}"

# The machine's build slots (api/capacity.py) are files shared by every process on it: each
# test process gets its own, so one worker's builds never shed another's test requests.
BUILD_SLOTS_DIR = os.path.join(BUILD_SLOTS_DIR, f"test-{os.getpid()}")
