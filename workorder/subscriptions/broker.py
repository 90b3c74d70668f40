"""Pub/sub behind one small interface; the implementation is chosen from settings.

Each process fans messages out to its local subscribers through bounded queues. A
subscriber that falls behind is dropped rather than allowed to stall the others. The Redis
broker holds ONE subscription connection per process, reconnects by itself, resubscribes,
and then asks every local subscriber to resynchronise from the database (messages published
while Redis was away are lost; the rows they announced are not).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

Message = dict[str, Any]
log = logging.getLogger(__name__)

QUEUE_SIZE = 256
RESYNC: Message = {"type": "resync"}


class SubscriberDropped(Exception):
    """The subscriber's queue overflowed: it was too slow and has been cut off."""


class Subscriber:
    def __init__(self, channels: Sequence[str], size: int = QUEUE_SIZE) -> None:
        self.channels = tuple(channels)
        self.queue: asyncio.Queue[Message] = asyncio.Queue(size)
        self.dropped = False

    def offer(self, message: Message) -> bool:
        """Queue without waiting; False when full (the caller then drops this subscriber)."""
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            self.dropped = True
            return False
        return True

    async def get(self, wait: float | None = None) -> Message | None:
        """The next message, or None after `wait` seconds of silence."""
        if self.dropped:
            raise SubscriberDropped("too slow: the subscription queue overflowed")
        try:
            return await asyncio.wait_for(self.queue.get(), wait)
        except TimeoutError:
            return None


class Broker(Protocol):
    async def start(self) -> None: ...
    async def close(self) -> None: ...
    async def ping(self) -> None: ...
    async def publish(self, channel: str, message: Message) -> None: ...
    def subscribe(
        self, channels: Sequence[str], size: int = QUEUE_SIZE
    ) -> contextlib.AbstractAsyncContextManager[Subscriber]: ...


class _Fanout:
    """Channel → this process's subscribers; both brokers deliver through it."""

    def __init__(self) -> None:
        self.subscribers: dict[str, set[Subscriber]] = defaultdict(set)

    def add(self, subscriber: Subscriber) -> list[str]:
        """Register; returns the channels that had no local subscriber before."""
        new = [c for c in subscriber.channels if not self.subscribers.get(c)]
        for channel in subscriber.channels:
            self.subscribers[channel].add(subscriber)
        return new

    def remove(self, subscriber: Subscriber) -> list[str]:
        """Unregister; returns the channels left without any local subscriber."""
        empty = []
        for channel in subscriber.channels:
            group = self.subscribers.get(channel)
            if group is None:
                continue
            group.discard(subscriber)
            if not group:
                del self.subscribers[channel]
                empty.append(channel)
        return empty

    def deliver(self, channel: str, message: Message) -> None:
        for subscriber in list(self.subscribers.get(channel, ())):
            if not subscriber.offer(message):
                log.warning("slow subscriber dropped", extra={"channel": channel})
                self.remove(subscriber)

    def resync_all(self) -> None:
        for subscriber in {s for group in self.subscribers.values() for s in group}:
            if not subscriber.offer(RESYNC):
                self.remove(subscriber)

    def channels(self) -> list[str]:
        return list(self.subscribers)


class InProcessBroker:
    """The embedded default: one process, no network."""

    def __init__(self) -> None:
        self._fanout = _Fanout()

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._fanout.subscribers.clear()

    async def ping(self) -> None:
        return None

    async def publish(self, channel: str, message: Message) -> None:
        self._fanout.deliver(channel, message)

    @asynccontextmanager
    async def subscribe(
        self, channels: Sequence[str], size: int = QUEUE_SIZE
    ) -> AsyncIterator[Subscriber]:
        subscriber = Subscriber(channels, size)
        self._fanout.add(subscriber)
        try:
            yield subscriber
        finally:
            self._fanout.remove(subscriber)


