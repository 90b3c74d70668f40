"""Batch jobs over a list query: enqueue, the frozen selection, exactly-once items across a
crash, cancel between chunks, per-item errors."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from tests.flows.batch.test_batch import Recorder, granted, in_finance, in_sales
from tests.shop import Shop
from workorder.auth.actor import Actor
from workorder.auth.permissions import Permission
from workorder.clock import now
from workorder.errors import ErrorCode, FlowError
from workorder.flows.batch import batch, jobs
from workorder.flows.tickets import closing
from workorder.flows.unit_of_work import bind_bus
from workorder.flows.views.filters import TicketFilter
from workorder.flows.views.lists import ListSpec, View
from workorder.jobs import executor, leases, starting
from workorder.jobs.registry import JobKinds
from workorder.models import EventKind, Job, JobStatus, Status, Ticket, TicketEvent
from workorder.subscriptions.channels import job_channel

PENDING = ListSpec(view=View.ALL, filter=TicketFilter(statuses=(Status.PENDING,)))


def pause_runner(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The session server's runner claims nothing while a test drives jobs by hand."""
    runner = app.state.job_runner
    if runner is not None:
        monkeypatch.setattr(runner, "paused", True)


@pytest.fixture(autouse=True)
def _quiet_runner(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pause_runner(app, monkeypatch)


async def closed_events(ticket_id: int) -> int:
    return await TicketEvent.filter(ticket_id=ticket_id, kind=EventKind.CLOSED).count()


async def claimed(job: Job, owner: str = "test-runner") -> Job:
    got = await leases.claim_job(job.id, owner)
    assert got is not None
    return got


async def start_close(
    kinds: JobKinds, actor: Actor, spec: ListSpec = PENDING, **kwargs: Any
) -> Job:
    return await starting.start_batch_job(kinds, actor, batch.Close(comment="bulk"), spec, **kwargs)


async def test_enqueue_checks_the_kind_the_grant_and_the_arguments(shop: Shop, kinds: JobKinds):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    with pytest.raises(FlowError) as unknown:
        await starting.enqueue(kinds, fay, "batch.explode", {})
    assert unknown.value.code == ErrorCode.INVALID
    with pytest.raises(FlowError) as refused:
        await start_close(kinds, shop.actor("cal"))  # no ticket.batch grant
    assert refused.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(FlowError) as bad:
        await starting.enqueue(
            kinds, fay, "batch.assign", {"spec": {}, "args": {"comment": "who?"}}
        )
    assert bad.value.code == ErrorCode.INVALID and bad.value.field == ["args"]
    assert await Job.all().count() == 0


async def test_a_job_stores_its_query_and_starter_and_is_announced(shop: Shop, kinds: JobKinds):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    await in_finance(shop, "A-1")
    pushed: list[int] = []

    class Queue:
        async def push(self, job_id: int) -> None:
            pushed.append(job_id)

    bus = Recorder()
    with bind_bus(bus):
        job = await start_close(kinds, fay, queue=Queue())

    assert (job.kind, job.status, job.total) == ("batch.close", JobStatus.QUEUED, 1)
    assert job.params["spec"] == {
        "view": "ALL",
        "filter": {"statuses": ["PENDING"]},
        "search": None,
    }
    assert job.params["args"]["comment"] == "bulk"
    assert job.params["user_id"] == fay.user_id
    assert job.lease_until is not None and job.lease_owner is None
    assert pushed == [job.id]
    assert [c for c, _ in bus.sent] == [job_channel(job.id)]


async def test_a_queue_that_cannot_be_told_does_not_lose_the_job(shop: Shop, kinds: JobKinds):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)

    class Down:
        async def push(self, job_id: int) -> None:
            raise ConnectionError("redis is away")

    job = await start_close(kinds, fay, queue=Down())
    assert (await Job.get(id=job.id)).status == JobStatus.QUEUED


async def test_the_job_closes_every_match_once_and_lists_each_refusal(shop: Shop, kinds: JobKinds):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    first, second = await in_finance(shop, "A-1"), await in_finance(shop, "A-2")
    hidden = await in_sales(shop, "A-3")  # Fay cannot see it: never selected
    cal = await granted(shop, "cal", Permission.TICKET_BATCH)
    job = await start_close(kinds, cal)  # Cal sees both in the pool but may close neither
    refused = await executor.execute(await claimed(job), "test-runner", kinds=kinds)
    assert refused is not None and refused.status == JobStatus.DONE
    assert (refused.total, refused.done, refused.failed) == (2, 0, 2)
    assert [(e["ticketId"], e["code"]) for e in refused.errors] == [
        (first.id, "FORBIDDEN"),
        (second.id, "FORBIDDEN"),
    ]

    bus = Recorder()
    with bind_bus(bus):
        job = await start_close(kinds, fay)
        done = await executor.execute(await claimed(job), "test-runner", kinds=kinds)

    assert done is not None and done.status == JobStatus.DONE
    assert (done.total, done.done, done.failed, done.errors) == (2, 2, 0, [])
    assert done.result["ids"] == [first.id, second.id]
    assert done.finished_at is not None and done.lease_until is None
    for ticket in (first, second):
        assert (await Ticket.get(id=ticket.id)).status == Status.DONE
        assert await closed_events(ticket.id) == 1
    assert (await Ticket.get(id=hidden.id)).status != Status.DONE
    # Each ticket's own push after its commit, and the job's progress.
    assert bus.to_tickets() == {f"ticket:{first.id}", f"ticket:{second.id}"}
    statuses = [m["status"] for c, m in bus.sent if c == job_channel(job.id)]
    assert statuses[:2] == ["QUEUED", "RUNNING"] and statuses[-1] == "DONE"


