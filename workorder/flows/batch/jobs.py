"""Jobs: long batch actions that run outside the request, resume after a crash and report.

A job is a row (`Job`) first: `enqueue` checks the kind and the caller's right to start it
and stores the parameters — for a batch, the list query (view, filter, search), the action's
arguments and who asked — then tells a runner (see `workorder.jobs`). Whatever runs it
(the server's in-process runner, or `workorder worker` over Redis) calls `claim_job` and
`execute` of `flows.batch.runs`, so the rules are the same everywhere.

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

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol, runtime_checkable

from tortoise.queryset import QuerySet

from workorder.auth.actor import Actor
from workorder.auth.visibility import reach_of
from workorder.clock import now
from workorder.errors import conflict, invalid, not_found
from workorder.flows.batch import batch
from workorder.flows.batch.batch import BatchAction, BatchKind, require_batch
from workorder.flows.unit_of_work import Bus, unit_of_work
from workorder.flows.views.filters import TicketFilter
from workorder.flows.views.lists import ListSpec, View, matching
from workorder.models import JOB_FINISHED, Job, JobStatus, Ticket
from workorder.storage import Storage
from workorder.subscriptions.messages import JobUpdated

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(seconds=60)


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
        uow.publish(JobUpdated.of(job))
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
        uow.publish(JobUpdated.of(job))
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
        uow.publish(JobUpdated.of(job))
    return job


# --- running ------------------------------------------------------------------------------
