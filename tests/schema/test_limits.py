"""Guards against abusive queries, and masking of unexpected errors."""

import logging

from graphql import GraphQLError

from workorder.errors import ErrorCode, FlowError
from workorder.schema.extensions import _expose


async def test_a_query_over_the_depth_limit_is_refused(org, api, settings):
    inner = "username"
    for _ in range(settings.max_query_depth + 2):
        inner = f"superior {{ {inner} }}"
    body = await api.raw(f"{{ me {{ {inner} }} }}", token=await org.token())
    assert body["data"] is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


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
        masked = _expose(raw)
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
    shown = _expose(raw)
    assert shown.message == "Malformed cursor"
    assert shown.extensions == {"code": "INVALID", "field": ["after"]}
