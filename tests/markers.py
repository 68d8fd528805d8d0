"""Skips decided before any fixture runs, so a PostgreSQL-only transactional test never flushes
the SQLite run's database on its way to being skipped."""

from __future__ import annotations

import os

import pytest

USES_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
USES_REDIS = bool(os.environ.get("REDIS_URL"))

needs_postgres = pytest.mark.skipif(
    not USES_POSTGRES, reason="needs DATABASE_URL=postgres://… (CI's second run)"
)
needs_postgres_and_redis = pytest.mark.skipif(
    not (USES_POSTGRES and USES_REDIS),
    reason="needs DATABASE_URL=postgres://… and REDIS_URL (CI's second run)",
)
