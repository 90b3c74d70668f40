"""Guards against abusive queries, and masking of unexpected errors."""

import logging
import uuid
from typing import Any

import httpx
import pytest
from graphql import GraphQLError, validate

from tests.support import gid
from workorder.errors import ErrorCode, FlowError
from workorder.schema.extensions import expose
from workorder.server import create_app


async def test_a_query_over_the_depth_limit_is_refused(org, api, settings):
    inner = "username"
    for _ in range(settings.max_query_depth + 2):
        inner = f"superior {{ {inner} }}"
    body = await api.raw(f"{{ me {{ {inner} }} }}", token=await org.token())
    assert body["data"] is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_a_repeated_query_is_validated_once_and_its_limits_still_hold(
    org, api, settings, monkeypatch: pytest.MonkeyPatch
):
    """The limits' rules are the same on every operation, so the validation cache answers
    the second time; a refused query is refused again from the cache."""
    token = await org.token()
    validated: list[object] = []

    def counting(schema: Any, document: Any, rules: Any) -> list[GraphQLError]:
        validated.append(document)
        return validate(schema, document, rules)

    # A spy, not a stand-in: graphql-core still validates, strawberry calls it through here.
    monkeypatch.setattr("strawberry.schema.schema.validate", counting)
    # A comment of its own: a document no earlier test has put in the shared caches.
    query = f"{{ me {{ id username }} }} # {uuid.uuid4()}"
    for _ in range(3):
        assert await api.ok(query, token=token) == {
            "me": {"id": gid("User", org.admin.id), "username": org.admin.username}
        }
    assert len(validated) == 1

    inner = "username"
    for _ in range(settings.max_query_depth + 2):
        inner = f"superior {{ {inner} }}"
    deep = f"{{ me {{ {inner} }} }} # {uuid.uuid4()}"
    for _ in range(2):
        body = await api.raw(deep, token=token)
        assert body["data"] is None
        assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    assert len(validated) == 2


async def test_too_many_aliases_are_refused(org, api, settings):
    aliases = " ".join(f"a{i}: me {{ id }}" for i in range(settings.max_aliases + 1))
    body = await api.raw(f"{{ {aliases} }}", token=await org.token())
    assert body["data"] is None
    assert "aliases" in body["errors"][0]["message"]


async def test_too_many_tokens_are_refused(org, api, settings):
    fields = " ".join(["id"] * settings.max_query_tokens)
    body = await api.raw(f"{{ me {{ {fields} }} }}", token=await org.token())
    assert body["data"] is None
    assert "token" in body["errors"][0]["message"].lower()


def test_unexpected_errors_are_masked_and_logged_with_an_id(caplog):
    raw = GraphQLError("boom", path=["me"], original_error=RuntimeError("db password is x"))
    with caplog.at_level(logging.ERROR, logger="workorder.errors"):
        masked = expose(raw)
    assert "password" not in masked.message
    assert masked.extensions is not None
    error_id = masked.extensions["errorId"]
    assert masked.extensions["code"] == "INTERNAL_SERVER_ERROR"
    assert error_id in masked.message
    assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records)


def test_domain_errors_in_queries_keep_their_code():
    raw = GraphQLError(
        "x", original_error=FlowError(ErrorCode.INVALID, "Malformed cursor", ["after"])
    )
    shown = expose(raw)
    assert shown.message == "Malformed cursor"
    assert shown.extensions == {"code": "INVALID", "field": ["after"]}


async def test_a_query_document_over_the_size_limit_is_refused_before_parsing(org, app, settings):
    """Whitespace costs the parser time but no tokens: only the size check stops it."""
    small = create_app(settings.model_copy(update={"max_query_chars": 2000}))
    small.state.broker = app.state.broker
    query = "{ me { id } }" + " " * 2000
    headers = {"authorization": f"Bearer {await org.token()}"}
    transport = httpx.ASGITransport(app=small)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        posted = await http.post("/graphql", json={"query": query}, headers=headers)
        got = await http.get("/graphql", params={"query": query}, headers=headers)
        within = await http.post("/graphql", json={"query": query[:2000]}, headers=headers)
    for response in (posted, got):
        assert response.status_code == 413
        body = response.json()
        assert body["data"] is None
        assert body["errors"][0]["extensions"] == {"code": "PAYLOAD_TOO_LARGE"}
        assert "at most 2000" in body["errors"][0]["message"]
    assert "errors" not in within.json()
    assert within.json()["data"] == {"me": {"id": gid("User", org.admin.id)}}
