"""The email log in the admin: each partner sees its own emails; moderators resend failed ones."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from events.ical.selectors import registrant_feed_url
from events.mail.compose import EmailContext
from events.mail.services import email_write
from events.models import EmailKind, OutboundEmail, Registration
from events.registrations.services import registrant_feed_key
from events.retention.services import ERASED_ADDRESS, registrant_erase
from home.outbox import DeliveryStatus
from tests.events.registrations import apply_group, sign_up, vocabulary  # noqa: F401


@pytest.fixture
def emails(event_of, vive, bv):
    vive_event = event_of(vive, title="VIVE-webinar")
    bv_event = event_of(bv, title="Børns Vilkårs workshop")
    written = {}
    for key, event, to in (
        ("vive", vive_event, "vive-deltager@kommune.dk"),
        ("bv", bv_event, "bv-deltager@kommune.dk"),
    ):
        written[key] = email_write(
            kind=EmailKind.CONFIRMATION,
            to=to,
            dedupe_key=f"confirmation:{key}",
            context=EmailContext(kind=EmailKind.CONFIRMATION, event=event),
        )
    OutboundEmail.objects.filter(pk=written["vive"].pk).update(
        status=DeliveryStatus.FAILED, last_error="SMTPServerDisconnected"
    )
    return written


def test_a_partner_sees_only_its_own_emails(client, vive_editor, emails):
    client.force_login(vive_editor)
    response = client.get(reverse("outbound_emails:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "vive-deltager@kommune.dk" in content
    assert "bv-deltager@kommune.dk" not in content

    inspect = reverse("outbound_emails:inspect", args=[emails["bv"].pk])
    assert client.get(inspect).status_code in (302, 403, 404)


def test_coordinator_sees_every_partners_emails(client, coordinator, emails):
    client.force_login(coordinator)
    content = client.get(reverse("outbound_emails:index")).content.decode()
    assert "vive-deltager@kommune.dk" in content and "bv-deltager@kommune.dk" in content


def test_editor_cannot_resend_but_moderator_can(
    client, vive_editor, vive_moderator, emails, django_capture_on_commit_callbacks
):
    url = reverse("outbound_emails:resend", args=[emails["vive"].pk])
    client.force_login(vive_editor)
    assert client.post(url).status_code == 404

    client.force_login(vive_moderator)
    listing = client.get(reverse("outbound_emails:index")).content.decode()
    assert url in listing  # the "Send igen" button
    assert "Send e-mailen" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    emails["vive"].refresh_from_db()
    assert emails["vive"].status == DeliveryStatus.SENT
    assert [m.to for m in mail.outbox] == [["vive-deltager@kommune.dk"]]


def test_another_partners_moderator_cannot_resend(client, bv_moderator, emails):
    client.force_login(bv_moderator)
    url = reverse("outbound_emails:resend", args=[emails["vive"].pk])
    assert client.post(url).status_code == 404
    assert OutboundEmail.objects.get(pk=emails["vive"].pk).status == DeliveryStatus.FAILED


def test_emails_cannot_be_added_edited_or_deleted(client, coordinator, emails):
    client.force_login(coordinator)
    pk = emails["vive"].pk
    for url in (
        reverse("outbound_emails:add"),
        reverse("outbound_emails:edit", args=[pk]),
        reverse("outbound_emails:delete", args=[pk]),
    ):
        response = client.post(url, {"to": "angriber@example.com"})
        assert response.status_code in (302, 403), url
    assert OutboundEmail.objects.get(pk=pk).to == "vive-deltager@kommune.dk"


# --- secret links never shown; personal data scoped as registrations are -------------------

SECRET_MARKERS = ("/tilmelding/", "/feeds/me/", "/api/v1/registrations/")


@pytest.fixture
def real_emails(request, event_of, vive, bv):
    """Emails as sign-ups write them: confirmations with the registrant's link, a manager's
    request with the manager's link, and one with a personal feed URL in its text."""
    request.getfixturevalue("vocabulary")
    vive_event = event_of(vive, title="VIVE-webinar", capacity=10)
    bv_event = event_of(bv, title="Børns Vilkårs workshop", capacity=10)
    course = event_of(vive, title="VIVE-forløb", participation="staff_group", capacity=20)
    vive_person = sign_up(vive_event, email="anna@vive-kommune.example").registration
    bv_person = sign_up(bv_event, email="bent@bv-kommune.example").registration
    application = apply_group(course, email="carl@vive-kommune.example").registration
    feed_url = registrant_feed_url(registrant_feed_key(email="anna@vive-kommune.example"))
    feed_email = email_write(
        kind=EmailKind.REMINDER,
        to="anna@vive-kommune.example",
        dedupe_key="reminder:feed-test",
        registration_id=vive_person.pk,
        context=EmailContext(
            kind=EmailKind.REMINDER,
            event=vive_event,
            name=vive_person.name,
            links=[("Din kalender", feed_url), ("Hent via webcal", "webcal" + feed_url[4:])],
        ),
    )
    OutboundEmail.objects.update(status=DeliveryStatus.FAILED, last_error="SMTPDataError")
    emails = OutboundEmail.objects.all()
    secrets = {
        *Registration.objects.values_list("token", flat=True),
        *Registration.objects.values_list("manager_token", flat=True),
        feed_url.rsplit("/", 1)[1].removesuffix(".ics"),
    }
    # The stored texts do carry the secrets (they are what gets sent).
    assert any(vive_person.token in e.body_text for e in emails)
    assert any(application.manager_token in e.body_text for e in emails)
    assert feed_url in OutboundEmail.objects.get(pk=feed_email.pk).body_text
    return {
        "vive": [e for e in emails if e.event_id in (vive_event.pk, course.pk)],
        "bv": [e for e in emails if e.event_id == bv_event.pk],
        "secrets": secrets,
        "vive_person": vive_person,
        "bv_person": bv_person,
    }


