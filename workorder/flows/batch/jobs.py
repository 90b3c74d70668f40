"""What a job is to the domain: what a kind of job may use and answers when checked, who
may follow a job, and the batch kind — a batch action over every ticket a list query matches.

The engine that stores, claims and runs jobs (kinds protocol, registry, enqueue and cancel,
leases, the exactly-once executor) is `workorder.jobs`; it calls the kinds defined in the
domain (`BatchJob` here, `ExportJob` and `ImportJob` in `flows.exports`), never the reverse.

Selection. At its first start a batch job resolves its tickets ONCE, as its starter may see
them then, into a frozen, ordered id list; a resumed job works through the same list,
whatever changed since. Each ticket is one item: the single action's flow function runs
inside the item's transaction (see `workorder.jobs.executor`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tortoise.queryset import QuerySet

from workorder.auth.actor import Actor
from workorder.auth.visibility import reach_of
from workorder.errors import invalid, not_found
from workorder.flows.batch import batch, quotas
from workorder.flows.batch.batch import BatchAction, BatchKind, require_batch
from workorder.flows.views.filters import TicketFilter
from workorder.flows.views.lists import ListSpec, View, matching
from workorder.flows.webhooks.outbox import KIND as WEBHOOK_DELIVERY
from workorder.models import Job, JobStatus, Status, Ticket
from workorder.storage import Storage


@dataclass(frozen=True, slots=True)
class JobEnv:
    """What a job may use besides the database: the file store for the files it reads
    (imports) or writes (exports). Its pushes go to the bus its runner bound
    (`flows.unit_of_work.bind_bus`)."""

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


async def visible_job(actor: Actor, job_id: int) -> Job:
    """Its creator and the tenant's admins follow a job; anyone else: NOT_FOUND. A webhook
    delivery's job is nobody's (its delivery log is what admins read)."""
    job = (
        await Job.filter(id=job_id, tenant_id=actor.tenant_id)
        .exclude(kind=WEBHOOK_DELIVERY)
        .first()
    )
    if job is None or not (actor.is_admin or job.created_by_id == actor.user_id):
        raise not_found("Job", ["id"])
    return job


def my_jobs(actor: Actor, statuses: Sequence[JobStatus] = ()) -> QuerySet[Job]:
    """The caller's jobs; an admin's: all of the tenant's."""
    query = Job.filter(tenant_id=actor.tenant_id).exclude(kind=WEBHOOK_DELIVERY)
    if not actor.is_admin:
        query = query.filter(created_by_id=actor.user_id)
    if statuses:
        query = query.filter(status__in=list(statuses))
    return query


class Progress(Protocol):
    """How a whole job (an export) tells how far it has come; it raises the engine's
    LeaseLost once the job is not its own any more (cancelled, taken over)."""

    async def __call__(self, done: int, total: int) -> None: ...


# --- the batch kind ------------------------------------------------------------------------


_ACTIONS: dict[BatchKind, type[BatchAction]] = {
    BatchKind.TRANSFER: batch.Transfer,
    BatchKind.CLOSE: batch.Close,
    BatchKind.ASSIGN: batch.Assign,
    BatchKind.DELETE: batch.Delete,
    BatchKind.URGE: batch.Urge,
    BatchKind.CHANGE_OWNER: batch.ChangeOwner,
}
SELECTION = "selection"  # the frozen item list, as `prepare` finds it in the params


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


def action_json(action: BatchAction | quotas.AssignByQuota) -> dict[str, Any]:
    return {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in dataclasses.asdict(action).items()  # type: ignore[arg-type]
    }


def batch_params(spec: ListSpec, action: BatchAction | quotas.AssignByQuota) -> dict[str, Any]:
    return {"spec": spec_json(spec), "args": action_json(action)}


@dataclass(frozen=True, slots=True)
class BatchJob:
    """A batch action over every ticket a list query matches, each through the single
    action's flow function (the rules, event and notifications of `flows/batch/batch.py`)."""

    kind: BatchKind
    item_key: str = "ticketId"

    def action(self, params: dict[str, Any]) -> BatchAction | quotas.AssignByQuota:
        args = params.get("args") or {}
        if not isinstance(args, dict):
            raise invalid("The action's arguments must be an object", ["args"])
        made: type[BatchAction] | type[quotas.AssignByQuota] = _ACTIONS[self.kind]
        if self.kind == BatchKind.ASSIGN and "quotas" in args:
            made = quotas.AssignByQuota
        given: dict[str, Any] = {
            k: tuple(tuple(i) if isinstance(i, list) else i for i in v)
            if isinstance(v, list)
            else v
            for k, v in args.items()
        }
        try:
            return made(**given)
        except TypeError as exc:
            raise invalid(f"Bad arguments for {self.kind}: {exc}", ["args"]) from exc

    def check(self, actor: Actor) -> None:
        require_batch(actor)

    async def validate(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> Checked:
        action = self.action(params)
        if isinstance(action, quotas.AssignByQuota):
            action.check()
            await quotas.check_agents(actor, action)
        try:
            spec = spec_from_json(params.get("spec") or {})
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise invalid(f"Bad list query: {exc}", ["spec"]) from exc
        where = await matching(actor, await reach_of(actor), spec)  # the filter's own checks
        if isinstance(action, quotas.AssignByQuota):  # what is left now; fixed when it runs
            waiting = Ticket.filter(where, status=Status.PENDING, assignee_id=None)
            ids: list[int] = await waiting.values_list("id", flat=True)  # type: ignore[assignment]
            return Checked(total=len(action.to_take(ids)))
        return Checked(total=await Ticket.filter(where).count())

    async def select(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> list[int]:
        spec = spec_from_json(params.get("spec") or {})
        where = await matching(actor, await reach_of(actor), spec)
        action = self.action(params)
        if isinstance(action, quotas.AssignByQuota):  # what is left, counted as the job runs
            waiting = Ticket.filter(where, status=Status.PENDING, assignee_id=None)
            left: list[int] = await waiting.values_list("id", flat=True)  # type: ignore[assignment]
            return action.to_take(left)
        ids: list[int] = await Ticket.filter(where).order_by("id").values_list("id", flat=True)  # type: ignore[assignment]
        return ids

    async def prepare(self, actor: Actor, params: dict[str, Any], env: JobEnv) -> Any:
        action = self.action(params)
        if isinstance(action, quotas.AssignByQuota):
            return _Planned(action, action.plan(params.get(SELECTION) or []))
        return action

    async def run_item(self, actor: Actor, prepared: Any, item: int, env: JobEnv) -> None:
        if isinstance(prepared, _Planned):
            await quotas.assign_planned(actor, prepared.plan, item, prepared.action.comment)
            return
        action: BatchAction = prepared
        await action.run(actor, item)


@dataclass(frozen=True, slots=True)
class _Planned:
    """An assignment by quota with its plan, made once per run from the frozen list."""

    action: quotas.AssignByQuota
    plan: dict[int, int]
