"""``manage.py webinar_account``: sets a partner's account, prints no secret, clear errors."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from events.models import WebinarAccount


def run(*args: str) -> str:
    out = StringIO()
    call_command("webinar_account", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_zoom_account_created_then_changed(vive):
    out = run(
        "vive",
        "zoom",
        "--account-id=acc",
        "--client-id=cid",
        "--client-secret=very-secret-1",
        "--webhook-secret=hook-secret-1",
    )
    assert "Created the zoom account of vive." in out
    assert "very-secret-1" not in out
    account = WebinarAccount.objects.get(partner=vive, platform="zoom")
    assert (account.account_id, account.client_id) == ("acc", "cid")
    assert account.client_secret == "very-secret-1" and account.webhook_secret == "hook-secret-1"

    out = run("vive", "zoom", "--account-id=acc", "--client-id=cid2")
    assert "Changed" in out
    account.refresh_from_db()
    assert account.client_id == "cid2" and account.client_secret == "very-secret-1"


def test_teams_account(sst):
    run(
        "socialstyrelsen",
        "teams",
        "--tenant=t-1",
        "--client-id=c-1",
        "--client-secret=s-1-secret",
        "--organizer=org@sst.example",
    )
    account = WebinarAccount.objects.get(partner=sst)
    assert (account.platform, account.tenant_id, account.organizer) == (
        "teams",
        "t-1",
        "org@sst.example",
    )


def test_secret_from_the_environment(vive, monkeypatch):
    monkeypatch.setenv("WEBINAR_CLIENT_SECRET", "env-secret-9")
    run("vive", "zoom", "--account-id=a", "--client-id=c")
    assert WebinarAccount.objects.get(partner=vive).client_secret == "env-secret-9"


def test_secrets_from_standard_input(vive):
    out = StringIO()
    call_command(
        "webinar_account",
        "vive",
        "zoom",
        "--account-id=a",
        "--client-id=c",
        "--client-secret=-",
        "--webhook-secret=-",
        stdin=StringIO("stdin-secret-1\nstdin-hook-2\n"),
        stdout=out,
    )
    account = WebinarAccount.objects.get(partner=vive)
    assert account.client_secret == "stdin-secret-1" and account.webhook_secret == "stdin-hook-2"
    assert "stdin-secret-1" not in out.getvalue()


def test_webhook_secret_from_the_environment(vive, monkeypatch):
    monkeypatch.setenv("WEBINAR_CLIENT_SECRET", "env-secret-9")
    monkeypatch.setenv("WEBINAR_WEBHOOK_SECRET", "env-hook-8")
    run("vive", "zoom", "--account-id=a", "--client-id=c")
    assert WebinarAccount.objects.get(partner=vive).webhook_secret == "env-hook-8"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody", "zoom", "--account-id=a", "--client-id=c", "--client-secret=s"], "nobody"),
        (["vive", "zoom", "--account-id=a", "--client-id=c"], "--client-secret is required"),
        (["vive", "zoom", "--account-id=", "--client-id=c", "--client-secret=s"], "account-id"),
        (["vive", "zoom", "--account-id=a", "--client-id=c\nx", "--client-secret=s"], "client-id"),
        (
            ["vive", "zoom", "--account-id=a", "--client-id=c", "--client-secret=s"]
            + ["--webhook-secret=h\nx"],
            "webhook-secret",
        ),
        (
            ["vive", "zoom", "--account-id=a", "--client-id=c", "--client-secret=s"]
            + ["--webhook-secret=" + "h" * 201],
            "webhook-secret",
        ),
    ],
)
def test_bad_input_is_a_clear_error(centre, args, message):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert message in str(caught.value)
    assert not WebinarAccount.objects.exists()
