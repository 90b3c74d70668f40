"""The clock every flow, job and push reads: aware UTC now (one place, so it can be told apart
from a naive local time everywhere)."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
