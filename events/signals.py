"""Signals this app sends for what the ORM's own signals do not show."""

from django.dispatch import Signal

# An event's places left per option moved without a registration's seat moving (a registrant
# changed a limited choice): sent with ``event_id``. A seat's own moves are seen by post_save.
event_places_changed = Signal()
