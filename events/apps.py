from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Arrangementer")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from events.signal_handlers import register_signal_handlers

        register_signal_handlers()
