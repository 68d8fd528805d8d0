"""Set a partner's webinar account from the command line, for deployments and tests:

    manage.py webinar_account <partner-slug> zoom --account-id … --client-id … \
        --client-secret … [--webhook-secret …]
    manage.py webinar_account <partner-slug> teams --tenant … --client-id … \
        --client-secret … --organizer …

An existing account of the partner on that platform is changed; a secret left out keeps the
stored one. An argument on the command line shows in ``ps`` to every user of the machine, so
give the secrets through the environment (WEBINAR_CLIENT_SECRET, WEBINAR_WEBHOOK_SECRET) or
as ``-``, which reads the secret from a line of standard input (client secret first, then the
webhook secret, when both are ``-``). Nothing printed names a secret.
"""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from events.models import WebinarAccount, WebinarPlatform
from events.webinars.services import webinar_account_save
from home.models import Partner

LIMIT = 200


def _line(stdin) -> str:
    """One secret from standard input: its first line, without the line break."""
    return stdin.readline().removesuffix("\n").removesuffix("\r")


class Command(BaseCommand):
    help = "Create or change a partner's Zoom or Microsoft Teams account."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("partner", help="the partner's slug, e.g. vive")
        sub = parser.add_subparsers(dest="platform", required=True)
        zoom = sub.add_parser("zoom", help="Zoom Server-to-Server OAuth app")
        zoom.add_argument("--account-id", required=True)
        zoom.add_argument("--client-id", required=True)
        zoom.add_argument("--client-secret", default="")
        zoom.add_argument("--webhook-secret", default="")
        teams = sub.add_parser("teams", help="Microsoft Graph app with client credentials")
        teams.add_argument("--tenant", required=True)
        teams.add_argument("--client-id", required=True)
        teams.add_argument("--client-secret", default="")
        teams.add_argument("--organizer", required=True, help="the organiser's user id or UPN")

    def handle(self, *args, **options) -> None:
        try:
            partner = Partner.objects.get(slug=options["partner"])
        except Partner.DoesNotExist:
            slugs = ", ".join(Partner.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                f"No partner with slug {options['partner']!r}; known: {slugs or 'none'}."
            ) from None
        platform = options["platform"]
        stdin = options.get("stdin") or sys.stdin
        client_secret = options["client_secret"] or os.environ.get("WEBINAR_CLIENT_SECRET", "")
        if client_secret == "-":
            client_secret = _line(stdin)
        webhook_secret = options.get("webhook_secret") or (
            os.environ.get("WEBINAR_WEBHOOK_SECRET", "") if platform == "zoom" else ""
        )
        if webhook_secret == "-":
            webhook_secret = _line(stdin)
        values = {
            "client_id": options["client_id"],
            "account_id": options.get("account_id") or "",
            "tenant_id": options.get("tenant") or "",
            "organizer": options.get("organizer") or "",
        }
        secrets = {"client_secret": client_secret, "webhook_secret": webhook_secret}
        for name, value in {**values, **secrets}.items():
            if len(value) > LIMIT or any(ch in value for ch in "\x00\r\n"):
                raise CommandError(f"--{name.replace('_', '-')}: too long or not one line.")
            if (
                name in ("client_id", "account_id", "tenant_id")
                and not value.strip()
                and (
                    name == "client_id"
                    or (name == "account_id" and platform == "zoom")
                    or (name == "tenant_id" and platform == "teams")
                )
            ):
                raise CommandError(f"--{name.replace('_', '-')}: must not be empty.")
        exists = WebinarAccount.objects.filter(partner=partner, platform=platform).exists()
        if not exists and not client_secret:
            raise CommandError(
                "--client-secret is required for a new account (or set WEBINAR_CLIENT_SECRET)."
            )
        webinar_account_save(
            partner=partner,
            platform=WebinarPlatform(platform),
            client_secret=client_secret,
            webhook_secret=webhook_secret,
            **{k: v.strip() for k, v in values.items()},
        )
        verb = "Changed" if exists else "Created"
        self.stdout.write(f"{verb} the {platform} account of {partner.slug}.")
