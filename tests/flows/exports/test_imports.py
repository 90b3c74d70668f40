"""Imports: rows of a CSV or XLSX file become tickets, each through the single create; a
bad row is reported with its row number and leaves nothing behind; a file that cannot
work is refused before anything starts; a crashed import creates no ticket twice."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import xlsxwriter

from tests.flows.batch.test_batch import granted, in_finance
from tests.flows.exports.test_exports import run_export
from tests.jobs.test_executor import claimed, pause_runner
from tests.shop import Shop
from workorder.auth.actor import Actor
from workorder.auth.permissions import Permission
from workorder.clock import now
from workorder.errors import ErrorCode, FlowError
from workorder.flows.exports import imports
from workorder.flows.exports.imports import ImportRequest
from workorder.flows.templates import versions as templates
from workorder.flows.templates.config import FieldDefinition, FieldType
from workorder.flows.templates.field_kinds.cells import CellError
from workorder.flows.tickets import create as ticket_create
from workorder.flows.tickets.attachments import store_upload
from workorder.jobs import executor, starting
from workorder.jobs.registry import JobKinds, job_kinds
from workorder.models import (
    Customer,
    EventKind,
    Job,
    JobStatus,
    Priority,
    Source,
    Status,
    Template,
    Ticket,
    TicketEvent,
)
from workorder.settings import Settings
from workorder.storage import LocalStorage

HEADER = "Title,Order number,Amount,Priority,Customer\n"


@pytest.fixture(autouse=True)
def _quiet_runner(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pause_runner(app, monkeypatch)


async def upload(actor: Actor, file_store: LocalStorage, name: str, data: bytes) -> int:
    async def chunks() -> AsyncIterator[bytes]:
        yield data

    attachment = await store_upload(actor, name, None, chunks(), file_store, 10_000_000)
    return attachment.id


def xlsx(rows: list[list[Any]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Orders")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    return out.getvalue()


async def start(
    kinds: JobKinds,
    actor: Actor,
    file_store: LocalStorage,
    shop: Shop,
    name: str,
    data: bytes,
    **kw: Any,
) -> Job:
    file_id = await upload(actor, file_store, name, data)
    request = ImportRequest(template_id=shop.order.id, attachment_id=file_id, **kw)
    return await starting.start_import(kinds, actor, request, max_rows=100, storage=file_store)


async def run(
    kinds: JobKinds, job: Job, file_store: LocalStorage, owner: str = "test-runner", **kw: Any
) -> Job:
    done = await executor.execute(
        await claimed(job, owner), owner, kinds=kinds, storage=file_store, **kw
    )
    assert done is not None
    return done


async def test_good_rows_become_tickets_and_bad_rows_are_reported(
    shop: Shop, file_store: LocalStorage, kinds: JobKinds
):
    await Customer.create(tenant_id=shop.org.tenant.id, name="Li Lei", phone="13800000000")
    ann = await granted(shop, "ann", Permission.TICKET_IMPORT)
    data = (
        HEADER
        + "Paper,P-1,12.5,high,13800000000\n"  # row 2: good, customer by phone
        + "Ink,P-2,lots,,\n"  # row 3: amount is not a number
        + ",,,,\n"  # row 4: empty, skipped
        + "Pens,,3,,\n"  # row 5: the order number is required
        + "Desk,P-5,300,soon,\n"  # row 6: not a priority
        + "Lamp,P-6,40,LOW,Li Lei\n"  # row 7: good, customer by name
        + "Chair,P-7,,,Nobody\n"  # row 8: unknown customer
    ).encode()
    job = await start(kinds, ann, file_store, shop, "orders.csv", data)
    assert (job.kind, job.total, job.result["ignoredColumns"]) == ("import.tickets", 6, [])

    done = await run(kinds, job, file_store)

    assert (done.status, done.done, done.failed) == (JobStatus.DONE, 2, 4), done.errors
    assert [(e["row"], e["code"], e.get("field")) for e in done.errors] == [
        (3, "INVALID", ["Amount"]),
        (5, "INVALID", ["Order number"]),
        (6, "INVALID", ["Priority"]),
        (8, "INVALID", ["Customer"]),
    ]
    assert "Amount" in done.errors[0]["message"] and "lots" in done.errors[0]["message"]
    made = await Ticket.filter(tenant_id=shop.org.tenant.id).order_by("id")
    assert [t.title for t in made] == ["Paper", "Lamp"]
    paper, lamp = made
    assert paper.field_values == {"order_no": "P-1", "amount": 12.5}
    assert (paper.priority, paper.source, paper.status) == (
        Priority.HIGH,
        Source.IMPORT,
        Status.IN_PROGRESS,
    )
    assert paper.customer_id is not None and paper.customer_id == lamp.customer_id
    assert (lamp.field_values["amount"], lamp.priority) == (40, Priority.LOW)
    # Nothing of a refused row is left: no event, no number spent.
    assert await TicketEvent.filter(kind=EventKind.CREATED).count() == 2
    assert sorted(t.number for t in made) == [1, 2]


async def test_an_xlsx_file_imports_with_typed_cells_and_labels_or_keys(
    shop: Shop, file_store: LocalStorage, kinds: JobKinds
):
    ann = await granted(shop, "ann", Permission.TICKET_IMPORT)
    data = xlsx(
        [
            ["title", "order_no", "field.amount", "Colour"],
            ["Paper", "P-1", 12, "red"],
            [None, None, None, None],
            ["Ink", 1002, 7.25, "blue"],
        ]
    )
    job = await start(kinds, ann, file_store, shop, "Orders.XLSX", data)
    assert job.total == 2 and job.result["ignoredColumns"] == ["Colour"]

    done = await run(kinds, job, file_store)

    assert (done.done, done.failed) == (2, 0)
    made = await Ticket.filter(tenant_id=shop.org.tenant.id).order_by("id")
    assert [t.field_values for t in made] == [
        {"order_no": "P-1", "amount": 12},
        {"order_no": "1002", "amount": 7.25},
    ]


async def test_a_file_that_cannot_be_imported_is_refused_before_anything_starts(
    shop: Shop, file_store: LocalStorage, kinds: JobKinds
):
    with pytest.raises(FlowError) as refused:
        await start(kinds, shop.actor("ann"), file_store, shop, "a.csv", HEADER.encode())
    assert refused.value.code == ErrorCode.FORBIDDEN  # no ticket.import grant
    ann = await granted(shop, "ann", Permission.TICKET_IMPORT)
    cases = [
        ("orders.pdf", b"%PDF-1.7", "csv or .xlsx"),
        ("orders.xlsx", HEADER.encode() + b"Paper,P-1,1,,\n", "not an XLSX"),
        ("orders.csv", xlsx([["Title"], ["Paper"]]), "not CSV"),
        ("orders.csv", "Title,Order number\nPapier,P-1\n".encode("utf-16"), "binary"),
        ("orders.csv", "Title,Order number\nPapier,Nº1\n".encode("latin-1"), "UTF-8"),
        ("orders.csv", b"Title,Amount\nPaper,1\n", "Missing required columns: order_no"),
        ("orders.csv", b"Order number,Amount\nP-1,1\n", "Missing required columns: Title"),
        ("orders.csv", HEADER.encode(), "no rows"),
        ("orders.csv", b"", "empty"),
        ("orders.csv", (HEADER + "Paper,P-1,1,,\n" * 101).encode(), "At most 100 rows"),
    ]
    for name, data, says in cases:
        with pytest.raises(FlowError) as bad:
            await start(kinds, ann, file_store, shop, name, data)
        assert bad.value.code == ErrorCode.INVALID, name
        assert says in bad.value.message, (name, bad.value.message)
        assert bad.value.field == ["fileId"]
    assert await Job.all().count() == 0
    assert await Ticket.all().count() == 0


async def test_a_field_the_first_step_hides_is_neither_asked_for_nor_named(
    shop: Shop, file_store: LocalStorage, kinds: JobKinds
):
    """The Order's `order_no` is required; once its first step hides it, an import neither
    demands the column nor names the field (creating a ticket does not ask for it either)."""
    ann = await granted(shop, "ann", Permission.TICKET_IMPORT)
    steps = (await templates.current_config(shop.order)).to_json()["steps"]
    steps[0]["visible_fields"] = ["amount"]
    await templates.set_workflow(shop.org.admin_actor, shop.order.id, steps)
    job = await start(kinds, ann, file_store, shop, "a.csv", b"Title,Amount\nPaper,1\n")
    done = await run(kinds, job, file_store)
    assert (done.status, done.done, done.failed) == (JobStatus.DONE, 1, 0)
    assert "order_no" not in str(done.errors) + str(done.result)


async def test_an_archived_template_takes_no_import(
    shop: Shop, file_store: LocalStorage, kinds: JobKinds
):
    ann = await granted(shop, "ann", Permission.TICKET_IMPORT)
    await Template.filter(id=shop.order.id).update(active=False)
    with pytest.raises(FlowError) as refused:
        await start(kinds, ann, file_store, shop, "a.csv", (HEADER + "Paper,P-1,1,,\n").encode())
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, ["templateId"])


async def test_someone_elses_file_cannot_be_imported(
    shop: Shop, file_store: LocalStorage, kinds: JobKinds
):
    bob = await granted(shop, "bob", Permission.TICKET_IMPORT)
    file_id = await upload(shop.actor("ann"), file_store, "a.csv", b"Title,Order number\nx,1\n")
    with pytest.raises(FlowError) as refused:
        await starting.start_import(
            kinds, bob, ImportRequest(shop.order.id, file_id), max_rows=100, storage=file_store
        )
    assert (refused.value.code, refused.value.field) == (ErrorCode.NOT_FOUND, ["fileId"])


async def test_an_export_imports_back(shop: Shop, file_store: LocalStorage, kinds: JobKinds):
    await in_finance(shop, "A-1")
    admin = shop.org.admin_actor
    _, data = await run_export(kinds, admin, file_store, sheets=())
    job = await start(kinds, admin, file_store, shop, "export.xlsx", data)
    assert {"Number", "Status", "Template"} <= set(job.result["ignoredColumns"])
    done = await run(kinds, job, file_store)
    assert (done.done, done.failed) == (1, 0)
    copy = await Ticket.filter(source=Source.IMPORT).get()
    assert (copy.title, copy.field_values["order_no"]) == ("A-1", "A-1")


async def test_an_import_killed_half_way_creates_no_ticket_twice(
    shop: Shop, file_store: LocalStorage, monkeypatch: pytest.MonkeyPatch, kinds: JobKinds
):
    ann = await granted(shop, "ann", Permission.TICKET_IMPORT)
    data = (HEADER + "".join(f"T-{n},P-{n},1,,\n" for n in range(5))).encode()
    job = await start(kinds, ann, file_store, shop, "orders.csv", data)
    real_create = ticket_create.create_ticket
    calls = 0

    async def create_then_die(*args: Any, **kwargs: Any) -> Ticket:
        nonlocal calls
        calls += 1
        made = await real_create(*args, **kwargs)
        if calls == 3:  # the third ticket is written, the process "dies" before its marker
            task = asyncio.current_task()
            assert task is not None
            task.cancel()
            await asyncio.sleep(0)
        return made

    monkeypatch.setattr(ticket_create, "create_ticket", create_then_die)
    running = await claimed(job, "doomed")
    killed = asyncio.create_task(
        executor.execute(running, "doomed", kinds=kinds, storage=file_store, chunk=2)
    )
    with pytest.raises(asyncio.CancelledError):
        await killed
    monkeypatch.setattr(ticket_create, "create_ticket", real_create)
    assert [t.title for t in await Ticket.all().order_by("id")] == ["T-0", "T-1"]

    await Job.filter(id=job.id).update(lease_until=now() - timedelta(seconds=1))
    done = await run(kinds, job, file_store, owner="heir", chunk=2)

    assert (done.status, done.done, done.failed) == (JobStatus.DONE, 5, 0)
    assert [t.title for t in await Ticket.all().order_by("id")] == [f"T-{n}" for n in range(5)]


async def test_exports_and_imports_are_different_grants(
    shop: Shop, file_store: LocalStorage, kinds: JobKinds
):
    exporter = await granted(shop, "ann", Permission.TICKET_EXPORT)
    with pytest.raises(FlowError) as refused:
        await start(kinds, exporter, file_store, shop, "a.csv", HEADER.encode())
    assert refused.value.code == ErrorCode.FORBIDDEN


def test_cells_are_read_as_an_agent_types_them():
    zone = ZoneInfo("Asia/Shanghai")

    def read(kind: str, cell: Any) -> Any:
        definition = FieldDefinition(key="k", label="K", type=FieldType(kind))
        return imports.field_value(definition, cell, zone)

    assert [read("CHECKBOX", v) for v in ("Yes", "否", "1", False, "TRUE")] == [
        True,
        False,
        True,
        False,
        True,
    ]
    with pytest.raises(CellError):
        read("CHECKBOX", "maybe")
    assert read("NUMBER", "1,250") == 1250 and read("NUMBER", 2.5) == 2.5
    assert read("MULTI_SELECT", "red; blue ;") == ["red", "blue"]
    assert read("CASCADE", "Guangdong / Shenzhen") == ["Guangdong", "Shenzhen"]
    assert read("DATE", datetime(2026, 11, 23, 0, 0)) == "2026-11-23"
    assert read("DATETIME", "2026-11-23 09:30") == "2026-11-23T09:30:00+08:00"
    assert read("DATETIME", datetime(2026, 11, 23, 9, 30)) == "2026-11-23T09:30:00+08:00"
    assert read("TEXT", 1002.0) == "1002"


async def test_an_import_that_cannot_read_its_file_fails_once(
    shop: Shop, file_store: LocalStorage, settings: Settings, kinds: JobKinds
):
    ann = await granted(shop, "ann", Permission.TICKET_IMPORT)
    job = await start(
        kinds, ann, file_store, shop, "orders.csv", (HEADER + "Paper,P-1,1,,\n").encode()
    )
    # Run by another process (its own kinds, which have not read the file yet) that has no
    # file store: it cannot read the rows, so the job ends, it does not loop.
    elsewhere = job_kinds(settings)
    broken = await executor.execute(
        await claimed(job), "test-runner", kinds=elsewhere, storage=None
    )
    assert broken is not None and broken.status == JobStatus.FAILED
    assert broken.errors == [{"code": "INTERNAL", "message": "Unexpected error (logged)"}]
    assert broken.lease_until is None and await Ticket.all().count() == 0
