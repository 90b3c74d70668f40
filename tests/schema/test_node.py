"""node(id:): global ids resolve within the caller's tenant; anything else is null."""

import base64
from datetime import UTC, datetime

from graphql import GraphQLObjectType

from tests.flows.live.test_presence import finance_ticket_pk
from tests.shop import Shop
from tests.support import OrgBuilder, gid
from workorder.flows.tickets.interactions import log_interaction
from workorder.models import Channel, Direction, Job, TicketEvent
from workorder.resolvers.node import NODE_LOADERS
from workorder.resolvers.root import build_schema
from workorder.settings import Settings

NODE = "query($id: ID!) { node(id: $id) { __typename id ... on User { username } } }"


async def test_node_resolves_own_objects(org):
    agent = await org.user("agent")
    data = await org.as_admin(NODE, {"id": gid("User", agent.id)})
    assert data["node"] == {"__typename": "User", "id": gid("User", agent.id), "username": "agent"}


async def test_malformed_unknown_and_foreign_ids_are_null(org, api):
    other = await OrgBuilder.create(api, "globex")
    stranger = await other.user("stranger")
    for bad in [
        "not base64 at all",
        base64.b64encode(b"User:").decode(),
        base64.b64encode(b"User:-4").decode(),
        base64.b64encode(b"Spaceship:1").decode(),
        gid("User", 999_999),
        gid("User", 2**31),  # beyond PostgreSQL's integer keys
        gid("User", 2**63),  # beyond SQLite's
        gid("User", stranger.id),  # exists, but in another tenant
        gid("User", other.admin.id),
    ]:
        body = await api.raw(NODE, {"id": bad}, token=await org.token())
        assert "errors" not in body and body["data"] == {"node": None}, bad


async def test_api_tokens_are_nodes_for_admins_only(org, api):
    made = await org.as_admin(
        'mutation { createApiToken(input: {name: "n", scopes: ["read"]}) { apiToken { id } } }'
    )
    token_id = made["createApiToken"]["apiToken"]["id"]
    assert (await org.as_admin(NODE, {"id": token_id}))["node"]["__typename"] == "ApiToken"
    await org.user("agent")
    assert (await api.ok(NODE, {"id": token_id}, token=await org.token("agent")))["node"] is None


def test_every_node_type_of_the_schema_resolves_by_id() -> None:
    """Generated from the schema: a type that implements Node and node() cannot answer is a
    hole a client finds first."""
    schema = build_schema(Settings(workorder_env="test", secret_key="k" * 40))._schema
    nodes = {
        name
        for name, kind in schema.type_map.items()
        if isinstance(kind, GraphQLObjectType) and any(i.name == "Node" for i in kind.interfaces)
    }
    assert nodes - set(NODE_LOADERS) == set()


async def test_events_interactions_and_jobs_are_nodes_for_those_who_may_see_them(
    shop: Shop,
) -> None:
    ticket_id = await finance_ticket_pk(shop)
    event = await TicketEvent.filter(ticket_id=ticket_id).order_by("id").first()
    assert event is not None
    call = await log_interaction(
        shop.actor("ann"),
        ticket_id,
        channel=Channel.PHONE,
        direction=Direction.INBOUND,
        started_at=datetime.now(UTC),
    )
    job = await Job.create(
        tenant_id=shop.org.tenant.id, created_by_id=shop.users["ann"].id, kind="export"
    )
    sending = await Job.create(tenant_id=shop.org.tenant.id, kind="webhook_delivery")
    query = "query($id: ID!) { node(id: $id) { __typename id } }"
    cases = [
        ("TicketEvent", event.id, {"ann": True, "cal": True, "dee": False}),
        ("Interaction", call.id, {"ann": True, "cal": True, "dee": False}),
        ("Job", job.id, {"ann": True, "cal": False, "admin": True}),
        # A webhook delivery's job is nobody's: admins read the delivery log instead.
        ("Job", sending.id, {"admin": False}),
    ]
    for type_name, pk, seen_by in cases:
        for user, sees in seen_by.items():
            data = await shop.gql(user, query, {"id": gid(type_name, pk)})
            expected = {"__typename": type_name, "id": gid(type_name, pk)} if sees else None
            assert data["node"] == expected, (type_name, user)
