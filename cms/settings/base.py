"""Settings shared by every environment.

Every integration is switched by an environment variable read here; ``dev``,
``test`` and ``production`` only adjust defaults and harden.
"""

import os
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from cms.env import env_bool, env_list

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The partner sites: they may sign up and read what is personal from a browser. Any origin may
# read what is public (the widget's reads; api/cors.py).
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/(api|feeds)/.*$"
# What the API answers to: reads, sign-ups, cancelling by token.
CORS_ALLOW_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "POST")
# Partner sites' sign-up forms send an Idempotency-Key with their POST
# (see api/views/registrations.py).
CORS_ALLOW_HEADERS = ("accept", "content-type", "idempotency-key", "user-agent")

# Absolute URL of this system, used in emails, feeds and API links.
BASE_URL = os.environ.get("BASE_URL", "http://localhost:8000").rstrip("/")
# Where people who land on an error page are sent: the centre's public home.
CENTRE_WEBSITE = os.environ.get("CENTRE_WEBSITE", "https://www.sm.dk/")
# Days an event stays in the calendar feeds after its last session ended.
FEED_PAST_DAYS = int(os.environ.get("FEED_PAST_DAYS", "90"))
# Days after an event's last session before its registrants' personal data is anonymised.
REGISTRATION_RETENTION_DAYS = int(os.environ.get("REGISTRATION_RETENTION_DAYS", "180"))

# Capacity (home/budget.py, api/capacity.py, README "Capacity"): how long a request may run,
# and how many expensive builds (the lists and the combined feed, on a cache miss) a web
# process runs at once, how many may wait and for how long before the rest are shed (503).
REQUEST_BUDGET_SECONDS = float(os.environ.get("REQUEST_BUDGET_SECONDS", "15"))
ADMIN_REQUEST_BUDGET_SECONDS = float(os.environ.get("ADMIN_REQUEST_BUDGET_SECONDS", "60"))
EXPENSIVE_PATHS = frozenset(
    {
        "/feeds/events.ics",
        "/api/v1/events/",
        "/api/v1/knowledge/",
        "/api/v1/pages/",
        "/api/v1/changes/",
    }
)
EXPENSIVE_BUILDS_PER_PROCESS = int(os.environ.get("EXPENSIVE_BUILDS_PER_PROCESS", "1"))
EXPENSIVE_BUILDS_PER_MACHINE = int(
    os.environ.get("EXPENSIVE_BUILDS_PER_MACHINE", "") or max(1, (os.cpu_count() or 2) // 2)
)
BUILD_SLOTS_DIR = os.environ.get(
    "BUILD_SLOTS_DIR", os.path.join(tempfile.gettempdir(), "videnscenter-build-slots")
)
# Sign-ups, changes and transfers at once per web process (api/write_turns.py); 0: no bound.
REGISTRATION_WRITES_PER_PROCESS = int(os.environ.get("REGISTRATION_WRITES_PER_PROCESS", "1"))
# Fewer than a process's threads (cms/gunicorn.conf.py: 8), so waiting builds never take them
# all: the rest are the cheap answers'.
EXPENSIVE_BUILD_QUEUE = int(os.environ.get("EXPENSIVE_BUILD_QUEUE", "4"))
EXPENSIVE_BUILD_WAIT_SECONDS = float(os.environ.get("EXPENSIVE_BUILD_WAIT_SECONDS", "5"))
EXPENSIVE_BUILD_BUDGET_SECONDS = float(os.environ.get("EXPENSIVE_BUILD_BUDGET_SECONDS", "10"))
SHED_RETRY_AFTER_SECONDS = int(os.environ.get("SHED_RETRY_AFTER_SECONDS", "5"))

INSTALLED_APPS = [
    "home",
    "events",
    "api",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "csp",
    "django_q",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "home.budget.RequestBudgetMiddleware",
    "cms.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "api.write_turns.RegistrationWriteTurnMiddleware",
    "api.caching.ConditionalContentMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "home.areas.middleware.AdminTitleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

# Database: DATABASE_URL, default an SQLite file beside manage.py.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if IS_POSTGRES:
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    # Web processes bound every query (cms/gunicorn.conf.py sets it to the longest request
    # budget): a cancelled query is a 503, like a database that does not answer.
    if statement_timeout := os.environ.get("DB_STATEMENT_TIMEOUT", ""):
        _db_options["options"] = " ".join(
            filter(None, [_db_options.get("options"), f"-c statement_timeout={statement_timeout}"])
        )
    # Prepared statements, opt-in (DB_PREPARED_STATEMENTS=1): parameters sent apart from the
    # statement, and a statement run DB_PREPARE_THRESHOLD (2) times on a connection prepared
    # there, so PostgreSQL parses and plans it once. A sign-up cost PostgreSQL 3.3-4.5 ms of CPU
    # without, 2.2-2.8 ms with (one process over bench/registrations.py's data). Off by default:
    # a statement prepared on a connection fails ("cached plan must not change result type")
    # once a migration changes the type of a column it selects, until the connection is
    # closed, so every web and worker process must be restarted right after such a migration.
    # A sign-up's fixed statements prepared by SQL's own PREPARE (home/prepared_statements.py);
    # off (DB_PREPARED_TEXTS=0) behind a pooler in transaction mode, such as PgBouncer's.
    DB_PREPARED_TEXTS = env_bool("DB_PREPARED_TEXTS", True)
    if env_bool("DB_PREPARED_STATEMENTS", False):
        _db_options["server_side_binding"] = True
        threshold = os.environ.get("DB_PREPARE_THRESHOLD", "2")
        _db_options["prepare_threshold"] = int(threshold) if threshold.isdigit() else None
    # A pool per process, sized to its threads (cms/gunicorn.conf.py): connections are reused
    # across requests and threads, and never more are open than the process can use at once.
    # Without it (workers, tests), persistent connections per thread (DB_CONN_MAX_AGE).
    if pool_size := int(os.environ.get("DB_POOL_SIZE", "0")):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        _db_options["pool"] = {
            "min_size": 1,
            "max_size": pool_size,
            # A thread that waits longer for a connection answers 503 (home/database.py).
            "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),
            # psycopg_pool retries a connection that failed after 1, 2, 4, 8… seconds, for this
            # long, and then gives up until a request asks again, which retries at once. Its
            # default (5 minutes) let the delay grow through an outage: the process answered 503
            # for up to as long again after the database was back
            # (tests/faults/test_database_outage.py). Bounded, it is back within seconds.
            "reconnect_timeout": float(os.environ.get("DB_POOL_RECONNECT_SECONDS", "5")),
        }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several processes (web and workers) share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A sign-up's emails are rendered by the workers that send them (events/registrations/signups.py),
# not in the web process: the web tier spends its CPU on answering. Off, the web process renders
# them right after the commit (the test settings' default, so a test reads an email's text
# without running the workers).
SIGNUP_EMAILS_RENDERED_BY_WORKERS = env_bool("SIGNUP_EMAILS_RENDERED_BY_WORKERS", True)

# Redis: REDIS_URL switches django-q2's broker and Django's cache to Redis.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "home.cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "videnscenter"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "videnscenter",
        }
    }

