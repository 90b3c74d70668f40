"""Persisted queries (Apollo's APQ protocol) and trusted documents: what a client sends by
hash, what the service registers, and that TRUSTED_DOCUMENTS_ONLY holds on every transport."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from gql.transport.exceptions import TransportQueryError
from graphql import parse, print_ast
from starlette.applications import Starlette

from tests import services
from tests.flows.live.test_streams import live, request
from tests.support import OrgBuilder, app_with, gid
from workorder.documents import MemoryRegistry, sha256_of
from workorder.media import GRAPHQL_RESPONSE
from workorder.server import create_app
from workorder.settings import Settings, SettingsError

ME = "{ me { id } }"
TICKETS = "{ tickets(first: 1) { edges { node { id } } } }"
NOTIFICATIONS = "subscription { notifications { id } }"
# What gql sends over the WebSocket: the document as graphql-core prints it.
PRINTED_ME = print_ast(parse(ME))


def _persisted(sha: str, query: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha}}}
    if query is not None:
        body["query"] = query
    return body


async def test_a_hash_alone_runs_once_the_text_was_sent_with_it(
    client: httpx.AsyncClient, org: OrgBuilder
) -> None:
    headers = {"authorization": f"Bearer {await org.token()}"}
    sha = sha256_of(ME)
    missed = await client.post("/graphql", json=_persisted(sha), headers=headers)
    assert missed.status_code == 200  # legacy JSON: Apollo's clients read the code
    assert missed.headers["cache-control"] == "private, no-cache, must-revalidate"
    assert missed.json()["errors"] == [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
    sent = await client.post("/graphql", json=_persisted(sha, ME), headers=headers)
    me = {"me": {"id": gid("User", org.admin.id)}}
    assert sent.json()["data"] == me
    by_hash = await client.post("/graphql", json=_persisted(sha), headers=headers)
    assert by_hash.json()["data"] == me
    extensions = json.dumps(_persisted(sha)["extensions"])
    got = await client.get("/graphql", params={"extensions": extensions}, headers=headers)
    assert got.json()["data"] == me


async def test_an_unknown_hash_is_a_400_for_the_graphql_response_type(
    client: httpx.AsyncClient,
) -> None:
    reply = await client.post(
        "/graphql", json=_persisted("0" * 64), headers={"accept": GRAPHQL_RESPONSE}
    )
    assert reply.status_code == 400
    assert reply.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert reply.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    ("extensions", "message"),
    [
        ({"persistedQuery": {"version": 1, "sha256Hash": sha256_of(TICKETS)}}, "does not match"),
        ({"persistedQuery": {"version": 2, "sha256Hash": sha256_of(ME)}}, "version: 1"),
        ({"persistedQuery": {"version": 1, "sha256Hash": "abc"}}, "64 lowercase hex"),
        ({"persistedQuery": "yes"}, "version: 1"),
    ],
    ids=["wrong-hash", "version", "short-hash", "not-an-object"],
)
async def test_a_bad_persisted_query_is_refused_and_registers_nothing(
    client: httpx.AsyncClient, extensions: dict[str, Any], message: str
) -> None:
    # The app (and its registry) lives for the session: this text is this test's own.
    query = "{ me { id } } # bad persisted query"
    if extensions["persistedQuery"] != "yes" and extensions["persistedQuery"]["version"] == 2:
        extensions["persistedQuery"]["sha256Hash"] = sha256_of(query)
    reply = await client.post("/graphql", json={"query": query, "extensions": extensions})
    assert reply.status_code == 400
    error = reply.json()["errors"][0]
    assert message in error["message"] and error["extensions"]["code"] == "INVALID"
    again = await client.post("/graphql", json=_persisted(sha256_of(query)))
    assert again.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    """A front end's build output: its documents by hash."""
    path = tmp_path / "persisted-documents.json"
    path.write_text(json.dumps({sha256_of(d): d for d in (ME, PRINTED_ME, NOTIFICATIONS)}))
    return path


async def test_trusted_documents_only_runs_the_manifest_over_http(
    app: Starlette, settings: Settings, org: OrgBuilder, manifest: Path
) -> None:
    strict = settings.model_copy(
        update={"trusted_documents": manifest, "trusted_documents_only": True}
    )
    headers = {"authorization": f"Bearer {await org.token()}"}
    me = {"me": {"id": gid("User", org.admin.id)}}
    async with app_with(app, strict) as http:
        assert (await http.post("/graphql", json={"query": ME}, headers=headers)).json()[
            "data"
        ] == me
        by_hash = await http.post("/graphql", json=_persisted(sha256_of(ME)), headers=headers)
        assert by_hash.json()["data"] == me
        modern = headers | {"accept": GRAPHQL_RESPONSE}
        for body in ({"query": TICKETS}, _persisted(sha256_of(TICKETS), TICKETS)):
            refused = await http.post("/graphql", json=body, headers=modern)
            assert refused.status_code == 400 and "data" not in refused.json()
            assert refused.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"
        legacy = await http.post("/graphql", json={"query": TICKETS}, headers=headers)
        assert legacy.json()["data"] is None
        assert legacy.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"
        # Nothing was registered by the attempt: the hash alone is still unknown.
        unknown = await http.post("/graphql", json=_persisted(sha256_of(TICKETS)), headers=headers)
        assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_trusted_documents_only_holds_over_the_websocket(
    app: Starlette, settings: Settings, org: OrgBuilder, manifest: Path
) -> None:
    strict = create_app(
        settings.model_copy(update={"trusted_documents": manifest, "trusted_documents_only": True})
    )
    strict.state.broker = app.state.broker
    async with services.serving(strict) as url, live(url, await org.token()) as session:
        with pytest.raises(TransportQueryError) as refused:
            await session.execute(request(TICKETS))
        assert refused.value.errors is not None
        assert refused.value.errors[0]["extensions"]["code"] == "DOCUMENT_NOT_TRUSTED"
        assert await session.execute(request(ME)) == {"me": {"id": gid("User", org.admin.id)}}


def test_a_manifest_entry_must_be_the_hash_of_its_text(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"0" * 64: ME}))
    with pytest.raises(SettingsError, match="not the SHA-256 of its text"):
        create_app(settings.model_copy(update={"trusted_documents": path}))
    with pytest.raises(SettingsError, match="needs TRUSTED_DOCUMENTS"):
        create_app(settings.model_copy(update={"trusted_documents_only": True}))


async def test_the_in_process_registry_keeps_the_recent_within_its_budget() -> None:
    registry = MemoryRegistry(budget=10)
    await registry.put("a", "1234")
    await registry.put("b", "1234")
    assert await registry.get("a") == "1234"  # now the most recent
    await registry.put("c", "1234")  # over 10 characters: the least recent (b) goes
    assert [await registry.get(k) for k in "abc"] == ["1234", None, "1234"]
    await registry.put("huge", "x" * 11)
    assert await registry.get("huge") is None


async def test_registrations_are_shared_by_every_process_through_redis(
    app: Starlette, settings: Settings, client: httpx.AsyncClient, org: OrgBuilder
) -> None:
    if settings.redis_url is None:
        pytest.skip("needs the full backend set (WORKORDER_TEST_BACKEND=full)")
    headers = {"authorization": f"Bearer {await org.token()}"}
    sha = sha256_of(ME)
    await client.post("/graphql", json=_persisted(sha, ME), headers=headers)
    async with app_with(app, settings) as other:
        reply = await other.post("/graphql", json=_persisted(sha), headers=headers)
    assert reply.json()["data"] == {"me": {"id": gid("User", org.admin.id)}}