async def test_the_selection_is_fixed_when_the_job_starts(shop: Shop, kinds: JobKinds):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    first = await in_finance(shop, "A-1")
    job = await start_close(kinds, fay)
    # Started (the list is fixed), then handed back at once: a server stopping.
    handed_back = await executor.execute(
        await claimed(job), "test-runner", kinds=kinds, stopping=lambda: True
    )
    assert handed_back is not None and handed_back.status == JobStatus.QUEUED
    assert (handed_back.result["ids"], handed_back.done) == ([first.id], 0)
    later = await in_finance(shop, "A-2")  # matches now, but came after the start
    done = await executor.execute(await claimed(job, "second"), "second", kinds=kinds)
    assert done is not None and done.result["ids"] == [first.id]
    assert (done.status, done.done) == (JobStatus.DONE, 1)
    assert (await Ticket.get(id=later.id)).status == Status.PENDING


async def test_a_job_killed_half_way_resumes_without_touching_a_ticket_twice(
    shop: Shop, monkeypatch: pytest.MonkeyPatch, kinds: JobKinds
):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    tickets = [await in_finance(shop, f"A-{n}") for n in range(5)]
    job = await start_close(kinds, fay)
    real_close = closing.close_ticket
    calls = 0

    async def close_then_die(*args: Any, **kwargs: Any) -> Ticket:
        # The third ticket's close is written, then the process "dies" before the
        # job's marker is: the task is cancelled inside the item's transaction.
        nonlocal calls
        calls += 1
        closed = await real_close(*args, **kwargs)
        if calls == 3:
            task = asyncio.current_task()
            assert task is not None
            task.cancel()
            await asyncio.sleep(0)
        return closed

    monkeypatch.setattr(closing, "close_ticket", close_then_die)
    running = await claimed(job, "doomed")
    killed = asyncio.create_task(executor.execute(running, "doomed", kinds=kinds, chunk=2))
    with pytest.raises(asyncio.CancelledError):
        await killed
    monkeypatch.setattr(closing, "close_ticket", real_close)

    halfway = await Job.get(id=job.id)
    assert (halfway.status, halfway.done, halfway.lease_owner) == (JobStatus.RUNNING, 2, "doomed")
    assert [await closed_events(t.id) for t in tickets] == [1, 1, 0, 0, 0]  # the 3rd rolled back
    # Nobody else may take it while the lease lasts; once it has run out, anyone resumes.
    assert await leases.claim_job(job.id, "early") is None
    await Job.filter(id=job.id).update(lease_until=now() - timedelta(seconds=1))
    resumed = await executor.execute(await claimed(job, "heir"), "heir", kinds=kinds, chunk=2)

    assert resumed is not None and resumed.status == JobStatus.DONE
    assert (resumed.total, resumed.done, resumed.failed) == (5, 5, 0)
    assert [await closed_events(t.id) for t in tickets] == [1, 1, 1, 1, 1]


async def test_a_runner_that_lost_its_lease_applies_nothing_more(shop: Shop, kinds: JobKinds):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    first, second = await in_finance(shop, "A-1"), await in_finance(shop, "A-2")
    job = await start_close(kinds, fay)
    running = await claimed(job, "slow")
    # While "slow" stalled, its lease ran out and "fast" took the job over.
    await Job.filter(id=job.id).update(lease_owner="fast")

    assert await executor.execute(running, "slow", kinds=kinds) is None
    assert [await closed_events(t.id) for t in (first, second)] == [0, 0]
    assert (await Job.get(id=job.id)).done == 0


async def test_cancel_stops_the_job_between_chunks(shop: Shop, kinds: JobKinds):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    tickets = [await in_finance(shop, f"A-{n}") for n in range(5)]
    job = await start_close(kinds, fay)
    seen: list[int] = []

    async def cancel_after_first_chunk(current: Job) -> None:
        seen.append(current.done)
        await starting.cancel_job(fay, current.id)

    running = await claimed(job)
    left = await executor.execute(
        running, "test-runner", kinds=kinds, chunk=2, on_progress=cancel_after_first_chunk
    )

    assert left is None  # no longer this runner's to finish
    after = await Job.get(id=job.id)
    assert (after.status, after.done, seen) == (JobStatus.CANCELLED, 2, [2])
    assert after.finished_at is not None and after.lease_until is None
    assert [await closed_events(t.id) for t in tickets] == [1, 1, 0, 0, 0]
    with pytest.raises(FlowError) as again:
        await starting.cancel_job(fay, job.id)
    assert again.value.code == ErrorCode.CONFLICT