class RedisBroker:
    """Redis pub/sub through redis.asyncio, multiplexing every local subscriber."""

    def __init__(self, url: str, retry_delay: float = 0.5) -> None:
        self._url = url
        self._retry_delay = retry_delay
        self._client: aioredis.Redis | None = None
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._fanout = _Fanout()
        self._closing = False
        self.reconnects = 0

    @property
    def client(self) -> aioredis.Redis:
        if self._client is None:
            raise RuntimeError("broker not started")
        return self._client

    async def start(self) -> None:
        self._client = aioredis.from_url(
            self._url, decode_responses=True, socket_connect_timeout=2, health_check_interval=10
        )
        self._reader = asyncio.create_task(self._read(), name="redis-broker-reader")

    async def close(self) -> None:
        self._closing = True
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self._drop_pubsub()
        if self._client is not None:
            await self._client.aclose()

    async def ping(self) -> None:
        await self.client.ping()  # type: ignore[misc]  # redis-py types sync and async alike

    async def publish(self, channel: str, message: Message) -> None:
        await self.client.publish(channel, json.dumps(message))

    async def _drop_pubsub(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            with contextlib.suppress(Exception):
                await pubsub.aclose()

    async def _connect(self) -> None:
        """A fresh subscription connection, subscribed to every channel someone here wants."""
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        channels = self._fanout.channels()
        if channels:
            await pubsub.subscribe(*channels)
        self._pubsub = pubsub

    async def _confirmed(self, channels: list[str], wait: float = 2.0) -> None:
        """Redis answers SUBSCRIBE asynchronously on the subscription connection: ask the
        server until it counts a subscriber, so a publish right after cannot overtake it."""
        deadline = asyncio.get_running_loop().time() + wait
        while asyncio.get_running_loop().time() < deadline:
            counts = await self.client.pubsub_numsub(*channels)
            if all(n > 0 for _, n in counts):
                return
            await asyncio.sleep(0.005)

    async def _read(self) -> None:
        failed = False
        while not self._closing:
            try:
                async with self._lock:
                    if self._pubsub is None:
                        await self._connect()
                        if failed:
                            self.reconnects += 1
                            log.info("redis subscription restored; subscribers resync")
                            self._fanout.resync_all()
                        failed = False
                pubsub = self._pubsub
                if not pubsub.subscribed:
                    await asyncio.sleep(0.05)
                    continue
                item = await pubsub.get_message(timeout=1.0)
            except (RedisError, OSError) as error:
                log.debug("redis subscription error: %r", error)
                if not failed:
                    log.warning("redis subscription lost (%s); reconnecting", error)
                failed = True
                async with self._lock:
                    await self._drop_pubsub()
                await asyncio.sleep(self._retry_delay)
                continue
            if item and item.get("type") == "message":
                try:
                    message = json.loads(item["data"])
                except ValueError:
                    log.warning("undecodable message on %s", item.get("channel"))
                    continue
                self._fanout.deliver(item["channel"], message)

    @asynccontextmanager
    async def subscribe(
        self, channels: Sequence[str], size: int = QUEUE_SIZE
    ) -> AsyncIterator[Subscriber]:
        """Active on return: what is published after this point reaches the subscriber
        (unless Redis is down, in which case a resync follows when it is back)."""
        subscriber = Subscriber(channels, size)
        async with self._lock:
            new = self._fanout.add(subscriber)
            try:
                if self._pubsub is None:
                    await self._connect()  # subscribes every wanted channel, the new ones too
                elif new:
                    await self._pubsub.subscribe(*new)
                if new:
                    await self._confirmed(new)
            except (RedisError, OSError):
                await self._drop_pubsub()  # the reader reconnects, resubscribes and resyncs
        try:
            yield subscriber
        finally:
            async with self._lock:
                empty = self._fanout.remove(subscriber)
                if empty and self._pubsub is not None:
                    with contextlib.suppress(RedisError, OSError):
                        await self._pubsub.unsubscribe(*empty)


def make_broker(redis_url: str | None) -> Broker:
    return RedisBroker(redis_url) if redis_url else InProcessBroker()
