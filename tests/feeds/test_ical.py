"""The calendar builders of events/ical/, read back by icalendar, vobject and ical.js."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from django.utils import timezone
from freezegun import freeze_time
from wagtail.rich_text import RichText

from events import ical
from events.ical import writer as ical_writer
from events.ical.selectors import events_for_calendar
from events.models import EventPage
from events.selectors import event_get_public, event_list_public
from tests.feeds.conftest import assert_folded, build_event, local, parse_all, parse_icaljs_raw

SECRET = "https://teams.example.com/hemmeligt-link"


def feed(*events: EventPage, name: str = "Test") -> bytes:
    """The feed as the views write it (from query rows), held to the same events read as pages
    and to icalendar's own bytes for them."""
    fresh = [event_get_public(pk=event.pk) for event in events]
    from_pages = ical.calendar_bytes(fresh, name=name)
    assert from_pages == ical.calendar_for_events(fresh, name=name).to_ical()
    rows = {
        event.pk: event
        for event in events_for_calendar(event_list_public().filter(pk__in=[e.pk for e in events]))
    }
    written = ical.calendar_bytes([rows[event.pk] for event in events], name=name)
    assert written == from_pages
    return written


def vevents(data: bytes) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(data).walk("VEVENT")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- the calendar -----------------------------------------------------------------------------


def test_calendar_has_the_rfc_5545_and_7986_properties(vive):
    event = build_event(vive)
    calendar = icalendar.Calendar.from_ical(feed(event, name="Videnscenter – VIVE – webinarer"))
    assert calendar["version"] == "2.0"
    assert "Videnscenter" in calendar["prodid"]
    assert calendar["calscale"] == "GREGORIAN"
    assert calendar["method"] == "PUBLISH"
    assert calendar["name"] == calendar["x-wr-calname"] == "Videnscenter – VIVE – webinarer"
    assert calendar["x-wr-timezone"] == "Europe/Copenhagen"
    assert calendar["refresh-interval"].params["VALUE"] == "DURATION"
    assert calendar.decoded("refresh-interval") == timedelta(hours=1)
    assert str(calendar["x-published-ttl"]) == "PT1H"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]


def test_every_tzid_used_has_its_vtimezone_in_the_rrule_form(vive):
    event = build_event(
        vive, sessions=[{"start": local(2026, 6, 1, 10), "end": local(2026, 6, 1, 12)}]
    )
    data = feed(event)
    calendar = icalendar.Calendar.from_ical(data)
    used = {
        vevent[key].params["TZID"]
        for vevent in calendar.walk("VEVENT")
        for key in ("dtstart", "dtend")
        if "TZID" in vevent[key].params
    }
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert used == {vtimezone["tzid"]}
    # One STANDARD and one DAYLIGHT with yearly rules: the form Outlook reads, and it covers
    # every date in the feed.
    rules = {c.name: c["rrule"] for c in vtimezone.subcomponents}
    assert rules["STANDARD"]["BYMONTH"] == [10] and rules["STANDARD"]["BYDAY"] == ["-1SU"]
    assert rules["DAYLIGHT"]["BYMONTH"] == [3] and rules["DAYLIGHT"]["BYDAY"] == ["-1SU"]


def test_empty_feed_is_a_valid_calendar_without_events_or_timezones():
    data = ical.calendar_for_events([], name="Videnscenter – intet").to_ical()
    assert parse_all(data) == []
    js = parse_icaljs_raw(data)
    assert js["calendar"]["name"] == "Videnscenter – intet"
    assert js["calendar"]["timezones"] == []


# --- times ------------------------------------------------------------------------------------


def test_summer_and_winter_times_read_the_same_in_every_parser(vive):
    event = build_event(
        vive,
        sessions=[
            {"title": "Sommer", "start": local(2026, 6, 15, 10), "end": local(2026, 6, 15, 12)},
            {"title": "Vinter", "start": local(2027, 1, 15, 10), "end": local(2027, 1, 15, 12)},
        ],
    )
    summer, winter = parse_all(feed(event))
    assert (summer.start, summer.end) == (utc(2026, 6, 15, 8), utc(2026, 6, 15, 10))
    assert (winter.start, winter.end) == (utc(2027, 1, 15, 9), utc(2027, 1, 15, 11))


