"""One transaction per action; what it wants pushed is published only after it commits.

A push that cannot be delivered is logged and dropped: the notification rows were stored in
the transaction, so a client that reconnects still gets them. A bus's publish must not wait
on the network (the Redis broker only queues it for its sender task): the response of an
action that has committed is not held by Redis.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from tortoise.transactions import in_transaction

from workorder.subscriptions.messages import Push

log = logging.getLogger(__name__)


class Bus(Protocol):
    async def publish(self, channel: str, message: dict[str, Any]) -> None: ...


class UnitOfWork:
    def __init__(self) -> None:
        self.outgoing: list[Push] = []

    def publish(self, push: Push) -> None:
        """Queue a push; it leaves only if the transaction commits."""
        self.outgoing.append(push)


_current: ContextVar[UnitOfWork | None] = ContextVar("unit_of_work", default=None)


@asynccontextmanager
async def unit_of_work(bus: Bus | None) -> AsyncIterator[UnitOfWork]:
    """Nested units (an action that runs another) share the outermost one: its commit is the
    one that counts, so only it publishes."""
    outer = _current.get()
    if outer is not None:
        async with in_transaction():
            yield outer
        return
    uow = UnitOfWork()
    token = _current.set(uow)
    try:
        async with in_transaction():
            yield uow
    finally:
        _current.reset(token)
    if bus is None:
        return
    for push in uow.outgoing:
        try:
            await bus.publish(push.channel, push.to_dict())
        except Exception:  # a push is best effort: the rows are stored
            log.exception("publish to %s failed after commit", push.channel)
