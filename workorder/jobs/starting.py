"""Starting and cancelling jobs: a job is a row first, then a wake-up call to the runners.

`enqueue` checks the kind and the caller's right to start it (the kind's own `check` and
`validate`, domain code) and stores the parameters — for a batch, the list query (view,
filter, search), the action's arguments and who asked — with a lease due now; after the
commit it tells a `JobQueue` (this server's runner, the Redis queue of `workorder worker`).
The row is the truth: a runner that cannot be told (Redis away) is only logged, since the
runners also look for waiting jobs themselves.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from workorder.auth.actor import Actor
from workorder.clock import now
from workorder.errors import conflict
from workorder.flows.batch.batch import BatchAction
from workorder.flows.batch.jobs import JobEnv, batch_kind_name, batch_params, visible_job
from workorder.flows.batch.quotas import AssignByQuota
from workorder.flows.exports.exports import KIND as EXPORT
from workorder.flows.exports.exports import ExportRequest
from workorder.flows.exports.imports import KIND as IMPORT
from workorder.flows.exports.imports import ImportRequest, import_params
from workorder.flows.unit_of_work import unit_of_work
from workorder.flows.views.lists import ListSpec
from workorder.jobs.registry import JobKinds
from workorder.models import Job, JobStatus
from workorder.storage import Storage
from workorder.subscriptions.messages import JobUpdated

log = logging.getLogger(__name__)


class JobQueue(Protocol):
    """Tells a runner that a job is waiting (a wake-up call: the row is the truth)."""

    async def push(self, job_id: int) -> None: ...


async def enqueue(
    kinds: JobKinds,
    actor: Actor,
    kind: str,
    params: dict[str, Any],
    *,
    queue: JobQueue | None = None,
    storage: Storage | None = None,
) -> Job:
    """Store a QUEUED job the caller may start, then tell the runners.

    The starter (user and token scopes) is stored with the parameters: the job acts as them,
    with their rights at the time it runs. The kind's check says how many items there are
    now: the job's `total` until it starts.
    """
    handler = kinds.require(kind)
    handler.check(actor)
    checked = await handler.validate(actor, params, JobEnv(storage=storage))
    stored = {**params, "user_id": actor.user_id, "scopes": sorted(str(s) for s in actor.scopes)}
    async with unit_of_work() as uow:
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
    kinds: JobKinds,
    actor: Actor,
    action: BatchAction | AssignByQuota,
    spec: ListSpec,
    *,
    queue: JobQueue | None = None,
) -> Job:
    """A batch action on every ticket matching `spec` (the job fixes its list when it
    starts)."""
    name = batch_kind_name(action.kind)
    return await enqueue(kinds, actor, name, batch_params(spec, action), queue=queue)


async def start_export(
    kinds: JobKinds,
    actor: Actor,
    request: ExportRequest,
    *,
    queue: JobQueue | None = None,
    storage: Storage | None = None,
) -> Job:
    """Check everything the export will need, then queue it."""
    params = request.to_json()
    return await enqueue(kinds, actor, EXPORT, params, queue=queue, storage=storage)


async def start_import(
    kinds: JobKinds,
    actor: Actor,
    request: ImportRequest,
    *,
    max_rows: int,
    queue: JobQueue | None = None,
    storage: Storage | None = None,
) -> Job:
    """Refuse a file that cannot be imported at all (INVALID, nothing stored), else queue
    the import; `total` is the number of rows."""
    params = import_params(request, max_rows=max_rows)
    return await enqueue(kinds, actor, IMPORT, params, queue=queue, storage=storage)


async def cancel_job(actor: Actor, job_id: int) -> Job:
    """CANCELLED, if still queued or running: a runner stops before its next item (the item
    in flight finds its guarded commit matching no row and rolls back)."""
    job = await visible_job(actor, job_id)
    async with unit_of_work() as uow:
        stopped = await Job.filter(
            id=job.id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
        ).update(status=JobStatus.CANCELLED, finished_at=now(), lease_until=None, updated_at=now())
        if not stopped:
            raise conflict(f"The job has already finished ({job.status})", ["id"])
        job = await Job.get(id=job.id)
        uow.publish(JobUpdated.of(job))
    return job
