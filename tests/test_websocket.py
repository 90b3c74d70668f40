"""The graphql-transport-ws endpoint over a real socket: the token rides in connection_init."""

import asyncio
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


async def test_a_socket_the_client_closed_lets_go_of_its_expiry_task(org, server_url, monkeypatch):
    """The task that closes a socket at its token's expiry ends soon after the client left,
    instead of holding the socket (and its context) until the token expires."""
    from workorder import server

    monkeypatch.setattr(server, "_EXPIRY_NAP", 0.05)
    before = len(server._expiry_tasks)
    _, reply, _ = await _init(server_url, {"authorization": f"Bearer {await org.token()}"})
    assert reply == {"type": "connection_ack"}  # the socket is closed again on return

    async def settled() -> None:
        while len(server._expiry_tasks) > before:
            await asyncio.sleep(0.05)

    await asyncio.wait_for(settled(), 5)
