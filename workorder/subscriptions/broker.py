"""One small interface for pub/sub; the implementation is chosen from settings at start-up.

Subscribers get a bounded asyncio queue each. Messages are JSON-able dicts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

Message = dict[str, Any]
log = logging.getLogger(__name__)

QUEUE_SIZE = 1000


class Broker(Protocol):
    async def start(self) -> None: ...
    async def close(self) -> None: ...
    async def ping(self) -> None: ...
    async def publish(self, channel: str, message: Message) -> None: ...
    def subscribe(
        self, channel: str
    ) -> contextlib.AbstractAsyncContextManager[asyncio.Queue[Message]]: ...


class _Fanout:
    """Channel → local subscriber queues; both brokers deliver through it."""

    def __init__(self) -> None:
        self.queues: dict[str, set[asyncio.Queue[Message]]] = defaultdict(set)

    def deliver(self, channel: str, message: Message) -> None:
        for queue in list(self.queues.get(channel, ())):
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                log.warning("subscriber queue full; message dropped", extra={"channel": channel})

    def add(self, channel: str) -> tuple[asyncio.Queue[Message], bool]:
        queue: asyncio.Queue[Message] = asyncio.Queue(QUEUE_SIZE)
        first = not self.queues[channel]
        self.queues[channel].add(queue)
        return queue, first

    def remove(self, channel: str, queue: asyncio.Queue[Message]) -> bool:
        """Returns True when the channel has no local subscriber left."""
        subscribers = self.queues.get(channel)
        if subscribers is None:
            return True
        subscribers.discard(queue)
        if not subscribers:
            del self.queues[channel]
            return True
        return False


class InProcessBroker:
    """The embedded default: one process, no network."""

    def __init__(self) -> None:
        self._fanout = _Fanout()

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._fanout.queues.clear()

    async def ping(self) -> None:
        return None

    async def publish(self, channel: str, message: Message) -> None:
        self._fanout.deliver(channel, message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[asyncio.Queue[Message]]:
        queue, _ = self._fanout.add(channel)
        try:
            yield queue
        finally:
            self._fanout.remove(channel, queue)


class RedisBroker:
    """Redis pub/sub through redis.asyncio; one subscription connection per process."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._client: aioredis.Redis | None = None
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._fanout = _Fanout()

    @property
    def client(self) -> aioredis.Redis:
        if self._client is None:
            raise RuntimeError("broker not started")
        return self._client

    async def start(self) -> None:
        self._client = aioredis.from_url(self._url, decode_responses=True)
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._pubsub is not None:
            await self._pubsub.aclose()
        if self._client is not None:
            await self._client.aclose()

    async def ping(self) -> None:
        await self.client.ping()  # type: ignore[misc]  # redis-py types sync and async alike

    async def publish(self, channel: str, message: Message) -> None:
        await self.client.publish(channel, json.dumps(message))

    async def _read(self) -> None:
        while True:
            try:
                if not self._pubsub.subscribed:
                    await asyncio.sleep(0.05)
                    continue
                item = await self._pubsub.get_message(timeout=1.0)
            except RedisError:
                log.exception("redis subscription failed; retrying")
                await asyncio.sleep(0.5)
                continue
            if item and item.get("type") == "message":
                self._fanout.deliver(item["channel"], json.loads(item["data"]))

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[asyncio.Queue[Message]]:
        queue, first = self._fanout.add(channel)
        if first:
            await self._pubsub.subscribe(channel)
        if self._reader is None:
            self._reader = asyncio.create_task(self._read())
        try:
            yield queue
        finally:
            if self._fanout.remove(channel, queue):
                with contextlib.suppress(RedisError):
                    await self._pubsub.unsubscribe(channel)


def make_broker(redis_url: str | None) -> Broker:
    return RedisBroker(redis_url) if redis_url else InProcessBroker()
