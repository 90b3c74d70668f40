"""Exports and imports over the API: startExport run by the server's own runner, the file
downloaded from its authenticated URL and opened with openpyxl; who may fetch it; startImport
of an uploaded file with good and bad rows; the tenant's export columns."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import httpx
from openpyxl import load_workbook

from tests.flows.batch.test_batch import granted, in_finance, in_sales
from tests.flows.exports.test_exports import complaint_under_review
from tests.shop import Shop
from tests.support import OrgBuilder, gid
from workorder.auth.permissions import Permission
from workorder.models import Job, Source, Ticket

JOB = (
    "id kind status total done failed errors result file { filename size contentType downloadUrl }"
)
EXPORT = f"""mutation($input: StartExportInput!) {{ startExport(input: $input) {{
  job {{ {JOB} }} errors {{ code message field }} }} }}"""
IMPORT = f"""mutation($input: StartImportInput!) {{ startImport(input: $input) {{
  job {{ {JOB} }} errors {{ code message field }} }} }}"""
ONE = f"""query($id: ID!) {{ job(id: $id) {{ {JOB} }} }}"""
UPLOAD = """mutation($input: UploadAttachmentInput!) { uploadAttachment(input: $input) {
  attachment { id } errors { code message } } }"""
SETTINGS = """mutation($input: UpdateTenantSettingsInput!) { updateTenantSettings(input: $input) {
  tenantSettings { exportColumns } errors { code message field } } }"""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_of(shop: Shop) -> httpx.AsyncClient:
    return shop.org.api.client


async def finished(shop: Shop, username: str, job_id: str) -> dict[str, Any]:
    async def poll() -> dict[str, Any]:
        while True:
            found: dict[str, Any] = (await shop.gql(username, ONE, {"id": job_id}))["job"]
            if found["status"] in ("DONE", "FAILED", "CANCELLED"):
                return found
            await asyncio.sleep(0.1)

    return await asyncio.wait_for(poll(), 20)


async def fetch(shop: Shop, url: str, token: str | None) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await client_of(shop).get(url, headers=headers)


async def test_an_export_is_made_by_the_server_and_downloaded_by_its_starter(shop: Shop):
    await granted(shop, "fay", Permission.TICKET_EXPORT)
    await in_finance(shop, "A-1")
    await in_sales(shop, "Secret")  # not Fay's to see

    started = await shop.gql(
        "fay", EXPORT, {"input": {"columns": ["number", "title"], "sheets": ["URGES"]}}
    )
    assert started["startExport"]["errors"] == []
    job = await finished(shop, "fay", started["startExport"]["job"]["id"])
    assert (job["kind"], job["status"], job["done"]) == ("export.tickets", "DONE", 1)
    file = job["file"]
    assert file["contentType"] == XLSX and file["filename"].endswith(".xlsx")
    assert file["downloadUrl"] == f"/jobs/{job['id']}/file"

    response = await fetch(shop, file["downloadUrl"], await shop.token("fay"))
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert response.headers["cache-control"] == "private, no-store"
    assert file["filename"] in response.headers["content-disposition"]
    assert int(response.headers["content-length"]) == file["size"] == len(response.content)
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["Tickets", "Urges"]
    rows = [list(r) for r in book["Tickets"].iter_rows(values_only=True)]
    assert rows[0] == ["Number", "Title"] and [r[1] for r in rows[1:]] == ["A-1"]


async def test_only_its_starter_with_the_grant_and_admins_fetch_the_file(shop: Shop, api: Any):
    await granted(shop, "fay", Permission.TICKET_EXPORT)
    await granted(shop, "cal", Permission.TICKET_EXPORT)
    started = await shop.gql("fay", EXPORT, {"input": {"sheets": []}})
    job = await finished(shop, "fay", started["startExport"]["job"]["id"])
    url = job["file"]["downloadUrl"]
    other = await OrgBuilder.create(api, "rival")

    assert (await fetch(shop, url, None)).status_code == 401
    assert (await fetch(shop, url, "not-a-token")).status_code == 401
    assert (await fetch(shop, url, await shop.token("cal"))).status_code == 404
    assert (await fetch(shop, url, await other.token())).status_code == 404
    assert (await fetch(shop, "/jobs/nonsense/file", await shop.token("fay"))).status_code == 404
    assert (await fetch(shop, url, await shop.token("admin"))).status_code == 200
    await granted(shop, "fay")  # the grant is taken away
    refused = await fetch(shop, url, await shop.token("fay"))
    assert refused.status_code == 403
    (error,) = refused.json()["errors"]
    assert "ticket.export" in error["message"] and error["extensions"]["code"] == "FORBIDDEN"


async def test_starting_an_export_checks_the_grant_and_the_input(shop: Shop):
    refused = await shop.gql("cal", EXPORT, {"input": {}})
    assert refused["startExport"]["job"] is None
    assert refused["startExport"]["errors"][0]["code"] == "FORBIDDEN"
    await granted(shop, "cal", Permission.TICKET_EXPORT)
    bad = await shop.gql("cal", EXPORT, {"input": {"columns": ["number", "secret"]}})
    assert bad["startExport"]["errors"][0]["field"] == ["columns", "1"]
    zone = await shop.gql("cal", EXPORT, {"input": {"timeZone": "Nowhere/Land"}})
    assert zone["startExport"]["errors"][0]["field"] == ["timeZone"]
    assert await Job.all().count() == 0


async def upload(shop: Shop, username: str, filename: str, data: bytes) -> str:
    operations = {"query": UPLOAD, "variables": {"input": {"file": None}}}
    response = await client_of(shop).post(
        "/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": (filename, data, "text/csv")},
        headers={"authorization": f"Bearer {await shop.token(username)}"},
    )
    body = response.json()
    assert body["data"]["uploadAttachment"]["errors"] == [], body
    file_id: str = body["data"]["uploadAttachment"]["attachment"]["id"]
    return file_id


async def test_an_uploaded_file_is_imported_row_by_row(shop: Shop):
    await granted(shop, "ann", Permission.TICKET_IMPORT)
    data = b"Title,Order number,Amount\nPaper,P-1,3\nInk,P-2,many\nPens,P-3,\n"
    file_id = await upload(shop, "ann", "orders.csv", data)
    started = await shop.gql(
        "ann", IMPORT, {"input": {"templateId": gid("Template", shop.order.id), "fileId": file_id}}
    )
    assert started["startImport"]["errors"] == []
    assert started["startImport"]["job"]["total"] == 3

    job = await finished(shop, "ann", started["startImport"]["job"]["id"])

    assert (job["status"], job["done"], job["failed"], job["file"]) == ("DONE", 2, 1, None)
    assert [(e["row"], e["field"]) for e in job["errors"]] == [(3, ["Amount"])]
    made = await Ticket.filter(source=Source.IMPORT).order_by("id")
    assert [t.title for t in made] == ["Paper", "Pens"]


async def test_a_file_that_cannot_be_imported_starts_nothing(shop: Shop):
    await granted(shop, "ann", Permission.TICKET_IMPORT)
    template = gid("Template", shop.order.id)
    wrong = await upload(shop, "ann", "orders.xlsx", b"Title,Order number\nPaper,P-1\n")
    refused = await shop.gql("ann", IMPORT, {"input": {"templateId": template, "fileId": wrong}})
    assert refused["startImport"]["errors"] == [
        {"code": "INVALID", "message": "This is not an XLSX file", "field": ["fileId"]}
    ]
    missing = await upload(shop, "ann", "orders.csv", b"Title\nPaper\n")
    short = await shop.gql("ann", IMPORT, {"input": {"templateId": template, "fileId": missing}})
    assert "order_no" in short["startImport"]["errors"][0]["message"]
    no_grant = await shop.gql("bob", IMPORT, {"input": {"templateId": template, "fileId": wrong}})
    assert no_grant["startImport"]["errors"][0]["code"] == "FORBIDDEN"
    assert await Job.all().count() == 0


async def test_admins_choose_the_export_columns(shop: Shop):
    chosen = await shop.gql(
        "admin", SETTINGS, {"input": {"exportColumns": ["title", "field.order_no"]}}
    )
    assert chosen["updateTenantSettings"] == {
        "tenantSettings": {"exportColumns": ["title", "field.order_no"]},
        "errors": [],
    }
    bad = await shop.gql("admin", SETTINGS, {"input": {"exportColumns": ["nope"]}})
    assert bad["updateTenantSettings"]["errors"][0]["field"] == ["exportColumns", "0"]
    reset = await shop.gql("admin", SETTINGS, {"input": {"exportColumns": None}})
    assert reset["updateTenantSettings"]["tenantSettings"] == {"exportColumns": None}
    agent = await shop.gql("ann", SETTINGS, {"input": {"exportColumns": ["title"]}})
    assert agent["updateTenantSettings"]["errors"][0]["code"] == "FORBIDDEN"


async def test_the_ticket_hides_the_fields_its_export_leaves_blank(shop: Shop):
    _, ticket = await complaint_under_review(shop)
    query = "query($id: ID!) { ticket(id: $id) { fields { key } } }"
    shown = await shop.gql("fay", query, {"id": gid("Ticket", ticket.id)})
    assert [f["key"] for f in shown["ticket"]["fields"]] == ["summary"]
    everything = await shop.gql("admin", query, {"id": gid("Ticket", ticket.id)})
    assert [f["key"] for f in everything["ticket"]["fields"]] == ["summary", "salary"]
