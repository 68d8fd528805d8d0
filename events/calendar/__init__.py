"""The admin's calendar across partners (*Kalender*): every event by day, a month or a week at a
time, so a moderator sees what else falls on a date before publishing. Reads in
``selectors.py``; the view, its filters and the Danish labels in ``views.py``."""