def _assert_no_secret(body: str, secrets, where: str) -> None:
    for marker in SECRET_MARKERS:
        assert marker not in body, (where, marker)
    for secret in secrets:
        assert secret not in body, (where, "token")


def _content(response) -> str:
    """The response's text; a spreadsheet's cells, one per line."""
    if not getattr(response, "streaming", False):
        return response.content.decode()
    data = b"".join(response.streaming_content)
    if not response["Content-Type"].startswith("application/vnd.openxmlformats"):
        return data.decode()
    sheet = load_workbook(io.BytesIO(data)).active
    return "\n".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)


def _email_admin_urls(email: OutboundEmail) -> list[str]:
    return [
        reverse("outbound_emails:inspect", args=[email.pk]),
        reverse("outbound_emails:resend", args=[email.pk]),
        reverse("outbound_emails:history", args=[email.pk]),
        reverse("outbound_emails:usage", args=[email.pk]),
        reverse("outbound_emails:edit", args=[email.pk]),
        reverse("outbound_emails:delete", args=[email.pk]),
    ]


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "pw")


@pytest.mark.parametrize(
    "who, own",
    [
        ("vive_editor", "vive"),
        ("vive_moderator", "vive"),
        ("bv_editor", "bv"),
        ("bv_moderator", "bv"),
        ("coordinator", None),
        ("superuser", None),
    ],
)
def test_no_email_admin_view_shows_a_secret_or_another_partners_recipient(
    client, request, real_emails, who, own
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    secrets = real_emails["secrets"]
    foreign = {"vive": real_emails["bv"], "bv": real_emails["vive"], None: []}[own]
    own_emails = real_emails[own] if own else real_emails["vive"] + real_emails["bv"]
    index = reverse("outbound_emails:index")
    listing_urls = [
        index,
        index + "?q=kommune.example",
        index + "?status=failed",
        reverse("outbound_emails:index_results"),
        index + "?export=csv",
        index + "?export=xlsx",
    ]
    for email in own_emails + foreign:
        listing_urls += _email_admin_urls(email)
    seen_inspect = 0
    for url in listing_urls:
        response = client.get(url)
        assert response.status_code < 500, url
        body = _content(response)
        _assert_no_secret(body, secrets, url)
        for email in foreign:
            assert email.to not in body, url
        if "/inspect/" in url and response.status_code == 200:
            seen_inspect += 1
            assert "[skjult link]" in body  # the text is shown, its links hidden
    assert seen_inspect == len(own_emails)


def test_resend_sends_the_real_link_without_showing_it(
    client, vive_moderator, real_emails, django_capture_on_commit_callbacks
):
    person = real_emails["vive_person"]
    confirmation = OutboundEmail.objects.get(kind=EmailKind.CONFIRMATION, registration_id=person.pk)
    url = reverse("outbound_emails:resend", args=[confirmation.pk])
    client.force_login(vive_moderator)
    page = client.get(url).content.decode()
    assert "Send e-mailen" in page and person.token not in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    [sent] = mail.outbox
    assert sent.to == ["anna@vive-kommune.example"]
    assert person.manage_url() in sent.body
    html = sent.alternatives[0][0] if sent.alternatives else ""
    assert person.manage_url() in html


def test_email_log_is_scoped_exactly_as_registrations(
    request, real_emails, vive_editor, bv_moderator, sst_editor, make_user
):
    from django.contrib.auth.models import Group

    from events.mail.admin import email_policy
    from events.registrations.admin import registration_policy
    from home.areas.membership import SHARED_EDITORS_GROUP

    shared_only = make_user("faelles", Group.objects.get(name=SHARED_EDITORS_GROUP))
    outsider = make_user("udenfor")
    for user in (vive_editor, bv_moderator, sst_editor, shared_only, outsider):
        registrations = set(
            registration_policy.instances_user_has_permission_for(user, "view").values_list(
                "pk", flat=True
            )
        )
        emails = set(
            email_policy.instances_user_has_permission_for(user, "view").values_list(
                "registration_id", flat=True
            )
        )
        expected = registrations & set(
            OutboundEmail.objects.values_list("registration_id", flat=True)
        )
        assert emails == expected, user.username
        assert email_policy.user_has_permission(user, "view") == (
            registration_policy.user_has_permission(user, "view")
        )


def test_an_erased_email_cannot_be_sent_again(client, vive_moderator, real_emails):
    person = real_emails["vive_person"]
    registrant_erase(email=person.email)
    erased = OutboundEmail.objects.filter(registration_id=person.pk).first()
    assert erased.to == ERASED_ADDRESS and erased.status == DeliveryStatus.CANCELLED
    url = reverse("outbound_emails:resend", args=[erased.pk])
    client.force_login(vive_moderator)
    assert url not in client.get(reverse("outbound_emails:index")).content.decode()
    assert client.post(url).status_code in (302, 403)
    erased.refresh_from_db()
    assert erased.status == DeliveryStatus.CANCELLED