def test_sessions_at_half_past_two_on_the_days_the_clocks_change(vive):
    """02:30 on 25 October 2026 happens twice, and 02:30 on 28 March 2027 never happens.

    Every instant stored is the instant every parser reads: an ambiguous wall time is written
    in UTC (ical.js and icalendar disagree about which occurrence a TZID time means), and the
    skipped 02:30 was stored as the instant zoneinfo gives it (01:30 UTC, shown as 03:30).
    """
    first_0230 = local(2026, 10, 25, 2, 30)  # fold=0: the first time, summer time
    second_0230 = first_0230.replace(fold=1)  # the second time, winter time
    skipped_0230 = local(2027, 3, 28, 2, 30)
    event = build_event(
        vive,
        sessions=[
            {"title": "Første", "start": first_0230, "end": local(2026, 10, 25, 4)},
            {"title": "Anden", "start": second_0230, "end": local(2026, 10, 25, 4, 30)},
            {"title": "Ingen", "start": skipped_0230, "end": local(2027, 3, 28, 4)},
        ],
    )
    data = feed(event)
    first, second, skipped = parse_all(data)
    assert (first.start, first.end) == (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 3))
    assert (second.start, second.end) == (utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 3, 30))
    assert (skipped.start, skipped.end) == (utc(2027, 3, 28, 1, 30), utc(2027, 3, 28, 2))
    text = data.decode()
    assert "DTSTART:20261025T003000Z" in text and "DTSTART:20261025T013000Z" in text
    assert "DTSTART;TZID=Europe/Copenhagen:20270328T033000" in text
    assert "DTEND;TZID=Europe/Copenhagen:20261025T040000" in text


def test_all_day_sessions_are_dates_with_an_exclusive_end(vive):
    event = build_event(
        vive,
        sessions=[
            {
                "all_day": True,
                "start": None,
                "end": None,
                "start_date": date(2026, 12, 1),
                "end_date": date(2026, 12, 2),
            }
        ],
    )
    data = feed(event)
    (parsed,) = parse_all(data)
    assert (parsed.start, parsed.end) == (date(2026, 12, 1), date(2026, 12, 3))
    assert "DTSTART;VALUE=DATE:20261201" in data.decode()
    assert "VTIMEZONE" not in data.decode()  # no TZID used, so none needed


# --- content ----------------------------------------------------------------------------------


def test_one_vevent_per_session_with_stable_uids_related_to_the_course(vive):
    event = build_event(
        vive,
        title="Forløb om børnesamtaler",
        event_type="competence_course",
        sessions=[
            {"title": "Modul 2", "start": local(2026, 12, 8, 9), "end": local(2026, 12, 8, 15)},
            {"title": "Modul 1", "start": local(2026, 12, 1, 9), "end": local(2026, 12, 1, 15)},
        ],
    )
    found = vevents(feed(event))
    sessions = sorted(event.sessions.all(), key=lambda s: s.start)
    assert [str(v["uid"]) for v in found] == [f"{s.uuid}@{ical.UID_DOMAIN}" for s in sessions]
    assert [str(v["summary"]) for v in found] == [
        "Forløb om børnesamtaler: Modul 1",
        "Forløb om børnesamtaler: Modul 2",
    ]
    assert {str(v["related-to"]) for v in found} == {ical.event_uid(event)}
    js = parse_icaljs_raw(feed(event))["events"]
    assert {e["related_to"] for e in js} == {ical.event_uid(event)}


def test_a_single_session_event_has_no_related_to(vive):
    (vevent,) = vevents(feed(build_event(vive)))
    assert "related-to" not in vevent


def test_dtstamp_and_last_modified_are_the_last_publish_not_the_request(vive):
    with freeze_time("2026-11-01 10:00:00"):
        event = build_event(vive)
    with freeze_time("2026-11-02 12:34:56"):
        (vevent,) = vevents(feed(event))
    assert vevent.decoded("dtstamp") == utc(2026, 11, 1, 10)
    assert vevent.decoded("last-modified") == utc(2026, 11, 1, 10)
    assert vevent.decoded("created") == utc(2026, 11, 1, 10)


def test_same_content_gives_the_same_bytes(vive, terms):
    event = build_event(vive, sessions=[{}, {}])
    event.topics.set(terms["topics"].values())
    event.save_revision().publish()
    with freeze_time(timezone.now() + timedelta(minutes=5)):
        first = feed(event)
    with freeze_time(timezone.now() + timedelta(minutes=50)):
        second = feed(event)
    assert first == second


def test_organizer_categories_location_url_and_status(vive, terms):
    event = build_event(
        vive,
        event_type="webinar",
        format="physical",
        venue_name="VIVE",
        venue_address="Herluf Trolles Gade 11",
        venue_postcode="1052",
        venue_city="København K",
        contact_email="kontakt@vive.dk",
    )
    event.topics.set([terms["topics"]["boernesamtaler"], terms["topics"]["anbringelse"]])
    event.save_revision().publish()
    (vevent,) = vevents(feed(event))
    assert vevent["organizer"].params["CN"] == vive.name
    assert str(vevent["organizer"]) == "mailto:kontakt@vive.dk"
    assert vevent["categories"].cats == ["Webinar", "Anbringelse", "Børnesamtaler"]
    assert str(vevent["location"]) == "VIVE, Herluf Trolles Gade 11, 1052 København K"
    assert str(vevent["url"]) == ical.event_url(event)
    assert vevent["status"] == "CONFIRMED"
    assert vevent["sequence"] == 0


