"""The configured broker (in-process, or real Redis in the full set) delivers what is published."""

import asyncio

from workorder.subscriptions.broker import InProcessBroker, RedisBroker, make_broker


async def test_published_messages_reach_every_subscriber_of_the_channel(settings):
    broker = make_broker(settings.redis_url)
    assert isinstance(broker, RedisBroker if settings.redis_url else InProcessBroker)
    await broker.start()
    try:
        await broker.ping()
        async with (
            broker.subscribe("user:1") as first,
            broker.subscribe("user:1") as second,
            broker.subscribe("user:2") as other,
        ):
            await asyncio.sleep(0.05)  # let Redis register the subscription
            await broker.publish("user:1", {"kind": "ASSIGNED", "ticket": 7})
            assert await asyncio.wait_for(first.get(), 5) == {"kind": "ASSIGNED", "ticket": 7}
            assert await asyncio.wait_for(second.get(), 5) == {"kind": "ASSIGNED", "ticket": 7}
            await asyncio.sleep(0.05)
            assert other.empty()
    finally:
        await broker.close()
