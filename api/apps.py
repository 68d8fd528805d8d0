from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from api import signal_handlers
        from api.serializers.content import KnowledgeSerializer, PageSerializer
        from api.serializers.events import EventSerializer
        from events.models import EventPage
        from home.models import KnowledgePage
        from home.preview import ApiPreviewMixin, preview_serializer_register

        signal_handlers.connect()
        # The previews show a page as the API does (home.preview): the most specific wins.
        preview_serializer_register(ApiPreviewMixin, PageSerializer)
        preview_serializer_register(KnowledgePage, KnowledgeSerializer)
        preview_serializer_register(EventPage, EventSerializer)
