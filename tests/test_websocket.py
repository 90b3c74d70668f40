"""The graphql-transport-ws endpoint over a real socket: the token rides in connection_init."""

import asyncio
import gc
import json

import pytest
import websockets
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

PROTOCOL = Subprotocol("graphql-transport-ws")


async def _init(
    url: str, payload: dict[str, str] | None
) -> tuple[object, dict[str, str] | None, int | None]:
    async with websockets.connect(url, subprotocols=[PROTOCOL]) as socket:
        await socket.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
        try:
            reply = json.loads(await asyncio.wait_for(socket.recv(), 5))
        except ConnectionClosed as closed:
            return socket, None, closed.rcvd.code if closed.rcvd else None
        return socket, reply, None


async def test_connection_init_with_a_token_is_acknowledged(org, server_url):
    _, reply, code = await _init(server_url, {"authorization": f"Bearer {await org.token()}"})
    assert code is None
    assert reply == {"type": "connection_ack"}


@pytest.mark.parametrize(
    "payload", [None, {"authorization": "Bearer not-a-token"}, {"token": "wo_revoked-or-unknown"}]
)
async def test_connection_init_without_a_valid_token_is_closed(org, server_url, payload):
    _, reply, code = await _init(server_url, payload)
    assert reply is None
    assert code == 4403


async def test_malformed_protocol_messages_close_the_socket_and_spare_the_server(
    org, server_url, client
):
    async with websockets.connect(server_url, subprotocols=[PROTOCOL]) as socket:
        await socket.send("this is not json")
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400
    assert (await client.get("/healthz")).status_code == 200


async def test_a_message_nested_too_deeply_closes_the_socket_as_malformed(org, server_url, client):
    async with websockets.connect(server_url, subprotocols=[PROTOCOL]) as socket:
        await socket.send("[" * 100_000)
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400
    assert (await client.get("/healthz")).status_code == 200


async def test_a_socket_the_client_closed_is_let_go_by_its_expiry(org, server_url, app):
    """The process's expiry timer holds a socket only while it is open: one the client
    closed is not kept (with its context) until its token expires."""
    expiries = app.state.expiries
    before = expiries.holding()
    async with websockets.connect(server_url, subprotocols=[PROTOCOL]) as socket:
        init = {"authorization": f"Bearer {await org.token()}"}
        await socket.send(json.dumps({"type": "connection_init", "payload": init}))
        assert json.loads(await asyncio.wait_for(socket.recv(), 5)) == {"type": "connection_ack"}
        assert expiries.holding() == before + 1  # held while open

    async def settled() -> None:
        while expiries.holding() > before:
            gc.collect()  # a closed socket's objects may sit in a reference cycle
            await asyncio.sleep(0.05)

    await asyncio.wait_for(settled(), 5)
