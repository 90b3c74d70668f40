"""The runners: claims race safely, the in-process runner wakes and hands back on stop, the
sweep finds lost jobs, and `workorder worker` runs jobs from Redis (saq)."""

from __future__ import annotations

import asyncio
import io
import os
import sys
import tempfile
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.flows.batch.test_batch import granted, in_finance
from tests.jobs.test_executor import closed_events, pause_runner, start_close
from tests.services import stop_child
from tests.shop import Shop
from workorder.auth.permissions import Permission
from workorder.clock import now
from workorder.flows.exports import files
from workorder.flows.exports.exports import ExportRequest
from workorder.flows.tickets import closing
from workorder.jobs import executor, leases, starting
from workorder.jobs.queue import worker_functions
from workorder.jobs.registry import JobKinds
from workorder.jobs.runner import JobRunner, run_due_jobs, run_job
from workorder.models import Job, JobStatus, Ticket
from workorder.settings import Settings
from workorder.storage import LocalStorage


@pytest.fixture(autouse=True)
def _quiet_runner(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pause_runner(app, monkeypatch)


async def until(condition: Any, wait: float = 10) -> None:
    async def poll() -> None:
        while not await condition():
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), wait)


async def test_of_many_racing_claims_exactly_one_wins(shop: Shop, kinds: JobKinds):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    job = await start_close(kinds, fay)
    won = await asyncio.gather(*(leases.claim_job(job.id, f"runner-{n}") for n in range(6)))
    owners = [j.lease_owner for j in won if j is not None]
    assert len(owners) == 1
    assert (await Job.get(id=job.id)).lease_owner == owners[0]


async def test_two_runners_racing_run_a_job_once(shop: Shop, kinds: JobKinds):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    tickets = [await in_finance(shop, f"A-{n}") for n in range(3)]
    job = await start_close(kinds, fay)

    ran = await asyncio.gather(run_job(job.id, kinds=kinds), run_job(job.id, kinds=kinds))

    assert sorted(r is None for r in ran) == [False, True]
    after = await Job.get(id=job.id)
    assert (after.status, after.done, after.failed) == (JobStatus.DONE, 3, 0)
    assert [await closed_events(t.id) for t in tickets] == [1, 1, 1]
    assert await run_job(job.id, kinds=kinds) is None  # finished: nobody runs it again


async def test_the_in_process_runner_wakes_when_told_and_stops_when_asked(
    shop: Shop, kinds: JobKinds
):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    ticket = await in_finance(shop, "A-1")
    runner = JobRunner(kinds, None, poll=30)  # only the wake-up can explain a quick run
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    await asyncio.sleep(0.1)  # its first look found nothing; it sleeps now
    job = await start_close(kinds, fay, queue=runner)

    async def finished() -> bool:
        return (await Job.get(id=job.id)).status == JobStatus.DONE

    await until(finished, 5)
    assert await closed_events(ticket.id) == 1
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_a_stopping_runner_hands_its_job_back_between_chunks(
    shop: Shop, monkeypatch: pytest.MonkeyPatch, kinds: JobKinds
):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    tickets = [await in_finance(shop, f"A-{n}") for n in range(3)]
    monkeypatch.setattr(executor, "CHUNK", 1)
    stop = asyncio.Event()
    real_close = closing.close_ticket

    async def close_and_shut_down(*args: Any, **kwargs: Any) -> Ticket:
        stop.set()  # the server is asked to stop while the first ticket is closed
        return await real_close(*args, **kwargs)

    monkeypatch.setattr(closing, "close_ticket", close_and_shut_down)
    job = await start_close(kinds, fay)
    await asyncio.wait_for(JobRunner(kinds, None, poll=30).run(stop), 5)

    handed_back = await Job.get(id=job.id)
    assert (handed_back.status, handed_back.done) == (JobStatus.QUEUED, 1)
    assert [await closed_events(t.id) for t in tickets] == [1, 0, 0]
    monkeypatch.setattr(closing, "close_ticket", real_close)
    assert await run_due_jobs(kinds) == 1  # any runner takes it up where it was left
    assert [await closed_events(t.id) for t in tickets] == [1, 1, 1]


