from django.core.management.base import BaseCommand

from events.retention.services import retention_apply


class Command(BaseCommand):
    help = (
        "Anonymise registrants REGISTRATION_RETENTION_DAYS after their event's last session and "
        "erase accessibility needs and sensitive answers the day after the event (the daily "
        "schedule runs the same)."
    )

    def handle(self, *args, **options):
        result = retention_apply()
        self.stdout.write(
            f"Anonymiserede tilmeldinger: {result['anonymised']}; "
            f"slettede behov: {result['needs_erased']}; "
            f"slettede følsomme svar: {result['sensitive_answers_erased']}"
        )
