"""Running jobs: claiming one under a lease, finding those due, and executing a job's items
(or its whole work) exactly once across crashes. What a job is, its kinds and how it is
started are in `flows.batch.jobs`; the rules of both are described there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from workorder.auth.actor import Actor, Scope
from workorder.clock import now
from workorder.errors import ErrorCode, FlowError, forbidden
from workorder.flows.batch.jobs import (
    DEFAULT_LEASE,
    KINDS,
    ItemJobKind,
    JobEnv,
    LeaseLost,
    WholeJobKind,
    report,
)
from workorder.flows.unit_of_work import Bus, unit_of_work
from workorder.models import Job, JobStatus, User
from workorder.storage import Storage
from workorder.subscriptions.messages import JobUpdated

log = logging.getLogger(__name__)

T = TypeVar("T")
CHUNK = 50  # items between two looks at the job (cancel, stop) and two progress pushes
MAX_ERRORS = 1000  # per-item errors kept; `failed` counts them all
STALE_TRIES = 3  # a ticket changed under an item is read again and retried this often
INTERNAL = "INTERNAL"  # the error code of an item that failed unexpectedly (logged)


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


async def _actor_of(job: Job) -> Actor:
    """Who started the job, with the token scopes they had, if they still may act."""
    user = await User.filter(
        id=job.params.get("user_id"), tenant_id=job.tenant_id, active=True, tenant__active=True
    ).first()
    if user is None:
        raise forbidden("The user who started this job can no longer act")
    stored = job.params.get("scopes")
    scopes = frozenset(Scope(s) for s in stored) if stored else frozenset(Scope)
    return Actor.of(user, scopes=scopes)


@dataclass
class _Progress:
    """The runner's copy of the job's counts; only the lease holder writes them."""

    job_id: int
    owner: str
    lease: timedelta
    done: int
    failed: int
    errors: list[Any]

    @property
    def position(self) -> int:
        return self.done + self.failed

    async def commit(self, error: dict[str, Any] | None) -> None:
        """Advance the marker, in the caller's transaction; LeaseLost if no longer ours."""
        done, failed, errors = self.done, self.failed, self.errors
        changes: dict[str, Any] = {}
        if error is None:
            done += 1
        else:
            failed += 1
            if len(errors) < MAX_ERRORS:
                errors = [*errors, error]
                changes["errors"] = errors
        at = now()
        written = await Job.filter(
            id=self.job_id, status=JobStatus.RUNNING, lease_owner=self.owner
        ).update(done=done, failed=failed, lease_until=at + self.lease, updated_at=at, **changes)
        if not written:
            raise LeaseLost(self.job_id)
        self.done, self.failed, self.errors = done, failed, errors


