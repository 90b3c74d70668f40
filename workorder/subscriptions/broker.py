"""Pub/sub behind one small interface; the implementation is chosen from settings.

Each process fans messages out to its local subscribers through bounded queues. A
subscriber that falls behind is dropped rather than allowed to stall the others. The Redis
broker holds ONE subscription connection per process, reconnects by itself, resubscribes,
and then asks every local subscriber to resynchronise from the database (messages published
while Redis was away are lost; the rows they announced are not).

Publishing never waits on Redis: a publish joins a bounded outbox that one sender task
drains, so a slow or frozen Redis cannot hold a committed action's response. Every command
is bounded by socket timeouts. What the outbox drops (full, or Redis not answering) is
healed the same way as a lost subscription: once Redis answers again the sender publishes a
resync on a control channel that every process's broker listens to, and each tells its
subscribers to catch up from the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from workorder.settings import Settings
from workorder.subscriptions.channels import RESYNC_CHANNEL
from workorder.subscriptions.messages import Resync

Message = dict[str, Any]
log = logging.getLogger(__name__)

QUEUE_SIZE = 256
RESYNC: Message = Resync().to_dict()  # what a subscriber gets when it must catch up
# How long a channel's sequence counter outlives its last publish in Redis. A counter that
# expired starts again at 1, which a listener takes for a gap (it resyncs: harmless).
SEQUENCE_TTL_SECONDS = 86_400
# INCR the channel's counter and PUBLISH with it, atomically, so every process's listeners
# see one gap-free sequence per channel whoever published. The message is a JSON object;
# the sequence goes in as its last key without decoding it in Redis.
_PUBLISH_IN_SEQUENCE = """
local seq = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('PUBLISH', KEYS[2], string.sub(ARGV[1], 1, -2) .. ',"seq":' .. seq .. '}')
return seq
"""


def sequence_key(channel: str) -> str:
    return f"seq:{channel}"


# A burst of drops is told once per this many seconds, with the count, not once per push.
DROP_LOG_INTERVAL = 10.0


@dataclass(frozen=True, slots=True)
class RedisOptions:
    """How long the service waits on Redis: a frozen server costs a caller at most a
    timeout, never the whole outage (see the REDIS_* settings)."""

    timeout: float = 1.0  # a command's reply
    connect_timeout: float = 1.0
    health_check: float = 10.0  # an idle pooled connection is PINGed before its next use
    publish_queue: int = 10_000  # pushes waiting for Redis; beyond it the oldest goes

    @classmethod
    def of(cls, settings: Settings) -> RedisOptions:
        return cls(
            timeout=settings.redis_timeout_seconds,
            connect_timeout=settings.redis_connect_timeout_seconds,
            health_check=settings.redis_health_check_seconds,
            publish_queue=settings.publish_queue_size,
        )


def redis_client(url: str, options: RedisOptions, **kwargs: Any) -> aioredis.Redis:
    """Every Redis client of the service is made here, with its timeouts (a caller that
    must block on purpose, like a queue worker's BLMOVE, passes socket_timeout=None)."""
    arguments: dict[str, Any] = {
        "socket_timeout": options.timeout,
        "socket_connect_timeout": options.connect_timeout,
        "socket_keepalive": True,
        "health_check_interval": options.health_check,
        **kwargs,
    }
    return aioredis.from_url(url, **arguments)


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
        if wait is None:
            return await self.queue.get()
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
    """Channel → this process's subscribers; both brokers deliver through it.

    Every message carries its channel's sequence number (`seq`). A number that does not
    follow the last one seen on the channel means pushes were lost on the way: the channel's
    subscribers are told to resync (read the database) before they get the message. Each
    resync told is a new dict with its own number, so whoever acts on it once per process
    (a cache dropped) can tell it from the copies other subscribers got."""

    def __init__(self) -> None:
        self.subscribers: dict[str, set[Subscriber]] = defaultdict(set)
        self.last_seq: dict[str, int] = {}
        self.resyncs = 0

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
                self.last_seq.pop(channel, None)
                empty.append(channel)
        return empty

    def deliver(self, channel: str, message: Message) -> None:
        seq = message.get("seq")
        if isinstance(seq, int):
            last = self.last_seq.get(channel)
            self.last_seq[channel] = seq
            if last is not None and seq != last + 1:
                log.info("gap on %s (%d after %d): its subscribers resync", channel, seq, last)
                self._offer_all(self.subscribers.get(channel, ()), self.resync())
        self._offer_all(self.subscribers.get(channel, ()), message)

    def resync(self) -> Message:
        self.resyncs += 1
        return {**RESYNC, "n": self.resyncs}

    def resync_all(self) -> None:
        self.last_seq.clear()
        self._offer_all({s for group in self.subscribers.values() for s in group}, self.resync())

    def _offer_all(self, subscribers: Iterable[Subscriber], message: Message) -> None:
        for subscriber in list(subscribers):
            if not subscriber.offer(message):
                log.warning("slow subscriber dropped", extra={"channels": subscriber.channels})
                self.remove(subscriber)

    def channels(self) -> list[str]:
        return list(self.subscribers)


class InProcessBroker:
    """The embedded default: one process, no network."""

    def __init__(self) -> None:
        self._fanout = _Fanout()
        self._seq: dict[str, int] = defaultdict(int)

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._fanout.subscribers.clear()

    async def ping(self) -> None:
        return None

    async def publish(self, channel: str, message: Message) -> None:
        self._seq[channel] += 1
        self._fanout.deliver(channel, {**message, "seq": self._seq[channel]})

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

    def __init__(
        self, url: str, options: RedisOptions | None = None, retry_delay: float = 0.5
    ) -> None:
        self._url = url
        self._options = options or RedisOptions()
        self._retry_delay = retry_delay
        self._client: aioredis.Redis | None = None
        self._in_sequence: Any = None  # the registered publishing script
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._sender: asyncio.Task[None] | None = None
        self._outbox: asyncio.Queue[tuple[str, Message]] = asyncio.Queue(
            max(1, self._options.publish_queue)
        )
        self._lock = asyncio.Lock()
        self._fanout = _Fanout()
        self._closing = False
        self._lost = False  # pushes were dropped: a resync is owed once Redis answers
        self._resubscribed = False  # the subscription was dropped outside the reader
        self._untold = 0  # drops not yet logged
        self._told_at = float("-inf")
        self.reconnects = 0
        self.dropped = 0  # pushes dropped since start (full outbox or Redis not answering)

    @property
    def client(self) -> aioredis.Redis:
        if self._client is None:
            raise RuntimeError("broker not started")
        return self._client

    async def start(self) -> None:
        self._client = redis_client(self._url, self._options, decode_responses=True)
        self._reader = asyncio.create_task(self._read(), name="redis-broker-reader")
        self._sender = asyncio.create_task(self._send_loop(), name="redis-broker-sender")

    async def close(self) -> None:
        """Pushes still queued get one timeout's worth of chances to leave."""
        if self._sender is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._outbox.join(), self._options.timeout)
        self._closing = True
        for task in (self._sender, self._reader):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self._drop_pubsub()
        if self._client is not None:
            await self._client.aclose()
        self._tell_drops(force=True)

    async def ping(self) -> None:
        await self.client.ping()  # type: ignore[misc]  # redis-py types sync and async alike

    async def publish(self, channel: str, message: Message) -> None:
        """Queued for the sender task: returns at once, whatever state Redis is in. When
        the outbox is full the oldest push is dropped (the resync heals it)."""
        if self._outbox.full():
            self._outbox.get_nowait()
            self._outbox.task_done()
            self._dropped()
        self._outbox.put_nowait((channel, message))

    async def send(self, channel: str, message: Message) -> None:
        """PUBLISH now, numbered in the channel's sequence, waiting for Redis (at most the
        socket timeout); raises when it does not answer. The sender task's one way out."""
        if channel == RESYNC_CHANNEL:
            await self.client.publish(channel, json.dumps(message))
            return
        if self._in_sequence is None:
            self._in_sequence = self.client.register_script(_PUBLISH_IN_SEQUENCE)
        keys = [sequence_key(channel), channel]
        await self._in_sequence(keys=keys, args=[json.dumps(message), SEQUENCE_TTL_SECONDS])

    def _dropped(self, count: int = 1) -> None:
        self.dropped += count
        self._untold += count
        self._lost = True
        self._tell_drops()

    def _tell_drops(self, force: bool = False) -> None:
        at = time.monotonic()
        if self._untold and (force or at - self._told_at >= DROP_LOG_INTERVAL):
            log.warning(
                "%d redis push(es) dropped (%d since start); subscribers will resync",
                self._untold,
                self.dropped,
            )
            self._untold = 0
            self._told_at = at

    async def _send_loop(self) -> None:
        """Drain the outbox in order. A push Redis does not take is dropped, and once
        Redis answers again every process's subscribers are told to resync first."""
        down = False
        while True:
            channel, message = await self._outbox.get()
            try:
                if self._lost:
                    await self.send(RESYNC_CHANNEL, RESYNC)
                    self._lost = False
                await self.send(channel, message)
                if down:
                    log.info("redis publishing restored")
                down = False
            except (RedisError, OSError) as error:
                if not down:
                    log.warning(
                        "redis publish failed (%s); pushes are dropped until it answers", error
                    )
                down = True
                self._dropped()
                await asyncio.sleep(self._retry_delay)
            except Exception:  # an unserialisable message must not stop the sender
                log.exception("push to %s could not be sent", channel)
            finally:
                self._outbox.task_done()
            self._tell_drops()

    async def _drop_pubsub(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            with contextlib.suppress(Exception):
                await pubsub.aclose()

    async def _connect(self) -> None:
        """A fresh subscription connection, subscribed to every channel someone here wants
        and to the control channel that carries resyncs."""
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(RESYNC_CHANNEL, *self._fanout.channels())
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
                        if failed or self._resubscribed:
                            self._fanout.resync_all()
                        failed = self._resubscribed = False
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
                if item["channel"] == RESYNC_CHANNEL:
                    self._fanout.resync_all()  # pushes were lost somewhere: catch up
                    continue
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
                self._resubscribed = True
        try:
            yield subscriber
        finally:
            async with self._lock:
                empty = self._fanout.remove(subscriber)
                if empty and self._pubsub is not None:
                    with contextlib.suppress(RedisError, OSError):
                        await self._pubsub.unsubscribe(*empty)


def make_broker(redis_url: str | None, options: RedisOptions | None = None) -> Broker:
    return RedisBroker(redis_url, options) if redis_url else InProcessBroker()
