"""Telling "the database is away" from a bug, and saying so once per outage.

While PostgreSQL restarts or the network drops, every request fails the same way. Callers
(the HTTP edge, the GraphQL error mask) ask `is_outage` and answer 503 with `Retry-After`
instead of a masked 500; `noticed` logs one WARNING when an outage begins and a probe logs
one INFO when the database answers again, instead of a traceback per request.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import time
from typing import Final

import asyncpg  # type: ignore[import-untyped]  # ships no type information
from tortoise.exceptions import DBConnectionError

from workorder import db

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS: Final = 5
MESSAGE: Final = "The service is unavailable for a moment; try again shortly"
PROBE_SECONDS: Final = 1.0

# Connecting or talking to the server failed at the socket level.
_SOCKET_ERRNOS: Final = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.EHOSTUNREACH,
        errno.ENETUNREACH,
        errno.ETIMEDOUT,
        errno.EPIPE,
    }
)
# Socket failures, and the server saying it is going away or not taking connections
# (SQLSTATE classes 08, 57P0x, 53300); a cancelled statement (57014) is not an outage.
_OUTAGES: Final = (
    DBConnectionError,
    ConnectionError,
    socket.gaierror,
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
)
# asyncpg's InterfaceError also covers misuse (a bug); only these messages mean a lost line.
_LOST_LINE: Final = ("connection is closed", "connection was closed", "pool is closing")


def _one(exc: BaseException) -> bool:
    if isinstance(exc, _OUTAGES):
        return True
    if isinstance(exc, asyncpg.InterfaceError):
        return any(words in str(exc) for words in _LOST_LINE)
    # A plain OSError is what asyncio raises when every address refused ("Multiple
    # exceptions"); its subclasses for files (FileNotFoundError, ...) are not outages.
    return type(exc) is OSError and (exc.errno is None or exc.errno in _SOCKET_ERRNOS)


def is_outage(exc: BaseException) -> bool:
    """Whether `exc`, or what it wraps (tortoise re-raises driver errors), is a lost database."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if _one(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


class _State:
    """Process-wide: an outage is one event however many requests run into it."""

    def __init__(self) -> None:
        self.since: float | None = None
        self.probe: asyncio.Task[None] | None = None

    @property
    def down(self) -> bool:
        return self.since is not None


state = _State()


def noticed(exc: BaseException) -> None:
    """A request ran into an outage: the first one logs it and starts watching for the end."""
    if state.since is not None:
        return
    state.since = time.monotonic()
    log.warning(
        "database unreachable (%s: %s); answering 503 until it is back",
        type(exc).__name__,
        exc,
    )
    state.probe = asyncio.get_running_loop().create_task(_watch(), name="database-outage-probe")


async def _watch() -> None:
    try:
        while True:
            await asyncio.sleep(PROBE_SECONDS)
            try:
                await db.ping()
            except Exception as exc:
                if is_outage(exc):
                    continue
                return  # not a lost line (the ORM was closed at shutdown): nothing to watch
            assert state.since is not None
            log.info("database reachable again after %.1f s", time.monotonic() - state.since)
            return
    finally:
        state.since = None
        state.probe = None


class _DriverRetries(logging.Filter):
    """asyncpg's pool retries its lost connections and logs every failure with a traceback;
    during an outage that is the noise this module exists to replace with one warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None or not is_outage(exc):
            return True
        noticed(exc)
        return False


logging.getLogger("asyncpg.pool").addFilter(_DriverRetries())


_UNSTORABLE_TEXT = (
    asyncpg.exceptions.CharacterNotInRepertoireError,
    asyncpg.exceptions.UntranslatableCharacterError,
)


def is_unstorable_text(error: BaseException) -> bool:
    """Text PostgreSQL cannot hold (a NUL character): the client's input, not an outage and
    not our bug, so the answer is INVALID. Tortoise wraps the driver's error; its cause
    chain is walked as for outages."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, _UNSTORABLE_TEXT):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
