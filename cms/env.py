"""Reading the environment: shared by the settings and the web server's configuration
(``cms/gunicorn.conf.py``), which must not load the settings in gunicorn's master process."""

import os


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}
