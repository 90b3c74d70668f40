"""Jobs: long batch actions that run outside the request, resume after a crash and report.

A job is a row (`Job`) first: `enqueue` checks the kind and the caller's right to start it
and stores the parameters — for a batch, the list query (view, filter, search), the action's
arguments and who asked — then tells a runner (see `workorder.jobs`). Whatever runs it
(the server's in-process runner, or `workorder worker` over Redis) calls `claim_job` and
`execute` here, so the rules are the same everywhere.

Selection. At its first start a job resolves its tickets ONCE, as its starter may see them
then, into a frozen, ordered id list kept in `result["ids"]`; `total` is its length. A
resumed job works through the same list, whatever changed since.

Exactly once, across crashes. Each item is ONE transaction holding both the change and the
job's progress marker: the flow function (the single action's, as the synchronous batch
uses it) runs inside the item's unit of work, and the same transaction advances `done` (or
`failed`, with the error) with an UPDATE guarded by the runner's lease
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

Leases. `lease_until` says from when a runner may take the job: now for a new job, the end
of the current lease while one runs, NULL for rows nobody should run (finished, or tracked
by whoever made them). Claiming is one conditional UPDATE whose row count decides the winner
on SQLite and PostgreSQL alike; every committed item renews the lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar, runtime_checkable

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from workorder.auth.actor import Actor, Scope
from workorder.auth.visibility import reach_of
from workorder.clock import now
from workorder.errors import ErrorCode, FlowError, conflict, forbidden, invalid, not_found
from workorder.flows.batch import batch
from workorder.flows.batch.batch import BatchAction, BatchKind, require_batch
from workorder.flows.unit_of_work import Bus, unit_of_work
from workorder.flows.views.filters import TicketFilter
from workorder.flows.views.lists import ListSpec, View, matching
from workorder.models import JOB_FINISHED, Job, JobStatus, Ticket, User
from workorder.storage import Storage
from workorder.subscriptions.channels import job_channel

log = logging.getLogger(__name__)
T = TypeVar("T")

CHUNK = 50  # items between two looks at the job (cancel, stop) and two progress pushes
DEFAULT_LEASE = timedelta(seconds=60)
MAX_ERRORS = 1000  # per-item errors kept; `failed` counts them all
STALE_TRIES = 3  # a ticket changed under an item is read again and retried this often
INTERNAL = "INTERNAL"  # the error code of an item that failed unexpectedly (logged)


class JobQueue(Protocol):
    """Tells a runner that a job is waiting (a wake-up call: the row is the truth)."""

    async def push(self, job_id: int) -> None: ...


@dataclass(frozen=True, slots=True)
class JobEnv:
    """What a job may use besides the database: the broker for pushes, the file store for
    the files it reads (imports) or writes (exports)."""

    bus: Bus | None = None
    storage: Storage | None = None

    def require_storage(self) -> Storage:
        if self.storage is None:
            raise RuntimeError("this kind of job needs a file store")
        return self.storage


@dataclass(frozen=True, slots=True)
class Checked:
    """What checking a job's parameters found: how many items it will work on now (the
    job's `total` until it starts) and what its result starts with."""

    total: int = 0
    result: dict[str, Any] = dataclasses.field(default_factory=dict)


class LeaseLost(Exception):
    """This runner no longer owns the job: cancelled, or taken over after its lease ran out."""


def job_message(job: Job) -> dict[str, Any]:
    return {
        "jobId": job.id,
        "status": str(job.status),
        "total": job.total,
        "done": job.done,
        "failed": job.failed,
    }


async def report(
    job_id: int,
    *,
    bus: Bus | None,
    status: JobStatus | None = None,
    total: int | None = None,
    done: int | None = None,
    failed: int | None = None,
) -> Job:
    """Record how far a job has come; watchers hear of it after the commit."""
    changes: dict[str, Any] = {"updated_at": now()}
    if status is not None:
        changes["status"] = status
        if status == JobStatus.RUNNING:
            changes["started_at"] = now()
        if status in JOB_FINISHED:
            changes["finished_at"] = now()
    for name, value in (("total", total), ("done", done), ("failed", failed)):
        if value is not None:
            changes[name] = value
    async with unit_of_work(bus) as uow:
        await Job.filter(id=job_id).update(**changes)
        job = await Job.get(id=job_id)
        uow.publish(job_channel(job.id), job_message(job))
    return job