# django-q2: Redis broker when REDIS_URL is set, the ORM broker otherwise.
# ``timeout`` must stay below ``retry`` so a running task is never handed out twice.
# django-q2's options, of mixed types (a name, numbers, flags, a lazy label).
Q_CLUSTER: dict[str, Any] = {
    "name": os.environ.get("Q_CLUSTER_NAME", "videnscenter"),
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    "timeout": 60,
    "retry": 90,
    "max_attempts": 5,
    "ack_failures": True,
    "save_limit": 1000,
    "catch_up": False,
    "label": _("Baggrundsopgaver"),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
    # One Redis client per process instead of one per enqueued task (home/task_broker.py).
    Q_CLUSTER["broker_class"] = "home.task_broker.PooledRedisBroker"
else:
    Q_CLUSTER["orm"] = "default"

# Wagtail's own background tasks (search and reference index, purges) run on the django-q2
# workers, so a publish does not wait for them; TASKS_BACKEND overrides (tests: immediate).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "cms.tasks_backend.DjangoQBackend"),
    }
}

# CDN in front of the API and feeds, purged on every change: FRONTEND_CACHE_BACKEND is
# cloudflare (CLOUDFLARE_ZONE_ID, CLOUDFLARE_BEARER_TOKEN), cloudfront
# (CLOUDFRONT_DISTRIBUTION_ID, boto3 and AWS credentials) or http (FRONTEND_CACHE_LOCATION, a
# Varnish/nginx that accepts PURGE); unset, nothing is purged.
FRONTEND_CACHE_BACKEND = os.environ.get("FRONTEND_CACHE_BACKEND", "").strip().lower()
_FRONTEND_CACHES = {
    "cloudflare": lambda: {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "ZONEID": os.environ["CLOUDFLARE_ZONE_ID"],
        "BEARER_TOKEN": os.environ["CLOUDFLARE_BEARER_TOKEN"],
    },
    "cloudfront": lambda: {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": os.environ["CLOUDFRONT_DISTRIBUTION_ID"],
    },
    "http": lambda: {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": os.environ["FRONTEND_CACHE_LOCATION"],
    },
}
if FRONTEND_CACHE_BACKEND:
    WAGTAILFRONTENDCACHE = {"default": _FRONTEND_CACHES[FRONTEND_CACHE_BACKEND]()}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "da"
# Danish only: an English browser must not turn the admin, the API's messages or the small
# pages English (LocaleMiddleware picks from these by Accept-Language).
LANGUAGES = [("da", "Dansk")]
WAGTAIL_I18N_ENABLED = False
# Slugs in ASCII, æ/ø/å spelled ae/oe/aa (home/slugs.py): partners' URL templates stay readable.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_CONTENT_LANGUAGES = [("da", "Dansk")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("da", "Dansk")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
WAGTAILADMIN_USER_LOGIN_FORM = "cms.forms.LoginForm"  # a translatable password label
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Email: EMAIL_URL-style settings as separate variables, the Django way.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Videnscenter om børneinddragelse <noreply@videnscenter.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The centre's contact address: ORGANIZER of the calendar files of a partner without its own
# contact address (never the no-reply sender: a calendar shows it as who to write to).
CENTRE_CONTACT_EMAIL = os.environ.get("CENTRE_CONTACT_EMAIL", "kontakt@videnscenter.example")

