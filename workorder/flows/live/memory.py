"""What a process's open sockets keep in memory together, so that a push costs the database
once and not once per socket: the reach of each user with a socket open, and whatever one
push makes every socket read (a queue's counts, a user's unread count).

Kept per broker (one per process and app), not per module, so two apps in one process (the
tests) never share it. Reaches are forgotten when the broker says they changed (`ReachChanged`
on the tenant's reach channel), and every one of them when it says pushes were lost (a
resync): what was missed may have been such a change.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from workorder.auth.actor import Actor
from workorder.auth.visibility import Reach, look_up_reach
from workorder.subscriptions.broker import Broker, Message

T = TypeVar("T")
# Results of reads made for one push, kept for the other sockets that want the same; a push
# is handled by every socket within moments, so a short memory is enough.
SHARED_READS = 1024


class LiveMemory:
    def __init__(self) -> None:
        self._reaches: dict[tuple[int, int], Reach] = {}
        self._looking: dict[tuple[int, int], asyncio.Future[Reach]] = {}
        self._listeners: Counter[int] = Counter()  # open streams per tenant
        self._generation = 0  # bumped by every forget: a lookup begun before stores nothing
        self._forgotten: OrderedDict[Hashable, None] = OrderedDict()
        self._shared: OrderedDict[Hashable, asyncio.Future[Any]] = OrderedDict()
        self._decoded: OrderedDict[tuple[int, Hashable], tuple[Message, Any]] = OrderedDict()

    async def reach(self, actor: Actor) -> Reach:
        """The user's reach: from memory, or looked up once for every socket asking now."""
        key = (actor.tenant_id, actor.user_id)
        known = self._reaches.get(key)
        if known is not None:
            return known
        pending = self._looking.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        generation = self._generation
        future: asyncio.Future[Reach] = asyncio.get_running_loop().create_future()
        self._looking[key] = future
        try:
            reach = await look_up_reach(actor)
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: the waiters (if any) get it raised
            raise
        finally:
            del self._looking[key]
        if generation == self._generation and self._listeners.get(actor.tenant_id):
            self._reaches[key] = reach
        future.set_result(reach)
        return reach

    @asynccontextmanager
    async def listening(self, actor: Actor) -> AsyncIterator[Reach]:
        """A stream's hold on its tenant's reaches, entered once it listens on the tenant's
        reach channel; gives the user's reach. Reaches are kept only while some stream of
        the tenant listens (so every change since they were read was heard): when the last
        one ends they go, and the next stream reads afresh."""
        tenant = actor.tenant_id
        self._listeners[tenant] += 1
        try:
            yield await self.reach(actor)
        finally:
            self._listeners[tenant] -= 1
            if not self._listeners[tenant]:
                del self._listeners[tenant]
                self._drop(tenant)

    def _drop(self, tenant_id: int | None) -> None:
        self._generation += 1
        if tenant_id is None:
            self._reaches.clear()
        else:
            for key in [k for k in self._reaches if k[0] == tenant_id]:
                del self._reaches[key]

    def reset(self) -> None:
        """Forget everything read, as after a resync, and every mark of what was handled: for
        a process whose database was emptied under it (the tests empty theirs between tests
        and reuse ids; a reach kept for a (tenant, user) would then be another one's)."""
        self._drop(None)
        self._forgotten.clear()
        self._shared.clear()
        self._decoded.clear()

    def forget(self, message: Message, tenant_id: int | None = None) -> None:
        """Drop the reaches of a tenant (None: of everyone). Every socket that heard the
        message calls this; only the first call for one message drops anything, so reaches
        looked up again since are kept."""
        mark = (tenant_id, message.get("seq"), message.get("n"), id(message))
        if mark in self._forgotten:
            return
        self._forgotten[mark] = None
        if len(self._forgotten) > SHARED_READS:
            self._forgotten.popitem(last=False)
        self._drop(tenant_id)

    def decoded(self, message: Message, what: Hashable, decode: Callable[[Message], T]) -> T:
        """`decode(message)` done once for every subscriber of this process: they all hold
        the same dict for one push (kept with the result, so its id is not reused)."""
        key = (id(message), what)
        found = self._decoded.get(key)
        if found is not None and found[0] is message:
            result: T = found[1]
            return result
        value = decode(message)
        self._decoded[key] = (message, value)
        if len(self._decoded) > SHARED_READS:
            self._decoded.popitem(last=False)
        return value

    async def once(self, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
        """`read()` run once for everyone asking with the same key (a push and what it
        reads), in a task of its own so that a socket closing midway stops nobody else."""
        future = self._shared.get(key)
        if future is None:
            future = asyncio.ensure_future(read())
            self._shared[key] = future
            future.add_done_callback(lambda done: self._drop_failed(key, done))
            if len(self._shared) > SHARED_READS:
                self._shared.popitem(last=False)
        result: T = await asyncio.shield(future)
        return result

    def _drop_failed(self, key: Hashable, done: asyncio.Future[Any]) -> None:
        """A read that failed is tried again by the next socket that wants it."""
        if not done.cancelled() and done.exception() is None:
            return
        if self._shared.get(key) is done:
            del self._shared[key]


_memories: weakref.WeakKeyDictionary[Broker, LiveMemory] = weakref.WeakKeyDictionary()


def memory_of(broker: Broker) -> LiveMemory:
    memory = _memories.get(broker)
    if memory is None:
        memory = _memories[broker] = LiveMemory()
    return memory
