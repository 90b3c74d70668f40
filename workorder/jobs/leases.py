"""Leases: which runner may work on a job, and until when.

`lease_until` says from when a runner may take the job: now for a new job, the end of the
current lease while one runs, NULL for rows nobody should run (finished, or tracked by
whoever made them). Claiming is one conditional UPDATE whose row count decides the winner on
SQLite and PostgreSQL alike; every committed item renews the lease, and a whole job renews
it on a timer while it works (`holding_lease`). A runner that stalls past its lease loses
the job to whoever claims it next; its own writes, guarded by `lease_owner`, then match no
row (LeaseLost).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import uuid
from collections.abc import Awaitable
from datetime import datetime, timedelta
from typing import TypeVar

from tortoise.expressions import Q

from workorder.clock import now
from workorder.models import Job, JobStatus

T = TypeVar("T")
DEFAULT_LEASE = timedelta(seconds=60)


class LeaseLost(Exception):
    """This runner no longer owns the job: cancelled, or taken over after its lease ran out."""


def runner_id(role: str) -> str:
    """A lease owner's name: unique per runner, and says where it runs."""
    return f"{role}:{socket.gethostname()}:{uuid.uuid4().hex[:12]}"


def _claimable(at: datetime) -> Q:
    """Queued and due, or running on a lease that ran out."""
    return Q(status__in=[JobStatus.QUEUED, JobStatus.RUNNING], lease_until__lt=at)


async def claim_job(job_id: int, owner: str, lease: timedelta = DEFAULT_LEASE) -> Job | None:
    """Take the job if nobody holds it: one conditional UPDATE, its row count decides."""
    at = now()
    taken = await Job.filter(Q(id=job_id) & _claimable(at)).update(
        status=JobStatus.RUNNING, lease_owner=owner, lease_until=at + lease, updated_at=at
    )
    if not taken:
        return None
    job = await Job.get(id=job_id)
    if job.started_at is None:
        await Job.filter(id=job_id, lease_owner=owner).update(started_at=at)
        job.started_at = at
    return job


async def due_jobs(limit: int = 10, *, queued_before: datetime | None = None) -> list[int]:
    """Jobs a runner could claim now, oldest first (`queued_before`: only new jobs created
    before then — for sweepers that leave fresh ones to the queue)."""
    at = now()
    where = _claimable(at)
    if queued_before is not None:
        where &= Q(status=JobStatus.RUNNING) | Q(created_at__lt=queued_before)
    query = Job.filter(where).order_by("id").limit(limit)
    ids: list[int] = await query.values_list("id", flat=True)  # type: ignore[assignment]
    return ids


async def holding_lease(job_id: int, owner: str, lease: timedelta, work: Awaitable[T]) -> T:
    """Run `work` while renewing the lease every third of it: a whole job may spend long
    stretches between two progress reports (finishing and storing a large file), and a lease
    that ran out meanwhile would hand the job to another runner, to start over. Should the
    lease be lost all the same (cancelled, taken over), the work is stopped: LeaseLost."""
    task = asyncio.ensure_future(work)
    lost = False

    async def renew() -> None:
        nonlocal lost
        while True:
            await asyncio.sleep(lease.total_seconds() / 3)
            at = now()
            kept = await Job.filter(id=job_id, status=JobStatus.RUNNING, lease_owner=owner).update(
                lease_until=at + lease, updated_at=at
            )
            if not kept:
                lost = True
                task.cancel()
                return

    keeper = asyncio.create_task(renew())
    try:
        return await task
    except asyncio.CancelledError:
        if lost:
            raise LeaseLost(job_id) from None
        raise
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper
