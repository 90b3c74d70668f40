"""The reference for fan-out: a plain `websockets` server, no GraphQL, no database.

Run by bench/realtime.py as `python -m bench.raw_fanout PORT [deflate]` in a process of its
own, like `workorder serve`, so its RSS and event loop are its own; permessage-deflate is
negotiated only when asked, as workorder's WS_PER_MESSAGE_DEFLATE does (the same work per
socket on both sides). It speaks just enough of
graphql-transport-ws for the bench's client code to be the SAME for both servers
(`connection_init` → `connection_ack`, `subscribe` registers the socket and answers the
feed's `ready` item, `ping` → `pong`).
A socket on `/trigger` sends frames; each one goes out to every registered subscriber at
once with `websockets.broadcast` (what a push costs at wire speed), and the trigger socket
hears `sent` back.
"""

from __future__ import annotations

import asyncio
import json
import sys

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

PROTOCOL = Subprotocol("graphql-transport-ws")
TRIGGER = "/trigger"
READY = json.dumps(
    {
        "id": "1",
        "type": "next",
        "payload": {"data": {"notificationFeed": {"ready": True, "notification": None}}},
    }
)


class Hub:
    """The subscribed sockets: registered on `subscribe`, forgotten when they close."""

    def __init__(self) -> None:
        self.subscribers: set[ServerConnection] = set()

    async def handle(self, ws: ServerConnection) -> None:
        if ws.request is not None and ws.request.path == TRIGGER:
            async for frame in ws:
                broadcast(self.subscribers, frame)
                await ws.send("sent")
            return
        try:
            async for raw in ws:
                kind = json.loads(raw).get("type")
                if kind == "connection_init":
                    await ws.send(json.dumps({"type": "connection_ack"}))
                elif kind == "subscribe":  # live at once, and says so like workorder's feed
                    self.subscribers.add(ws)
                    await ws.send(READY)
                elif kind == "ping":
                    await ws.send(json.dumps({"type": "pong"}))
        except ConnectionClosed:
            pass
        finally:
            self.subscribers.discard(ws)


async def run(port: int, deflate: bool) -> None:
    hub = Hub()
    # The listen backlog of uvicorn's default, so batches of handshakes are treated alike.
    async with serve(
        hub.handle,
        "127.0.0.1",
        port,
        subprotocols=[PROTOCOL],
        backlog=2048,
        compression="deflate" if deflate else None,
    ):
        await asyncio.get_running_loop().create_future()  # until the bench stops the process


if __name__ == "__main__":
    asyncio.run(run(int(sys.argv[1]), sys.argv[2:] == ["deflate"]))
