"""Old dotted paths of the events app's tasks, kept for one release (remove after 2027-06).

django-q2 names a task by its dotted path in the broker and in its schedules. ``setup_centre``
rewrites the schedules to the new paths (``events.mail.tasks``, ``events.retention.tasks``);
tasks already queued under these old paths when an installation upgrades still run through
these names.
"""

from events.mail.tasks import email_deliver, emails_sweep, reminders_send_due
from events.retention.tasks import retention_run

__all__ = ["email_deliver", "emails_sweep", "reminders_send_due", "retention_run"]
