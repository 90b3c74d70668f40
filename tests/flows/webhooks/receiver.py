"""A real HTTP receiver for webhook deliveries: a Starlette app served by uvicorn on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests import services


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


@dataclass
class Receiver:
    """Records every request; `answer` decides each status (default 200)."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    answer: Callable[[Request, bytes, int], int] = lambda request, body, n: 200
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        status = self.answer(request, body, len(self.requests))
        self.requests.append(Received(dict(request.headers), body, status))
        self.arrived.set()
        return Response(status_code=status)

    async def wait_for(self, check: Callable[[list[Received]], bool]) -> None:
        async with asyncio.timeout(20):
            while not check(self.requests):
                self.arrived.clear()
                await self.arrived.wait()

    def delivered(self) -> list[Received]:
        return [r for r in self.requests if 200 <= r.answered < 300]


@asynccontextmanager
async def receiving(port: int | None = None) -> AsyncIterator[Receiver]:
    """A receiver at http://127.0.0.1:<port>/hook (a free port unless given)."""
    receiver = Receiver()
    app = Starlette(routes=[Route("/hook", receiver.handle, methods=["POST"])])
    if port is None:
        async with services.serving(app) as ws_url:
            receiver.url = f"http://127.0.0.1:{urlsplit(ws_url).port}/hook"
            yield receiver
        return
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.02)
        receiver.url = f"http://127.0.0.1:{port}/hook"
        yield receiver
    finally:
        server.should_exit = True
        await task


def payload_of(received: Received) -> Any:
    import json

    return json.loads(received.body)


async def settled_log(endpoint_id: int, count: int) -> list[Any]:
    """The endpoint's deliveries once `count` of them are no longer pending (the receiver
    answers before the sender records the answer)."""
    from workorder.models import DeliveryStatus, WebhookDelivery

    async with asyncio.timeout(20):
        while True:
            rows = await WebhookDelivery.filter(endpoint_id=endpoint_id).order_by("id")
            if sum(1 for r in rows if r.status != DeliveryStatus.PENDING) >= count:
                return list(rows)
            await asyncio.sleep(0.05)
