"""The job runner: claims waiting jobs and runs them (`leases`, `executor`).

In the server it is one asyncio task of the lifespan (`JobRunner`): it looks for due jobs
every `JOB_POLL_SECONDS`, and at once when a job is started in this process. Any number of
processes may run one: a job is claimed with a conditional UPDATE, so exactly one runner
takes it, and a runner that dies leaves a lease that runs out, after which another runner
resumes the job where its last committed item left it. `workorder worker` runs the same
`run_job` from the Redis queue (`workorder.jobs.queue`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from workorder.flows.unit_of_work import Bus, bind_bus
from workorder.jobs.executor import OnProgress, execute
from workorder.jobs.leases import DEFAULT_LEASE, claim_job, due_jobs, runner_id
from workorder.jobs.registry import JobKinds
from workorder.jobs.starting import JobQueue
from workorder.models import Job
from workorder.storage import Storage

log = logging.getLogger(__name__)


def _never() -> bool:
    return False


async def run_job(
    job_id: int,
    *,
    kinds: JobKinds,
    storage: Storage | None = None,
    role: str = "runner",
    lease: timedelta = DEFAULT_LEASE,
    stopping: Callable[[], bool] = _never,
    on_progress: OnProgress | None = None,
) -> Job | None:
    """Claim this job and run it to its end; None when another runner holds it (or it is
    finished, or not meant for runners). Each claim is its own lease owner."""
    owner = runner_id(role)
    job = await claim_job(job_id, owner, lease)
    if job is None:
        return None
    log.info("job %s (%s) claimed by %s", job.id, job.kind, owner)
    return await execute(
        job,
        owner,
        kinds=kinds,
        storage=storage,
        lease=lease,
        stopping=stopping,
        on_progress=on_progress,
    )


async def run_due_jobs(
    kinds: JobKinds,
    *,
    storage: Storage | None = None,
    role: str = "runner",
    lease: timedelta = DEFAULT_LEASE,
    stopping: Callable[[], bool] = _never,
    queued_before: Callable[[], datetime] | None = None,
) -> int:
    """Run due jobs one after another until none is left (or `stopping()`); how many ran."""
    ran = 0
    while not stopping():
        before = queued_before() if queued_before is not None else None
        claimed = False
        for job_id in await due_jobs(queued_before=before):
            if stopping():
                break
            ran_job = await run_job(
                job_id,
                kinds=kinds,
                storage=storage,
                role=role,
                lease=lease,
                stopping=stopping,
            )
            if ran_job:
                claimed = True
                ran += 1
        if not claimed:
            break
    return ran


class JobRunner:
    """The in-process runner of one server; also the `JobQueue` that wakes it."""

    def __init__(
        self,
        kinds: JobKinds,
        bus: Bus | None,
        *,
        poll: float,
        lease: timedelta = DEFAULT_LEASE,
        storage: Storage | None = None,
    ) -> None:
        self.kinds = kinds
        self.bus = bus
        self.storage = storage
        self.poll = poll
        self.lease = lease
        self.paused = False  # tests and maintenance: claim nothing new
        self._wake = asyncio.Event()

    async def push(self, job_id: int) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop` is set; a job running then is handed back between two chunks."""
        while not stop.is_set():
            self._wake.clear()
            if not self.paused:
                try:
                    with bind_bus(self.bus):  # the jobs of this round publish there
                        await run_due_jobs(
                            self.kinds,
                            storage=self.storage,
                            role="server",
                            lease=self.lease,
                            stopping=stop.is_set,
                        )
                except Exception:  # the database may be away a moment: the next round retries
                    log.exception("job runner round failed")
            await self._sleep(stop)

    async def _sleep(self, stop: asyncio.Event) -> None:
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        try:
            await asyncio.wait(waits, timeout=self.poll, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
            for wait in waits:
                with contextlib.suppress(asyncio.CancelledError):
                    await wait


class Announce:
    """Tells several queues (this process's runner, the Redis queue) of a new job."""

    def __init__(self, queues: Sequence[JobQueue]) -> None:
        self.queues = list(queues)

    async def push(self, job_id: int) -> None:
        for queue in self.queues:
            try:
                await queue.push(job_id)
            except Exception:  # each is only a wake-up call: the runners also look
                log.exception("could not announce job %s to %r", job_id, queue)
