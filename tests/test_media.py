"""The GraphQL-over-HTTP spec: graphql-http's own server audit finds nothing to warn about,
and a client that accepts application/graphql-response+json reads outcomes from status codes
while a legacy application/json client keeps its 200s."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from tests.js import NODE_DIR
from tests.support import Api
from workorder.media import GRAPHQL_RESPONSE, JSON, negotiate

AUDIT_TIMEOUT = 60.0


async def test_the_graphql_http_audit_has_no_warning_and_no_error(
    server_url: str, node: str
) -> None:
    url = server_url.replace("ws://", "http://", 1)
    process = await asyncio.create_subprocess_exec(
        node,
        "audit.mjs",
        url,
        cwd=NODE_DIR,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    output, errors = await asyncio.wait_for(process.communicate(), AUDIT_TIMEOUT)
    assert process.returncode == 0, errors.decode(errors="replace")
    results = [json.loads(line) for line in output.decode().splitlines()]
    assert len(results) > 50  # the whole audit ran (61 checks in graphql-http 1.23)
    assert [r for r in results if r["status"] != "ok"] == []


async def _post(client: httpx.AsyncClient, accept: str, body: dict[str, Any]) -> httpx.Response:
    return await client.post("/graphql", json=body, headers={"accept": accept})


@pytest.mark.parametrize(
    "body",
    [
        {"query": "{"},  # does not parse
        {"query": "{ noSuchField }"},  # does not validate
        {"query": "query($n: Int!) { __typename }", "variables": {"n": "many"}},  # coercion
    ],
    ids=["parse", "validation", "variables"],
)
async def test_a_request_error_is_a_400_without_data_for_the_graphql_response_type(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    modern = await _post(client, GRAPHQL_RESPONSE, body)
    assert modern.status_code == 400
    assert modern.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert "data" not in modern.json() and modern.json()["errors"]

    legacy = await _post(client, JSON, body)
    assert legacy.status_code == 200
    assert legacy.headers["content-type"] == JSON
    assert legacy.json()["data"] is None and legacy.json()["errors"]


async def test_an_error_while_executing_is_still_a_200_with_data(
    client: httpx.AsyncClient, api: Api
) -> None:
    """Unauthenticated `me` fails in execution: the document was fine, so the answer is a 200
    whose `data` is there (null, as `me` is non-null) beside the field's error."""
    reply = await _post(client, GRAPHQL_RESPONSE, {"query": "{ __typename me { id } }"})
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = reply.json()
    assert "data" in body and body["data"] is None
    assert body["errors"][0]["path"] == ["me"]


async def test_an_unparsable_body_answers_in_the_accepted_type(client: httpx.AsyncClient) -> None:
    reply = await client.post(
        "/graphql",
        content=b"{not json",
        headers={"accept": GRAPHQL_RESPONSE, "content-type": "application/json"},
    )
    assert reply.status_code == 400
    assert reply.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert reply.json()["errors"][0]["extensions"]["code"] == "INVALID"


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, JSON),
        ("*/*", JSON),
        ("application/json", JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.9", JSON),
        (f"application/json;q=0.5, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE};q=0", JSON),
        (f"{GRAPHQL_RESPONSE};q=oops", JSON),
    ],
)
def test_negotiate_picks_what_the_client_prefers(accept: str | None, chosen: str) -> None:
    assert negotiate(accept) == chosen