async def visible_job(actor: Actor, job_id: int) -> Job:
    """Its creator and the tenant's admins follow a job; anyone else: NOT_FOUND."""
    job = await Job.filter(id=job_id, tenant_id=actor.tenant_id).first()
    if job is None or not (actor.is_admin or job.created_by_id == actor.user_id):
        raise not_found("Job", ["id"])
    return job


def my_jobs(actor: Actor, statuses: Sequence[JobStatus] = ()) -> QuerySet[Job]:
    """The caller's jobs; an admin's: all of the tenant's."""
    query = Job.filter(tenant_id=actor.tenant_id)
    if not actor.is_admin:
        query = query.filter(created_by_id=actor.user_id)
    if statuses:
        query = query.filter(status__in=list(statuses))
    return query


# --- kinds -------------------------------------------------------------------------------


class ItemJobKind(Protocol):
    """A job of items that each change something (batch actions, import rows): each item
    is one transaction with the job's marker, so a resumed job applies nothing twice."""

    @property
    def item_key(self) -> str:
        """What an item is called in the job's errors ("ticketId", "row")."""

    def check(self, actor: Actor) -> None:
        """May this actor start (and keep running) it? Raises a FlowError if not."""

    async def validate(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> Checked:
        """Refuse parameters the job could not run with, before anything is stored."""

    async def select(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> list[int]:
        """The items, resolved once at the first start, in the order they are worked."""

    async def prepare(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> Any:
        """Whatever every item needs, made once per run (the action, the parsed file)."""

    async def run_item(self, actor: Actor, prepared: Any, item: int, env: JobEnv) -> None:
        """One item, inside the item's transaction; a FlowError is that item's failure."""


class Progress(Protocol):
    """How a whole job tells how far it has come; LeaseLost once the job is not its own."""

    async def __call__(self, done: int, total: int) -> None: ...


@runtime_checkable
class WholeJobKind(Protocol):
    """A job that changes nothing and produces one result (an export): run from the start
    again after a crash or a hand-back, which is safe because it has no side effects until
    its result is recorded, once, by the lease holder."""

    def check(self, actor: Actor) -> None: ...

    async def validate(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> Checked: ...

    async def run(
        self,
        actor: Actor,
        job: Job,
        env: JobEnv,
        progress: Progress,
        stopping: Callable[[], bool],
    ) -> dict[str, Any] | None:
        """The job's result (merged into `Job.result`), or None when `stopping()` cut it off."""


JobKind = ItemJobKind | WholeJobKind


_ACTIONS: dict[BatchKind, type[BatchAction]] = {
    BatchKind.TRANSFER: batch.Transfer,
    BatchKind.CLOSE: batch.Close,
    BatchKind.ASSIGN: batch.Assign,
    BatchKind.DELETE: batch.Delete,
    BatchKind.URGE: batch.Urge,
}


def batch_kind_name(kind: BatchKind) -> str:
    return f"batch.{kind.lower()}"


def spec_json(spec: ListSpec) -> dict[str, Any]:
    """The stored form of a list query (its order does not matter to a job: ids ascend)."""
    return {"view": str(spec.view), "filter": spec.filter.to_json(), "search": spec.search}


def spec_from_json(data: dict[str, Any]) -> ListSpec:
    return ListSpec(
        view=View(data.get("view", View.ALL)),
        filter=TicketFilter.from_json(data.get("filter") or {}),
        search=data.get("search"),
    )


def action_json(action: BatchAction) -> dict[str, Any]:
    return {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in dataclasses.asdict(action).items()  # type: ignore[call-overload]
    }


def batch_params(spec: ListSpec, action: BatchAction) -> dict[str, Any]:
    return {"spec": spec_json(spec), "args": action_json(action)}


@dataclass(frozen=True, slots=True)
class BatchJob:
    """A batch action over every ticket a list query matches, each through the single
    action's flow function (the rules, event and notifications of `flows/batch/batch.py`)."""

    kind: BatchKind
    item_key: str = "ticketId"

    def action(self, params: dict[str, Any]) -> BatchAction:
        args = params.get("args") or {}
        if not isinstance(args, dict):
            raise invalid("The action's arguments must be an object", ["args"])
        try:
            return _ACTIONS[self.kind](
                **{k: tuple(v) if isinstance(v, list) else v for k, v in args.items()}
            )
        except TypeError as exc:
            raise invalid(f"Bad arguments for {self.kind}: {exc}", ["args"]) from exc

    def check(self, actor: Actor) -> None:
        require_batch(actor)

    async def validate(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> Checked:
        self.action(params)
        try:
            spec = spec_from_json(params.get("spec") or {})
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise invalid(f"Bad list query: {exc}", ["spec"]) from exc
        where = await matching(actor, await reach_of(actor), spec)  # the filter's own checks
        return Checked(total=await Ticket.filter(where).count())

    async def select(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> list[int]:
        spec = spec_from_json(params.get("spec") or {})
        where = await matching(actor, await reach_of(actor), spec)
        ids: list[int] = await Ticket.filter(where).order_by("id").values_list("id", flat=True)  # type: ignore[assignment]
        return ids

    async def prepare(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> BatchAction:
        return self.action(params)

    async def run_item(self, actor: Actor, prepared: Any, item: int, env: JobEnv) -> None:
        action: BatchAction = prepared
        await action.run(actor, item, env.bus)


KINDS: dict[str, JobKind] = {batch_kind_name(k): BatchJob(k) for k in BatchKind}


def register(name: str, kind: JobKind) -> None:
    """Add a kind of job (exports, imports…): runners find it by the job's `kind`."""
    KINDS[name] = kind


# --- starting and cancelling --------------------------------------------------------------


def _kind(name: str) -> JobKind:
    found = KINDS.get(name)
    if found is None:
        raise invalid(f"Unknown kind of job: {name}", ["kind"])
    return found


async def enqueue(
    actor: Actor,
    kind: str,
    params: dict[str, Any],
    *,
    bus: Bus | None = None,
    queue: JobQueue | None = None,
    storage: Storage | None = None,
) -> Job:
    """Store a QUEUED job the caller may start, then tell the runners.

    The starter (user and token scopes) is stored with the parameters: the job acts as them,
    with their rights at the time it runs. The kind's check says how many items there are
    now: the job's `total` until it starts. A runner that cannot be told (Redis away) is only
    logged: the runners also look for waiting jobs themselves.
    """
    handler = _kind(kind)
    handler.check(actor)
    checked = await handler.validate(actor, params, JobEnv(bus, storage))
    stored = {**params, "user_id": actor.user_id, "scopes": sorted(str(s) for s in actor.scopes)}
    async with unit_of_work(bus) as uow:
        job = await Job.create(
            tenant_id=actor.tenant_id,
            created_by_id=actor.user_id,
            kind=kind,
            params=stored,
            total=checked.total,
            result=checked.result,
            lease_until=now(),  # a runner may take it from now on
        )
        uow.publish(job_channel(job.id), job_message(job))
    if queue is not None:
        try:
            await queue.push(job.id)
        except Exception:  # the row is stored: a runner's own look finds it
            log.exception("could not hand job %s to the queue", job.id)
    return job


async def start_batch_job(
    actor: Actor,
    action: BatchAction,
    spec: ListSpec,
    *,
    bus: Bus | None = None,
    queue: JobQueue | None = None,
) -> Job:
    """A batch action on every ticket matching `spec` (the job fixes its list when it
    starts)."""
    return await enqueue(
        actor, batch_kind_name(action.kind), batch_params(spec, action), bus=bus, queue=queue
    )


async def cancel_job(actor: Actor, job_id: int, *, bus: Bus | None = None) -> Job:
    """CANCELLED, if still queued or running: a runner stops before its next item."""
    job = await visible_job(actor, job_id)
    async with unit_of_work(bus) as uow:
        stopped = await Job.filter(
            id=job.id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
        ).update(status=JobStatus.CANCELLED, finished_at=now(), lease_until=None, updated_at=now())
        if not stopped:
            raise conflict(f"The job has already finished ({job.status})", ["id"])
        job = await Job.get(id=job.id)
        uow.publish(job_channel(job.id), job_message(job))
    return job


# --- running ------------------------------------------------------------------------------


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
        uow.publish(job_channel(job.id), job_message(job))
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
