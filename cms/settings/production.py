from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from .base import *

DEBUG = False
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production")
for _position, _key in enumerate(WEBINAR_SECRETS_KEYS, start=1):
    try:
        Fernet(_key.encode())
    except (ValueError, TypeError):
        # The key itself is never in the message.
        raise ImproperlyConfigured(
            f"WEBINAR_SECRETS_KEYS: key number {_position} is not a Fernet key"
        ) from None

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# SAMEORIGIN, not DENY: the page editor shows its live preview in a same-origin iframe.
X_FRAME_OPTIONS = "SAMEORIGIN"
# W019 asks for DENY; SAMEORIGIN is the deliberate choice above (Wagtail's live preview).
SILENCED_SYSTEM_CHECKS = ["security.W019"]
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"
SEED_DEMO_USERS = False
