"""The broker: delivery, a slow subscriber cut off without stalling others, and (full set)
Redis stopped and restarted under a live subscriber."""

import asyncio
import tempfile
from pathlib import Path
from uuid import uuid4

import pytest
from redis.exceptions import RedisError

from tests import services
from workorder.subscriptions.broker import (
    RESYNC,
    InProcessBroker,
    RedisBroker,
    SubscriberDropped,
    make_broker,
    sequence_key,
)


def fresh(name: str) -> str:
    """A channel no other test of the session numbered (the full set shares one Redis)."""
    return f"{name}-{uuid4().hex[:8]}"


async def test_published_messages_reach_every_subscriber_of_the_channel(settings):
    user1, user2, ticket9 = fresh("user:1"), fresh("user:2"), fresh("ticket:9")
    broker = make_broker(settings.redis_url)
    assert isinstance(broker, RedisBroker if settings.redis_url else InProcessBroker)
    await broker.start()
    try:
        await broker.ping()
        async with (
            broker.subscribe([user1]) as first,
            broker.subscribe([user1, ticket9]) as second,
            broker.subscribe([user2]) as other,
        ):
            await broker.publish(user1, {"kind": "ASSIGNED", "ticket": 7})
            await broker.publish(ticket9, {"eventId": 3})
            assert await first.get(5) == {"kind": "ASSIGNED", "ticket": 7, "seq": 1}
            assert await second.get(5) == {"kind": "ASSIGNED", "ticket": 7, "seq": 1}
            assert await second.get(5) == {"eventId": 3, "seq": 1}
            assert await other.get(0.2) is None
    finally:
        await broker.close()


async def test_each_channel_numbers_its_pushes_whoever_publishes(settings):
    """Two brokers (two processes, with Redis) publish on one channel: its listeners see one
    sequence, 1, 2, 3, … (in whichever order the publishes land) so that a number skipped
    means a push was lost."""
    brokers = [make_broker(settings.redis_url) for _ in range(2)]
    if settings.redis_url is None:  # one process: one broker
        brokers = brokers[:1]
    for broker in brokers:
        await broker.start()
    try:
        channel = fresh("user:3")
        async with brokers[0].subscribe([channel]) as listener:
            for n in range(6):
                await brokers[n % len(brokers)].publish(channel, {"n": n})
            got = [await listener.get(5) for _ in range(6)]
        assert [(m or {}).get("seq") for m in got] == [1, 2, 3, 4, 5, 6]
        assert sorted((m or {}).get("n", -1) for m in got) == [0, 1, 2, 3, 4, 5]
    finally:
        for broker in brokers:
            await broker.close()


async def test_a_gap_in_a_channels_sequence_makes_its_subscribers_resync(settings):
    """A push lost on the way (here: numbered by Redis but never published) shows as a
    skipped number; the channel's subscribers are told to resync before the next push, and
    the subscribers of other channels are left alone."""
    ticket4, ticket5 = fresh("ticket:4"), fresh("ticket:5")
    broker = make_broker(settings.redis_url)
    await broker.start()
    try:
        async with (
            broker.subscribe([ticket4]) as watcher,
            broker.subscribe([ticket5]) as other,
        ):
            await broker.publish(ticket4, {"n": 1})
            assert await watcher.get(5) == {"n": 1, "seq": 1}
            if isinstance(broker, RedisBroker):
                await broker.client.incr(sequence_key(ticket4))  # lost between INCR and PUBLISH
            else:
                assert isinstance(broker, InProcessBroker)
                broker._seq[ticket4] += 1  # the in-process broker never loses one: pretend
            await broker.publish(ticket4, {"n": 2})
            resync = await watcher.get(5)
            assert resync is not None and resync["type"] == "resync"
            assert await watcher.get(5) == {"n": 2, "seq": 3}
            assert await other.get(0.2) is None
    finally:
        await broker.close()


async def test_a_slow_subscriber_is_dropped_and_never_stalls_the_others(settings):
    broker = make_broker(settings.redis_url)
    await broker.start()
    try:
        async with (
            broker.subscribe(["group:1"], size=3) as slow,
            broker.subscribe(["group:1"]) as fast,
        ):
            for n in range(10):
                await broker.publish("group:1", {"n": n})
            got = [await fast.get(5) for _ in range(10)]
            assert [m["n"] for m in got if m] == list(range(10))
            with pytest.raises(SubscriberDropped):
                await slow.get(1)
    finally:
        await broker.close()


def _bare(message: dict[str, object] | None) -> dict[str, object] | None:
    """A message without what the broker numbers it with (its seq, a resync's count)."""
    if message is None:
        return None
    numbers = ("seq", "n") if message.get("type") == "resync" else ("seq",)
    return {k: v for k, v in message.items() if k not in numbers}


@pytest.mark.full_only
async def test_redis_stopped_and_restarted_under_a_live_subscriber():
    folder = Path(tempfile.mkdtemp(prefix="workorder-redis-restart-"))
    redis = services.start_redis(folder)
    port = int(redis.url.rsplit(":", 1)[1].split("/")[0])
    broker = RedisBroker(redis.url, retry_delay=0.2)
    await broker.start()
    try:
        async with broker.subscribe(["user:5"]) as subscriber:
            await broker.publish("user:5", {"n": 1})
            assert _bare(await subscriber.get(5)) == {"n": 1}

            redis.stop(keep_folder=True)
            await broker.publish("user:5", {"n": 2})  # returns at once; Redis takes none
            with pytest.raises((RedisError, OSError)):
                await broker.ping()
            await asyncio.sleep(0.5)  # the sender tried it and dropped it
            assert broker.dropped == 1

            redis = services.start_redis(folder, port=port)
            assert _bare(await subscriber.get(20)) == RESYNC  # told to catch up from the database
            assert broker.reconnects == 1
            await broker.publish("user:5", {"n": 3})
            # The dropped push is announced by a resync from the sender, then n=3 arrives.
            assert [_bare(await subscriber.get(5)) for _ in range(2)] == [RESYNC, {"n": 3}]
    finally:
        await broker.close()
        redis.stop()
