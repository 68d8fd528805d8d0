from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Indhold og ordforråd")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from home import signal_handlers
        from home.database import psycopg_parse_cache_widen
        from home.slugs import register_danish_slug_input

        signal_handlers.connect()
        register_danish_slug_input()
        psycopg_parse_cache_widen()
