"""Feeds parsed the way calendar clients parse them: icalendar, vobject (validating) and Mozilla's
ical.js (Thunderbird's parser, from npm: ``npm ci --prefix tests/feeds/js``)."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest
import vobject
from django.core.cache import cache
from django.test import Client

from home.models import Audience, Topic
from tests.events.conftest import build_event, local

JS_DIR = Path(__file__).parent / "js"

__all__ = ["build_event", "local"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def event_of():
    return build_event


@pytest.fixture
def terms(centre) -> dict:
    topics = {
        slug: Topic.objects.create(name=name, slug=slug)
        for slug, name in (
            ("boernesamtaler", "Børnesamtaler"),
            ("anbringelse", "Anbringelse"),
            ("skole", "Skole; trivsel, og læring"),
        )
    }
    audiences = {
        slug: Audience.objects.create(name=name, slug=slug)
        for slug, name in (("sagsbehandlere", "Sagsbehandlere"), ("ledere", "Ledere"))
    }
    return {"topics": topics, "audiences": audiences}


# --- the three parsers ------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedEvent:
    """What one parser made of one VEVENT; instants in UTC (datetime) or dates for all-day."""

    uid: str
    summary: str
    start: datetime | date
    end: datetime | date
    status: str | None
    sequence: int


def _utc(value):
    if isinstance(value, datetime):
        assert value.tzinfo is not None, f"floating time {value!r}"
        return value.astimezone(UTC)
    return value


def parse_icalendar(data: bytes) -> list[ParsedEvent]:
    calendar = icalendar.Calendar.from_ical(data)
    return [
        ParsedEvent(
            uid=str(e["uid"]),
            summary=str(e["summary"]),
            start=_utc(e.decoded("dtstart")),
            end=_utc(e.decoded("dtend")),
            status=str(e["status"]) if "status" in e else None,
            sequence=int(e.get("sequence", 0)),
        )
        for e in calendar.walk("VEVENT")
    ]


def parse_vobject(data: bytes) -> list[ParsedEvent]:
    calendar = vobject.readOne(data.decode("utf-8"), validate=True)
    assert calendar.validate(raiseException=True)
    events = []
    for e in getattr(calendar, "vevent_list", []):
        events.append(
            ParsedEvent(
                uid=e.uid.value,
                summary=e.summary.value,
                start=_utc(e.dtstart.value),
                end=_utc(e.dtend.value),
                status=e.status.value if hasattr(e, "status") else None,
                sequence=int(e.sequence.value) if hasattr(e, "sequence") else 0,
            )
        )
    return events


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: ical.js (Thunderbird's parser) cannot run")
    if not (JS_DIR / "node_modules" / "ical.js").exists():
        pytest.skip(
            "ical.js is not installed: run `npm ci --prefix tests/feeds/js` (or `make install`)"
        )
    return node


def parse_icaljs_raw(data: bytes) -> dict:
    result = subprocess.run(  # noqa: S603 - our own script, our own input
        [_node(), str(JS_DIR / "parse.mjs")],
        input=data,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def _js_time(value: str, all_day: bool):
    if all_day:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def parse_icaljs(data: bytes) -> list[ParsedEvent]:
    return [
        ParsedEvent(
            uid=e["uid"],
            summary=e["summary"],
            start=_js_time(e["start"], e["all_day"]),
            end=_js_time(e["end"], e["all_day"]),
            status=e["status"],
            sequence=e["sequence"] or 0,
        )
        for e in parse_icaljs_raw(data)["events"]
    ]


PARSERS = {"icalendar": parse_icalendar, "vobject": parse_vobject, "ical.js": parse_icaljs}


def parse_all(data: bytes) -> list[ParsedEvent]:
    """Every parser's reading of the feed; fails unless all three read the same events."""
    readings = {name: parse(data) for name, parse in PARSERS.items()}
    first = readings["icalendar"]
    for name, events in readings.items():
        assert events == first, f"{name} reads the feed differently from icalendar"
    return first


@pytest.fixture
def parsed():
    return parse_all


def assert_folded(data: bytes) -> None:
    """RFC 5545 3.1: lines of at most 75 octets, CRLF-terminated."""
    assert data.endswith(b"\r\n")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line
        assert b"\n" not in line and b"\r" not in line
