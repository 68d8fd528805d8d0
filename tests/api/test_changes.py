from wagtail.models import PageViewRestriction

from events.models import EventIndexPage, EventPage
from home.models import ContentChange, KnowledgePage


def test_changes_report_publishes_and_tombstones_in_order(api, knowledge):
    cursor = ContentChange.objects.latest("id").pk
    page = KnowledgePage.objects.get(slug="anbragte-unges-trivsel")
    page.unpublish()
    other = KnowledgePage.objects.get(slug="udsatte-unges-inddragelse-i-kommunernes-sagsbehandling")
    other_id = other.pk
    other.delete()
    results = api.get(f"/api/v1/changes/?after={cursor}").json()["results"]
    assert [(r["type"], r["id"], r["action"]) for r in results] == [
        ("knowledge", page.pk, "unpublished"),
        # Wagtail unpublishes a live page before deleting it: both are tombstones.
        ("knowledge", other_id, "unpublished"),
        ("knowledge", other_id, "deleted"),
    ]
    assert results[-1]["cursor"] > cursor


def test_a_folder_made_private_tombstones_every_event_in_it(api, event_of, vive):
    first, second = event_of(vive, title="Første"), event_of(vive, title="Andet")
    folder = EventIndexPage.objects.get(partner=vive)
    cursor = ContentChange.objects.latest("id").pk
    restriction = PageViewRestriction.objects.create(
        page=folder, restriction_type="password", password="x"
    )
    results = api.get(f"/api/v1/changes/?after={cursor}").json()["results"]
    unpublished = {(r["type"], r["id"]) for r in results if r["action"] == "unpublished"}
    assert {("event", first.pk), ("event", second.pk)} <= unpublished
    assert api.get(f"/api/v1/events/{first.pk}/").status_code == 404

    cursor = ContentChange.objects.latest("id").pk
    restriction.delete()
    results = api.get(f"/api/v1/changes/?after={cursor}").json()["results"]
    published = {(r["type"], r["id"]) for r in results if r["action"] == "published"}
    assert {("event", first.pk), ("event", second.pk)} <= published
    assert api.get(f"/api/v1/events/{first.pk}/").status_code == 200


def test_modified_since_on_lists(api, knowledge):
    page = KnowledgePage.objects.get(slug="anbragte-unges-trivsel")
    page.save_revision().publish()
    page.refresh_from_db()
    since = page.last_published_at.isoformat()
    results = api.get("/api/v1/knowledge/", {"modified_since": since}).json()["results"]
    assert [r["id"] for r in results] == [page.pk]


def test_malformed_since_is_400_naming_it(api, db):
    response = api.get("/api/v1/changes/?since=yesterday")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["since"]
    assert api.get("/api/v1/changes/?after=x").json()["errors"].keys() == {"after"}


def test_republishing_a_private_event_is_not_announced(api, event_of, vive):
    event = event_of(vive, title="Lukket netværksmøde")
    folder = EventIndexPage.objects.get(partner=vive)
    PageViewRestriction.objects.create(page=folder, restriction_type="password", password="x")
    cursor = ContentChange.objects.latest("id").pk
    event.title = "Lukket netværksmøde, ny dato"
    event.save_revision().publish()
    assert api.get(f"/api/v1/changes/?after={cursor}").json()["results"] == []
    assert api.get(f"/api/v1/events/{event.pk}/").status_code == 404


def test_publishing_a_page_restricted_itself_is_not_announced(api, event_of, vive):
    event = event_of(vive, publish=False)
    PageViewRestriction.objects.create(page=event, restriction_type="login")
    cursor = ContentChange.objects.latest("id").pk
    event.save_revision().publish()
    assert api.get(f"/api/v1/changes/?after={cursor}").json()["results"] == []


def test_a_public_event_moved_into_a_private_folder_is_tombstoned(api, event_of, vive):
    event = event_of(vive)
    folder = EventIndexPage.objects.get(partner=vive)
    private = folder.add_child(instance=EventIndexPage(title="Internt", slug="internt"))
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    cursor = ContentChange.objects.latest("id").pk
    EventPage.objects.get(pk=event.pk).move(private, pos="last-child")
    results = api.get(f"/api/v1/changes/?after={cursor}").json()["results"]
    assert [(r["type"], r["id"], r["action"]) for r in results] == [
        ("event", event.pk, "unpublished")
    ]


def test_a_site_changed_moves_the_version_and_is_in_the_change_feed(api, event_of, vive):
    """Which pages are public, and where, hangs on the sites (``home.visibility``): a changed
    site must not leave answers cached under the version from before it."""
    from wagtail.models import Site

    event_of(vive, title="Webinar om sites")
    first = api.get("/api/v1/events/")
    assert first.status_code == 200
    etag = first["ETag"]
    assert api.get("/api/v1/events/", headers={"If-None-Match": etag}).status_code == 304
    cursor = ContentChange.objects.latest("id").pk

    site = Site.objects.get(is_default_site=True)
    site.hostname = "videnscenter.example"
    site.save()
    again = api.get("/api/v1/events/", headers={"If-None-Match": etag})
    assert again.status_code == 200 and again["ETag"] != etag
    spare = Site.objects.create(hostname="andet.example", root_page=site.root_page)
    spare_id = spare.pk
    spare.delete()
    results = api.get(f"/api/v1/changes/?after={cursor}").json()["results"]
    assert [(r["type"], r["id"], r["action"]) for r in results] == [
        ("site", site.pk, "changed"),
        ("site", spare_id, "changed"),
        ("site", spare_id, "deleted"),
    ]
