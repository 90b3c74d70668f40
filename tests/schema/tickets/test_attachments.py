"""uploadAttachment over real HTTP, per the GraphQL multipart request spec, and the Attachment
type (uploadedBy, downloadUrl, node loading).

Until resolvers/root.py includes AttachmentMutation and create_app sets app.state.storage, most
tests run the real resolvers in a small app built here: the real GraphQL view class (token
authentication, typed Context) on a schema of just the attachment fields, next to the real
/files routes. The last test goes through the service's own /graphql and runs once the wiring
is in.
"""

import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL

from workorder.documents import Documents
from workorder.downloads import routes
from workorder.models import Attachment
from workorder.resolvers.tickets.roots import AttachmentMutation
from workorder.schema.context import Info
from workorder.schema.node import Node, pk_of
from workorder.schema.org.types import UserType
from workorder.schema.permissions import authenticated
from workorder.schema.tickets.attachments import AttachmentType, attachment_node
from workorder.server import WorkorderGraphQL
from workorder.storage import LocalStorage

UPLOAD = """mutation($input: UploadAttachmentInput!) { uploadAttachment(input: $input) {
  attachment { id filename contentType size sha256 createdAt downloadUrl uploadedBy { username } }
  errors { code message field } } }"""
NODE = (
    """query($id: ID!) { attachment(id: $id) { __typename id ... on Attachment { filename } } }"""
)
LIMIT_MB = 0.25
DATA = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 600  # ~150 kB, under LIMIT_MB


async def _attachment(info: Info, id: strawberry.ID) -> Node | None:
    pk = pk_of(id, "Attachment")
    return None if pk is None else await attachment_node(info.context, pk)


@strawberry.type
class _Query:
    attachment: Node | None = strawberry.field(resolver=_attachment, extensions=authenticated())


class _View(WorkorderGraphQL):
    """The service's view class and its get_context, on the attachment-only schema."""

    def __init__(self, settings: Any) -> None:
        schema = strawberry.Schema(
            query=_Query, mutation=AttachmentMutation, types=[AttachmentType, UserType]
        )
        GraphQL.__init__(self, schema, multipart_uploads_enabled=True)
        self.settings = settings
        self.documents = Documents.of(settings)


@pytest.fixture
def storage(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "files")


@pytest.fixture
async def http(app, settings, storage) -> AsyncIterator[httpx.AsyncClient]:
    small = settings.model_copy(update={"max_upload_mb": LIMIT_MB})
    view = _View(small)
    test_app = Starlette(routes=[Route("/graphql", view, methods=["GET", "POST"]), *routes()])
    test_app.state.broker = app.state.broker
    test_app.state.rate_limits = app.state.rate_limits
    test_app.state.settings = small
    test_app.state.storage = storage
    transport = httpx.ASGITransport(app=test_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def _upload(
    client: httpx.AsyncClient,
    token: str | None,
    data: bytes = DATA,
    filename: str = "scan.png",
    content_type: str = "image/png",
) -> dict[str, Any]:
    """One GraphQL multipart request: `operations`, then `map`, then the file part `0`."""
    operations = {"query": UPLOAD, "variables": {"input": {"file": None}}}
    response = await client.post(
        "/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": (filename, data, content_type)},
        headers={"authorization": f"Bearer {token}"} if token else {},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _files(storage: LocalStorage) -> list[Any]:
    return [p for p in storage.root.rglob("*") if p.is_file()] if storage.root.exists() else []


async def test_upload_then_download(org, http, storage):
    await org.user("ann")
    token = await org.token("ann")
    body = await _upload(http, token, filename="C:\\fakepath\\scan.png")
    assert "errors" not in body, body
    payload = body["data"]["uploadAttachment"]
    assert payload["errors"] == []
    made = payload["attachment"]
    assert pk_of(made["id"], "Attachment") is not None
    assert {k: made[k] for k in ("filename", "contentType", "size", "sha256", "uploadedBy")} == {
        "filename": "scan.png",
        "contentType": "image/png",
        "size": len(DATA),
        "sha256": hashlib.sha256(DATA).hexdigest(),
        "uploadedBy": {"username": "ann"},
    }
    assert made["downloadUrl"] == f"/files/{made['id']}"

    download = await http.get(made["downloadUrl"], headers={"authorization": f"Bearer {token}"})
    assert download.status_code == 200
    assert download.content == DATA
    assert download.headers["content-type"] == "image/png"


async def test_the_same_bytes_twice_are_two_attachments_and_one_file(org, http, storage):
    token = await org.token()
    first = (await _upload(http, token, filename="a.png"))["data"]["uploadAttachment"]
    second = (await _upload(http, token, filename="b.png"))["data"]["uploadAttachment"]
    assert first["attachment"]["id"] != second["attachment"]["id"]
    assert first["attachment"]["sha256"] == second["attachment"]["sha256"]
    assert await Attachment.all().count() == 2
    assert len(_files(storage)) == 1


async def test_over_the_limit_is_refused_and_leaves_nothing(org, http, storage):
    body = await _upload(http, await org.token(), data=b"x" * (int(LIMIT_MB * 1024 * 1024) + 1))
    assert body["data"]["uploadAttachment"] == {
        "attachment": None,
        "errors": [
            {"code": "INVALID", "message": "File is larger than 0.25 MB", "field": ["file"]}
        ],
    }
    assert await Attachment.all().count() == 0
    assert _files(storage) == []


async def test_upload_needs_a_caller(org, http, storage):
    body = await _upload(http, None)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert _files(storage) == []


async def test_a_json_request_cannot_carry_a_file(org, http):
    response = await http.post(
        "/graphql",
        json={"query": UPLOAD, "variables": {"input": {"file": "not a file"}}},
        headers={"authorization": f"Bearer {await org.token()}"},
    )
    payload = response.json()["data"]["uploadAttachment"]
    assert payload["attachment"] is None
    assert payload["errors"][0]["code"] == "INVALID" and payload["errors"][0]["field"] == ["file"]


async def test_attachment_nodes_follow_the_download_rule(org, http):
    await org.user("ann")
    await org.user("bob")
    made = (await _upload(http, await org.token("ann")))["data"]["uploadAttachment"]["attachment"]

    async def node(username: str) -> Any:
        response = await http.post(
            "/graphql",
            json={"query": NODE, "variables": {"id": made["id"]}},
            headers={"authorization": f"Bearer {await org.token(username)}"},
        )
        return response.json()["data"]["attachment"]

    assert await node("ann") == {
        "__typename": "Attachment",
        "id": made["id"],
        "filename": "scan.png",
    }
    assert await node("bob") is None


async def test_upload_through_the_service_graphql(org, app, client, tmp_path):
    """The real /graphql of create_app. Runs once AttachmentMutation is in resolvers/root.py and
    create_app sets app.state.storage; until then it is skipped, saying why."""

    token = await org.token()
    body = await _upload(
        client, token, data=b"hello", filename="hello.txt", content_type="text/plain"
    )
    made = body["data"]["uploadAttachment"]["attachment"]
    assert made["size"] == 5 and made["filename"] == "hello.txt"
    download = await client.get(made["downloadUrl"], headers={"authorization": f"Bearer {token}"})
    assert download.status_code == 200
    assert download.content == b"hello"
