"""Uploading attachments and who may download them: the flow and the rule, on real files."""

import dataclasses
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support import OrgBuilder
from workorder.auth.actor import Actor, Scope
from workorder.errors import ErrorCode, FlowError
from workorder.flows.templates.versions import create_template
from workorder.flows.tickets.attachments import clean_content_type, clean_filename, store_upload
from workorder.flows.tickets.downloads import downloadable, may_download
from workorder.models import (
    Attachment,
    Status,
    Ticket,
    TicketAttachment,
    TicketFollower,
    User,
)
from workorder.storage import LocalStorage

MB = 1024 * 1024


async def _stream(data: bytes, chunk: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(data), chunk):
        yield data[start : start + chunk]


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def storage(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "files")


async def test_upload_round_trip_and_dedup_by_content(org, storage, tmp_path):
    actor = org.admin_actor
    data = b"%PDF-1.7 " + bytes(range(256)) * 1000
    first = await store_upload(actor, "report.pdf", "application/pdf", _stream(data), storage, MB)
    second = await store_upload(actor, "copy.pdf", None, _stream(data, 1000), storage, MB)

    sha = hashlib.sha256(data).hexdigest()
    assert (first.sha256, first.size, first.filename, first.content_type) == (
        sha,
        len(data),
        "report.pdf",
        "application/pdf",
    )
    assert (second.sha256, second.filename, second.content_type) == (
        sha,
        "copy.pdf",
        "application/octet-stream",
    )
    assert first.id != second.id
    assert first.uploaded_by_id == org.admin.id and first.tenant_id == org.tenant.id
    assert await Attachment.filter(sha256=sha).count() == 2
    assert _files(tmp_path) == [storage.path_of(sha)]
    assert b"".join([c async for c in await storage.open(sha)]) == data


async def test_over_the_limit_keeps_neither_file_nor_row(org, storage, tmp_path):
    with pytest.raises(FlowError) as caught:
        await store_upload(org.admin_actor, "big.bin", None, _stream(b"x" * (MB + 1)), storage, MB)
    assert (caught.value.code, caught.value.message, caught.value.field) == (
        ErrorCode.INVALID,
        "File is larger than 1 MB",
        ["file"],
    )
    assert _files(tmp_path) == []
    assert await Attachment.all().count() == 0


async def test_exactly_the_limit_is_accepted(org, storage):
    made = await store_upload(org.admin_actor, "a", None, _stream(b"y" * MB), storage, MB)
    assert made.size == MB


async def test_limit_message_names_fractional_megabytes(org, storage):
    with pytest.raises(FlowError, match=r"^File is larger than 0\.5 MB$"):
        await store_upload(org.admin_actor, "a", None, _stream(b"z" * MB), storage, MB // 2)


async def test_a_read_only_token_may_not_upload(org, storage, tmp_path):
    reader = dataclasses.replace(org.admin_actor, scopes=frozenset({Scope.READ}))
    with pytest.raises(FlowError) as caught:
        await store_upload(reader, "a.txt", "text/plain", _stream(b"hi"), storage, MB)
    assert caught.value.code == ErrorCode.FORBIDDEN
    assert _files(tmp_path) == []
    assert await Attachment.all().count() == 0


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("report.pdf", "report.pdf"),
        ("C:\\Users\\ann\\Desktop\\scan.png", "scan.png"),
        ("../../etc/passwd", "passwd"),
        ("dir/", "file"),
        ("", "file"),
        (None, "file"),
        ("  ..  ", "file"),
        ("bad\x00na\x1bme\n.txt", "badname.txt"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        (".env", ".env"),
        ("报告 2024.xlsx", "报告 2024.xlsx"),
        ("e\u0301t\u00e9.txt", "\u00e9t\u00e9.txt"),  # NFC
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
        ("a" * 300, "a" * 255),
    ],
)
def test_file_names_are_cleaned(given, kept):
    assert clean_filename(given) == kept


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("image/PNG", "image/png"),
        ("text/plain; charset=utf-8", "text/plain"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", None),
        (None, "application/octet-stream"),
        ("", "application/octet-stream"),
        ("text/html\r\nSet-Cookie: a=b", "application/octet-stream"),
        ("nonsense", "application/octet-stream"),
    ],
)
def test_content_types_are_cleaned(given, kept):
    assert clean_content_type(given) == (kept or given)


async def _ticket(org, assignee: User | None = None) -> Ticket:
    template = await create_template(org.admin_actor, {"name": "T"})
    return await Ticket.create(
        tenant_id=org.tenant.id,
        number=1,
        template_id=template.id,
        template_version_id=template.current_version_id,
        title="x",
        status=Status.IN_PROGRESS,
        creator_id=org.admin.id,
        assignee_id=assignee.id if assignee else None,
    )


async def test_download_rule(org, api, storage):
    ann = await org.user("ann")
    bob = await org.user("bob")
    other = await OrgBuilder.create(api, "globex")
    stranger = await other.user("stranger")
    made = await store_upload(Actor.of(ann), "a.txt", None, _stream(b"a"), storage, MB)

    assert await may_download(Actor.of(ann), made)  # the uploader
    assert not await may_download(Actor.of(bob), made)  # sees no ticket that links it
    assert not await may_download(org.admin_actor, made)  # not linked anywhere yet
    assert not await may_download(Actor.of(stranger), made)  # another tenant
    assert not await may_download(other.admin_actor, made)

    ticket = await _ticket(org)  # unassigned: bob cannot see it
    await TicketAttachment.create(ticket_id=ticket.id, attachment_id=made.id)
    assert not await may_download(Actor.of(bob), made)
    assert await may_download(org.admin_actor, made)  # admins see every ticket
    assert not await may_download(other.admin_actor, made)

    await TicketFollower.create(ticket_id=ticket.id, user_id=bob.id)
    assert await may_download(Actor.of(bob), made)

    await Ticket.filter(id=ticket.id).update(status=Status.VOID)
    assert not await may_download(Actor.of(bob), made)  # VOID tickets: admins only
    assert await may_download(Actor.of(ann), made)  # the uploader still may


async def test_downloadable_answers_missing_foreign_and_forbidden_alike(org, api, storage):
    ann = await org.user("ann")
    bob = await org.user("bob")
    other = await OrgBuilder.create(api, "globex")
    made = await store_upload(Actor.of(ann), "a.txt", None, _stream(b"a"), storage, MB)

    found = await downloadable(Actor.of(ann), made.id)
    assert found is not None and found.id == made.id
    assert await downloadable(Actor.of(bob), made.id) is None
    assert await downloadable(other.admin_actor, made.id) is None
    for pk in [made.id + 1, 0, -1, 2**31, 2**63]:
        assert await downloadable(Actor.of(ann), pk) is None, pk
