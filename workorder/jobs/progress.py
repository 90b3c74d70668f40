"""Recording how far a job has come; its watchers hear of it (`JobUpdated`) after the commit."""

from __future__ import annotations

from typing import Any

from workorder.clock import now
from workorder.flows.unit_of_work import unit_of_work
from workorder.models import JOB_FINISHED, Job, JobStatus
from workorder.subscriptions.messages import JobUpdated


async def report(
    job_id: int,
    *,
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
    async with unit_of_work() as uow:
        await Job.filter(id=job_id).update(**changes)
        job = await Job.get(id=job_id)
        uow.publish(JobUpdated.of(job))
    return job
