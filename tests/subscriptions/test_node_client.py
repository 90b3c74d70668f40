"""Live push to the real `graphql-ws` JavaScript client, the one a browser app would use.

tests/flows/live/test_streams.py speaks graphql-transport-ws through Python's gql; this drives
the reference JS implementation of the protocol (with `ws` as Node's WebSocket) from
tests/node/client.mjs, so a difference in how the two read the protocol (connection_init payload,
close codes, message framing) cannot hide. The script prints one JSON line per event it sees.

Everything here shares the session's event loop with the live uvicorn, so the node
process is started and read with asyncio only: a blocking wait would stop the server it
waits for.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from tests.flows.live.test_streams import kettle_for_cal
from tests.js import LINE_TIMEOUT, NODE_DIR
from tests.shop import Shop
from tests.support import session_token
from workorder.server import TOKEN_EXPIRED
from workorder.settings import Settings


@pytest.fixture
def bus(app: Any) -> Any:
    """The server's broker: flows called directly in a test publish through it too."""
    return app.state.broker


@dataclass
class NodeClient:
    """One running client.mjs: its event lines, then its exit status."""

    process: asyncio.subprocess.Process
    stderr: asyncio.Task[bytes]

    async def event(self, wait: float = LINE_TIMEOUT) -> dict[str, Any]:
        assert self.process.stdout is not None
        try:
            raw = await asyncio.wait_for(self.process.stdout.readline(), wait)
        except TimeoutError:
            raise AssertionError(f"the node client said nothing for {wait} s") from None
        if not raw:
            status = await self.exit_status()
            raise AssertionError(
                f"the node client ended (exit {status}) without another line; stderr:\n"
                + (await self.stderr).decode(errors="replace")
            )
        line: dict[str, Any] = json.loads(raw)
        return line

    async def until(self, name: str) -> dict[str, Any]:
        """Read up to the first line of that event; any other event but `connected` fails."""
        while True:
            line = await self.event()
            if line["event"] == name:
                return line
            assert line["event"] == "connected", f"waiting for {name!r}, got {line}"

    async def exit_status(self, wait: float = LINE_TIMEOUT) -> int:
        return await asyncio.wait_for(self.process.wait(), wait)


@asynccontextmanager
async def node_client(
    node: str, url: str, token: str, count: int, env: dict[str, str] | None = None
) -> AsyncIterator[NodeClient]:
    process = await asyncio.create_subprocess_exec(
        node,
        "client.mjs",
        url,
        token,
        str(count),
        str(LINE_TIMEOUT * 2),
        cwd=NODE_DIR,
        env={**os.environ, **(env or {})},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    stderr = asyncio.ensure_future(process.stderr.read())  # drained, so node never blocks
    try:
        yield NodeClient(process, stderr)
    finally:
        if process.returncode is None:
            with suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        await stderr


async def test_an_assignment_reaches_the_js_client_live(
    shop: Shop, server_url: str, bus: Any, node: str
) -> None:
    async with node_client(node, server_url, await shop.token("cal"), 2) as cal:
        await cal.until("subscribed")
        await asyncio.sleep(0.3)  # the subscription is registered
        await kettle_for_cal(shop, bus)
        received = [await cal.event(), await cal.event()]
        assert await cal.exit_status() == 0
    assert [r["event"] for r in received] == ["next", "next"]
    assert all("errors" not in r["payload"] for r in received)
    notifications = [r["payload"]["data"]["notifications"] for r in received]
    assert [n["kind"] for n in notifications] == ["POOL_NEW", "ASSIGNED"]
    assert notifications[1]["ticket"] == {"number": 1, "title": "Kettle"}


async def test_a_bad_token_is_refused_with_4403_in_the_js_client(
    shop: Shop, server_url: str, node: str
) -> None:
    """Refused at connection_init, as test_websocket.py asserts for a raw socket."""
    async with node_client(node, server_url, "not-a-token", 1) as stranger:
        closed = await stranger.event()
        assert await stranger.exit_status() == 3
    assert closed["event"] == "closed"
    assert closed["code"] == 4403


async def test_an_expired_token_closes_the_js_clients_socket_with_its_own_code(
    shop: Shop, server_url: str, node: str, settings: Settings
) -> None:
    """Told not to retry, the client reports the close code it got."""
    token = await session_token(shop.users["cal"], settings, timedelta(seconds=4))
    async with node_client(node, server_url, token, 1) as cal:
        await cal.until("subscribed")
        closed = await cal.event()
        assert await cal.exit_status() == 3
    assert closed["event"] == "closed"
    assert closed["code"] == TOKEN_EXPIRED == 4419


async def test_the_stock_js_client_outlives_an_expired_token_and_resumes_its_feed(
    shop: Shop, server_url: str, bus: Any, node: str, settings: Settings
) -> None:
    """docs/realtime.md's recipe: graphql-ws's default retries, a fresh token from
    `connectionParams` at each connect, `after` kept at the last cursor. Cal has no
    notification yet; the two that arrive while his socket is closed reach him after the
    client reconnects by itself."""
    short = await session_token(shop.users["cal"], settings, timedelta(seconds=4))
    fresh = await shop.token("cal")
    lines: list[dict[str, Any]] = []
    async with node_client(node, server_url, short, 4, {"RECONNECT_TOKENS": fresh}) as cal:
        while not lines or lines[-1]["event"] != "disconnected":
            lines.append(await cal.event())
        await kettle_for_cal(shop, bus)  # while the socket is closed (retries wait ≥ 1 s)
        while (
            cal.process.returncode is None
            and len([line for line in lines if line["event"] == "next"]) < 4
        ):
            lines.append(await cal.event())
        assert await cal.exit_status() == 0
    assert [line["code"] for line in lines if line["event"] == "disconnected"] == [TOKEN_EXPIRED]
    assert [line["event"] for line in lines if line["event"] != "subscribed"] == [
        "connected",
        "next",
        "disconnected",
        "connected",
        "next",
        "next",
        "next",
    ]
    feed = [
        line["payload"]["data"]["notificationFeed"] for line in lines if line["event"] == "next"
    ]
    assert [item["ready"] for item in feed] == [True, True, False, False]
    assert [item["notification"]["kind"] for item in feed[2:]] == ["POOL_NEW", "ASSIGNED"]
