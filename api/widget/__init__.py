"""The embeddable events widget: its script, served under a content hash, and the small hosted
Danish events page built on it (``/arrangementer/``)."""
