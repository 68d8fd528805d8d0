"""The public representation of an event, as plain JSON types.

The API, the feeds and the "API (JSON)" preview share it. ``join_url`` is private (it is sent to
confirmed registrants only) and is never part of it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from events.models import EventPage, EventSession, centre_tz

PRIVATE_FIELDS = frozenset({"join_url"})


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value, centre_tz()).isoformat()


def _partner_dict(partner) -> dict[str, Any] | None:
    if partner is None:
        return None
    return {
        "id": partner.pk,
        "slug": partner.slug,
        "name": partner.name,
        "short_name": partner.short_name,
    }


def session_public_dict(session: EventSession, event: EventPage) -> dict[str, Any]:
    return {
        "uuid": str(session.uuid),
        "title": session.title,
        "all_day": session.all_day,
        "start": _iso(session.starts_at()),
        "end": _iso(session.ends_at()),
        "start_date": session.start_date.isoformat() if session.start_date else None,
        "end_date": session.end_date.isoformat() if session.end_date else None,
        "location": session.effective_location(event),
        "status": str(session.effective_status(event)),
        "sequence": session.sequence,
    }


def event_public_dict(page: EventPage) -> dict[str, Any]:
    sessions = sorted(
        page.sessions.all(),
        key=lambda s: (s.starts_at() is None, s.starts_at() or 0, s.sort_order or 0),
    )
    municipality = page.venue_municipality
    data: dict[str, Any] = {
        "id": page.pk,
        "title": page.title,
        "slug": page.slug,
        "event_type": page.event_type,
        "event_type_label": str(page.get_event_type_display()) if page.event_type else "",
        "partner": _partner_dict(page.partner),
        "co_organisers": [_partner_dict(p) for p in page.co_organisers.all()],
        "teaser": page.teaser,
        "body": page.body.get_prep_value() if page.body else [],
        "topics": [{"id": t.pk, "slug": t.slug, "name": t.name} for t in page.topics.all()],
        "audiences": [{"id": a.pk, "slug": a.slug, "name": a.name} for a in page.audiences.all()],
        "participation": page.participation,
        "format": page.format,
        "venue": {
            "name": page.venue_name,
            "address": page.venue_address,
            "postcode": page.venue_postcode,
            "city": page.venue_city,
            "municipality": (
                {"code": municipality.code, "name": municipality.name} if municipality else None
            ),
        },
        "platform_name": page.platform_name,
        "capacity": page.capacity,
        "waiting_list_enabled": page.waiting_list_enabled,
        "registration_opens": _iso(page.registration_opens),
        "registration_closes": _iso(page.registration_closes),
        "price_text": page.price_text,
        "contact": {
            "name": page.contact_name,
            "email": page.contact_email,
            "phone": page.contact_phone,
        },
        "status": page.status,
        "status_reason": page.status_reason,
        "first_start": _iso(page.first_start),
        "last_end": _iso(page.last_end),
        "sessions": [session_public_dict(s, page) for s in sessions],
        "material": {
            "recording_url": page.recording_url,
            "slides": [
                {
                    "title": slide.title or slide.document.title,
                    "url": slide.document.url,
                }
                for slide in page.slides.all()
            ],
            "related_knowledge": [
                {"id": k.pk, "title": k.title, "slug": k.slug}
                for k in page.related_knowledge.all()
                # Drafts and withdrawn items never leave; the API also drops private ones.
                if k.live and not k.expired
            ],
            "evaluation_url": page.evaluation_url,
        },
    }
    assert not PRIVATE_FIELDS & data.keys()
    return data
