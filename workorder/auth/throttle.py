"""Login throttling: failed logins are counted per account and per client address.

Past either limit within the window, login is refused with RATE_LIMITED, the right password
included, until the oldest counted failure leaves the window (a moving window, from `limits`).
The account is what was typed (tenant and username), whether or not it exists, so an unknown
account is throttled exactly like a known one and the answers cannot tell them apart.
Only failures count: a busy office behind one address logs in freely, and a success clears
its account's count.

The counts live in Redis when REDIS_URL is set, so every server process shares them, and in
the process's memory otherwise. If Redis cannot be reached, login goes on unthrottled (with a
warning) rather than locking everybody out.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from workorder.auth.rate_limits import limits_storage
from workorder.errors import ErrorCode, FlowError
from workorder.subscriptions.broker import RedisOptions

if TYPE_CHECKING:
    from workorder.settings import Settings

log = logging.getLogger(__name__)

KEY_PREFIX = "workorder:login-failures"


@dataclass(frozen=True, slots=True)
class ThrottleLimits:
    """Failures allowed within the window (0: no limit): for one account from one address
    (the lock a guesser meets), for one account from everywhere (guessing spread over many
    addresses), and from one address over every account.

    The per-account lock is keyed on the address too, so that a stranger's wrong passwords
    do not lock the owner out from where they work; only far more failures, from many
    addresses, lock the account everywhere. The address limit is high because an office
    behind one NAT shares it."""

    per_account: int = 5
    per_account_total: int = 50
    per_address: int = 100
    window_seconds: int = 900


class LoginThrottled(FlowError):
    """Too many failed logins; `retry_after` says in how many seconds one more is allowed."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            ErrorCode.RATE_LIMITED,
            f"Too many failed logins. Try again in {retry_after} seconds.",
        )
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Attempt:
    """One login attempt's counters: the account typed and the address it came from."""

    account: str
    address: str | None


def _digest(*parts: str) -> str:
    """Keys stay short and carry no username, however long or odd the input."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


class LoginThrottle:
    def __init__(
        self,
        limits: ThrottleLimits,
        redis_url: str | None = None,
        options: RedisOptions | None = None,
    ) -> None:
        self._storage, self._pool = limits_storage(redis_url, options or RedisOptions(), KEY_PREFIX)
        self._limiter = MovingWindowRateLimiter(self._storage)
        window = limits.window_seconds
        self._account: RateLimitItem | None = (
            RateLimitItemPerSecond(limits.per_account, window, namespace="account-address")
            if limits.per_account > 0
            else None
        )
        self._account_total: RateLimitItem | None = (
            RateLimitItemPerSecond(limits.per_account_total, window, namespace="account")
            if limits.per_account_total > 0
            else None
        )
        self._address: RateLimitItem | None = (
            RateLimitItemPerSecond(limits.per_address, window, namespace="address")
            if limits.per_address > 0
            else None
        )

    @classmethod
    def of(cls, settings: Settings) -> LoginThrottle:
        limits = ThrottleLimits(
            per_account=settings.login_failures_per_account,
            per_account_total=settings.login_failures_per_account_total,
            per_address=settings.login_failures_per_address,
            window_seconds=settings.login_failure_window_seconds,
        )
        return cls(limits, settings.redis_url, RedisOptions.of(settings))

    @staticmethod
    def attempt(tenant: str, username: str, address: str | None) -> Attempt:
        # Tenant slugs and usernames are matched exactly at login, so the count is too.
        return Attempt(account=_digest(tenant, username), address=address)

    def _account_counters(self, attempt: Attempt) -> list[tuple[RateLimitItem, str]]:
        counters: list[tuple[RateLimitItem, str]] = []
        if self._account is not None:
            counters.append((self._account, _digest(attempt.account, attempt.address or "")))
        if self._account_total is not None:
            counters.append((self._account_total, attempt.account))
        return counters

    def _counters(self, attempt: Attempt) -> list[tuple[RateLimitItem, str]]:
        counters = self._account_counters(attempt)
        if self._address is not None and attempt.address:
            counters.append((self._address, _digest(attempt.address)))
        return counters

    async def check(self, attempt: Attempt) -> None:
        """Raise LoginThrottled if the account or the address has used up its failures."""
        waits: list[float] = []
        try:
            for item, key in self._counters(attempt):
                if not await self._limiter.test(item, key):
                    stats = await self._limiter.get_window_stats(item, key)
                    waits.append(stats.reset_time - time.time())
        except StorageError as exc:
            log.warning("login throttle unavailable, not checked: %s", exc)
            return
        if waits:
            raise LoginThrottled(max(1, math.ceil(max(waits))))

    async def failed(self, attempt: Attempt) -> None:
        try:
            for item, key in self._counters(attempt):
                await self._limiter.hit(item, key)
        except StorageError as exc:
            log.warning("login throttle unavailable, failure not counted: %s", exc)

    async def succeeded(self, attempt: Attempt) -> None:
        """The owner proved who they are: their account's counts start again (the
        address's does not, or one known account would let an address guess on others)."""
        try:
            for item, key in self._account_counters(attempt):
                await self._limiter.clear(item, key)
        except StorageError as exc:
            log.warning("login throttle unavailable, count not cleared: %s", exc)

    async def reset(self) -> None:
        """Forget every count (an operator's "unlock everyone", and tests' clean slate)."""
        await self._storage.reset()

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
