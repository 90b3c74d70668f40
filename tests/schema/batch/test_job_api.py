"""Jobs over GraphQL: startBatchJob over a filter, followed live through jobProgress on a
real WebSocket while the server's runner works; jobs, job and cancelJob."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.flows.batch.test_batch import granted, in_finance, in_sales
from tests.flows.live.test_streams import live, request
from tests.jobs.test_executor import closed_events, pause_runner
from tests.shop import Shop
from tests.support import gid
from workorder.auth.permissions import Permission
from workorder.flows.tickets import closing
from workorder.jobs import executor
from workorder.models import EventKind, Job, JobStatus, Status, Ticket, TicketEvent

JOB = "id kind status total done failed errors result"
START = f"""mutation($input: StartBatchJobInput!) {{ startBatchJob(input: $input) {{
  job {{ {JOB} }} errors {{ code message field }} }} }}"""
CANCEL = f"""mutation($id: ID!) {{ cancelJob(input: {{id: $id}}) {{
  job {{ {JOB} }} errors {{ code message field }} }} }}"""
JOBS = """query($status: [JobStatus!]) { jobs(status: $status) {
  totalCount edges { node { id kind status } } } }"""
ONE = f"""query($id: ID!) {{ job(id: $id) {{ {JOB} }} }}"""
PROGRESS = """subscription($id: ID!) { jobProgress(id: $id) { status total done failed } }"""


async def until_finished(stream: AsyncIterator[dict[str, Any]]) -> list[dict[str, Any]]:
    seen = []
    async for item in stream:
        seen.append(item["jobProgress"])
        if item["jobProgress"]["status"] in ("DONE", "FAILED", "CANCELLED"):
            break
    return seen


async def test_a_filter_based_close_job_is_followed_live_to_its_end(
    shop: Shop, server_url: str, app: Any, monkeypatch: pytest.MonkeyPatch
):
    await granted(shop, "fay", Permission.TICKET_BATCH)
    tickets = [await in_finance(shop, f"A-{n}") for n in range(5)]
    elsewhere = await in_sales(shop, "S-1")  # not Fay's to see: never in the job
    monkeypatch.setattr(executor, "CHUNK", 2)
    real_close = closing.close_ticket

    async def slow_close(*args: Any, **kwargs: Any) -> Ticket:
        await asyncio.sleep(0.05)  # each chunk's progress has time to be seen
        return await real_close(*args, **kwargs)

    monkeypatch.setattr(closing, "close_ticket", slow_close)
    runner = app.state.job_runner
    monkeypatch.setattr(runner, "paused", True)  # until the watcher is listening

    started = await shop.gql(
        "fay",
        START,
        {"input": {"action": "CLOSE", "filter": {"status": ["PENDING"]}, "comment": "Bulk"}},
    )
    payload = started["startBatchJob"]
    assert payload["errors"] == []
    job = payload["job"]
    assert (job["kind"], job["status"], job["total"]) == ("batch.close", "QUEUED", 5)

    async with live(server_url, await shop.token("fay")) as session:
        watching = asyncio.ensure_future(
            asyncio.wait_for(until_finished(session.subscribe(request(PROGRESS, id=job["id"]))), 20)
        )
        await asyncio.sleep(0.3)  # subscribed
        runner.paused = False
        await runner.push(0)  # wake it now rather than at its next look
        progress = await watching

    assert progress[0] == {"status": "QUEUED", "total": 5, "done": 0, "failed": 0}
    assert progress[-1] == {"status": "DONE", "total": 5, "done": 5, "failed": 0}
    done = [p["done"] for p in progress]
    assert done == sorted(done), "progress went backwards"
    assert any(p["status"] == "RUNNING" and 0 < p["done"] < 5 for p in progress), progress
    for ticket in tickets:
        assert (await Ticket.get(id=ticket.id)).status == Status.DONE
        assert await closed_events(ticket.id) == 1
    assert (await Ticket.get(id=elsewhere.id)).status != Status.DONE

    final = (await shop.gql("fay", ONE, {"id": job["id"]}))["job"]
    assert (final["status"], final["errors"]) == ("DONE", [])
    assert final["result"]["ids"] == [t.id for t in tickets]


async def test_starting_a_batch_job_checks_the_grant_and_the_input(
    shop: Shop, app: Any, monkeypatch: pytest.MonkeyPatch
):
    pause_runner(app, monkeypatch)
    refused = await shop.gql("cal", START, {"input": {"action": "CLOSE"}})
    assert refused["startBatchJob"]["job"] is None
    assert refused["startBatchJob"]["errors"][0]["code"] == "FORBIDDEN"

    await granted(shop, "fay", Permission.TICKET_BATCH)
    no_user = await shop.gql("fay", START, {"input": {"action": "ASSIGN"}})
    assert no_user["startBatchJob"]["errors"] == [
        {"code": "INVALID", "message": "ASSIGN needs the user to assign to", "field": ["userId"]}
    ]
    both = await shop.gql(
        "fay",
        START,
        {"input": {"action": "URGE", "savedViewId": gid("SavedView", 1), "filter": {}}},
    )
    assert both["startBatchJob"]["errors"][0]["field"] == ["filter"]
    bad_group = await shop.gql(
        "fay", START, {"input": {"action": "CLOSE", "filter": {"groupId": ["nonsense"]}}}
    )
    assert bad_group["startBatchJob"]["errors"][0]["code"] == "NOT_FOUND"
    assert await Job.all().count() == 0


async def test_a_saved_view_urge_job_runs_on_the_server(shop: Shop):
    await granted(shop, "fay", Permission.TICKET_BATCH)
    tickets = [await in_finance(shop, f"A-{n}") for n in range(2)]
    view = await shop.gql(
        "fay",
        """mutation($i: CreateSavedViewInput!) { createSavedView(input: $i) {
        savedView { id } errors { code } } }""",
        {"i": {"name": "Waiting", "base": "ALL", "filter": {"status": ["PENDING"]}}},
    )
    view_id = view["createSavedView"]["savedView"]["id"]
    started = await shop.gql(
        "fay",
        START,
        {"input": {"action": "URGE", "savedViewId": view_id, "comment": "Hurry"}},
    )
    job_id = started["startBatchJob"]["job"]["id"]

    async def finished() -> dict[str, Any]:
        while True:
            found: dict[str, Any] = (await shop.gql("fay", ONE, {"id": job_id}))["job"]
            if found["status"] == "DONE":
                return found
            await asyncio.sleep(0.1)

    final = await asyncio.wait_for(finished(), 10)
    assert (final["done"], final["failed"]) == (2, 0)
    for ticket in tickets:
        assert await TicketEvent.filter(ticket_id=ticket.id, kind=EventKind.URGED).count() == 1


async def test_jobs_are_listed_for_their_starter_and_admins_and_can_be_cancelled(
    shop: Shop, app: Any, monkeypatch: pytest.MonkeyPatch
):
    pause_runner(app, monkeypatch)
    await granted(shop, "fay", Permission.TICKET_BATCH)
    await granted(shop, "sam", Permission.TICKET_BATCH)
    started = await shop.gql("fay", START, {"input": {"action": "URGE"}})
    job_id = started["startBatchJob"]["job"]["id"]

    mine = (await shop.gql("fay", JOBS))["jobs"]
    assert mine["totalCount"] == 1
    assert mine["edges"][0]["node"] == {"id": job_id, "kind": "batch.urge", "status": "QUEUED"}
    assert (await shop.gql("admin", JOBS))["jobs"]["totalCount"] == 1
    assert (await shop.gql("sam", JOBS))["jobs"]["totalCount"] == 0
    assert (await shop.gql("sam", ONE, {"id": job_id}))["job"] is None
    hidden = await shop.gql("sam", CANCEL, {"id": job_id})
    assert hidden["cancelJob"]["errors"][0]["code"] == "NOT_FOUND"

    cancelled = await shop.gql("fay", CANCEL, {"id": job_id})
    assert cancelled["cancelJob"]["job"]["status"] == "CANCELLED"
    again = await shop.gql("fay", CANCEL, {"id": job_id})
    assert again["cancelJob"]["errors"][0]["code"] == "CONFLICT"
    assert (await shop.gql("fay", JOBS, {"status": ["QUEUED"]}))["jobs"]["totalCount"] == 0
    assert [j.status for j in await Job.all()] == [JobStatus.CANCELLED]
