"""The scans a server runs every few seconds (SLA breaches, due reminders).

Their rows are the schedule: a round that fails (the database away for a moment) is logged
and the next round finds what it missed, so nothing is lost and nothing needs a timer that
would die with the process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from workorder.clock import now
from workorder.flows.unit_of_work import Bus, bind_bus

log = logging.getLogger(__name__)


async def run_every(
    interval: float,
    stop: asyncio.Event,
    bus: Bus | None,
    scan: Callable[[datetime], Awaitable[int]],
    what: str,
) -> None:
    """`scan(now)` every `interval` seconds until `stop` is set, its pushes on `bus`; a
    round that settles anything logs how many (`what`: what a round settles)."""
    while True:
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except TimeoutError:
            pass
        else:
            return
        try:
            with bind_bus(bus):
                settled = await scan(now())
        except Exception:  # the database may be away for a moment: try again next round
            log.exception("%s: the round failed", what)
            continue
        if settled:
            log.info("%s: %d", what, settled)