def test_description_is_readable_plain_text_then_the_url_and_how_to_register(vive):
    body = [
        ("paragraph", RichText("<p>Første afsnit med <b>fed</b> tekst.</p><p>Andet afsnit.</p>")),
        ("paragraph", RichText("<ul><li>Punkt et</li><li>Punkt to</li></ul>")),
        ("programme_item", {"time": "9.30", "title": "Velkomst", "speakers": "Anne"}),
        ("programme_item", {"time": "10.00", "title": "Oplæg", "speakers": ""}),
    ]
    event = build_event(vive, teaser="Kort om dagen.", body=body)
    (vevent,) = vevents(feed(event))
    description = str(vevent["description"])
    assert description.startswith(
        "Kort om dagen.\n\nFørste afsnit med fed tekst.\n\nAndet afsnit.\n\n"
        "- Punkt et\n- Punkt to\n\n- 9.30 Velkomst (Anne)\n- 10.00 Oplæg"
    )
    assert "<" not in description and "**" not in description
    assert description.endswith(f"Læs mere og tilmeld dig: {ical.event_url(event)}")


def test_cancelled_event_says_so_in_status_and_summary(vive):
    event = build_event(vive, title="Webinar", status="cancelled", status_reason="Sygdom")
    (parsed,) = parse_all(feed(event))
    assert parsed.status == "CANCELLED"
    assert parsed.summary == "AFLYST: Webinar"


def test_one_cancelled_session_of_a_course(vive):
    event = build_event(
        vive,
        title="Forløb",
        sessions=[
            {"title": "Dag 1", "start": local(2026, 12, 1, 9), "end": local(2026, 12, 1, 15)},
            {
                "title": "Dag 2",
                "start": local(2026, 12, 8, 9),
                "end": local(2026, 12, 8, 15),
                "status": "cancelled",
            },
        ],
    )
    day1, day2 = parse_all(feed(event))
    assert (day1.status, day1.summary) == ("CONFIRMED", "Forløb: Dag 1")
    assert (day2.status, day2.summary) == ("CANCELLED", "AFLYST: Forløb: Dag 2")


def test_postponed_event_is_tentative(vive):
    event = build_event(vive, title="Webinar", status="postponed")
    (parsed,) = parse_all(feed(event))
    assert parsed.status == "TENTATIVE"


def test_a_moved_session_keeps_its_uid_and_gets_a_higher_sequence(vive):
    event = build_event(
        vive, sessions=[{"start": local(2026, 12, 1, 10), "end": local(2026, 12, 1, 12)}]
    )
    (before,) = parse_all(feed(event))
    page = EventPage.objects.get(pk=event.pk)
    session = page.sessions.get()
    session.start += timedelta(hours=1)
    session.end += timedelta(hours=1)
    page.sessions = [session]
    page.save_revision().publish()
    (after,) = parse_all(feed(event))
    assert after.uid == before.uid
    assert after.sequence == before.sequence + 1 == 1
    assert (after.start, after.end) == (utc(2026, 12, 1, 10), utc(2026, 12, 1, 12))


# --- text -------------------------------------------------------------------------------------

NASTY = 'Æblegrød, øl; åer \\ "citat" – slut\nny linje'


def test_special_characters_survive_every_text_field_in_every_parser(vive, terms):
    vive.name = NASTY.replace("\n", " ")
    vive.save()
    topic = terms["topics"]["skole"]
    topic.name = "Skole; trivsel, og \\ læring"
    topic.save()
    event = build_event(
        vive,
        title=NASTY.replace("\n", " "),
        teaser=NASTY,
        format="physical",
        venue_name=NASTY.replace("\n", " "),
        venue_city="Århus",
        sessions=[
            {
                "title": "Dag 1, del; a",
                "start": local(2026, 12, 1, 9),
                "end": local(2026, 12, 1, 12),
            },
            {"title": "Dag 2", "start": local(2026, 12, 2, 9), "end": local(2026, 12, 2, 12)},
        ],
    )
    event.topics.set([topic])
    event.save_revision().publish()
    data = feed(event)
    assert_folded(data)
    title = NASTY.replace("\n", " ")
    expected_summary = f"{title}: Dag 1, del; a"
    readings = {
        "icalendar": vevents(data)[0],
        "js": parse_icaljs_raw(data)["events"][0],
    }
    ic, js = readings["icalendar"], readings["js"]
    assert str(ic["summary"]) == js["summary"] == expected_summary
    assert str(ic["description"]).startswith(NASTY) and js["description"].startswith(NASTY)
    assert str(ic["location"]) == js["location"] == f"{title}, Århus"
    assert ic["categories"].cats == js["categories"] == ["Webinar", "Skole; trivsel, og \\ læring"]
    assert ic["organizer"].params["CN"] == js["organizer_cn"]
    assert js["organizer_cn"].startswith("Æblegrød, øl; åer")

    import vobject

    vo = vobject.readOne(data.decode(), validate=True).vevent_list[0]
    assert vo.summary.value == expected_summary
    assert vo.description.value.startswith(NASTY)
    assert vo.location.value == f"{title}, Århus"
    assert vo.categories.value == ["Webinar", "Skole; trivsel, og \\ læring"]


