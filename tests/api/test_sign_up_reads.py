"""What a sign-up reads once per content version (``events.selectors.sign_up_form``,
``home.selectors.vocabulary_by_code``) and what it reads under the event's lock
(``events.registrations.seat_sql``): a publish, an unpublish or a vocabulary change is seen by the
very next sign-up, and a repeated sign-up reads neither the page nor its questions again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from events.models import EventIndexPage, EventPage, Registration
from home.database import statements_go_together
from home.models import Audience, ContentChange, HomePage
from home.prepared_statements import executes_expanded
from home.selectors import content_state
from tests.api.test_registrations import body, post
from tests.events.conftest import EventPageFactory, EventSessionFactory
from tests.events.questions import question, with_questions
from tests.events.registrations import vocabulary  # noqa: F401

pytestmark = pytest.mark.usefixtures("vocabulary")


@pytest.fixture
def course(event_of, vive):
    return with_questions(
        event_of,
        vive,
        question("Hvilket modul?", "choice", key="modul", required=True, options=["et", "to"]),
        capacity=2,
        waiting_list_enabled=True,
    )


def _publish_with(event: EventPage, *extra) -> None:
    page = EventPage.objects.get(pk=event.pk)
    page.questions = [*page.questions.all(), *extra]
    page.save_revision().publish()


def test_a_question_published_after_a_sign_up_is_asked_of_the_next(api, course):
    first = post(api, course.pk, body(answers={"modul": "et"}))
    assert first.status_code == 201, first.content

    _publish_with(course, question("Har du en sag med?", "yes_no", key="sag", required=True))
    second = post(api, course.pk, body(email="bo@kommune.example", answers={"modul": "to"}))

    assert second.status_code == 400
    assert "answers.sag" in second.json()["errors"]
    assert not Registration.objects.filter(email="bo@kommune.example").exists()


def test_an_event_unpublished_after_a_sign_up_is_not_found_by_the_next(api, course):
    assert post(api, course.pk, body(answers={"modul": "et"})).status_code == 201

    EventPage.objects.get(pk=course.pk).unpublish()
    refused = post(api, course.pk, body(email="bo@kommune.example", answers={"modul": "et"}))

    assert refused.status_code == 404
    assert Registration.objects.filter(event=course).count() == 1


def test_an_audience_added_after_a_sign_up_is_accepted_by_the_next(api, course):
    assert post(api, course.pk, body(answers={"modul": "et"})).status_code == 201
    assert (
        post(
            api, course.pk, body(email="c@kommune.example", job_role="nye", answers={"modul": "et"})
        ).status_code
        == 400
    )

    Audience.objects.create(name="Nye fagpersoner", slug="nye")
    accepted = post(
        api, course.pk, body(email="c@kommune.example", job_role="nye", answers={"modul": "et"})
    )

    assert accepted.status_code == 201, accepted.content
    assert Registration.objects.get(email="c@kommune.example").job_role.slug == "nye"


def test_an_unknown_municipality_is_still_a_400_naming_the_field(api, course):
    refused = post(api, course.pk, body(municipality="9998", answers={"modul": "et"}))

    assert refused.status_code == 400
    assert "municipality" in refused.json()["errors"]
    assert "9998" in refused.json()["errors"]["municipality"][0]


def test_a_second_sign_up_reads_neither_the_page_nor_its_questions_nor_the_vocabularies(
    api, course
):
    assert post(api, course.pk, body(answers={"modul": "et"})).status_code == 201

    with CaptureQueriesContext(connection) as queries:
        again = post(api, course.pk, body(email="bo@kommune.example", answers={"modul": "to"}))

    assert again.status_code == 201, again.content
    sqls = [executes_expanded(query["sql"]) for query in queries.captured_queries]
    for table in ("events_eventquestion", "home_municipality", "home_audience"):
        assert not [sql for sql in sqls if table in sql]
    # The page is read once, under the lock, for what may have changed while it waited; the
    # site's root is read with the content version (one round trip on PostgreSQL).
    assert len([sql for sql in sqls if "wagtailcore_page" in sql and "_site" not in sql]) == 1
    [root] = [sql for sql in sqls if "wagtailcore_site" in sql]
    if statements_go_together(connection):
        assert "MAX(" in root


def test_the_seats_are_counted_under_the_lock_as_before(api, course):
    answers = {"modul": "et"}
    statuses = [
        post(api, course.pk, body(email=f"p{i}@kommune.example", answers=answers)).json()
        for i in range(4)
    ]

    assert [s["status"] for s in statuses] == [
        "confirmed",
        "confirmed",
        "waiting_list",
        "waiting_list",
    ]
    assert [s["waiting_position"] for s in statuses[2:]] == [1, 2]
    repeat = post(api, course.pk, body(email="p0@kommune.example", answers=answers))
    assert repeat.status_code == 201
    assert repeat.json()["status"] == "waiting_list"  # what a new sign-up would get
    assert Registration.objects.filter(event=course).count() == 4


def test_an_event_in_a_folder_that_is_not_live_moved_into_a_private_one_is_not_found(api, vive):
    # A folder unpublished without its children still holds live events; moving it writes the
    # change log for them, so the next sign-up sees the move (found in review).
    partner_folder = EventIndexPage.objects.get(partner=vive)
    private = partner_folder.add_child(
        instance=EventIndexPage(title="Lukket", slug="lukket", live=True)
    )
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    folder = partner_folder.add_child(
        instance=EventIndexPage(title="Kladde", slug="kladde", live=False)
    )
    page = EventPageFactory.build(live=False, capacity=10)
    page.sessions = [EventSessionFactory.build(sort_order=0)]
    folder.add_child(instance=page)
    page.save_revision().publish()
    assert post(api, page.pk, body()).status_code == 201
    before = content_state().version

    Page.objects.get(pk=folder.pk).move(private, pos="last-child")

    assert content_state().version > before
    assert _last_action(page.pk) == "unpublished"
    assert post(api, page.pk, body(email="b@kommune.example")).status_code == 404
    Page.objects.get(pk=folder.pk).move(partner_folder, pos="last-child")
    assert _last_action(page.pk) == "published"  # public again: announced as such
    assert post(api, page.pk, body(email="b@kommune.example")).status_code == 201

    # Reordered among its siblings: nothing public changed, nothing is written.
    version = content_state().version
    Page.objects.get(pk=folder.pk).move(private, pos="left")
    assert content_state().version == version


def test_an_event_never_public_moved_between_private_folders_is_never_named(vive):
    partner_folder = EventIndexPage.objects.get(partner=vive)
    first, second = (
        partner_folder.add_child(instance=EventIndexPage(title=title, slug=title, live=True))
        for title in ("lukket-a", "lukket-b")
    )
    for folder in (first, second):
        PageViewRestriction.objects.create(page=folder, restriction_type="login")
    folder = first.add_child(instance=EventIndexPage(title="Kladde", slug="kladde", live=False))
    page = EventPageFactory.build(live=False, capacity=10)
    page.sessions = [EventSessionFactory.build(sort_order=0)]
    folder.add_child(instance=page)
    page.save_revision().publish()  # behind a restriction: not announced

    Page.objects.get(pk=folder.pk).move(second, pos="last-child")

    # The event's own rows (a topic or a page elsewhere may have the same id).
    assert not ContentChange.objects.filter(object_type="event", object_id=page.pk).exists()


def _last_action(page_id: int) -> str | None:
    change = (
        ContentChange.objects.filter(object_type="event", object_id=page_id).order_by("id").last()
    )
    return change.action if change else None


def test_an_event_is_not_found_once_the_default_site_has_another_root(api, event_of, vive):
    event = event_of(vive, capacity=10)
    assert post(api, event.pk, body()).status_code == 201

    other = Page.get_first_root_node().add_child(instance=HomePage(title="Andet", slug="andet"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = other
    site.save()

    assert post(api, event.pk, body(email="b@kommune.example")).status_code == 404


def test_the_form_is_built_with_the_site_root_it_is_kept_under(course):
    """The memo's key holds the default site's root as the request read it; the form is
    built with that same root, not with another read of it (Wagtail's cached site roots may
    lag a change that the tables already show), so a root that does not hold the event keeps
    no form of it, and the right one does."""
    from events.selectors import sign_up_form

    version = content_state().version
    right = Site.objects.get(is_default_site=True).root_page.url_path
    assert sign_up_form(pk=course.pk, version=version, site_root="/andet-sted/") is None
    assert sign_up_form(pk=course.pk, version=version, site_root=None) is None
    form = sign_up_form(pk=course.pk, version=version, site_root=right)
    assert form is not None and form.event.pk == course.pk
