"""The demo events and the load generator."""

from __future__ import annotations

from datetime import date

from django.core.management import call_command
from django.utils import timezone
from django.utils.html import escape

from events import ical
from events.demo import demo_seed, events_seed
from events.models import EventPage, EventSession, Registration
from home.models import Partner


def test_demo_seed_creates_the_demo_events_once(centre):
    demo_seed()
    count = EventPage.objects.count()
    assert count == 11
    assert all(page.live for page in EventPage.objects.all())
    assert events_seed() == []
    assert EventPage.objects.count() == count


def test_demo_event_links_land_on_the_hosted_events_page(centre, client, settings):
    """The demo's partners have no pages of their own hosting the widget on a developer's
    machine: their links go to the hosted page, which shows every demo event."""
    demo_seed()
    hosted = f"{settings.BASE_URL}/arrangementer/{{id}}/"
    assert set(Partner.objects.values_list("event_url_template", flat=True)) == {hosted}
    for event in EventPage.objects.live():
        url = ical.event_url(event)
        assert url == hosted.format(id=event.pk)
        response = client.get(url.removeprefix(settings.BASE_URL))
        assert response.status_code == 200
        assert f"<h1>{escape(event.title)}</h1>" in response.content.decode()


def test_demo_events_cover_the_edge_cases(centre):
    demo_seed()
    course = EventPage.objects.get(slug="raadgivningsforloeb-boerneinddragelse-i-myndighed")
    assert (course.participation, course.capacity, course.sessions.count()) == (
        "staff_group",
        40,
        4,
    )
    assert EventPage.objects.get(slug="workshop-barnets-perspektiv").status == "cancelled"
    night = EventPage.objects.get(slug="kompetenceforloeb-natlige-moduler-2027")
    starts = [s.start for s in night.sessions.order_by("start")]
    assert [s.date() for s in starts] == [date(2027, 3, 28), date(2027, 10, 31)]
    assert EventSession.objects.filter(all_day=True).exists()
    past = EventPage.objects.get(slug="webinar-anbragte-unges-trivsel")
    assert past.recording_url and past.related_knowledge.exists()


def test_demo_registrations_fill_the_dashboard_and_reports_once(centre):
    demo_seed()
    registrations = Registration.objects.all()
    assert registrations.count() > 30
    course = EventPage.objects.get(slug="raadgivningsforloeb-boerneinddragelse-i-myndighed")
    applications = course.registrations.order_by("pk")
    assert [(a.status, a.manager_confirmed_at is not None) for a in applications] == [
        ("confirmed", True),
        ("pending", True),
        ("pending", False),
    ]
    assert not EventPage.objects.get(slug="workshop-barnets-perspektiv").registrations.exists()
    past = EventPage.objects.get(slug="webinar-anbragte-unges-trivsel")
    assert past.registrations.filter(attended__isnull=False).exists()
    assert not registrations.filter(event__last_end__gt=timezone.now(), attended__isnull=False)
    # The network meeting makes offers: a cancellation has sent one to the first waiting.
    meeting = EventPage.objects.get(slug="netvaerksmoede-boerneinddragelse")
    [offered] = meeting.registrations.filter(status="offered")
    assert offered.offer_expires_at is not None
    assert meeting.registrations.filter(status="confirmed").count() == 4
    count = registrations.count()
    demo_seed()
    assert Registration.objects.count() == count


def test_seed_load_creates_events_spread_over_the_partner_folders(centre):
    demo_seed()
    before = EventPage.objects.count()
    call_command("seed_load", events=30)
    new = EventPage.objects.exclude(slug__in=[]).count() - before
    assert new == 30
    assert EventPage.objects.values("partner").distinct().count() == 3
    loaded = EventPage.objects.filter(slug__startswith="belastning-")
    assert all(1 <= page.sessions.count() <= 5 for page in loaded)
    assert all(page.live and page.first_start for page in loaded)


def test_the_demo_has_a_course_and_a_conference_with_questions_and_a_webinar_without(
    centre, client
):
    demo_seed()
    course = EventPage.objects.get(slug="kompetenceforloeb-natlige-moduler-2027")
    assert [(q.key, q.kind, q.data_class) for q in course.questions.all()] == [
        ("modul", "choice", "ordinary"),
        ("sag", "long_text", "ordinary"),
        ("omraade", "choice", "statistical"),
    ]
    conference = EventPage.objects.get(slug="konference-boerns-stemmer-i-sagsbehandlingen")
    workshop, lunch, diet = conference.questions.all()
    assert workshop.kind == "limited_choice"
    assert [o.places for o in workshop.option_list()] == [80, 80, 90]
    assert (diet.data_class, diet.shown_if_question, diet.condition_value()) == (
        "sensitive",
        "frokost",
        True,
    )
    webinar = EventPage.objects.filter(slug__startswith="webinar-1-").get()
    assert not webinar.questions.exists()

    # The demo's sign-ups answered the required questions, and only what they were asked.
    for registration in conference.registrations.prefetch_related("answers"):
        answers = {a.key: a.value for a in registration.answers.all()}
        assert {"workshop", "frokost"} <= set(answers)
        assert "kostbehov" not in answers or answers["frokost"] is True
    assert all(r.answers.filter(key="modul").exists() for r in course.registrations.all())

    api = client.get(f"/api/v1/events/{conference.pk}/").json()
    assert [q["key"] for q in api["questions"]] == ["workshop", "frokost", "kostbehov"]
    taken = conference.registrations.filter(answers__key="workshop").count()
    left = sum(o["places_left"] for o in api["questions"][0]["options"])
    assert left == 250 - taken


def test_demo_holds_a_finished_course_with_attendance_and_certificates(centre):
    from events.courses.certificates import event_completions
    from events.models import Certificate, OutboundEmail

    demo_seed()
    course = EventPage.objects.get(slug="kompetenceforloeb-samtaler-med-boern")
    assert course.last_end < timezone.now() and course.sessions.count() == 3
    completions = event_completions(course)
    met = [c for c in completions if c.met]
    assert met and len(met) < len(completions)  # some met the rule, some did not
    assert Certificate.objects.filter(event=course).count() == len(met)
    assert OutboundEmail.objects.filter(event=course, kind="certificate").count() == len(met)


def test_demo_holds_evaluation_results_and_a_coming_course(centre):
    from events.evaluations.results import evaluation_results
    from events.models import EvaluationInvitation, EvaluationResponse, EvaluationSubmission

    demo_seed()
    course = EventPage.objects.filter(slug="kompetenceforloeb-samtaler-med-boern")
    results = evaluation_results(course)
    assert results.invited == EvaluationInvitation.objects.filter(event__in=course).count() > 0
    assert 0 < results.answered == results.responses < results.invited
    assert not EvaluationSubmission.objects.filter(event__in=course).exists()
    scales = [q for q in results.questions if q.kind == "scale"]
    assert scales and all(sum(q.counts.values()) == q.answers for q in scales)
    assert any(q.texts for q in results.questions if q.kind == "long_text")
    coming = EventPage.objects.get(slug="kompetenceforloeb-samtaler-med-boern-naeste-hold")
    assert coming.first_start > timezone.now() and coming.sessions.count() == 3
    # Idempotent: a second seed adds no response.
    responses = EvaluationResponse.objects.count()
    demo_seed()
    assert EvaluationResponse.objects.count() == responses