def test_very_long_descriptions_are_folded_at_75_octets(vive):
    teaser = "Børneinddragelse – æøå ÆØÅ. " * 400
    event = build_event(vive, teaser=teaser)
    data = feed(event)
    assert_folded(data)
    ic = vevents(data)[0]
    js = parse_icaljs_raw(data)["events"][0]
    assert str(ic["description"]).startswith(teaser.strip())
    assert js["description"].startswith(teaser.strip())
    parse_all(data)


# --- one event, emails, registrants --------------------------------------------------------


def test_public_calendars_never_hold_the_join_url(vive):
    event = build_event(vive, join_url=SECRET)
    fresh = event_get_public(pk=event.pk)
    assert SECRET.encode() not in feed(event)
    assert SECRET.encode() not in ical.calendar_for_event(fresh).to_ical()
    assert SECRET.encode() not in ical.calendar_for_registrant([(fresh, None)], name="x").to_ical()


def test_request_for_a_confirmed_registrant_carries_the_join_url(vive):
    event = event_get_public(pk=build_event(vive, join_url=SECRET).pk)
    data = ical.calendar_for_event(event, method="REQUEST", join_url=SECRET).to_ical()
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["method"] == "REQUEST"
    (vevent,) = calendar.walk("VEVENT")
    assert SECRET in str(vevent["description"])
    assert "organizer" in vevent
    parse_all(data)


def test_cancel_marks_the_given_sessions_cancelled(vive):
    event = event_get_public(pk=build_event(vive, title="Webinar", sessions=[{}, {}]).pk)
    one = event.sessions.all()[0]
    data = ical.calendar_for_event(event, method="CANCEL", sessions=[one]).to_ical()
    (parsed,) = parse_all(data)
    assert parsed.uid == ical.session_uid(one)
    assert parsed.status == "CANCELLED"
    assert parsed.summary.startswith("AFLYST: Webinar")
    assert icalendar.Calendar.from_ical(data)["method"] == "CANCEL"


def test_registrant_calendar_has_join_links_only_where_given(vive):
    webinar = event_get_public(pk=build_event(vive, title="Webinar", join_url=SECRET).pk)
    other = event_get_public(
        pk=build_event(vive, title="Andet", join_url="https://zoom.example.com/andet").pk
    )
    data = ical.calendar_for_registrant(
        [(webinar, SECRET), (other, None)], name="Mine arrangementer"
    ).to_ical()
    events = {e["summary"]: e for e in parse_icaljs_raw(data)["events"]}
    assert SECRET in events["Webinar"]["description"]
    assert "zoom.example.com" not in data.decode()
    assert len(parse_all(data)) == 2


@pytest.mark.parametrize("method", ["PUBLISH", "REQUEST", "CANCEL"])
def test_every_kind_of_calendar_parses_in_every_parser(vive, method):
    event = event_get_public(
        pk=build_event(
            vive,
            sessions=[
                {"start": local(2026, 12, 1, 9), "end": local(2026, 12, 1, 12)},
                {
                    "all_day": True,
                    "start": None,
                    "end": None,
                    "start_date": date(2026, 12, 5),
                    "end_date": date(2026, 12, 5),
                },
            ],
        ).pk
    )
    data = ical.calendar_for_event(event, method=method).to_ical()
    assert len(parse_all(data)) == 2


def test_the_direct_writer_folds_and_escapes_exactly_as_icalendar():
    """The feed's own fold and escape against icalendar's, over lines made to be awkward:
    multi-byte characters and backslashes or carets at every possible cut."""
    import random

    from icalendar.parser.string import _escape_char, _foldline

    rng = random.Random(5545)
    alphabet = ["a", "Z", " ", "æ", "ø", "Å", "–", "€", "😀", "\\", "^", ",", ";", "\n", ":"]
    for length in list(range(60, 160)) + [400, 1000]:
        for _ in range(5):
            text = "".join(rng.choice(alphabet) for _ in range(length))
            escaped = ical_writer._escape(text)
            assert escaped == _escape_char(text)
            line = f"DESCRIPTION:{escaped}"
            assert ical_writer._fold(line) == _foldline(line)
