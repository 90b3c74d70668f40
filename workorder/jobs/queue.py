"""Jobs over Redis: a saq queue, and the `workorder worker` that consumes it.

Why saq: it is maintained, runs on redis-py 7 (it allows redis<8; we pin redis 7.x), has
unique job keys, cron jobs, progress through `job.update` and a monitoring UI. arq, the
other asyncio Redis queue, is in maintenance mode and pins redis<6.

The `Job` row stays the truth; the saq job is a wake-up call carrying only the job id, under
the unique key `job-<id>`, so a job is queued in Redis at most once at a time. The worker's
function is the same `run_job` the server's in-process runner uses, so the lease rule still
decides who runs a job: a saq job whose `Job` is already held, finished or cancelled ends at
once. A cron job sweeps every minute for what Redis never delivered (a push lost while Redis
was away, a worker killed mid-job whose lease ran out) and runs it.

The server only pushes, through a client with the REDIS_* timeouts, and gives up a push
after REDIS_TIMEOUT_SECONDS: a frozen Redis must not hold the request that started the job
(the row is stored; this server's runner was already woken, and the sweep finds it too).
The worker's own connection blocks in BLMOVE on purpose, so it has no read timeout.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from saq import CronJob, Queue, Worker
from saq.queue.redis import RedisQueue
from saq.types import Context

from workorder import db
from workorder.clock import now
from workorder.flows.unit_of_work import Bus, bind_bus
from workorder.jobs.leases import DEFAULT_LEASE
from workorder.jobs.registry import JobKinds, job_kinds
from workorder.jobs.runner import run_due_jobs, run_job
from workorder.models import Job
from workorder.settings import Settings
from workorder.storage import LocalStorage, Storage
from workorder.subscriptions.broker import RedisOptions, make_broker, redis_client

log = logging.getLogger(__name__)

QUEUE_NAME = "workorder-jobs"
RUN = "run_workorder_job"
SWEEP = "sweep_workorder_jobs"
# A new job is the queue's for this long; after it the sweep takes it as lost.
LOST_AFTER = timedelta(seconds=30)


def job_key(job_id: int) -> str:
    return f"job-{job_id}"


class SaqJobQueue:
    """`jobs.starting.JobQueue` over saq: pushes `run_workorder_job(job_id)` once per job."""

    def __init__(self, redis_url: str, options: RedisOptions | None = None) -> None:
        self.options = options or RedisOptions()
        self.queue = RedisQueue(redis_client(redis_url, self.options), name=QUEUE_NAME)

    async def push(self, job_id: int) -> None:
        """Raises TimeoutError when Redis does not take it in time (the caller logs it)."""
        enqueued = self.queue.enqueue(
            RUN,
            job_id=job_id,
            key=job_key(job_id),
            timeout=0,  # a job runs as long as it must; its lease guards it, not saq
            retries=1,
        )
        await asyncio.wait_for(enqueued, self.options.timeout)

    async def close(self) -> None:
        await self.queue.disconnect()


def worker_functions(
    kinds: JobKinds,
    bus: Bus | None,
    lease: timedelta = DEFAULT_LEASE,
    storage: Storage | None = None,
) -> tuple[Any, Any]:
    """The worker's job function and its sweep, bound to the process's kinds and broker."""

    async def run(ctx: Context, *, job_id: int) -> dict[str, Any] | None:
        saq_job = ctx.get("job")

        async def progress(job: Job) -> None:
            if saq_job is not None and job.total:
                await saq_job.update(progress=(job.done + job.failed) / job.total)

        worker = ctx["worker"]
        with bind_bus(bus):  # the job's pushes go to this worker's broker
            done = await run_job(
                job_id,
                kinds=kinds,
                storage=storage,
                role="worker",
                lease=lease,
                stopping=worker.event.is_set,
                on_progress=progress,
            )
        if done is None:
            return None  # held by another runner, or already finished
        return {"status": str(done.status), "done": done.done, "failed": done.failed}

    async def sweep(ctx: Context) -> int:
        worker = ctx["worker"]
        with bind_bus(bus):
            return await run_due_jobs(
                kinds,
                storage=storage,
                role="worker",
                lease=lease,
                stopping=worker.event.is_set,
                queued_before=lambda: now() - LOST_AFTER,
            )

    # saq names functions (and the unique key of a cron job) by their __qualname__.
    run.__qualname__ = RUN
    sweep.__qualname__ = SWEEP
    return run, sweep


def make_worker(
    queue: Queue,
    kinds: JobKinds,
    bus: Bus | None,
    *,
    storage: Storage | None = None,
    concurrency: int = 4,
) -> Worker[Context]:
    run, sweep = worker_functions(kinds, bus, storage=storage)
    return Worker(
        queue,
        functions=[run],
        cron_jobs=[CronJob(sweep, cron="* * * * *", timeout=0)],
        concurrency=concurrency,
        shutdown_grace_period_s=10,  # between two chunks a job is handed back in time
    )


async def run_worker(settings: Settings) -> None:
    """`workorder worker`: consume the Redis queue until SIGINT/SIGTERM."""
    if settings.redis_url is None:
        raise ValueError("REDIS_URL is not set: the worker consumes the Redis job queue")
    options = RedisOptions.of(settings)
    async with db.open_database(settings.database):
        broker = make_broker(settings.redis_url, options)
        await broker.start()
        # No read timeout: waiting in BLMOVE for the next job is this connection's work.
        queue = RedisQueue(
            redis_client(settings.redis_url, options, socket_timeout=None), name=QUEUE_NAME
        )
        # The kinds this worker runs, built here as the server builds its own.
        kinds = job_kinds(settings)
        worker = make_worker(queue, kinds, broker, storage=LocalStorage(settings.storage))
        try:
            await queue.connect()
            log.info("workorder worker started", extra={"queue": QUEUE_NAME})
            await worker.start()
        finally:
            await queue.disconnect()
            await broker.close()
            log.info("workorder worker stopped")
