"""Old dotted paths of the API app's tasks, kept for one release (remove after 2027-06).

django-q2 names a task by its dotted path in the broker and in its schedules. ``setup_centre``
rewrites the schedules to the new paths (``api.webhooks.tasks``, ``api.cdn.tasks``); tasks
already queued under these old paths when an installation upgrades still run through these
names.
"""

from api.cdn.tasks import cdn_purge
from api.webhooks.tasks import webhook_deliver, webhooks_dispatch, webhooks_sweep

__all__ = ["cdn_purge", "webhook_deliver", "webhooks_dispatch", "webhooks_sweep"]