async def test_only_the_starter_and_admins_see_and_cancel_a_job(shop: Shop, kinds: JobKinds):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    sam = await granted(shop, "sam", Permission.TICKET_BATCH)
    job = await start_close(kinds, fay)
    with pytest.raises(FlowError) as hidden:
        await starting.cancel_job(sam, job.id)
    assert hidden.value.code == ErrorCode.NOT_FOUND
    assert [j.id for j in await jobs.my_jobs(sam)] == []
    assert [j.id for j in await jobs.my_jobs(shop.actor("admin"))] == [job.id]
    cancelled = await starting.cancel_job(shop.actor("admin"), job.id)
    assert cancelled.status == JobStatus.CANCELLED
    assert await leases.claim_job(job.id, "late") is None  # a cancelled job is never claimed


async def test_an_unexpected_error_fails_one_item_not_the_job(
    shop: Shop, monkeypatch: pytest.MonkeyPatch, kinds: JobKinds
):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    first, second = await in_finance(shop, "A-1"), await in_finance(shop, "A-2")
    real_close = closing.close_ticket

    async def broken_on_first(actor: Actor, ticket_id: int, *args: Any, **kwargs: Any) -> Ticket:
        if ticket_id == first.id:
            await Ticket.filter(id=ticket_id).update(title="half-written")
            raise RuntimeError("bug")
        return await real_close(actor, ticket_id, *args, **kwargs)

    monkeypatch.setattr(closing, "close_ticket", broken_on_first)
    job = await start_close(kinds, fay)
    done = await executor.execute(await claimed(job), "test-runner", kinds=kinds)

    assert done is not None and (done.status, done.done, done.failed) == (JobStatus.DONE, 1, 1)
    assert done.errors == [
        {"ticketId": first.id, "code": "INTERNAL", "message": "Unexpected error (logged)"}
    ]
    assert (await Ticket.get(id=first.id)).title == "A-1"  # its half-written change rolled back
    assert (await Ticket.get(id=second.id)).status == Status.DONE


async def test_a_starter_who_lost_the_grant_fails_the_job(shop: Shop, kinds: JobKinds):
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    first = await in_finance(shop, "A-1")
    job = await start_close(kinds, fay)
    await granted(shop, "fay")  # the grant is taken away before the job starts
    failed = await executor.execute(await claimed(job), "test-runner", kinds=kinds)
    assert failed is not None and failed.status == JobStatus.FAILED
    assert failed.errors[0]["code"] == "FORBIDDEN"
    assert (await Ticket.get(id=first.id)).status == Status.PENDING


async def test_rows_not_enqueued_for_a_runner_are_never_claimed(shop: Shop, kinds: JobKinds):
    job = await Job.create(
        tenant_id=shop.org.tenant.id, created_by_id=shop.users["sam"].id, kind="batch.close"
    )
    assert await leases.due_jobs() == []
    assert await leases.claim_job(job.id, "any") is None


@dataclass
class Sleepy:
    """A whole job that only takes its time (a large export finishing its file)."""

    seconds: float

    def check(self, actor: Actor) -> None:
        pass

    async def validate(
        self, actor: Actor, params: dict[str, Any], env: jobs.JobEnv
    ) -> jobs.Checked:
        return jobs.Checked()

    async def run(
        self,
        actor: Actor,
        job: Job,
        env: jobs.JobEnv,
        progress: Any,
        stopping: Any,
    ) -> dict[str, Any] | None:
        await asyncio.sleep(self.seconds)
        return {"slept": self.seconds}


async def test_a_whole_job_keeps_its_lease_while_it_works(
    shop: Shop,
):
    kinds = JobKinds({"test.sleepy": Sleepy(2.5)})  # a kind of its own, built like any
    job = await starting.enqueue(kinds, shop.org.admin_actor, "test.sleepy", {})
    lease = timedelta(seconds=1)
    running = await leases.claim_job(job.id, "keeper", lease)
    assert running is not None
    work = asyncio.create_task(executor.execute(running, "keeper", kinds=kinds, lease=lease))
    await asyncio.sleep(1.5)  # past the lease it was claimed with
    assert await leases.claim_job(job.id, "thief", lease) is None
    done = await work
    assert done is not None and done.status == JobStatus.DONE
    assert (done.result, done.lease_owner) == ({"slept": 2.5}, "keeper")


async def test_a_whole_job_that_loses_its_lease_stops_working(
    shop: Shop,
):
    kinds = JobKinds({"test.sleepy": Sleepy(30)})
    job = await starting.enqueue(kinds, shop.org.admin_actor, "test.sleepy", {})
    lease = timedelta(seconds=0.6)
    running = await leases.claim_job(job.id, "stale", lease)
    assert running is not None
    work = asyncio.create_task(executor.execute(running, "stale", kinds=kinds, lease=lease))
    await asyncio.sleep(0.1)
    await Job.filter(id=job.id).update(lease_owner="other")  # taken over meanwhile
    assert await asyncio.wait_for(work, 10) is None  # stopped at its next renewal
    assert (await Job.get(id=job.id)).result == {}
