"""A job's progress, for whoever may follow the job."""

from __future__ import annotations

from collections.abc import AsyncIterator

from workorder.auth.actor import Actor
from workorder.flows.batch.jobs import visible_job
from workorder.flows.live.socket import POLL, listening, open_stream, still_active
from workorder.models import JOB_FINISHED, Job
from workorder.subscriptions.broker import Broker
from workorder.subscriptions.channels import job_channel


async def job_stream(
    actor: Actor, broker: Broker, job_id: int, poll: float | None = POLL
) -> AsyncIterator[Job]:
    """A job's progress until it finishes (its final state is the last item)."""
    await open_stream(actor)
    await visible_job(actor, job_id)
    async with broker.subscribe(listening(actor, job_channel(job_id))) as subscriber:
        last = None
        while True:
            if not await still_active(actor):
                return
            job = await Job.get(id=job_id)
            state = (job.status, job.total, job.done, job.failed)
            if state != last:
                last = state
                yield job
            if job.status in JOB_FINISHED:
                return
            await subscriber.get(poll)
