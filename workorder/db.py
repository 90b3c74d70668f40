"""Opening the database and applying migrations; the only place that knows the ORM config."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tortoise.backends.base.config_generator import expand_db_url
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext
from tortoise.migrations.executor import MigrationExecutor

APP = "workorder"

ASYNCPG = "tortoise.backends.asyncpg"


async def keep_session_state(connection: object) -> None:
    """asyncpg's pool `reset`: what a released connection runs besides the rollback.

    asyncpg's default sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET
    ALL;` on every release: one more round trip and four statements per checkout (a `me`
    request ran 10 statements on the server, 8 of them these; tests/test_db.py counts).
    None of it can find anything here: no advisory lock, no LISTEN (pushes go through
    Redis), no session-level SET (server settings are given at connect, which RESET ALL
    would keep anyway), and a cursor lives only inside a transaction. The part that matters
    is not this hook's: before calling it, the pool itself rolls back a transaction left
    open or failed (`Connection._reset`, asyncpg 0.30+) and drops the connection's
    listeners, and a connection that breaks is terminated rather than reused. So the code
    must not start what only the reset query would undo (a session `SET`, `LISTEN`, an
    advisory lock, a `WITH HOLD` cursor): use `SET LOCAL` inside a transaction, or a server
    setting given at connect, instead.
    """


def _connection(database_url: str) -> str | dict[str, Any]:
    """The URL as Tortoise reads it, with the pool's `reset` for PostgreSQL over asyncpg.

    Tortoise hands credentials it does not know to `asyncpg.create_pool`, and a coroutine
    cannot travel in a URL, so a PostgreSQL URL is expanded here; other databases keep theirs.
    """
    expanded = expand_db_url(database_url)
    if expanded["engine"] != ASYNCPG:
        return database_url
    expanded["credentials"]["reset"] = keep_session_state
    return expanded


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url)},
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
