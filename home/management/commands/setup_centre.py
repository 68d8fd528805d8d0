from django.core.management.base import BaseCommand

from home.provisioning.schedules import schedules_ensure
from home.provisioning.services import centre_setup


class Command(BaseCommand):
    help = (
        "Create or complete the partners, their editorial areas, groups and workflows, and the "
        "background schedules (by name, idempotently)."
    )

    def handle(self, *args, **options):
        pages = centre_setup()
        schedules = schedules_ensure()
        self.stdout.write(self.style.SUCCESS(f"Centre ready: home page {pages['home'].pk}."))
        self.stdout.write(f"Schedules: {', '.join(s.name for s in schedules)}.")
