"""A job's progress, for whoever may follow the job."""

from __future__ import annotations

from collections.abc import AsyncIterator

from workorder.auth.actor import Actor
from workorder.flows.batch.jobs import visible_job
from workorder.flows.live.memory import memory_of
from workorder.flows.live.socket import POLL, listening, open_stream, wake
from workorder.models import JOB_FINISHED, Job
from workorder.subscriptions.broker import Broker
from workorder.subscriptions.channels import job_channel


async def read(job_id: int) -> Job:
    return await Job.get(id=job_id)


async def job_stream(
    actor: Actor, broker: Broker, job_id: int, poll: float | None = POLL
) -> AsyncIterator[Job]:
    """A job's progress until it finishes (its final state is the last item). The row is
    read once per push for every socket of this process following the job."""
    await open_stream(actor)
    await visible_job(actor, job_id)
    memory = memory_of(broker)
    channel = job_channel(job_id)
    async with broker.subscribe(listening(actor, channel)) as subscriber:
        last = None
        job = await Job.get(id=job_id)
        while True:
            state = (job.status, job.total, job.done, job.failed)
            if state != last:
                last = state
                yield job
            if job.status in JOB_FINISHED:
                return
            woken = await wake(actor, memory, subscriber, poll)
            if woken is None:
                return
            key = None if woken.reason else woken.key(channel)
            job = await (
                read(job_id) if key is None else memory.once(("job", key), lambda: read(job_id))
            )
