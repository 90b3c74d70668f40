"""The unit of work publishes to the bus bound for the request or job, after its commit."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.applications import Starlette

from workorder.flows.unit_of_work import bind_bus, bound_bus, unit_of_work
from workorder.models import Tenant
from workorder.subscriptions.channels import user_channel
from workorder.subscriptions.messages import NotificationsRead


class Recorder:
    """A bus that keeps what it was asked to publish."""

    def __init__(self, failing: set[str] | None = None) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.failing = failing or set()

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        if channel in self.failing:
            raise ConnectionError("the bus is away")
        self.sent.append((channel, message))


def read(user_id: int, count: int = 1) -> NotificationsRead:
    return NotificationsRead(user_id, count)


async def stored(slug: str) -> bool:
    return await Tenant.filter(slug=slug).exists()


async def test_a_bound_bus_hears_the_pushes_after_the_commit():
    bus = Recorder()
    with bind_bus(bus):
        assert bound_bus() is bus
        async with unit_of_work() as uow:
            await Tenant.create(slug="acme", name="Acme")
            uow.publish(read(1))
            uow.publish(read(2))
            assert bus.sent == []  # still in the transaction
    assert bound_bus() is None  # the binding ends with its block
    assert await stored("acme")
    assert bus.sent == [
        (user_channel(1), {"kind": "READ", "count": 1}),
        (user_channel(2), {"kind": "READ", "count": 1}),
    ]


async def test_without_a_bound_bus_nothing_is_published_and_the_rows_are_stored():
    bus = Recorder()
    with bind_bus(bus):
        with bind_bus(None):  # e.g. a CLI command inside a process that has a bus
            async with unit_of_work() as uow:
                await Tenant.create(slug="quiet", name="Quiet")
                uow.publish(read(1))
        assert bound_bus() is bus
    async with unit_of_work() as uow:  # nothing bound at all
        await Tenant.create(slug="alone", name="Alone")
        uow.publish(read(1))
    assert bus.sent == []
    assert await stored("quiet") and await stored("alone")


async def test_a_nested_unit_publishes_once_with_the_outermost_commit():
    bus = Recorder()
    with bind_bus(bus):
        async with unit_of_work() as outer:
            outer.publish(read(1))
            async with unit_of_work() as inner:
                assert inner is outer
                inner.publish(read(2))
            assert bus.sent == []  # the inner commit is not the one that counts
    assert [channel for channel, _ in bus.sent] == [user_channel(1), user_channel(2)]


async def failing_action() -> None:
    async with unit_of_work() as uow:
        await Tenant.create(slug="undone", name="Undone")
        uow.publish(read(1))
        raise RuntimeError("the action failed")


async def test_a_rolled_back_unit_publishes_nothing():
    bus = Recorder()
    with bind_bus(bus), pytest.raises(RuntimeError):
        await failing_action()
    assert bus.sent == []
    assert not await stored("undone")


async def test_a_failing_publish_does_not_fail_the_action():
    bus = Recorder(failing={user_channel(1)})
    with bind_bus(bus):
        async with unit_of_work() as uow:
            await Tenant.create(slug="kept", name="Kept")
            uow.publish(read(1))
            uow.publish(read(2))
    assert await stored("kept")
    assert [channel for channel, _ in bus.sent] == [user_channel(2)]  # the next still left


async def test_each_task_keeps_its_own_binding():
    """Two jobs (or requests) at once, each bound to its own bus, and a task started inside
    a binding (a socket's operation) inherits it."""
    first, second = Recorder(), Recorder()

    async def job(bus: Recorder, user_id: int) -> None:
        with bind_bus(bus):
            await asyncio.sleep(0)  # let the other one bind in between
            async with unit_of_work() as uow:
                uow.publish(read(user_id))

    await asyncio.gather(job(first, 1), job(second, 2))
    with bind_bus(first):
        await asyncio.create_task(job_in_bound_task(3))
    assert [c for c, _ in first.sent] == [user_channel(1), user_channel(3)]
    assert [c for c, _ in second.sent] == [user_channel(2)]


async def job_in_bound_task(user_id: int) -> None:
    async with unit_of_work() as uow:
        uow.publish(read(user_id))


async def test_the_real_broker_delivers_what_a_bound_unit_published(app: Starlette):
    """Through this backend's broker (in-process, or Redis): an unbound unit's push never
    arrives, the bound one's does — so the first message heard is the bound one's."""
    broker = app.state.broker
    async with broker.subscribe([user_channel(7)]) as subscriber:
        async with unit_of_work() as uow:
            uow.publish(read(7, count=1))  # nothing bound
        with bind_bus(broker):
            async with unit_of_work() as uow:
                uow.publish(read(7, count=2))
        assert await subscriber.get(10) == {"kind": "READ", "count": 2, "seq": 1}
