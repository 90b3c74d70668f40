"""The HTTP surface: GraphiQL, POST and GET, health, readiness, CORS, request ids, body
limits and malformed requests."""

import asyncio
import json
import time
from typing import Any

import httpx
import pytest

from tests.services import free_port
from workorder.server import create_app
from workorder.subscriptions.broker import make_broker


async def test_graphiql_is_served_to_a_browser(client):
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_queries_over_get_but_not_mutations(org, client):
    token = await org.token()
    headers = {"authorization": f"Bearer {token}"}
    got = await client.get("/graphql", params={"query": "{ me { username } }"}, headers=headers)
    assert "errors" not in got.json()
    assert got.json()["data"] == {"me": {"username": "admin"}}
    mutation = await client.get(
        "/graphql",
        params={"query": 'mutation { logout(input: {refreshToken: "x"}) { ok } }'},
        headers=headers,
    )
    assert mutation.status_code == 400
    assert mutation.json()["errors"] == [
        {
            "message": "mutations are not allowed when using GET",
            "extensions": {"code": "INVALID"},
        }
    ]


async def test_malformed_json_body_is_a_400_and_changes_nothing(client):
    response = await client.post(
        "/graphql", content=b'{"query": "mutation {', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Unable to parse request body as JSON"
    assert "Traceback" not in response.text


async def test_health_and_readiness(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": "ok", "broker": "ok"}


async def test_readiness_is_503_when_the_broker_is_unreachable(settings, app):
    # A second app on the same (already open) database, its broker pointing at a dead port.
    broken = create_app(settings)
    broker = make_broker(broken_url := f"redis://127.0.0.1:{free_port()}/0")
    await broker.start()
    broken.state.broker = broker
    try:
        transport = httpx.ASGITransport(app=broken)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            response = await http.get("/readyz")
        assert response.status_code == 503, broken_url
        assert response.json()["broker"] == "unreachable"
        assert response.json()["database"] == "ok"
    finally:
        await broker.close()


async def test_readiness_is_a_prompt_503_when_the_broker_does_not_answer(settings, app):
    # A Redis that accepts connections and never replies, as a frozen one does.
    held: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    listener = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    stalled = create_app(settings)
    broker = make_broker(f"redis://127.0.0.1:{port}/0")
    await broker.start()
    stalled.state.broker = broker
    try:
        transport = httpx.ASGITransport(app=stalled)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            started = time.perf_counter()
            response = await asyncio.wait_for(http.get("/readyz"), 10)
            took = time.perf_counter() - started
        assert response.status_code == 503
        assert response.json() == {
            "status": "unavailable",
            "database": "ok",
            "broker": "unreachable",
        }
        assert took < 1.5, took
    finally:
        await broker.close()
        for writer in held:
            writer.close()
        listener.close()
        await listener.wait_closed()


async def test_cors_preflight_for_a_configured_spa_origin(client):
    allowed = await client.options(
        "/graphql",
        headers={
            "origin": "http://spa.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization,content-type",
        },
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "http://spa.example"
    refused = await client.options(
        "/graphql",
        headers={"origin": "http://evil.example", "access-control-request-method": "POST"},
    )
    assert "access-control-allow-origin" not in refused.headers


async def test_every_response_carries_a_request_id(client):
    fresh = await client.get("/healthz")
    assert len(fresh.headers["x-request-id"]) == 32
    echoed = await client.get("/healthz", headers={"x-request-id": "trace-123"})
    assert echoed.headers["x-request-id"] == "trace-123"


@pytest.mark.parametrize("body", [b"[]", b'{"query": 12}', b'{"variables": {}}'])
async def test_bad_graphql_requests_get_a_clear_answer(client, body):
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code in (200, 400)
    assert "Traceback" not in response.text
    if response.status_code == 200:
        assert json.loads(response.text)["errors"]


async def test_a_body_over_the_upload_limit_is_refused_before_it_is_buffered(settings, app):
    small = create_app(settings.model_copy(update={"max_upload_mb": 0.25}))
    small.state.broker = app.state.broker
    transport = httpx.ASGITransport(app=small)
    big = b"x" * (2 * 1024 * 1024)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        declared = await http.post(
            "/graphql", content=big, headers={"content-type": "multipart/form-data; boundary=b"}
        )
        assert declared.status_code == 413

        async def stream():
            # A well-formed multipart start, then a file part that never ends.
            yield b'--b\r\nContent-Disposition: form-data; name="0"; filename="a.bin"\r\n\r\n'
            for _ in range(32):
                yield b"y" * 65536

        streamed = await http.post(
            "/graphql",
            content=stream(),
            headers={"content-type": "multipart/form-data; boundary=b"},
        )
        assert streamed.status_code == 413


async def _through(app, headers, chunks):
    """One POST straight through the ASGI app; returns (status, body, bytes the app pulled)."""
    pulled = 0
    pending = list(chunks)
    sent: list[dict[str, Any]] = []

    async def receive():
        nonlocal pulled
        if not pending:
            await asyncio.sleep(3600)  # the client has nothing more: it waits for the answer
        chunk = pending.pop(0)
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
        "state": {},
    }
    await asyncio.wait_for(app(scope, receive, send), 10)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body), pulled


TWENTY_MB = 20 * 1024 * 1024
CHUNK = 64 * 1024


def _big_json_chunks():
    """A 20 MB GraphQL request: a query with a long string variable, cut into 64 kB pieces."""
    body = b'{"query": "{ me { id } }", "variables": {"x": "' + b"x" * TWENTY_MB + b'"}}'
    return [body[i : i + CHUNK] for i in range(0, len(body), CHUNK)]


async def test_a_20_mb_json_body_is_refused_unread_when_it_declares_its_length(app):
    chunks = _big_json_chunks()
    size = sum(map(len, chunks))
    status, body, pulled = await _through(
        app, {"content-type": "application/json", "content-length": str(size)}, chunks
    )
    assert status == 413
    assert body["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert pulled == 0


async def test_a_streamed_20_mb_json_body_is_cut_off_at_the_json_limit(app, settings):
    status, body, pulled = await _through(
        app, {"content-type": "application/json"}, _big_json_chunks()
    )
    assert status == 413
    assert body["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert pulled <= settings.max_body_bytes + CHUNK


async def test_an_upload_bigger_than_the_json_limit_still_goes_through(org, client, settings):
    data = bytes(range(256)) * (5 * 4096)  # 5 MB: over the JSON limit, under the upload one
    assert settings.max_body_bytes < len(data) < settings.max_upload_bytes
    query = """mutation($input: UploadAttachmentInput!) { uploadAttachment(input: $input) {
      attachment { size } errors { code } } }"""
    response = await client.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": query, "variables": {"input": {"file": None}}}),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": ("big.bin", data, "application/octet-stream")},
        headers={"authorization": f"Bearer {await org.token()}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["uploadAttachment"] == {
        "attachment": {"size": len(data)},
        "errors": [],
    }


@pytest.mark.parametrize(
    "body",
    [
        b"42",
        b'"x"',
        b"null",
        b"true",
        b'{"query": "{ me { id } }\xff"}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["number", "string", "null", "boolean", "invalid-utf8", "nested-100000"],
)
async def test_a_body_that_is_no_graphql_request_is_a_typed_400(client, body):
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INVALID"
    assert "Traceback" not in response.text


async def test_a_subscription_over_http_post_is_a_typed_400(org, client):
    response = await client.post(
        "/graphql",
        json={"query": "subscription { notifications { id } }"},
        headers={"authorization": f"Bearer {await org.token()}"},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "message": "subscriptions are not allowed when using POST",
            "extensions": {"code": "INVALID"},
        }
    ]
