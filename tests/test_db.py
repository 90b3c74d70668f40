"""What a pool checkout costs on PostgreSQL, counted by the server itself.

asyncpg's pool resets every connection it is given back with `SELECT
pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;` unless told otherwise:
four statements per checkout, more than a small request's own. `db.keep_session_state`
drops them; a connection left inside a transaction is still rolled back by the pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # ships no type information
import httpx
import pytest
from tortoise.connection import get_connection

from tests import services
from tests.support import answering
from tests.test_db_outage import CLI, LOGIN, ME, _env, _prepare
from workorder.settings import Settings

pytestmark = pytest.mark.full_only

REQUESTS = 20
# asyncpg's default reset query, statement by statement as pg_stat_statements records it.
RESET_STATEMENTS = ("pg_advisory_unlock_all", "CLOSE ALL", "UNLISTEN", "RESET ALL")


@pytest.fixture
async def counted_server(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    """`workorder serve` on a PostgreSQL of its own that counts every statement it runs
    (pg_stat_statements); yields a client of the server and a connection to read the count.
    Nothing runs in the background: no job runner, no SLA scheduler."""
    pg = services.start_postgres(
        Path(tempfile.mkdtemp(prefix="workorder-pool-pg-")),
        "shared_preload_libraries=pg_stat_statements",
        "pg_stat_statements.track_utility=on",
    )
    env = _env(pg.url, str(tmp_path / "data"))
    server = None
    observer = None
    try:
        observer = await asyncpg.connect(pg.url)
        await observer.execute("CREATE EXTENSION pg_stat_statements")
        await asyncio.to_thread(_prepare, env)
        port = services.free_port()
        with (tmp_path / "server.log").open("wb") as log_file:
            server = await asyncio.create_subprocess_exec(
                *CLI, "serve", "--port", str(port), env=env, stdout=log_file, stderr=log_file
            )
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            await answering(http, server)
            yield http, observer
    finally:
        if server is not None:
            await services.stop_child(server)
        if observer is not None:
            await observer.close()
        pg.stop()


def _group(n: int) -> dict[str, Any]:
    return {
        "query": "mutation($n: String!) { createGroup(input: {name: $n}) "
        "{ group { name } errors { code } } }",
        "variables": {"n": f"Team {n}"},
    }


async def _count(
    http: httpx.AsyncClient,
    auth: dict[str, str],
    observer: Any,
    requests: list[dict[str, Any]],
    label: str,
) -> dict[str, int]:
    """Each statement the server ran for `requests` (sent one after the other), and how
    often; `SHOW_STATEMENTS=1` prints them."""
    await observer.execute("SELECT pg_stat_statements_reset()")
    for request in requests:
        answer = (await http.post("/graphql", json=request, headers=auth)).json()
        assert "errors" not in answer, answer
        for payload in answer["data"].values():
            assert payload.get("errors", []) == [], payload
    rows = await observer.fetch(
        "SELECT query, calls FROM pg_stat_statements "
        "WHERE query NOT LIKE '%pg_stat_statements%'"  # the observer's own
    )
    run = {str(row["query"]): int(row["calls"]) for row in rows}
    if os.environ.get("SHOW_STATEMENTS"):
        print(f"-- {label}: {sum(run.values())} statements for {len(requests)} requests")
        for query, calls in sorted(run.items(), key=lambda item: -item[1]):
            print(calls, " ".join(query.split())[:150])
    return run


async def test_requests_send_no_reset_statements_when_they_give_back_connections(
    counted_server: tuple[httpx.AsyncClient, Any],
) -> None:
    http, observer = counted_server
    token = (await http.post("/graphql", json=LOGIN)).json()["data"]["login"]["accessToken"]
    auth = {"authorization": f"Bearer {token}"}
    assert (await http.post("/graphql", json=ME, headers=auth)).json()["data"] == {
        "me": {"username": "admin"}
    }  # warm: the pool's connection is open, its types introspected

    reads = [ME] * REQUESTS
    writes = [_group(n) for n in range(REQUESTS)]  # each in a transaction of its own
    for label, requests in (("me", reads), ("createGroup", writes)):
        run = await _count(http, auth, observer, requests, label)
        resets = {q: n for q, n in run.items() if any(r in q for r in RESET_STATEMENTS)}
        assert resets == {}, (label, resets)
        assert sum(run.values()) >= REQUESTS, (label, run)  # the count saw the requests


async def _state(observer: Any, pid: int) -> str:
    """The server's word on one backend: idle, idle in transaction, ..."""
    return str(await observer.fetchval("SELECT state FROM pg_stat_activity WHERE pid = $1", pid))


@pytest.mark.parametrize(
    "left_behind",
    [
        pytest.param(["BEGIN", "CREATE TEMP TABLE scratch (n int) ON COMMIT DROP"], id="open"),
        pytest.param(["BEGIN", "SELECT 1 / 0"], id="failed"),
    ],
)
async def test_a_connection_given_back_inside_a_transaction_is_rolled_back(
    app: Any, settings: Settings, left_behind: list[str]
) -> None:
    """Dropping the reset query keeps the pool's own rollback: no later checkout inherits
    an open or failed transaction (nor the locks it holds)."""
    observer = await asyncpg.connect(settings.database)  # outside the pool, to ask
    try:
        async with get_connection("default").acquire_connection() as connection:
            pid = connection.get_server_pid()
            for statement in left_behind:
                with contextlib.suppress(asyncpg.DivisionByZeroError):  # left failed
                    await connection.execute(statement)
            assert (await _state(observer, pid)).startswith("idle in transaction")
        assert await _state(observer, pid) == "idle"
    finally:
        await observer.close()
