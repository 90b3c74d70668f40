"""The ticket report as a file: startReportExport runs as a job on the server's own runner and
its file is downloaded like an export's, then read as a user would open it (the CSV inside
the ZIP, the XLSX sheet). Figures as worked out in tests/flows/reports/test_reports.py."""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from tests.flows.reports.test_reports import ReportOrg, build_report_org, with_targets
from tests.schema.reports.test_report_api import MARCH
from tests.support import OrgBuilder
from workorder.models import Job

START = """mutation($input: StartReportExportInput!) {
  startReportExport(input: $input) { job { id type } errors { code field message } } }"""
ONE = """query($id: ID!) { job(id: $id) { status type
  outcome { ... on ExportJobResult { rows file { filename contentType downloadUrl } } } } }"""


@pytest.fixture
async def world(org: OrgBuilder) -> ReportOrg:
    found = await build_report_org(org)
    await with_targets(found)
    return found


async def start(world: ReportOrg, who: str, **given: Any) -> dict[str, Any]:
    token = await world.org.token(who)
    data = await world.org.api.ok(START, {"input": {**MARCH, **given}}, token)
    payload: dict[str, Any] = data["startReportExport"]
    return payload


async def finished(world: ReportOrg, who: str, job_id: str) -> dict[str, Any]:
    token = await world.org.token(who)

    async def poll() -> dict[str, Any]:
        while True:
            found: dict[str, Any] = (await world.org.api.ok(ONE, {"id": job_id}, token))["job"]
            if found["status"] in ("DONE", "FAILED", "CANCELLED"):
                return found
            await asyncio.sleep(0.1)

    return await asyncio.wait_for(poll(), 20)


async def download(world: ReportOrg, who: str, url: str) -> httpx.Response:
    headers = {"authorization": f"Bearer {await world.org.token(who)}"}
    return await world.org.api.client.get(url, headers=headers)


async def made(world: ReportOrg, who: str, **given: Any) -> tuple[dict[str, Any], bytes]:
    started = await start(world, who, **given)
    assert started["errors"] == [], started
    assert started["job"]["type"] == "EXPORT_REPORT"
    job = await finished(world, who, started["job"]["id"])
    assert job["status"] == "DONE", job
    response = await download(world, who, job["outcome"]["file"]["downloadUrl"])
    assert response.status_code == 200
    return job, response.content


async def test_the_report_by_group_as_csv(world: ReportOrg):
    job, data = await made(world, "admin", groupBy="GROUP", format="CSV")
    assert job["outcome"]["rows"] == 2
    assert job["outcome"]["file"]["filename"].endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        (name,) = archive.namelist()
        rows = list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
    assert rows[0][:9] == [
        "Group",
        "Created",
        "Claimed",
        "Forwarded",
        "Returned",
        "Transferred",
        "Urged",
        "Done",
        "Open at end",
    ]
    assert rows[0][-3:] == ["SLA tracked", "SLA met", "SLA attainment"]
    assert rows[1] == [
        *["Sales", "4", "3", "1", "1", "1", "2", "2", "2"],
        *["1200.0", "129600.0", "5.0", "3", "1", "0.333"],
    ]
    assert rows[2] == [
        *["Finance", "1", "0", "1", "0", "1", "0", "0", "2"],
        *["3600.0", "", "4.0", "1", "0", "0.0"],
    ]
    assert rows[3][0] == "Total"
    assert rows[3][1:9] == ["5", "3", "2", "1", "2", "2", "2", "4"]
    assert rows[3][-3:] == ["4", "1", "0.25"]


async def test_the_report_by_agent_as_xlsx_and_only_for_its_starter(world: ReportOrg):
    job, data = await made(world, "admin")
    sheet = load_workbook(io.BytesIO(data), read_only=True)["Report"]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    # T9 is ann's now, but bob created it: created counts for bob.
    assert rows["ann"][1:4] == (2, 2, 1)
    assert rows["bob"][1] == 1
    assert rows["ann"][-3:] == (3, 1, 0.333)
    assert rows["(none)"][8] == 1  # T5 waits unassigned at the end of March
    assert rows["Total"][1] == 5
    # The file is the job's: another user gets nothing.
    url = job["outcome"]["file"]["downloadUrl"]
    assert (await download(world, "cal", url)).status_code == 404


async def test_a_bad_range_starts_nothing(world: ReportOrg):
    before = await Job.all().count()
    refused = await start(world, "admin", **{"to": MARCH["from"]})
    assert refused["job"] is None
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID", ["to"])]
    assert await Job.all().count() == before
