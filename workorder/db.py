"""Opening the database and applying migrations; the only place that knows the ORM config."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tortoise.connection import get_connection
from tortoise.context import TortoiseContext
from tortoise.migrations.executor import MigrationExecutor

APP = "workorder"


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": database_url},
        "apps": {
            APP: {
                "models": ["workorder.models"],
                "migrations": "workorder.migrations",
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _ensure_sqlite_folder(database_url: str) -> None:
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        Path(database_url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)


@asynccontextmanager
async def open_database(database_url: str) -> AsyncIterator[None]:
    """Connect the ORM for the lifetime of the block, visible to every task of the process.

    A PostgreSQL database must exist already (it is the operator's); an SQLite file is made.
    """
    _ensure_sqlite_folder(database_url)
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(database_url), _enable_global_fallback=True)
        yield


async def migrate() -> list[str]:
    """Apply pending migrations on the open database; returns the names applied.

    Idempotent: migrations already recorded are skipped.
    """
    applied: list[str] = []

    def progress(event: str, app_label: str, name: str) -> None:
        if event == "apply_done":
            applied.append(f"{app_label}.{name}")

    config = tortoise_config("sqlite://:memory:")["apps"]
    executor = MigrationExecutor(get_connection("default"), config)
    await executor.migrate(progress=progress)
    return applied


async def ping() -> None:
    """Raise unless the database answers."""
    await get_connection("default").execute_query("SELECT 1")
