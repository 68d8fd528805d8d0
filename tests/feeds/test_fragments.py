"""A feed written from memoised event fragments is byte for byte the feed written afresh, and
a publish retires them (api/views/feeds.py, events/ical/writer.py)."""

from events import ical
from events.ical.selectors import events_for_calendar
from events.selectors import event_list_public


def test_a_feed_from_fragments_is_the_feed_written_afresh(client, event_of, vive, bv):
    webinar = event_of(vive, title="Webinar om børnesamtaler", event_type="webinar")
    event_of(vive, title="Konference i Århus", event_type="conference")
    event_of(bv, title="Workshop", event_type="workshop", sessions=[{}, {}])
    # the first feeds write every fragment; later ones, with other filters, reuse them
    first = client.get("/feeds/events.ics?type=webinar,conference").content
    again = client.get("/feeds/events.ics?type=conference,webinar").content
    both = client.get("/feeds/events.ics?partner=vive").content
    everything = client.get("/feeds/events.ics").content

    def body(feed: bytes) -> bytes:  # all but the header, whose name follows the filters
        return feed[feed.index(b"BEGIN:VTIMEZONE") :]

    assert body(first) == body(again) == body(both)  # the same two events
    calendar = events_for_calendar(event_list_public())
    written_afresh = ical.calendar_bytes(calendar, name="x")
    memo: dict = {}
    from_memo = ical.calendar_bytes(calendar, name="x", fragments=memo)
    assert from_memo == written_afresh
    assert set(memo) == {e.pk for e in calendar}
    assert ical.calendar_bytes(calendar, name="x", fragments=memo) == written_afresh
    assert everything.count(b"BEGIN:VEVENT") == 4
    assert b"Webinar om b\xc3\xb8rnesamtaler" in everything

    # a publish: a new content version, so no earlier fragment is read again
    webinar.title = "Webinar om børneinddragelse"
    webinar.save_revision().publish()
    after = client.get("/feeds/events.ics?type=webinar,conference").content
    assert b"b\xc3\xb8rneinddragelse" in after
    assert b"b\xc3\xb8rnesamtaler" not in after
