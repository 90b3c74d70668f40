"""GET /files/{id} over real HTTP (httpx.ASGITransport), on real stored files.

Until create_app mounts `downloads.routes()`, the endpoint runs in a small Starlette app of its
own here, with the state create_app will give it; the ORM is the session's (the `app` fixture).
"""

from collections.abc import AsyncIterator
from urllib.parse import quote

import httpx
import pytest
from starlette.applications import Starlette

from tests.support import OrgBuilder, gid
from workorder.auth.actor import Actor
from workorder.downloads import content_disposition, routes
from workorder.flows.templates.versions import create_template
from workorder.flows.tickets.attachments import store_upload
from workorder.models import Attachment, Status, Ticket, TicketAttachment, User
from workorder.storage import LocalStorage

DATA = bytes(range(256)) * 1024 + b"tail"  # > 4 chunks of 64 KiB


@pytest.fixture
def storage(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "files")


@pytest.fixture
async def files(app, settings, storage) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app serving only the download routes."""
    downloads = Starlette(routes=routes())
    downloads.state.settings = settings
    downloads.state.storage = storage
    transport = httpx.ASGITransport(app=downloads)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _upload(user: User, storage: LocalStorage, name: str = 'Bericht über Q1 "final".pdf'):
    return await store_upload(
        Actor.of(user), name, "application/pdf", _chunks(DATA), storage, 10 * 1024 * 1024
    )


async def _get(files: httpx.AsyncClient, attachment: Attachment | str, token: str | None):
    file_id = attachment if isinstance(attachment, str) else gid("Attachment", attachment.id)
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await files.get(f"/files/{file_id}", headers=headers)


async def test_the_uploader_downloads_with_the_right_headers(org, files, storage):
    ann = await org.user("ann")
    made = await _upload(ann, storage)

    response = await _get(files, made, await org.token("ann"))
    assert response.status_code == 200
    assert response.content == DATA
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-length"] == str(len(DATA))
    assert response.headers["content-disposition"] == (
        'attachment; filename="Bericht _ber Q1 _final_.pdf"; '
        "filename*=UTF-8''Bericht%20%C3%BCber%20Q1%20%22final%22.pdf"
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "private"


async def test_head_answers_headers_only(org, files, storage):
    made = await _upload(org.admin, storage)
    response = await files.head(
        f"/files/{gid('Attachment', made.id)}",
        headers={"authorization": f"Bearer {await org.token()}"},
    )
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == str(len(DATA))


async def test_text_files_get_no_invented_charset(org, files, storage):
    made = await store_upload(
        org.admin_actor, "notes.txt", "text/plain", _chunks(b"caf\xe9"), storage, 100
    )
    response = await _get(files, made, await org.token())
    assert response.headers["content-type"] == "text/plain"
    assert response.content == b"caf\xe9"


async def test_without_a_valid_token_401(org, files, storage):
    made = await _upload(org.admin, storage)
    for headers in [{}, {"authorization": "Basic YWRtaW46eA=="}, {"authorization": "Bearer "}]:
        response = await files.get(f"/files/{gid('Attachment', made.id)}", headers=headers)
        assert response.status_code == 401, headers
        assert response.json() == {
            "errors": [
                {"message": "Authentication required", "extensions": {"code": "UNAUTHENTICATED"}}
            ]
        }
        assert response.headers["www-authenticate"] == "Bearer"
    for bad in ["not-a-token", "wo_api_unknown", (await org.token())[:-2] + "xx"]:
        response = await _get(files, made, bad)
        assert response.status_code == 401, bad
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_colleague_who_sees_no_linking_ticket_gets_404(org, files, storage):
    ann = await org.user("ann")
    await org.user("bob")
    made = await _upload(ann, storage)
    ticket = await _ticket(org, assignee=ann)  # linked, but to a ticket bob cannot see
    await TicketAttachment.create(ticket_id=ticket.id, attachment_id=made.id)

    response = await _get(files, made, await org.token("bob"))
    assert response.status_code == 404
    assert response.json() == {
        "errors": [{"message": "File not found", "extensions": {"code": "NOT_FOUND"}}]
    }


async def test_another_tenant_gets_404_like_an_unknown_id(org, api, files, storage):
    made = await _upload(org.admin, storage)
    other = await OrgBuilder.create(api, "globex")
    await other.user("stranger")
    unknown = await _get(files, gid("Attachment", made.id + 1000), await org.token())
    for token in [await other.token(), await other.token("stranger")]:
        response = await _get(files, made, token)
        assert (response.status_code, response.json()) == (unknown.status_code, unknown.json())
        assert response.status_code == 404


async def test_malformed_and_out_of_range_ids_are_404(org, files):
    token = await org.token()
    for bad in ["nonsense", gid("User", org.admin.id), gid("Attachment", 2**31), "%2e%2e"]:
        response = await _get(files, bad, token)
        assert response.status_code == 404, bad


async def _ticket(org: OrgBuilder, assignee: User) -> Ticket:
    template = await create_template(org.admin_actor, {"name": "T"})
    return await Ticket.create(
        tenant_id=org.tenant.id,
        number=1,
        template_id=template.id,
        template_version_id=template.current_version_id,
        title="x",
        status=Status.IN_PROGRESS,
        creator_id=org.admin.id,
        assignee_id=assignee.id,
    )


async def test_a_ticket_the_colleague_can_see_opens_the_file(org, files, storage):
    ann = await org.user("ann")
    bob = await org.user("bob")
    made = await _upload(ann, storage)
    bob_token = await org.token("bob")
    assert (await _get(files, made, bob_token)).status_code == 404

    ticket = await _ticket(org, assignee=bob)
    assert (await _get(files, made, bob_token)).status_code == 404  # not linked yet
    await TicketAttachment.create(ticket_id=ticket.id, attachment_id=made.id)

    response = await _get(files, made, bob_token)
    assert response.status_code == 200
    assert response.content == DATA


async def test_a_lost_file_is_404_not_a_broken_stream(org, files, storage):
    made = await _upload(org.admin, storage)
    storage.path_of(made.sha256).unlink()
    response = await _get(files, made, await org.token())
    assert response.status_code == 404


def test_content_disposition_of_plain_ascii():
    assert content_disposition("a b.txt") == (
        "attachment; filename=\"a b.txt\"; filename*=UTF-8''" + quote("a b.txt", safe="")
    )