# Webinar platforms: base URLs, so a test double or a proxy can stand in for Zoom and Graph.
ZOOM_API_URL = os.environ.get("ZOOM_API_URL", "https://api.zoom.us/v2").rstrip("/")
ZOOM_OAUTH_URL = os.environ.get("ZOOM_OAUTH_URL", "https://zoom.us/oauth/token")
GRAPH_API_URL = os.environ.get("GRAPH_API_URL", "https://graph.microsoft.com/v1.0").rstrip("/")
MS_LOGIN_URL = os.environ.get("MS_LOGIN_URL", "https://login.microsoftonline.com").rstrip("/")
# Seconds: (connect, read) for every call to a platform; a worker never hangs on one.
WEBINAR_HTTP_TIMEOUT = (
    float(os.environ.get("WEBINAR_CONNECT_TIMEOUT", "5")),
    float(os.environ.get("WEBINAR_READ_TIMEOUT", "20")),
)
# Fernet keys for the accounts' secrets at rest, comma-separated: the first encrypts, all
# decrypt (rotation). Empty: WEBINAR_SECRETS_KEY (the former, single key), else derived from
# SECRET_KEY. Checked at startup (events.webinars.secrets, production.py).
WEBINAR_SECRETS_KEYS = [
    key.strip()
    for key in (
        os.environ.get("WEBINAR_SECRETS_KEYS") or os.environ.get("WEBINAR_SECRETS_KEY", "")
    ).split(",")
    if key.strip()
]

# Wagtail
WAGTAIL_SITE_NAME = "Videnscenter om børneinddragelse og udsatte børns liv"
WAGTAILADMIN_BASE_URL = BASE_URL
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        **({"SEARCH_CONFIG": "danish"} if IS_POSTGRES else {}),
    }
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "redirect"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAILADMIN_COMMENTS_ENABLED = True
# No Gravatar: editors' email hashes are not sent to an outside service (and the admin's CSP
# needs no outside image host). Avatars are uploaded in the account settings.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Content-Security-Policy (django-csp, cms/csp.py picks one per path). Default, for every HTML
# page that is not the admin or the API docs: the registrants' pages and error pages run no
# JavaScript and load nothing from elsewhere; their one inline style carries the nonce.
_MEDIA_ORIGINS = [MEDIA_URL] if MEDIA_URL.startswith(("https://", "http://")) else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "style-src": [NONCE],
        "img-src": [SELF, *_MEDIA_ORIGINS],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}
# The Wagtail admin as Wagtail 8 needs it: its widgets (date pickers, inline panels, choosers)
# write inline scripts and style attributes that carry no nonce, so 'unsafe-inline' stays for
# scripts and styles; everything else is this origin. Previews may show embedded media
# (YouTube and the like) in frames; the admin may be framed only by itself (live preview).
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *_MEDIA_ORIGINS],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF, "https:"],
        "object-src": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
        "base-uri": [SELF],
    }
}
# Swagger UI and Redoc, served from drf-spectacular-sidecar: their start-up scripts carry the
# nonce (cms/templates/drf_spectacular/); both set styles at run time, and Redoc searches in a
# worker it makes from a blob.
CONTENT_SECURITY_POLICY_API_DOCS = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": ["blob:"],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}
# The hosted events page (/arrangementer/): the widget's module from this origin, its API reads
# and sign-ups to this origin; the widget styles its Shadow DOM with constructed stylesheets,
# which need no style-src.
CONTENT_SECURITY_POLICY_EVENTS_PAGE = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "connect-src": [SELF],
        "style-src": [NONCE],
        "img-src": [SELF, *_MEDIA_ORIGINS],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}
# Danish pages for people; the CSRF failure page says what to do (reload and try again).
CSRF_FAILURE_VIEW = "cms.views.csrf_failure"

# REST framework
REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Per client address, counted in the shared cache; the load test raises it.
    "DEFAULT_THROTTLE_RATES": {
        "registrations": os.environ.get("REGISTRATION_THROTTLE_RATE", "30/minute")
    },
    # Proxies the operator runs in front of the web servers (load balancer, CDN). 0: the
    # client is REMOTE_ADDR; n: the address n hops from the right of X-Forwarded-For
    # (api.throttling). Never None: DRF would then take the whole header, which clients set.
    "NUM_PROXIES": max(0, int(os.environ.get("NUM_PROXIES") or 0)),
    # `format` is an events filter (online, physical, hybrid), not DRF's renderer override.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Videnscenter om børneinddragelse – API",
    "DESCRIPTION": "Published events, knowledge and vocabulary of the knowledge centre.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["api.schema.public_api_only"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_limits",
    ],
    # The interactive docs' assets are served from here, not from a third-party CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

from cms.settings.log_config import LOGGING  # noqa: E402, F401 - the logging, with its filter
