"""Requests per client address: counted before anything else runs, whoever sends them."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets
from starlette.applications import Starlette
from websockets.exceptions import InvalidStatus

from tests import services
from tests.support import OrgBuilder, app_with
from workorder.server import create_app
from workorder.settings import Settings

PING = {"query": "{ __typename }"}


async def test_past_its_requests_an_address_gets_429_until_the_window_lets_it_in(
    app: Starlette, settings: Settings
) -> None:
    limited = settings.model_copy(update={"rate_limit_requests_per_address": 3})
    async with app_with(app, limited) as http:
        for _ in range(3):
            assert (await http.post("/graphql", json=PING)).status_code == 200
        refused = await http.post("/graphql", json=PING)
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) >= 1
        assert refused.headers["RateLimit-Limit"] == "3"
        assert refused.headers["RateLimit-Remaining"] == "0"
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        # The probes a load balancer sends are not requests of anyone's.
        assert (await http.get("/healthz")).status_code == 200


async def test_past_its_requests_an_address_cannot_open_a_socket(
    app: Starlette, settings: Settings
) -> None:
    limited = create_app(settings.model_copy(update={"rate_limit_requests_per_address": 1}))
    limited.state.broker = app.state.broker
    async with services.serving(limited) as url:
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]):  # type: ignore[list-item]
            pass
        with pytest.raises(InvalidStatus) as refused:
            async with websockets.connect(url, subprotocols=["graphql-transport-ws"]):  # type: ignore[list-item]
                pass
        assert refused.value.response.status_code == 403


async def test_a_socket_s_messages_count_against_its_address(
    app: Starlette, settings: Settings, org: OrgBuilder
) -> None:
    """The handshake, connection_init and the first subscribe use the three allowed; the next
    subscribe is answered RATE_LIMITED and never starts."""
    limited = create_app(settings.model_copy(update={"rate_limit_requests_per_address": 3}))
    limited.state.broker = app.state.broker
    token = await org.token()  # through the session's app: not counted here
    query = {"query": "{ me { username } }"}
    async with (
        services.serving(limited) as url,
        websockets.connect(url, subprotocols=["graphql-transport-ws"]) as socket,  # type: ignore[list-item]
    ):
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        await socket.send(json.dumps(init))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        await socket.send(json.dumps({"type": "subscribe", "id": "1", "payload": query}))
        first = json.loads(await asyncio.wait_for(socket.recv(), 10))
        assert first["type"] == "next" and first["payload"]["data"]["me"]["username"] == "admin"
        assert json.loads(await asyncio.wait_for(socket.recv(), 10))["type"] == "complete"
        await socket.send(json.dumps({"type": "subscribe", "id": "2", "payload": query}))
        refused = json.loads(await asyncio.wait_for(socket.recv(), 10))
    assert refused["id"] == "2" and refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "RATE_LIMITED"
