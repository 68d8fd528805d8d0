"""Webinar platforms (Zoom, Microsoft Teams): partners' accounts, meetings that follow their
events' sessions, and the small HTTP clients that talk to the platforms."""
