"""Exports: the grant, the columns, only visible tickets, the record sheets, both formats,
read back as a user would open them (openpyxl for XLSX, csv for the zipped CSV files)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tests.flows.batch.test_batch import granted, in_finance, in_sales
from tests.jobs.test_executor import claimed, pause_runner
from tests.schema.views.test_ticket_list_statements import counting
from tests.shop import Shop
from workorder.auth.actor import Actor
from workorder.auth.permissions import Permission
from workorder.errors import ErrorCode, FlowError
from workorder.flows.exports import exports, files
from workorder.flows.exports.columns import RecordSheet, field_cell
from workorder.flows.exports.exports import ExportRequest
from workorder.flows.org import tenants
from workorder.flows.templates.config import FieldDefinition, FieldType
from workorder.flows.templates.versions import create_template
from workorder.flows.tickets import handling, interactions, moves, notes, urging
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.views.filters import TicketFilter
from workorder.flows.views.lists import ListSpec
from workorder.jobs import executor, starting
from workorder.jobs.registry import JobKinds
from workorder.models import Channel, Customer, Direction, Job, JobStatus, Template, Ticket
from workorder.sheets.cells import Cell, SheetFormat, csv_safe
from workorder.storage import LocalStorage


@pytest.fixture(autouse=True)
def _quiet_runner(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pause_runner(app, monkeypatch)


async def run_export(
    kinds: JobKinds, actor: Actor, file_store: LocalStorage, **request: Any
) -> tuple[Job, bytes]:
    job = await starting.start_export(kinds, actor, ExportRequest(**request), storage=file_store)
    done = await executor.execute(
        await claimed(job), "test-runner", kinds=kinds, storage=file_store
    )
    assert done is not None and done.status == JobStatus.DONE, done and done.errors
    found = files.export_file_of(done)
    assert found is not None
    return done, file_store.path_of(found.sha256).read_bytes()


def sheets_of(data: bytes) -> dict[str, list[list[Any]]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {
        ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets
    }


async def order_story(shop: Shop) -> tuple[Ticket, Ticket, Ticket]:
    """Two orders Ann passed to Finance: one urged, noted and called about, one Fay returned
    for want of payment; and one still in Sales, which Fay cannot see."""
    first = await in_finance(shop, "A-1")
    second = await in_finance(shop, "A-2")
    hidden = await in_sales(shop, "Secret order")
    ann, fay = shop.actor("ann"), shop.actor("fay")
    await urging.urge_ticket(ann, first.id, comment="customer called twice")
    await notes.note_ticket(ann, first.id, "=cmd|' /C calc'!A0")
    await interactions.log_interaction(
        ann,
        first.id,
        channel=Channel.PHONE,
        direction=Direction.INBOUND,
        number="+86 138 0000 0000",
        started_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        duration_seconds=125,
    )
    customer = await Customer.create(tenant_id=shop.org.tenant.id, name="Li Lei")
    await Ticket.filter(id=first.id).update(customer_id=customer.id)  # taken over the phone
    await handling.claim_ticket(fay, second.id)
    await moves.return_ticket(fay, second.id, "no payment yet")
    return first, second, hidden


async def test_an_export_needs_the_grant_and_checks_its_input(
    shop: Shop, file_store: LocalStorage, kinds: JobKinds
):
    with pytest.raises(FlowError) as refused:
        await starting.start_export(kinds, shop.actor("cal"), ExportRequest(), storage=file_store)
    assert refused.value.code == ErrorCode.FORBIDDEN
    fay = await granted(shop, "fay", Permission.TICKET_EXPORT)
    for request, field in [
        (ExportRequest(columns=("number", "colour")), ["columns", "1"]),
        (ExportRequest(columns=("field.no_such_field",)), ["columns", "0"]),
        (ExportRequest(columns=()), ["columns"]),
        (ExportRequest(time_zone="Mars/Olympus"), ["timeZone"]),
    ]:
        with pytest.raises(FlowError) as bad:
            await starting.start_export(kinds, fay, request, storage=file_store)
        assert (bad.value.code, bad.value.field) == (ErrorCode.INVALID, field)
    assert await Job.all().count() == 0


async def test_the_workbook_has_the_visible_tickets_and_their_records(
    shop: Shop, file_store: LocalStorage, kinds: JobKinds
):
    first, second, _hidden = await order_story(shop)
    fay = await granted(shop, "fay", Permission.TICKET_EXPORT)

    job, data = await run_export(kinds, fay, file_store, time_zone="Asia/Shanghai")

    assert (job.total, job.done, job.result["rows"]) == (2, 2, 2)
    book = sheets_of(data)
    assert list(book) == ["Tickets", "Urges", "Returns", "Notes", "Transfers", "Calls"]
    tickets = book["Tickets"]
    header = tickets[0]
    assert header[:4] == ["Number", "Title", "Description", "Template"]
    assert {"Order number", "Amount", "Paid", "Tracking", "Model", "Decision"} <= set(header)
    rows = {r[header.index("Title")]: dict(zip(header, r, strict=False)) for r in tickets[1:]}
    assert set(rows) == {"A-1", "A-2"}  # Ann's order still in Sales is not Fay's to see
    one = rows["A-1"]
    assert one["Number"] == first.number and one["Template"] == "Order"
    assert (one["Status"], one["Current step"], one["Current group"]) == (
        "PENDING",
        "Check payment",
        "Finance",
    )
    assert (one["Creator"], one["Order number"], one["Urges"]) == ("ann", "A-1", 1)
    assert (one["Customer"], rows["A-2"]["Customer"]) == ("Li Lei", None)
    assert one["Priority"] == "HIGH"  # raised by the urge
    assert rows["A-2"]["Number"] == second.number

    urges = book["Urges"]
    assert urges[0][:3] == ["Ticket number", "Ticket title", "Time"]
    assert [(r[0], r[3], r[8], r[9], r[10]) for r in urges[1:]] == [
        (first.number, "ann", "customer called twice", "NORMAL", "HIGH")
    ]
    # A note that looks like a formula is kept as the text it is; a return's reason is a
    # note of its ticket too.
    assert [(r[0], r[3], r[8]) for r in book["Notes"][1:]] == [
        (first.number, "ann", "=cmd|' /C calc'!A0"),
        (second.number, "fay", "no payment yet"),
    ]
    assert [(r[0], r[3], r[4], r[5], r[8]) for r in book["Returns"][1:]] == [
        (second.number, "fay", "Check payment", "Take the order", "no payment yet")
    ]
    assert book["Transfers"][1:] == []
    calls = book["Calls"]
    assert calls[1][:8] == [
        first.number,
        "A-1",
        "PHONE",
        "INBOUND",
        "+86 138 0000 0000",
        datetime(2026, 11, 20, 17, 30),  # 09:30 UTC in Shanghai
        125,
        "ann",
    ]


async def test_csv_is_a_zip_of_the_chosen_sheets_safe_to_open(
    shop: Shop, file_store: LocalStorage, kinds: JobKinds
):
    first = await in_finance(shop, '=HYPERLINK("http://evil")')
    await urging.urge_ticket(shop.actor("ann"), first.id, comment="+1 please")
    fay = await granted(shop, "fay", Permission.TICKET_EXPORT)

    job, data = await run_export(
        kinds,
        fay,
        file_store,
        format=SheetFormat.CSV,
        columns=("number", "title", "field.order_no"),
        sheets=(RecordSheet.URGES,),
    )

    assert files.export_file_of(job).filename.endswith(".zip")  # type: ignore[union-attr]
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == ["Tickets.csv", "Urges.csv"]
    raw = archive.read("Tickets.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    tickets = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tickets == [
        ["Number", "Title", "Order number"],
        [str(first.number), '\'=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'],
    ]
    urges = list(csv.reader(io.StringIO(archive.read("Urges.csv").decode("utf-8-sig"))))
    assert urges[1][8] == "'+1 please"


def test_csv_cells_never_start_a_formula():
    cells: list[Cell] = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "plain", -1, None]
    assert [csv_safe(v) for v in cells] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "plain",
        "-1",
        "",
    ]


async def test_the_tenant_setting_chooses_the_default_columns(
    shop: Shop, file_store: LocalStorage, kinds: JobKinds
):
    await in_finance(shop, "A-1")
    admin = shop.org.admin_actor
    with pytest.raises(FlowError) as bad:
        await tenants.update_tenant_settings(admin, export_columns=["title", "field.nope"])
    assert (bad.value.code, bad.value.field) == (ErrorCode.INVALID, ["exportColumns", "1"])
    await tenants.update_tenant_settings(admin, export_columns=["title", "field.order_no"])

    _, data = await run_export(kinds, admin, file_store, sheets=())

    assert sheets_of(data) == {"Tickets": [["Title", "Order number"], ["A-1", "A-1"]]}


async def test_a_filter_narrows_the_export(shop: Shop, file_store: LocalStorage, kinds: JobKinds):
    await in_finance(shop, "A-1")
    await in_finance(shop, "B-2")
    admin = shop.org.admin_actor
    spec = ListSpec(filter=TicketFilter(template_ids=(shop.returns.id,)))
    job, data = await run_export(kinds, admin, file_store, spec=spec, columns=("title",), sheets=())
    assert job.total == 0 and sheets_of(data) == {"Tickets": [["Title"]]}


async def test_a_stopped_export_starts_again_and_finishes_whole(
    shop: Shop, file_store: LocalStorage, monkeypatch: pytest.MonkeyPatch, kinds: JobKinds
):
    for n in range(5):
        await in_finance(shop, f"A-{n}")
    admin = shop.org.admin_actor
    monkeypatch.setattr(exports, "CHUNK", 2)
    job = await starting.start_export(
        kinds, admin, ExportRequest(columns=("title",)), storage=file_store
    )
    looks = 0

    def stop_on_the_second_look() -> bool:
        nonlocal looks
        looks += 1
        return looks >= 2

    handed_back = await executor.execute(
        await claimed(job, "first"),
        "first",
        kinds=kinds,
        storage=file_store,
        stopping=stop_on_the_second_look,
    )
    assert handed_back is not None and handed_back.status == JobStatus.QUEUED
    assert files.export_file_of(handed_back) is None

    done = await executor.execute(
        await claimed(job, "second"), "second", kinds=kinds, storage=file_store
    )
    assert done is not None and done.status == JobStatus.DONE and done.done == 5
    found = files.export_file_of(done)
    assert found is not None
    titles = sheets_of(file_store.path_of(found.sha256).read_bytes())["Tickets"]
    assert titles == [["Title"], *([f"A-{n}"] for n in range(5))]


async def test_only_a_finished_export_of_yours_can_be_fetched(
    shop: Shop, file_store: LocalStorage, kinds: JobKinds
):
    fay = await granted(shop, "fay", Permission.TICKET_EXPORT)
    cal = await granted(shop, "cal", Permission.TICKET_EXPORT)
    job = await starting.start_export(kinds, fay, ExportRequest(), storage=file_store)
    with pytest.raises(FlowError) as unfinished:
        await files.export_file(fay, job.id)
    assert unfinished.value.code == ErrorCode.NOT_FOUND
    await executor.execute(await claimed(job), "test-runner", kinds=kinds, storage=file_store)
    assert (await files.export_file(fay, job.id)).filename.endswith(".xlsx")
    assert (await files.export_file(shop.org.admin_actor, job.id)).size > 0
    with pytest.raises(FlowError) as not_hers:
        await files.export_file(cal, job.id)
    assert not_hers.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(FlowError) as revoked:
        await files.export_file(await granted(shop, "fay"), job.id)
    assert revoked.value.code == ErrorCode.FORBIDDEN


async def test_an_export_that_breaks_fails_instead_of_coming_back_forever(
    shop: Shop, file_store: LocalStorage, kinds: JobKinds
):
    job = await starting.start_export(
        kinds, shop.org.admin_actor, ExportRequest(), storage=file_store
    )
    # A runner without a file store: the export cannot be written anywhere.
    failed = await executor.execute(await claimed(job), "test-runner", kinds=kinds, storage=None)
    assert failed is not None and failed.status == JobStatus.FAILED
    assert failed.errors == [{"code": "INTERNAL", "message": "Unexpected error (logged)"}]
    assert failed.lease_until is None and files.export_file_of(failed) is None


async def test_an_export_reads_a_page_of_tickets_in_a_fixed_number_of_statements(
    shop: Shop, file_store: LocalStorage, monkeypatch: pytest.MonkeyPatch, kinds: JobKinds
):
    """Whatever a page holds (tickets, urges, people), it costs the same statements: no
    look-up per ticket or per record."""
    admin = shop.org.admin_actor
    for n in range(6):
        ticket = await in_finance(shop, f"A-{n}")
        await urging.urge_ticket(shop.actor("ann"), ticket.id, comment=f"urge {n}")

    async def statements(chunk: int, spec: ListSpec) -> int:
        monkeypatch.setattr(exports, "CHUNK", chunk)
        job = await starting.start_export(
            kinds, admin, ExportRequest(spec=spec), storage=file_store
        )
        running = await claimed(job)
        with counting() as sent:
            done = await executor.execute(running, "test-runner", kinds=kinds, storage=file_store)
        assert done is not None and done.status == JobStatus.DONE
        return len(sent)

    one_page_of_one = await statements(6, ListSpec(search="A-1"))
    one_page_of_six = await statements(6, ListSpec())
    three_pages_of_two = await statements(2, ListSpec())

    assert one_page_of_six == one_page_of_one
    per_page = (three_pages_of_two - one_page_of_six) / 2
    assert per_page <= 8, per_page  # tickets, urges…, calls, customers, contacts, progress


async def complaint_under_review(shop: Shop) -> tuple[Template, Ticket]:
    """A complaint whose review step (Finance) shows the summary but not the salary."""
    g = shop.groups
    template = await create_template(
        shop.org.admin_actor,
        {
            "name": "Complaint",
            "fields": [
                {"key": "summary", "label": "Summary", "type": "TEXT", "position": 0},
                {"key": "salary", "label": "Salary", "type": "NUMBER", "position": 1},
            ],
            "steps": [
                {"key": "intake", "name": "Intake", "group_id": g["Sales"].id, "position": 0},
                {
                    "key": "review",
                    "name": "Review",
                    "group_id": g["Finance"].id,
                    "position": 1,
                    "visible_fields": ["summary"],
                },
            ],
        },
    )
    ann = shop.actor("ann")
    ticket = await create_ticket(
        ann,
        NewTicket(template_id=template.id, title="C-1", fields={"summary": "late", "salary": 9000}),
    )
    return template, await moves.forward_ticket(ann, ticket.id)


async def test_a_field_the_current_step_hides_stays_blank_in_the_export(
    shop: Shop, file_store: LocalStorage, kinds: JobKinds
):
    template, _ = await complaint_under_review(shop)
    fay = await granted(shop, "fay", Permission.TICKET_EXPORT)
    spec = ListSpec(filter=TicketFilter(template_ids=(template.id,)))
    columns = ("title", "field.summary", "field.salary")

    _, hers = await run_export(kinds, fay, file_store, spec=spec, columns=columns, sheets=())
    _, admins = await run_export(
        kinds, shop.org.admin_actor, file_store, spec=spec, columns=columns, sheets=()
    )

    assert sheets_of(hers)["Tickets"] == [["Title", "Summary", "Salary"], ["C-1", "late", None]]
    assert sheets_of(admins)["Tickets"][1] == ["C-1", "late", 9000]


async def test_repeated_sheets_are_one_and_a_folder_is_no_time_zone(
    shop: Shop, file_store: LocalStorage, kinds: JobKinds
):
    admin = shop.org.admin_actor
    sheets = (RecordSheet.URGES, RecordSheet.URGES)
    _, data = await run_export(kinds, admin, file_store, columns=("title",), sheets=sheets)
    assert list(sheets_of(data)) == ["Tickets", "Urges"]
    with pytest.raises(FlowError) as folder:
        await starting.start_export(
            kinds, admin, ExportRequest(time_zone="Asia"), storage=file_store
        )
    assert (folder.value.code, folder.value.field) == (ErrorCode.INVALID, ["timeZone"])
    with pytest.raises(FlowError) as long:
        await starting.start_export(
            kinds, admin, ExportRequest(time_zone="x" * 500), storage=file_store
        )
    assert long.value.field == ["timeZone"]


def test_custom_dates_and_times_become_date_cells_in_the_export_zone():
    shanghai = ZoneInfo("Asia/Shanghai")

    def cell(kind: str, value: Any) -> Any:
        definition = FieldDefinition(key="k", label="K", type=FieldType(kind))
        return field_cell(definition, value, shanghai)

    assert cell("DATETIME", "2026-11-23T09:30:00+00:00") == datetime(
        2026, 11, 23, 17, 30, tzinfo=shanghai
    )
    assert cell("DATE", "2026-11-23") == date(2026, 11, 23)
    assert cell("DATE", "sometime") == "sometime"
    assert cell("MULTI_SELECT", ["red", "blue"]) == "red; blue"
    assert cell("CASCADE", ["Guangdong", "Shenzhen"]) == "Guangdong / Shenzhen"
