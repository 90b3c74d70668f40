"""Password hashing with argon2id (argon2-cffi); never hand-rolled.

An argon2 hash or verification costs tens of milliseconds of CPU on purpose. Run on the event
loop it would stall every other request of the process (a flood of logins froze `/healthz`
for seconds), so each one runs in a worker thread (argon2-cffi releases the GIL), and a small
capacity limiter keeps a flood from taking more than a few cores: the rest wait their turn.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from enum import StrEnum
from functools import cache

import anyio
import anyio.to_thread
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError


class HashCost(StrEnum):
    """How much work one hash is. A hash records its own parameters, so a password hashed
    at one cost verifies at any, and is rehashed at the standard cost at its next login."""

    STANDARD = "standard"  # argon2-cffi's default: RFC 9106's low-memory profile
    TESTING = "testing"  # the cheapest argon2id: test suites only, refused in production


_HASHERS = {
    HashCost.STANDARD: PasswordHasher(),
    HashCost.TESTING: PasswordHasher.from_parameters(profiles.CHEAPEST),
}
_cost = [HashCost.STANDARD]


def use_cost(cost: HashCost) -> None:
    """Chosen once where the app or a command is built (PASSWORD_HASH_COST)."""
    _cost[0] = cost


def _hasher() -> PasswordHasher:
    return _HASHERS[_cost[0]]


@cache
def _dummy_hash(cost: HashCost) -> str:
    """Verified against when the user does not exist, so that a wrong username costs the
    same time as a wrong password and the two cannot be told apart."""
    return _HASHERS[cost].hash("workorder-no-such-user")


MIN_PASSWORD_LENGTH = 8
# argon2id uses 64 MiB per hash; a couple of cores is what a login flood may take.
HASHING_THREADS = max(1, min(4, os.cpu_count() or 1))


@cache
def _limiter() -> anyio.CapacityLimiter:
    """Made on first use, inside the running event loop, not at import."""
    return anyio.CapacityLimiter(HASHING_THREADS)


class Turn:
    """The right to run one argon2 operation now (see `turn`)."""

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """False for a missing user too, after the same work as for a wrong password."""
        # The turn already holds one of our limiter's tokens; the thread itself comes from
        # anyio's default pool.
        return await anyio.to_thread.run_sync(_verify, password_hash, password)

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(_hasher().hash, password)


@asynccontextmanager
async def turn() -> AsyncIterator[Turn]:
    """Wait for a hashing slot and hold it for the block.

    Login holds it around checking the throttle, verifying and counting the failure, so no
    more than HASHING_THREADS guesses per process can be in flight past one check.
    """
    async with _limiter():
        yield Turn()


def _verify(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    try:
        checked = hasher.verify(password_hash or _dummy_hash(_cost[0]), password)
    except (VerificationError, InvalidHashError):
        return False
    return checked and password_hash is not None


async def hash_password(password: str) -> str:
    async with turn() as slot:
        return await slot.hash(password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    async with turn() as slot:
        return await slot.verify(password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
