"""The broker: delivery, a slow subscriber cut off without stalling others, and (full set)
Redis stopped and restarted under a live subscriber."""

import asyncio
import tempfile
from pathlib import Path

import pytest
from redis.exceptions import RedisError

from tests import services
from workorder.subscriptions.broker import (
    RESYNC,
    InProcessBroker,
    RedisBroker,
    SubscriberDropped,
    make_broker,
)


async def test_published_messages_reach_every_subscriber_of_the_channel(settings):
    broker = make_broker(settings.redis_url)
    assert isinstance(broker, RedisBroker if settings.redis_url else InProcessBroker)
    await broker.start()
    try:
        await broker.ping()
        async with (
            broker.subscribe(["user:1"]) as first,
            broker.subscribe(["user:1", "ticket:9"]) as second,
            broker.subscribe(["user:2"]) as other,
        ):
            await broker.publish("user:1", {"kind": "ASSIGNED", "ticket": 7})
            await broker.publish("ticket:9", {"eventId": 3})
            assert await first.get(5) == {"kind": "ASSIGNED", "ticket": 7}
            assert await second.get(5) == {"kind": "ASSIGNED", "ticket": 7}
            assert await second.get(5) == {"eventId": 3}
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
            assert await subscriber.get(5) == {"n": 1}

            redis.stop(keep_folder=True)
            await broker.publish("user:5", {"n": 2})  # returns at once; Redis takes none
            with pytest.raises((RedisError, OSError)):
                await broker.ping()
            await asyncio.sleep(0.5)  # the sender tried it and dropped it
            assert broker.dropped == 1

            redis = services.start_redis(folder, port=port)
            assert await subscriber.get(20) == RESYNC  # told to catch up from the database
            assert broker.reconnects == 1
            await broker.publish("user:5", {"n": 3})
            # The dropped push is announced by a resync from the sender, then n=3 arrives.
            assert [await subscriber.get(5) for _ in range(2)] == [RESYNC, {"n": 3}]
    finally:
        await broker.close()
        redis.stop()
