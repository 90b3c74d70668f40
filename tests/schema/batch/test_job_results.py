"""Typed job answers: `Job.type` for every registered kind, `Job.outcome` (a batch job's
tickets as the viewer may see them now, an export's file, an import's columns) and
`Job.failures` with global ids and error codes; the deprecated JSON fields answer as before.
The jobs are run by the server's own runner."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.flows.batch.test_batch import granted, in_finance
from tests.schema.batch.test_export_api import upload
from tests.shop import Shop
from tests.support import OrgBuilder, gid
from workorder.auth.permissions import Permission
from workorder.flows.tickets.closing import close_ticket, delete_ticket
from workorder.jobs.registry import job_kinds
from workorder.schema.batch import results
from workorder.schema.batch.results import JobKindValue
from workorder.settings import Settings

OUTCOME = """
  ... on BatchJobResult { succeeded failed
    tickets(first: $first, after: $after) {
      totalCount edges { node { id title } } pageInfo { hasNextPage endCursor } } }
  ... on ExportJobResult { rows file { filename downloadUrl } }
  ... on ImportJobResult { created refused ignoredColumns }
"""
FAILURES = """failures { totalCount edges { node {
  ticketId row code message field ticket { id title } } } }"""
ONE = f"""query($id: ID!, $first: Int, $after: String) {{ job(id: $id) {{
  id type status kind errors result file {{ filename }}
  outcome {{ __typename {OUTCOME} }} {FAILURES} }} }}"""
START = """mutation($input: StartBatchJobInput!) { startBatchJob(input: $input) {
  job { id type outcome { __typename } } errors { code message } } }"""
EXPORT = """mutation($input: StartExportInput!) { startExport(input: $input) {
  job { id } errors { code message } } }"""
IMPORT = """mutation($input: StartImportInput!) { startImport(input: $input) {
  job { id type outcome { __typename ... on ImportJobResult { ignoredColumns } } }
  errors { code message } } }"""
KINDS = """{ __type(name: "JobKind") { enumValues { name description } } }"""


async def finished(shop: Shop, username: str, job_id: str, **variables: Any) -> dict[str, Any]:
    async def poll() -> dict[str, Any]:
        while True:
            found: dict[str, Any] = (await shop.gql(username, ONE, {"id": job_id, **variables}))[
                "job"
            ]
            if found["status"] in ("DONE", "FAILED", "CANCELLED"):
                return found
            await asyncio.sleep(0.1)

    return await asyncio.wait_for(poll(), 20)


async def test_a_batch_job_shows_only_the_tickets_its_viewer_may_see_now(shop: Shop):
    await granted(shop, "fay", Permission.TICKET_BATCH)
    first, second, third = [await in_finance(shop, f"A-{n}") for n in range(3)]
    closed = await in_finance(shop, "A-closed")
    await close_ticket(shop.actor("fay"), closed.id)  # closing it again is refused

    started = await shop.gql("fay", START, {"input": {"action": "CLOSE", "comment": "Bulk"}})
    assert started["startBatchJob"]["errors"] == []
    job = started["startBatchJob"]["job"]
    assert job["type"] == "BATCH_CLOSE"
    done = await finished(shop, "fay", job["id"])
    assert (done["status"], done["outcome"]["succeeded"], done["outcome"]["failed"]) == (
        "DONE",
        3,
        1,
    )
    await delete_ticket(shop.actor("admin"), second.id)  # nobody may see it any more

    shown = await finished(shop, "fay", job["id"])
    outcome = shown["outcome"]
    assert outcome["__typename"] == "BatchJobResult"
    assert (outcome["succeeded"], outcome["failed"]) == (3, 1)  # what the job did
    tickets = outcome["tickets"]
    assert tickets["totalCount"] == 3
    assert [e["node"] for e in tickets["edges"]] == [
        {"id": gid("Ticket", t.id), "title": t.title} for t in (first, third, closed)
    ]
    (failure,) = [e["node"] for e in shown["failures"]["edges"]]
    assert failure == {
        "ticketId": gid("Ticket", closed.id),
        "row": None,
        "code": "WRONG_STATUS",
        "message": failure["message"],
        "field": failure["field"],
        "ticket": {"id": gid("Ticket", closed.id), "title": "A-closed"},
    }
    assert failure["message"]
    assert shown["failures"]["totalCount"] == 1

    # Paged: one at a time, the deleted ticket skipped, to the end.
    seen, after = [], None
    while True:
        page = (await finished(shop, "fay", job["id"], first=1, after=after))["outcome"]
        edges = page["tickets"]["edges"]
        seen += [e["node"]["id"] for e in edges]
        if not page["tickets"]["pageInfo"]["hasNextPage"]:
            break
        after = page["tickets"]["pageInfo"]["endCursor"]
    assert seen == [gid("Ticket", t.id) for t in (first, third, closed)]

    # The deprecated fields answer as before: raw ids, untyped errors.
    assert shown["kind"] == "batch.close"
    assert shown["result"]["ids"] == [t.id for t in (first, second, third, closed)]
    assert [(e["ticketId"], e["code"]) for e in shown["errors"]] == [(closed.id, "WRONG_STATUS")]


async def test_a_failed_ticket_the_viewer_may_no_longer_see_keeps_only_its_id(shop: Shop):
    await granted(shop, "fay", Permission.TICKET_BATCH)
    closed = await in_finance(shop, "A-closed")
    await close_ticket(shop.actor("fay"), closed.id)
    started = await shop.gql("fay", START, {"input": {"action": "URGE"}})
    job_id = started["startBatchJob"]["job"]["id"]
    await finished(shop, "fay", job_id)
    await delete_ticket(shop.actor("admin"), closed.id)

    shown = await finished(shop, "fay", job_id)

    (failure,) = [e["node"] for e in shown["failures"]["edges"]]
    assert (failure["ticketId"], failure["ticket"]) == (gid("Ticket", closed.id), None)
    assert shown["outcome"]["tickets"] == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }


async def test_a_long_job_is_read_window_by_window(shop: Shop, monkeypatch: Any):
    monkeypatch.setattr(results, "WINDOW", 2)  # 6 tickets: as a job of thousands is read
    await granted(shop, "fay", Permission.TICKET_BATCH)
    tickets = [await in_finance(shop, f"A-{n}") for n in range(6)]
    started = await shop.gql("fay", START, {"input": {"action": "URGE"}})
    job_id = started["startBatchJob"]["job"]["id"]
    await finished(shop, "fay", job_id)
    for gone in (tickets[1], tickets[2], tickets[3]):  # a whole window hidden
        await delete_ticket(shop.actor("admin"), gone.id)

    seen, after = [], None
    while True:
        page = (await finished(shop, "fay", job_id, first=2, after=after))["outcome"]
        assert page["tickets"]["totalCount"] == 3
        seen += [e["node"]["id"] for e in page["tickets"]["edges"]]
        if not page["tickets"]["pageInfo"]["hasNextPage"]:
            break
        after = page["tickets"]["pageInfo"]["endCursor"]

    assert seen == [gid("Ticket", t.id) for t in (tickets[0], tickets[4], tickets[5])]


async def test_another_tenant_sees_neither_the_job_nor_its_tickets(shop: Shop, api: Any):
    await granted(shop, "fay", Permission.TICKET_BATCH)
    await in_finance(shop, "A-1")
    started = await shop.gql("fay", START, {"input": {"action": "URGE"}})
    job_id = started["startBatchJob"]["job"]["id"]
    await finished(shop, "fay", job_id)
    rival = await OrgBuilder.create(api, "rival")

    answer = await rival.api.ok(ONE, {"id": job_id}, await rival.token())

    assert answer["job"] is None


async def test_a_queued_batch_job_has_no_outcome_yet(shop: Shop, app: Any, monkeypatch: Any):
    monkeypatch.setattr(app.state.job_runner, "paused", True)
    await granted(shop, "fay", Permission.TICKET_BATCH)
    started = await shop.gql("fay", START, {"input": {"action": "URGE"}})
    job = started["startBatchJob"]["job"]
    assert (job["type"], job["outcome"]) == ("BATCH_URGE", None)


async def test_an_export_says_how_many_rows_it_wrote_and_where_its_file_is(shop: Shop):
    await granted(shop, "fay", Permission.TICKET_EXPORT)
    await in_finance(shop, "A-1")
    await in_finance(shop, "A-2")
    started = await shop.gql("fay", EXPORT, {"input": {"sheets": []}})
    assert started["startExport"]["errors"] == []

    job = await finished(shop, "fay", started["startExport"]["job"]["id"])

    assert job["type"] == "EXPORT_TICKETS"
    assert job["outcome"] == {
        "__typename": "ExportJobResult",
        "rows": 2,
        "file": {"filename": job["file"]["filename"], "downloadUrl": f"/jobs/{job['id']}/file"},
    }
    assert job["failures"] == {"totalCount": 0, "edges": []}
    assert job["result"]["rows"] == 2  # the deprecated JSON, as before


async def test_an_import_says_what_it_created_refused_and_ignored(shop: Shop):
    await granted(shop, "ann", Permission.TICKET_IMPORT)
    data = b"Title,Order number,Amount,Colour\nPaper,P-1,3,red\nInk,P-2,many,\nPens,P-3,,\n"
    file_id = await upload(shop, "ann", "orders.csv", data)
    started = await shop.gql(
        "ann", IMPORT, {"input": {"templateId": gid("Template", shop.order.id), "fileId": file_id}}
    )
    job = started["startImport"]["job"]
    assert (job["type"], job["outcome"]) == (
        "IMPORT_TICKETS",
        {"__typename": "ImportJobResult", "ignoredColumns": ["Colour"]},
    )

    done = await finished(shop, "ann", job["id"])

    assert done["outcome"] == {
        "__typename": "ImportJobResult",
        "created": 2,
        "refused": 1,
        "ignoredColumns": ["Colour"],
    }
    (failure,) = [e["node"] for e in done["failures"]["edges"]]
    assert (failure["row"], failure["ticketId"], failure["ticket"]) == (3, None, None)
    assert (failure["code"], failure["field"]) == ("INVALID", ["Amount"])
    assert [(e["row"], e["field"]) for e in done["errors"]] == [(3, ["Amount"])]


async def test_every_registered_kind_of_job_has_a_described_type(shop: Shop, settings: Settings):
    values = (await shop.gql("admin", KINDS))["__type"]["enumValues"]
    described = {v["name"] for v in values if v["description"]}
    for name in job_kinds(settings):
        assert JobKindValue(name).name in described, name
    assert len(values) == len(job_kinds(settings))
