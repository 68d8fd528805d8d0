from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from events.demo import demo_seed
from home.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Load the Danish demo content (idempotent: running it again changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Skip when the demo content was loaded before, so editors' changes stay.",
        )

    def handle(self, *args, **options):
        User = get_user_model()
        if options["once"] and User.objects.filter(username="admin").exists():
            self.stdout.write("Demo content was loaded before; leaving it as it is.")
            return
        demo_seed()
        users = ", ".join(["admin"] + [username for username, _, _ in DEMO_USERS])
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
        self.stdout.write(f"Demo logins (password '{DEMO_PASSWORD}'): {users}")
