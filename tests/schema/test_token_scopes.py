"""A READ-scoped API token reads but changes nothing, through every mutation.

The mutations are taken from the schema itself, so one added later is covered here too.
"""

from __future__ import annotations

import json
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)
from tortoise import Tortoise

from tests.shop import Shop
from tests.support import Api, OrgBuilder, gid
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.models import Priority, Ticket, TicketFollower
from workorder.resolvers.root import build_schema
from workorder.schema.permissions import READ_SCOPE_MUTATIONS
from workorder.settings import Settings

CREATE_TOKEN = """mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) {
  secret errors { code } } }"""


async def read_token(org: OrgBuilder) -> str:
    """The admin's partner token with the READ scope only."""
    made = await org.as_admin(CREATE_TOKEN, {"input": {"name": "reader", "scopes": ["READ"]}})
    assert made["createApiToken"]["errors"] == []
    secret: str = made["createApiToken"]["secret"]
    return secret


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


async def _call(api: Api, token: str, query: str, variables: dict[str, Any], files: list[str]):
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
    return response.json()


async def _row_counts() -> dict[str, int]:
    assert Tortoise.apps is not None
    return {m.__name__: await m.all().count() for m in Tortoise.apps.get_models_iterable()}


def _mutations(settings: Settings) -> list[tuple[str, Any]]:
    root = build_schema(settings)._schema.mutation_type
    assert isinstance(root, GraphQLObjectType)
    return [(n, f) for n, f in root.fields.items() if n not in READ_SCOPE_MUTATIONS]


async def test_every_mutation_refuses_a_read_token_and_changes_nothing(shop: Shop, settings):
    token = await read_token(shop.org)
    before = await _row_counts()
    checked = []
    for name, field in _mutations(settings):
        input_type = field.args["input"].type.of_type
        assert isinstance(input_type, GraphQLInputObjectType), name
        variables = {"input": _value(field.args["input"].type)}
        query = (
            f"mutation($input: {input_type.name}!) {{ {name}(input: $input) "
            f"{{ errors {{ code message }} }} }}"
        )
        body = await _call(shop.org.api, token, query, variables, _uploads(input_type))
        assert "errors" not in body, (name, body)
        assert body["data"][name]["errors"] == [
            {"code": "FORBIDDEN", "message": "This token may only read"}
        ], (name, body)
        checked.append(name)
    assert len(checked) > 60  # the whole Mutation root, not a handful
    assert await _row_counts() == before


async def test_urge_and_follow_need_the_write_scope(shop: Shop):
    token = await read_token(shop.org)
    made = await create_ticket(
        shop.org.admin_actor,  # its creator: the token's user sees it without the ADMIN scope
        NewTicket(template_id=shop.order.id, title="A-1", fields={"order_no": "A-1"}),
    )
    before = await Ticket.get(id=made.id)
    for mutation in ("urgeTicket", "followTicket"):
        data = await shop.org.api.ok(
            f"mutation($id: ID!) {{ {mutation}(input: {{id: $id}}) "
            "{ ticket { id } errors { code } } }",
            {"id": gid("Ticket", made.id)},
            token,
        )
        assert data[mutation] == {"ticket": None, "errors": [{"code": "FORBIDDEN"}]}
    after = await Ticket.get(id=made.id)
    assert (after.priority, after.urge_count, after.version) == (
        before.priority,
        0,
        before.version,
    )
    assert before.priority != Priority.URGENT  # an urge would have raised it
    assert await TicketFollower.filter(ticket_id=made.id).count() == 0

    # The same token still reads the ticket, and a login session (every scope) still urges.
    seen = await shop.org.api.ok(
        "query($id: ID!) { ticket(id: $id) { priority urgeCount } }",
        {"id": gid("Ticket", made.id)},
        token,
    )
    assert seen["ticket"]["urgeCount"] == 0
    urged = await shop.gql(
        "admin",
        "mutation($id: ID!) { urgeTicket(input: {id: $id}) { ticket { urgeCount } errors { code } } }",
        {"id": gid("Ticket", made.id)},
    )
    assert urged["urgeTicket"] == {"ticket": {"urgeCount": 1}, "errors": []}


def test_the_read_scope_list_names_real_mutations_only(settings):
    root = build_schema(settings)._schema.mutation_type
    assert isinstance(root, GraphQLObjectType)
    assert set(READ_SCOPE_MUTATIONS) <= set(root.fields)