async def test_due_jobs_are_the_queued_and_the_running_whose_lease_ran_out(
    shop: Shop, kinds: JobKinds
):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    ticket = await in_finance(shop, "A-1")
    held = await start_close(kinds, fay)
    assert await leases.claim_job(held.id, "alive") is not None
    assert await leases.due_jobs() == []  # its lease runs: left alone
    assert await run_due_jobs(kinds) == 0
    await Job.filter(id=held.id).update(lease_until=now() - timedelta(seconds=1))  # it died
    assert await leases.due_jobs() == [held.id]
    assert await run_due_jobs(kinds) == 1
    assert await closed_events(ticket.id) == 1


async def test_the_workers_sweep_leaves_new_jobs_to_the_queue_and_takes_lost_ones(
    shop: Shop, kinds: JobKinds
):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    ticket = await in_finance(shop, "A-1")
    job = await start_close(kinds, fay)
    _, sweep = worker_functions(kinds, None)
    ctx: Any = {"worker": SimpleNamespace(event=asyncio.Event())}
    assert await sweep(ctx) == 0  # just queued: the queue delivers it
    await Job.filter(id=job.id).update(created_at=now() - timedelta(minutes=5))  # never came
    assert await sweep(ctx) == 1
    assert await closed_events(ticket.id) == 1


@pytest.mark.full_only
async def test_workorder_worker_runs_a_job_pushed_to_redis(
    shop: Shop, settings: Settings, kinds: JobKinds
):
    from workorder.jobs.queue import SaqJobQueue

    assert settings.redis_url is not None
    fay = await granted(shop, "fay", Permission.TICKET_BATCH, Permission.TICKET_EXPORT)
    tickets = [await in_finance(shop, f"A-{n}") for n in range(3)]
    queue = SaqJobQueue(settings.redis_url)
    storage = LocalStorage(settings.storage)  # the server's: workers must share it
    try:
        job = await start_close(kinds, fay, queue=queue)
        export = await starting.start_export(
            kinds, fay, ExportRequest(columns=("title",), sheets=()), queue=queue, storage=storage
        )
        # One saq job per Job: its key is unique while it waits.
        assert (
            await queue.queue.enqueue("run_workorder_job", job_id=job.id, key=f"job-{job.id}")
            is None
        )
    finally:
        await queue.close()
    env = {
        **os.environ,
        "WORKORDER_ENV": "test",
        "DATABASE_URL": settings.database,
        "REDIS_URL": settings.redis_url,
        "SECRET_KEY": settings.signing_key,
        "DATA_DIR": tempfile.mkdtemp(prefix="workorder-worker-"),
        "STORAGE_DIR": str(settings.storage),
        "LOG_LEVEL": "WARNING",
    }
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "workorder.cli",
        "worker",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:

        async def finished() -> bool:
            assert worker.returncode is None, "the worker died"
            statuses = {j.status for j in await Job.filter(id__in=[job.id, export.id])}
            return statuses == {JobStatus.DONE}

        await until(finished, 30)
    finally:
        await stop_child(worker)
    done = await Job.get(id=job.id)
    assert done.lease_owner is not None and done.lease_owner.startswith("worker:")
    assert (done.done, done.failed) == (3, 0)
    assert [await closed_events(t.id) for t in tickets] == [1, 1, 1]
    # The worker's export is a file the server can hand out.
    file = await files.export_file(fay, export.id)
    book = load_workbook(io.BytesIO(storage.path_of(file.sha256).read_bytes()), read_only=True)
    titles = [row[0] for row in book["Tickets"].iter_rows(values_only=True)]
    assert titles == ["Title", "A-0", "A-1", "A-2"]
