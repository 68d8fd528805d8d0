"""Old dotted path of the scheduled publishing task, kept for one release (remove after 2027-06).

``setup_centre`` rewrites the schedule to ``home.tasks.publish_scheduled_pages``;
a run already queued under this path when an installation upgrades still finds it here.
"""

from home.tasks import publish_scheduled_pages

__all__ = ["publish_scheduled_pages"]