def _error(
    kind: ItemJobKind, item: int, code: str, message: str, field: list[str] | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {kind.item_key: item, "code": code, "message": message}
    if field:
        error["field"] = field
    return error


async def _work_item(
    kind: ItemJobKind,
    actor: Actor,
    prepared: Any,
    item: int,
    progress: _Progress,
    env: JobEnv,
) -> None:
    """One item and its marker, committed together (see the module docstring)."""
    for attempt in range(1, STALE_TRIES + 1):
        async with unit_of_work(env.bus) as uow:
            mark = len(uow.outgoing)
            try:
                async with in_transaction():  # a savepoint: a refusal undoes its own part only
                    await kind.run_item(actor, prepared, item, env)
            except FlowError as refused:
                del uow.outgoing[mark:]  # nothing of a refused item is announced
                if refused.code == ErrorCode.STALE and attempt < STALE_TRIES:
                    continue  # changed under us (we sent no version): read it again
                error = _error(kind, item, str(refused.code), refused.message, refused.field)
                await progress.commit(error)
                return
            await progress.commit(None)
            return


async def _record_unexpected(
    kind: ItemJobKind, item: int, progress: _Progress, exc: Exception
) -> None:
    """An item that broke unexpectedly is rolled back, logged, and counted as failed, so one
    bad ticket cannot stall the job; if even that cannot be written, the job is left to be
    resumed once its lease runs out."""
    log.error("job %s: item %s failed unexpectedly", progress.job_id, item, exc_info=exc)
    async with in_transaction():
        await progress.commit(_error(kind, item, INTERNAL, "Unexpected error (logged)"))


async def _finish(
    progress: _Progress, status: JobStatus, bus: Bus | None, **changes: Any
) -> Job | None:
    """The job's final state, if it is still ours to write."""
    async with unit_of_work(bus) as uow:
        written = await Job.filter(
            id=progress.job_id, status=JobStatus.RUNNING, lease_owner=progress.owner
        ).update(status=status, finished_at=now(), lease_until=None, updated_at=now(), **changes)
        if not written:
            return None
        job = await Job.get(id=progress.job_id)
        uow.publish(JobUpdated.of(job))
    return job


async def _release(progress: _Progress, bus: Bus | None) -> None:
    """Stopping (server shutdown): back to QUEUED, free for any runner at once."""
    await Job.filter(
        id=progress.job_id, status=JobStatus.RUNNING, lease_owner=progress.owner
    ).update(status=JobStatus.QUEUED, lease_until=now(), updated_at=now())
    await report(progress.job_id, bus=bus)


async def _still_ours(progress: _Progress) -> bool:
    return await Job.filter(
        id=progress.job_id, status=JobStatus.RUNNING, lease_owner=progress.owner
    ).exists()


OnProgress = Callable[[Job], Awaitable[None]]


async def execute(
    job: Job,
    owner: str,
    *,
    bus: Bus | None,
    storage: Storage | None = None,
    lease: timedelta = DEFAULT_LEASE,
    chunk: int | None = None,
    stopping: Callable[[], bool] | None = None,
    on_progress: OnProgress | None = None,
) -> Job | None:
    """Run (or resume) a job this runner has claimed, to its end, a cancel, a lost lease or
    `stopping()`. Returns the job as it was left, or None when it was not ours any more."""
    env = JobEnv(bus, storage)
    progress = _Progress(job.id, owner, lease, job.done, job.failed, list(job.errors or []))
    kind = KINDS.get(job.kind)
    if kind is None:
        error = {"code": ErrorCode.INVALID.value, "message": f"Unknown kind of job: {job.kind}"}
        return await _finish(progress, JobStatus.FAILED, bus, errors=[*progress.errors, error])
    stopping = stopping or _never
    try:
        actor = await _actor_of(job)
        kind.check(actor)
        if isinstance(kind, WholeJobKind):
            return await _execute_whole(kind, actor, job, progress, env, stopping, on_progress)
        return await _execute_items(
            kind, actor, job, progress, env, chunk or CHUNK, stopping, on_progress
        )
    except FlowError as refused:
        error = {"code": refused.code.value, "message": refused.message}
        return await _finish(progress, JobStatus.FAILED, bus, errors=[*progress.errors, error])
    except LeaseLost:
        return None  # cancelled, or taken over: what was in flight was rolled back


def _never() -> bool:
    return False


async def _execute_items(
    kind: ItemJobKind,
    actor: Actor,
    job: Job,
    progress: _Progress,
    env: JobEnv,
    chunk: int,
    stopping: Callable[[], bool],
    on_progress: OnProgress | None,
) -> Job | None:
    ids = job.result.get("ids") if isinstance(job.result, dict) else None
    try:
        if ids is None:  # the first start: the selection is fixed now, once
            ids = await kind.select(actor, job.params, env)
            written = await Job.filter(
                id=job.id, status=JobStatus.RUNNING, lease_owner=progress.owner
            ).update(result={**(job.result or {}), "ids": ids}, total=len(ids), updated_at=now())
            if not written:
                return None
        prepared = await kind.prepare(actor, job.params, env)
    except (FlowError, LeaseLost):
        raise
    except Exception:
        return await _failed_unexpectedly(job, progress, env)
    await report(job.id, bus=env.bus)
    while progress.position < len(ids):
        if not await _still_ours(progress):
            return None  # cancelled, or another runner has it
        if stopping():
            await _release(progress, env.bus)
            return await Job.get(id=job.id)
        for item in ids[progress.position : progress.position + chunk]:
            before = (progress.done, progress.failed, progress.errors)
            try:
                await _work_item(kind, actor, prepared, item, progress, env)
            except LeaseLost:
                raise
            except Exception as exc:
                # Rolled back, even if it failed as late as its commit: so are the counts.
                progress.done, progress.failed, progress.errors = before
                await _record_unexpected(kind, item, progress, exc)
        current = await report(job.id, bus=env.bus)
        if on_progress is not None:
            await on_progress(current)
    return await _finish(progress, JobStatus.DONE, env.bus)


async def _execute_whole(
    kind: WholeJobKind,
    actor: Actor,
    job: Job,
    progress: _Progress,
    env: JobEnv,
    stopping: Callable[[], bool],
    on_progress: OnProgress | None,
) -> Job | None:
    """From the start, every time: counts are reset, the result is written at the end."""

    async def step(done: int, total: int) -> None:
        at = now()
        written = await Job.filter(
            id=job.id, status=JobStatus.RUNNING, lease_owner=progress.owner
        ).update(done=done, total=total, lease_until=at + progress.lease, updated_at=at)
        if not written:
            raise LeaseLost(job.id)
        current = await report(job.id, bus=env.bus)
        if on_progress is not None:
            await on_progress(current)

    await step(0, job.total)
    try:
        result = await _holding_lease(progress, kind.run(actor, job, env, step, stopping))
    except (FlowError, LeaseLost):
        raise
    except Exception:
        return await _failed_unexpectedly(job, progress, env)
    if result is None:
        await _release(progress, env.bus)
        return await Job.get(id=job.id)
    merged = {**(job.result or {}), **result}
    return await _finish(progress, JobStatus.DONE, env.bus, result=merged)


async def _failed_unexpectedly(job: Job, progress: _Progress, env: JobEnv) -> Job | None:
    """A job that broke outside any item (reading its file, writing its result): running it
    again would break the same way, so it ends FAILED rather than coming back with every
    lease. The cause is logged, never shown."""
    log.exception("job %s (%s) failed unexpectedly", job.id, job.kind)
    error = {"code": INTERNAL, "message": "Unexpected error (logged)"}
    return await _finish(progress, JobStatus.FAILED, env.bus, errors=[*progress.errors, error])


async def _holding_lease(progress: _Progress, work: Awaitable[T]) -> T:
    """Run `work` while renewing the lease every third of it: a whole job may spend long
    stretches between two progress reports (finishing and storing a large file), and a lease
    that ran out meanwhile would hand the job to another runner, to start over. Should the
    lease be lost all the same (cancelled, taken over), the work is stopped: LeaseLost."""
    task = asyncio.ensure_future(work)
    lost = False

    async def renew() -> None:
        nonlocal lost
        while True:
            await asyncio.sleep(progress.lease.total_seconds() / 3)
            at = now()
            kept = await Job.filter(
                id=progress.job_id, status=JobStatus.RUNNING, lease_owner=progress.owner
            ).update(lease_until=at + progress.lease, updated_at=at)
            if not kept:
                lost = True
                task.cancel()
                return

    keeper = asyncio.create_task(renew())
    try:
        return await task
    except asyncio.CancelledError:
        if lost:
            raise LeaseLost(progress.job_id) from None
        raise
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper
