"""One transaction per action; what it wants pushed is published only after it commits.

The bus the pushes go to is bound once where a request or a job begins (`bind_bus`: the
server per HTTP request and per WebSocket, the job runner and the worker per job, the SLA
scheduler per round), not handed down through every action: a unit of work takes the bus
bound when it begins. Nothing bound (a CLI command, a test that does not listen) means
nothing is published; the rows are stored all the same.

A push that cannot be delivered is logged and dropped: the notification rows were stored in
the transaction, so a client that reconnects still gets them. A bus's publish must not wait
on the network (the Redis broker only queues it for its sender task): the response of an
action that has committed is not held by Redis.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from tortoise.transactions import in_transaction

from workorder.subscriptions.messages import Push

log = logging.getLogger(__name__)


class Bus(Protocol):
    async def publish(self, channel: str, message: dict[str, Any]) -> None: ...


Finish = Callable[[], Awaitable[Sequence[Push]]]


Committing = Callable[[], Awaitable[None]]
# Tells the job runners a job row is waiting (a wake-up call: they also look on their own).
Wake = Callable[[int], Awaitable[None]]


class UnitOfWork:
    def __init__(self) -> None:
        self.outgoing: list[Push | Finish] = []
        self.committing: list[Committing] = []
        self.jobs: list[int] = []

    def before_commit(self, write: Committing) -> None:
        """Run `write` at the end of the transaction, once every change of the action is in:
        rows that must commit with the action but depend on all of it (webhook deliveries,
        which show what the action's end state lets their owner see)."""
        self.committing.append(write)

    def wake_after_commit(self, job_id: int) -> None:
        """A job row written in this transaction: its runners are told once it commits."""
        self.jobs.append(job_id)

    def publish(self, push: Push) -> None:
        """Queue a push; it leaves only if the transaction commits."""
        self.outgoing.append(push)

    def publish_after_commit(self, finish: Finish) -> None:
        """Queue pushes made after the commit: ones that carry facts as committed (who may
        see a ticket once every change of the action is in)."""
        self.outgoing.append(finish)


_current: ContextVar[UnitOfWork | None] = ContextVar("unit_of_work", default=None)
# A context variable, so each request, socket and job has its own, and the tasks a request
# starts (strawberry's WebSocket operations) inherit it from the task that created them.
_bus: ContextVar[Bus | None] = ContextVar("bus", default=None)
_wake: ContextVar[Wake | None] = ContextVar("wake", default=None)


@contextmanager
def bind_bus(bus: Bus | None) -> Iterator[None]:
    """Inside this block, units of work publish to `bus` (None: to nothing)."""
    token = _bus.set(bus)
    try:
        yield
    finally:
        _bus.reset(token)


def bound_bus() -> Bus | None:
    return _bus.get()


@contextmanager
def bind_jobs(wake: Wake | None) -> Iterator[None]:
    """Inside this block, jobs written by units of work are announced through `wake` after
    commit (None: the runners find them on their next look)."""
    token = _wake.set(wake)
    try:
        yield
    finally:
        _wake.reset(token)


def current_unit() -> UnitOfWork:
    """The unit of work running now (for writers that run inside one, e.g. `before_commit`)."""
    uow = _current.get()
    if uow is None:
        raise RuntimeError("not inside a unit of work")
    return uow


@asynccontextmanager
async def unit_of_work() -> AsyncIterator[UnitOfWork]:
    """Nested units (an action that runs another) share the outermost one: its commit is the
    one that counts, so only it publishes."""
    outer = _current.get()
    if outer is not None:
        async with in_transaction():
            yield outer
        return
    bus, wake = _bus.get(), _wake.get()
    uow = UnitOfWork()
    token = _current.set(uow)
    try:
        async with in_transaction():
            yield uow
            for write in uow.committing:
                await write()
    finally:
        _current.reset(token)
    if wake is not None:
        for job_id in uow.jobs:
            try:
                await wake(job_id)
            except Exception:  # a wake-up call only: the runners look on their own too
                log.exception("could not announce job %s", job_id)
    if bus is None:
        return
    for item in uow.outgoing:
        try:
            for push in await item() if callable(item) else [item]:
                await bus.publish(push.channel, push.to_dict())
        except Exception:  # a push is best effort: the rows are stored
            log.exception("a push after commit failed")
