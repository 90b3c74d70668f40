"""Executing a claimed job: its items exactly once across crashes, or its whole work.

Exactly once, across crashes. Each item is ONE transaction holding both the change and the
job's progress marker: the kind's `run_item` (for a batch, the single action's flow function)
runs inside the item's unit of work, and the same transaction advances `done` (or `failed`,
with the error) with an UPDATE guarded by the runner's lease
(`WHERE id = ? AND status = RUNNING AND lease_owner = ?`). The list is ordered, so
`done + failed` is the position of the next item: a runner that dies mid-item loses that
item's change together with its marker, and whoever resumes starts exactly there. A runner
that lost its lease (it stalled, another runner took over) or whose job was cancelled finds
the guard matching no row and rolls the item back, so two runners never both apply one
item. We chose this over checking each ticket's event trail for a job marker because it
needs nothing from the flows (no job id threaded through every action, no trail lookups),
holds for every kind of item, and also covers the refusals: a refused item is recorded once.

Items are read in chunks (CHUNK); between chunks the runner looks for a cancel (or a
server stop) and publishes progress to `jobProgress`. A cancel also stops the item in
flight: its guarded commit finds the job no longer RUNNING and rolls back.

A whole job (an export) starts over each time it is claimed, renews its lease on a timer
while it works (`leases.holding_lease`) and records its result once, as the lease holder.
The kind of a job is looked up in the `JobKinds` the runner was built with.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tortoise.transactions import in_transaction

from workorder.auth.actor import Actor, Scope
from workorder.clock import now
from workorder.errors import ErrorCode, FlowError, forbidden
from workorder.flows.batch.jobs import SELECTION, JobEnv
from workorder.flows.unit_of_work import unit_of_work
from workorder.flows.webhooks import outbox as webhooks
from workorder.jobs.kinds import ItemJobKind, WholeJobKind
from workorder.jobs.leases import DEFAULT_LEASE, LeaseLost, holding_lease
from workorder.jobs.progress import report
from workorder.jobs.registry import JobKinds
from workorder.models import Job, JobStatus, User
from workorder.storage import Storage
from workorder.subscriptions.messages import JobUpdated

log = logging.getLogger(__name__)

CHUNK = 50  # items between two looks at the job (cancel, stop) and two progress pushes
MAX_ERRORS = 1000  # per-item errors kept; `failed` counts them all
STALE_TRIES = 3  # a ticket changed under an item is read again and retried this often
INTERNAL = "INTERNAL"  # the error code of an item that failed unexpectedly (logged)


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
        async with unit_of_work() as uow:
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


async def _finish(progress: _Progress, status: JobStatus, **changes: Any) -> Job | None:
    """The job's final state, if it is still ours to write."""
    async with unit_of_work() as uow:
        written = await Job.filter(
            id=progress.job_id, status=JobStatus.RUNNING, lease_owner=progress.owner
        ).update(status=status, finished_at=now(), lease_until=None, updated_at=now(), **changes)
        if not written:
            return None
        job = await Job.get(id=progress.job_id)
        uow.publish(JobUpdated.of(job))
        uow.before_commit(lambda: webhooks.job_finished_committing(progress.job_id))
    return job


async def _release(progress: _Progress) -> None:
    """Stopping (server shutdown): back to QUEUED, free for any runner at once."""
    await Job.filter(
        id=progress.job_id, status=JobStatus.RUNNING, lease_owner=progress.owner
    ).update(status=JobStatus.QUEUED, lease_until=now(), updated_at=now())
    await report(progress.job_id)


async def _still_ours(progress: _Progress) -> bool:
    return await Job.filter(
        id=progress.job_id, status=JobStatus.RUNNING, lease_owner=progress.owner
    ).exists()


OnProgress = Callable[[Job], Awaitable[None]]


async def execute(
    job: Job,
    owner: str,
    *,
    kinds: JobKinds,
    storage: Storage | None = None,
    lease: timedelta = DEFAULT_LEASE,
    chunk: int | None = None,
    stopping: Callable[[], bool] | None = None,
    on_progress: OnProgress | None = None,
) -> Job | None:
    """Run (or resume) a job this runner has claimed, to its end, a cancel, a lost lease or
    `stopping()`. Returns the job as it was left, or None when it was not ours any more."""
    env = JobEnv(storage=storage)
    progress = _Progress(job.id, owner, lease, job.done, job.failed, list(job.errors or []))
    kind = kinds.get(job.kind)
    if kind is None:
        error = {"code": ErrorCode.INVALID.value, "message": f"Unknown kind of job: {job.kind}"}
        return await _finish(progress, JobStatus.FAILED, errors=[*progress.errors, error])
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
        return await _finish(progress, JobStatus.FAILED, errors=[*progress.errors, error])
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
        prepared = await kind.prepare(actor, {**job.params, SELECTION: ids}, env)
    except (FlowError, LeaseLost):
        raise
    except Exception:
        return await _failed_unexpectedly(job, progress, env)
    await report(job.id)
    while progress.position < len(ids):
        if not await _still_ours(progress):
            return None  # cancelled, or another runner has it
        if stopping():
            await _release(progress)
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
        current = await report(job.id)
        if on_progress is not None:
            await on_progress(current)
    return await _finish(progress, JobStatus.DONE)


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
        current = await report(job.id)
        if on_progress is not None:
            await on_progress(current)

    await step(0, job.total)
    try:
        work = kind.run(actor, job, env, step, stopping)
        result = await holding_lease(job.id, progress.owner, progress.lease, work)
    except (FlowError, LeaseLost):
        raise
    except Exception:
        return await _failed_unexpectedly(job, progress, env)
    if result is None:
        await _release(progress)
        return await Job.get(id=job.id)
    merged = {**(job.result or {}), **result}
    return await _finish(progress, JobStatus.DONE, result=merged)


async def _failed_unexpectedly(job: Job, progress: _Progress, env: JobEnv) -> Job | None:
    """A job that broke outside any item (reading its file, writing its result): running it
    again would break the same way, so it ends FAILED rather than coming back with every
    lease. The cause is logged, never shown."""
    log.exception("job %s (%s) failed unexpectedly", job.id, job.kind)
    error = {"code": INTERNAL, "message": "Unexpected error (logged)"}
    return await _finish(progress, JobStatus.FAILED, errors=[*progress.errors, error])
