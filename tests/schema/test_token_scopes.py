"""Token scopes hold on every mutation and every subscription, as a table: every root field
by every scope, both taken from the schema and the Scope enum, so a mutation, subscription or
scope added later is covered here too.

A token holding only scope S is refused with FORBIDDEN naming the field's scope exactly when
S does not cover it, and a refusal changes nothing; otherwise the call gets past the guard
(its answer is anything but the scope refusal: the inputs are made up, so most then fail on
their own rules).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import websockets
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
)
from strawberry.permission import PermissionExtension
from strawberry.types.base import get_object_definition
from tortoise import Tortoise

from tests.support import Api, OrgBuilder
from workorder.auth.scopes import Scope, covers, refusal
from workorder.resolvers.root import Mutation, Subscription, build_schema
from workorder.schema.permissions import (
    ANONYMOUS,
    HasScope,
    RequiresScope,
    field_name,
    required_scope,
)
from workorder.settings import Settings

CREATE_TOKEN = """mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) {
  secret errors { code message field } } }"""


async def token_with(org: OrgBuilder, *scopes: str) -> str:
    """The admin's partner token holding exactly `scopes`."""
    made = await org.as_admin(CREATE_TOKEN, {"input": {"name": "t", "scopes": list(scopes)}})
    assert made["createApiToken"]["errors"] == [], made
    secret: str = made["createApiToken"]["secret"]
    return secret


def required_scopes() -> dict[str, Scope | None]:
    """Every Mutation and Subscription root field and the scope it needs."""
    table: dict[str, Scope | None] = {}
    for root, subscription in ((Mutation, False), (Subscription, True)):
        for field in get_object_definition(root, strict=True).fields:
            table[field_name(field)] = required_scope(field, subscription)
    return table


def _value(gql_type: Any) -> Any:
    """A value of the right shape for a required input (the guard answers before it is read)."""
    inner = gql_type.of_type if isinstance(gql_type, GraphQLNonNull) else gql_type
    if isinstance(inner, GraphQLList):
        return []
    if isinstance(inner, GraphQLEnumType):
        return next(iter(inner.values))
    if isinstance(inner, GraphQLInputObjectType):
        return {
            k: _value(f.type) for k, f in inner.fields.items() if isinstance(f.type, GraphQLNonNull)
        }
    assert isinstance(inner, GraphQLScalarType)
    return {
        "Boolean": False,
        "Int": 1,
        "Float": 1.0,
        "DateTime": "2026-01-01T00:00:00+00:00",
        "Date": "2026-01-01",
        "JSON": {},
        "Upload": None,
    }.get(inner.name, "x")


def _uploads(input_type: GraphQLInputObjectType) -> list[str]:
    return [
        k
        for k, f in input_type.fields.items()
        if isinstance(f.type, GraphQLNonNull)
        and isinstance(f.type.of_type, GraphQLScalarType)
        and f.type.of_type.name == "Upload"
    ]


async def _call(
    api: Api, token: str, query: str, variables: dict[str, Any], files: list[str]
) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {token}"}
    if not files:
        response = await api.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
    else:  # the GraphQL multipart request spec
        response = await api.client.post(
            "/graphql",
            data={
                "operations": json.dumps({"query": query, "variables": variables}),
                "map": json.dumps({str(n): [f"variables.input.{k}"] for n, k in enumerate(files)}),
            },
            files={str(n): ("a.txt", b"hello", "text/plain") for n in range(len(files))},
            headers=headers,
        )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _row_counts() -> dict[str, int]:
    assert Tortoise.apps is not None
    return {m.__name__: await m.all().count() for m in Tortoise.apps.get_models_iterable()}


def _root(settings: Settings, kind: str) -> GraphQLObjectType:
    schema = build_schema(settings)._schema
    root = schema.mutation_type if kind == "mutation" else schema.subscription_type
    assert isinstance(root, GraphQLObjectType)
    return root


def test_every_mutation_and_subscription_needs_a_known_scope_and_is_guarded():
    table = required_scopes()
    assert len(table) > 70
    for name, scope in table.items():
        if name in ANONYMOUS:
            assert scope is None
        else:
            assert isinstance(scope, Scope), name
    for field in get_object_definition(Mutation, strict=True).fields:
        guards = [e for e in field.extensions if isinstance(e, RequiresScope)]
        assert len(guards) == (0 if field_name(field) in ANONYMOUS else 1), field_name(field)
    for field in get_object_definition(Subscription, strict=True).fields:
        scope_guards = [
            p
            for e in field.extensions
            if isinstance(e, PermissionExtension)
            for p in e.permissions
            if isinstance(p, HasScope)
        ]
        assert len(scope_guards) == 1, field_name(field)
        assert scope_guards[0].required == table[field_name(field)]


