from .base import *

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*")
# With an SMTP server named (EMAIL_HOST, e.g. a local Mailpit), dev sends by SMTP; without
# one, emails are printed by the console backend. EMAIL_BACKEND overrides both.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
# Links in emails, feeds and the API point at the port the dev server listens on (`make run`
# passes PORT; BASE_URL, when set, wins).
if not os.environ.get("BASE_URL"):
    BASE_URL = f"http://localhost:{os.environ.get('PORT') or '8000'}"
    WAGTAILADMIN_BASE_URL = BASE_URL
# A partner's page tried out locally (any port of this machine) may sign up through the widget.
CORS_ALLOWED_ORIGIN_REGEXES = [r"^http://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$"]
# Demo users with the password "demo" exist only in dev.
SEED_DEMO_USERS = True
