"""Request budgets: how many GraphQL cost points a caller may spend, and how many requests one
client address may make, per window.

A caller is an API token (each partner integration has its own budget), else a signed-in
user (all their sessions together), else the client address. Every operation spends its
cost (`schema/cost.py`) before it runs; a request over what is left is refused with
RATE_LIMITED and the seconds until enough is back. Every HTTP request and WebSocket
connection also counts against its address, whoever sends it, so a flood without a token is
stopped before anything else runs.

Counted with `limits`' sliding window counter (two counters per key, whatever the cost), in
Redis when REDIS_URL is set — every process shares the budgets — and in memory otherwise. A
Redis that cannot be reached lets requests through, with a warning, rather than refusing
every one.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import redis.asyncio as aioredis
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError

from workorder.subscriptions.broker import RedisOptions, redis_client

if TYPE_CHECKING:
    from workorder.auth.actor import Actor
    from workorder.settings import Settings

log = logging.getLogger(__name__)

KEY_PREFIX = "workorder:rate"


def limits_storage(
    redis_url: str | None, options: RedisOptions, key_prefix: str
) -> tuple[Storage, aioredis.ConnectionPool | None]:
    """`limits`' storage for the service: Redis with the service's timeouts (a frozen Redis
    holds a caller at most that long), or this process's memory."""
    if redis_url is None:
        return MemoryStorage(wrap_exceptions=True), None
    pool = redis_client(redis_url, options).connection_pool
    storage = RedisStorage(
        "async+" + redis_url,
        implementation="redispy",
        key_prefix=key_prefix,
        wrap_exceptions=True,
        connection_pool=pool,  # type: ignore[arg-type]
    )
    return storage, pool


@dataclass(frozen=True, slots=True)
class Spent:
    """What a request spent and what is left: the RateLimit-* headers and `extensions.cost`."""

    allowed: bool
    cost: int
    limit: int
    remaining: int
    reset_seconds: int

    @property
    def retry_after(self) -> int:
        return max(1, self.reset_seconds)


UNLIMITED = Spent(allowed=True, cost=0, limit=0, remaining=0, reset_seconds=0)


def caller_key(actor: Actor | None, address: str | None) -> str:
    if actor is not None and actor.api_token_id is not None:
        return f"token:{actor.api_token_id}"
    if actor is not None:
        return f"user:{actor.user_id}"
    return f"address:{address or 'unknown'}"


class RateLimits:
    def __init__(
        self,
        points: int,
        requests_per_address: int,
        window_seconds: int,
        redis_url: str | None = None,
        options: RedisOptions | None = None,
    ) -> None:
        self.window = window_seconds
        self._storage, self._pool = limits_storage(redis_url, options or RedisOptions(), KEY_PREFIX)
        self._limiter = SlidingWindowCounterRateLimiter(self._storage)
        self._points: RateLimitItem | None = (
            RateLimitItemPerSecond(points, window_seconds, namespace="points")
            if points > 0
            else None
        )
        self._requests: RateLimitItem | None = (
            RateLimitItemPerSecond(requests_per_address, window_seconds, namespace="requests")
            if requests_per_address > 0
            else None
        )

    @classmethod
    def of(cls, settings: Settings) -> RateLimits:
        return cls(
            settings.rate_limit_points,
            settings.rate_limit_requests_per_address,
            settings.rate_limit_window_seconds,
            settings.redis_url,
            RedisOptions.of(settings),
        )

    async def spend(self, caller: str, cost: int) -> Spent:
        """Spend `cost` points of the caller's budget, or nothing if it is not all there."""
        return await self._hit(self._points, caller, cost)

    async def refused_request(self, address: str) -> Spent | None:
        """Count one request (or connection, or socket message) from a client address: None
        when it may go on, else what the refusal tells (Retry-After, the headers). The
        window's figures are read only for a refusal: this runs on every request and every
        socket message, and with Redis each read is a round trip."""
        spent = await self._hit(self._requests, address, 1, report=False)
        return None if spent.allowed else spent

    async def _hit(
        self, item: RateLimitItem | None, key: str, cost: int, *, report: bool = True
    ) -> Spent:
        if item is None:
            return UNLIMITED
        try:
            allowed = cost <= 0 or await self._limiter.hit(item, key, cost=cost)
            if allowed and not report:
                return Spent(True, cost, item.amount, remaining=0, reset_seconds=0)
            stats = await self._limiter.get_window_stats(item, key)
        except StorageError as exc:
            log.warning("rate limits unavailable, not counted: %s", exc)
            return UNLIMITED
        if allowed:
            reset = math.ceil(max(0.0, stats.reset_time - time.time()))
        else:
            reset = self._wait_for(item, cost, stats.remaining)
        return Spent(allowed, cost, item.amount, stats.remaining, reset)

    def _wait_for(self, item: RateLimitItem, cost: int, remaining: int) -> int:
        """Seconds until `cost` points are back: the sliding counter gives back the previous
        window's count in proportion to time, so a share of the window per missing point."""
        missing = cost - remaining
        if missing > item.amount:  # more than a whole window holds: it will never fit
            return self.window
        return max(1, math.ceil(self.window * missing / item.amount))

    async def reset(self) -> None:
        """Forget every count (tests' clean slate; an operator's "let everyone in")."""
        await self._storage.reset()

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
