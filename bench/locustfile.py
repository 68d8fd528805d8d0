"""Mixed traffic for `make loadtest`: calendar clients, consuming sites and sign-ups.

Weights follow what the centre sees: calendar clients polling feeds (most of them revalidating),
sites listing and showing events, and now and then a professional signing up.
"""

from __future__ import annotations

import random
import uuid

from locust import FastHttpUser, between, events, task

FILTERS = [
    "type=webinar",
    "partner=vive",
    "partner=vive&type=webinar",
    "format=online,hybrid",
    "audience=sagsbehandlere",
    "type=conference,workshop&partner=boerns-vilkaar",
    "topic=boernesamtaler",
]
EVENT_IDS: list[int] = []
OPEN_EVENT_IDS: list[int] = []
QUESTIONS: dict[int, list[dict]] = {}  # by event id, as the API describes them


def answers_for(questions: list[dict]) -> dict:
    """What a sign-up form filled in by a person sends: an answer to each question shown (an
    option with places left, "ja", a short text), so sign-ups to events with questions count."""
    answers: dict = {}
    for question in questions:
        condition = question["shown_if"]
        if condition and answers.get(condition["question"]) != condition["value"]:
            continue
        kind = question["kind"]
        options = [o["value"] for o in question["options"] if o["places_left"] != 0]
        if kind in ("choice", "limited_choice") and options:
            answers[question["key"]] = random.choice(options)
        elif kind == "multiple_choice" and options:
            answers[question["key"]] = [random.choice(options)]
        elif kind == "yes_no":
            answers[question["key"]] = True
        elif kind in ("text", "long_text"):
            answers[question["key"]] = "Belastningstest"
        elif kind == "number":
            answers[question["key"]] = 3
        elif kind == "date":
            answers[question["key"]] = "2026-01-01"
        elif kind == "municipality":
            answers[question["key"]] = "0101"
        elif kind == "job_role":
            answers[question["key"]] = "sagsbehandlere"
    return answers


@events.test_start.add_listener
def _collect_ids(environment, **kwargs):
    import json
    import urllib.request

    host = environment.host
    for page in range(1, 6):
        url = f"{host}/api/v1/events/?page_size=100&page={page}"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
                data = json.load(response)
        except OSError:
            break
        for item in data["results"]:
            EVENT_IDS.append(item["id"])
            QUESTIONS[item["id"]] = item.get("questions", [])
            # Individual sign-ups only: a staff group applies with its unit and manager.
            individual = item["participation"] == "individual"
            if individual and item["registration"]["state"] in ("open", "waiting_list"):
                OPEN_EVENT_IDS.append(item["id"])
        if not data["next"]:
            break


class CalendarClient(FastHttpUser):
    wait_time = between(0.5, 2)
    etags: dict[str, str]

    def on_start(self):
        self.etags = {}

    def _feed(self, path: str, name: str, revalidate: bool):
        headers = {}
        if revalidate and path in self.etags:
            headers["If-None-Match"] = self.etags[path]
        with self.client.get(path, headers=headers, name=name, catch_response=True) as response:
            if response.status_code in (200, 304):
                if etag := response.headers.get("ETag"):
                    self.etags[path] = etag
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")

    @task(6)
    def feed_revalidate(self):
        self._feed(f"/feeds/events.ics?{random.choice(FILTERS)}", "feed (revalidate)", True)

    @task(2)
    def feed_full(self):
        self._feed(f"/feeds/events.ics?{random.choice(FILTERS)}", "feed (full)", False)

    @task(1)
    def feed_one_event(self):
        if EVENT_IDS:
            self._feed(f"/feeds/events/{random.choice(EVENT_IDS)}.ics", "feed (one event)", False)


class ConsumingSite(FastHttpUser):
    wait_time = between(0.2, 1)

    @task(4)
    def list_events(self):
        query = random.choice(FILTERS)
        self.client.get(f"/api/v1/events/?{query}&page_size=20", name="events list (filtered)")

    @task(4)
    def event_detail(self):
        if EVENT_IDS:
            self.client.get(f"/api/v1/events/{random.choice(EVENT_IDS)}/", name="event detail")

    @task(1)
    def sign_up(self):
        if not OPEN_EVENT_IDS:
            return
        event_id = random.choice(OPEN_EVENT_IDS)
        body = {
            "name": "Belastning Testesen",
            "email": f"load-{uuid.uuid4().hex[:12]}@kommune.example",
            "workplace": "Familieafdelingen",
            "municipality": "0101",
            "job_role": "sagsbehandlere",
            "consent": True,
            "answers": answers_for(QUESTIONS.get(event_id, [])),
        }
        with self.client.post(
            f"/api/v1/events/{event_id}/registrations/",
            json=body,
            headers={"Idempotency-Key": uuid.uuid4().hex},
            name="sign-up",
            catch_response=True,
        ) as response:
            # Full or closed events answer 409 by design; anything else non-2xx is an error.
            if response.status_code in (200, 201, 409):
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
