"""One error model: every refusal carries an `ErrorCode`, whatever the transport — a
payload's errors, a top-level error over HTTP, and a subscription's `error` and `next`
messages over the WebSocket."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets
from graphql import GraphQLSchema

from tests.support import OrgBuilder
from workorder.errors import ErrorCode
from workorder.resolvers.root import build_schema
from workorder.settings import Settings


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{ me { id "}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ me { nope } }"}, "GRAPHQL_VALIDATION_FAILED"),
        (
            {"query": "query($n: Int!) { me { id } }", "variables": {"n": "x"}},
            "GRAPHQL_VALIDATION_FAILED",
        ),
        ({"query": "{ me { id } }"}, "UNAUTHENTICATED"),
    ],
    ids=["parse", "validation", "variables", "unauthenticated"],
)
async def test_every_top_level_error_over_http_has_a_code(
    client: httpx.AsyncClient, body: dict[str, Any], code: str
) -> None:
    errors = (await client.post("/graphql", json=body)).json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == [code] * len(errors)


async def _exchange(url: str, token: str, query: str, **variables: Any) -> list[dict[str, Any]]:
    """The messages one subscription gets, up to its `error` or `complete`."""
    seen = []
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        await socket.send(json.dumps(init))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        payload = {"query": query, "variables": variables}
        await socket.send(json.dumps({"type": "subscribe", "id": "1", "payload": payload}))
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), 10))
            seen.append(message)
            if message["type"] in ("error", "complete"):
                return seen


async def test_a_subscription_refused_before_it_starts_says_why_with_a_code(
    server_url: str, org: OrgBuilder
) -> None:
    seen = await _exchange(server_url, await org.token(), "subscription { nope }")
    assert seen[-1]["type"] == "error"
    assert seen[-1]["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_subscription_refused_by_a_rule_says_why_with_a_code(
    server_url: str, org: OrgBuilder
) -> None:
    query = "subscription($after: ID) { notifications(after: $after) { id } }"
    seen = await _exchange(server_url, await org.token(), query, after="garbage")
    refused = [m for m in seen if m["type"] == "next"]
    assert refused, seen
    error = refused[0]["payload"]["errors"][0]
    assert error["extensions"]["code"] in {str(c) for c in ErrorCode}
    assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR", error
    assert seen[-1]["type"] == "complete"


def test_every_error_code_is_described() -> None:
    schema: GraphQLSchema = build_schema(
        Settings(workorder_env="test", secret_key="k" * 40)
    )._schema
    codes = schema.type_map["ErrorCode"]
    values = codes.values  # type: ignore[attr-defined]
    assert set(values) == {str(c) for c in ErrorCode}
    assert [name for name, value in values.items() if not value.description] == []