def test_the_scope_table_is_the_one_partners_read():
    table = required_scopes()
    assert table["createTicket"] == Scope.TICKETS_WRITE
    assert table["startExport"] == Scope.EXPORT
    assert table["createCustomer"] == Scope.CUSTOMERS_WRITE
    assert table["createWebhook"] == Scope.WEBHOOKS
    assert table["createUser"] == Scope.ORG_WRITE
    assert table["createTemplate"] == Scope.ORG_WRITE
    assert table["createApiToken"] == Scope.ADMIN
    assert table["ticketChanged"] == Scope.TICKETS_READ
    # Broad scopes imply narrow ones; the narrow ones imply no broad one.
    assert covers({Scope.ADMIN}, Scope.WEBHOOKS) and covers({Scope.ADMIN}, Scope.ORG_WRITE)
    assert covers({Scope.WRITE}, Scope.TICKETS_READ) and covers({Scope.WRITE}, Scope.EXPORT)
    assert not covers({Scope.WRITE}, Scope.ORG_WRITE)
    assert covers({Scope.READ}, Scope.TICKETS_READ) and not covers({Scope.READ}, Scope.EXPORT)
    assert not covers({Scope.TICKETS_WRITE}, Scope.READ)


@pytest.mark.parametrize("scope", list(Scope))
async def test_every_mutation_against_a_token_of_one_scope(
    org: OrgBuilder, settings: Settings, scope: Scope
) -> None:
    token = await token_with(org, str(scope))
    table = required_scopes()
    refused: list[tuple[str, Any]] = []
    allowed: list[tuple[str, Any]] = []
    for name, field in _root(settings, "mutation").fields.items():
        need = table[name]
        (allowed if need is None or covers({scope}, need) else refused).append((name, field))

    async def call(name: str, field: Any) -> dict[str, Any]:
        input_type = field.args["input"].type.of_type
        assert isinstance(input_type, GraphQLInputObjectType), name
        query = (
            f"mutation($input: {input_type.name}!) {{ {name}(input: $input) "
            f"{{ errors {{ code message }} }} }}"
        )
        variables = {"input": _value(field.args["input"].type)}
        body = await _call(org.api, token, query, variables, _uploads(input_type))
        assert "errors" not in body, (name, body)
        errors: list[dict[str, Any]] = body["data"][name]["errors"]
        return {"code": errors[0]["code"], "message": errors[0]["message"]} if errors else {}

    before = await _row_counts()
    for name, field in refused:
        need = table[name]
        assert need is not None
        assert await call(name, field) == {"code": "FORBIDDEN", "message": refusal(need)}, name
    assert await _row_counts() == before  # a refusal changes nothing
    for name, field in allowed:
        need = table[name]
        answer = await call(name, field)
        assert need is None or answer.get("message") != refusal(need), (name, answer)
    assert len(refused) + len(allowed) > 60
    if scope == Scope.ADMIN:
        assert refused == []
    if scope in (Scope.EXPORT, Scope.WEBHOOKS):
        assert len(allowed) < 10  # the narrow scopes reach only their own fields


def _subscription_request(name: str, field: Any) -> dict[str, Any]:
    required = {a: arg for a, arg in field.args.items() if isinstance(arg.type, GraphQLNonNull)}
    params = ", ".join(f"${a}: {arg.type}" for a, arg in required.items())
    given = ", ".join(f"{a}: ${a}" for a in required)
    head = f"subscription({params}) " if params else "subscription "
    call = f"{name}({given})" if given else name
    selection = (
        "" if isinstance(get_named_type(field.type), GraphQLScalarType) else " { __typename }"
    )
    return {
        "query": f"{head}{{ {call}{selection} }}",
        "variables": {a: _value(arg.type) for a, arg in required.items()},
    }


def _refusal_of(message: dict[str, Any]) -> dict[str, Any] | None:
    """The first error a subscription answered, as code and message; None for data."""
    payload = message.get("payload")
    errors = payload if isinstance(payload, list) else (payload or {}).get("errors")
    if not errors:
        return None
    return {"code": errors[0].get("extensions", {}).get("code"), "message": errors[0]["message"]}


@pytest.mark.parametrize("scope", list(Scope))
async def test_every_subscription_against_a_token_of_one_scope(
    org: OrgBuilder, settings: Settings, server_url: str, scope: Scope
) -> None:
    token = await token_with(org, str(scope))
    table = required_scopes()
    fields = dict(_root(settings, "subscription").fields)
    expected = {
        name: table[name] is not None and not covers({scope}, table[name])  # type: ignore[arg-type]
        for name in fields
    }
    answers: dict[str, dict[str, Any] | None] = {}
    async with websockets.connect(server_url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        await socket.send(json.dumps(init))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        for name, field in fields.items():
            payload = _subscription_request(name, field)
            await socket.send(json.dumps({"type": "subscribe", "id": name, "payload": payload}))
        # Every refusal comes at once; then a moment for any answer the others give.
        waiting = {n for n, refused in expected.items() if refused}
        try:
            while True:
                timeout = 10 if waiting else 1
                message = json.loads(await asyncio.wait_for(socket.recv(), timeout))
                if message.get("id") in fields and message["id"] not in answers:
                    answers[message["id"]] = _refusal_of(message)
                    waiting.discard(message["id"])
        except TimeoutError:
            assert not waiting, f"no answer from {sorted(waiting)}"
    for name, refused in expected.items():
        need = table[name]
        assert need is not None
        if refused:
            assert answers[name] == {"code": "FORBIDDEN", "message": refusal(need)}, name
        else:
            assert (answers.get(name) or {}).get("message") != refusal(need), name
    if scope in (Scope.ADMIN, Scope.READ, Scope.TICKETS_READ):
        assert not any(expected.values())
