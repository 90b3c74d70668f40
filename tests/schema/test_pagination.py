"""Every connection pages both ways, by the Relay cursor-connection rules: `first`/`after`
forwards, `last`/`before` backwards. Walked from the schema itself, so a connection added
later without the four arguments fails here, and one without a backwards walk below must
say why (`NOT_FILLED`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import strawberry
from graphql import GraphQLObjectType, GraphQLSchema, get_named_type

from tests.shop import Shop
from tests.support import gid
from workorder.flows.customers.accounts import create_customer
from workorder.flows.templates.versions import create_template
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.models import (
    ApiToken,
    Contact,
    CustomerKind,
    DeliveryStatus,
    Department,
    Dictionary,
    EventKind,
    Job,
    JobStatus,
    MailOutbox,
    Notification,
    NotificationKind,
    Reminder,
    Ticket,
    TicketEvent,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEventType,
)
from workorder.resolvers.root import build_schema
from workorder.schema.pagination import Connection, FirstArg
from workorder.settings import Settings

PAGING = {"first", "after", "last", "before"}


def _connection_fields(schema: GraphQLSchema) -> dict[str, set[str]]:
    """Type.field → its argument names, for every field returning a *Connection type."""
    found = {}
    for name, kind in schema.type_map.items():
        if name.startswith("__") or not isinstance(kind, GraphQLObjectType):
            continue
        for field_name, field in kind.fields.items():
            if get_named_type(field.type).name.endswith("Connection"):
                found[f"{name}.{field_name}"] = set(field.args)
    return found


def _lacking(schema: GraphQLSchema) -> dict[str, set[str]]:
    return {
        field: PAGING - args
        for field, args in _connection_fields(schema).items()
        if not args >= PAGING
    }


def _schema() -> GraphQLSchema:
    return build_schema(Settings(workorder_env="test", secret_key="k" * 40))._schema


def test_every_connection_takes_first_after_last_and_before() -> None:
    schema = _schema()
    assert len(_connection_fields(schema)) >= 15
    assert _lacking(schema) == {}


@strawberry.type(description="A connection that forgot to page backwards.")
class Thing:
    name: str = strawberry.field(description="Described.")


@strawberry.type(description="Described.")
class ThingConnection(Connection[Thing]):
    pass


def _things(first: FirstArg = None) -> ThingConnection:
    raise NotImplementedError


@strawberry.type(description="Described.")
class ForwardsOnly:
    things: ThingConnection = strawberry.field(resolver=_things, description="Described.")


def test_the_walk_finds_a_connection_without_last_and_before() -> None:
    """The check itself: a connection that only pages forwards is caught."""
    lacking = _lacking(strawberry.Schema(query=ForwardsOnly)._schema)
    assert lacking == {"ForwardsOnly.things": {"after", "last", "before"}}


# --- walking each connection forwards, then backwards from the end ---------------------------

ARGS = "first: $first, after: $after, last: $last, before: $before"
VARS = "$first: Int, $after: String, $last: Int, $before: String"
PAGE = "edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"


@dataclass(frozen=True)
class Case:
    """How to ask for one connection: the query around it and where the page sits in the data."""

    query: str
    path: tuple[str, ...]


def _root(field: str, more: str = "", declared: str = "") -> Case:
    return Case(f"query({declared}{VARS}) {{ {field}({more}{ARGS}) {{ {PAGE} }} }}", (field,))


def _nested(type_name: str, field: str) -> Case:
    return Case(
        f"query($id: ID!, {VARS}) {{ node(id: $id) {{ ... on {type_name} {{ "
        f"{field}({ARGS}) {{ {PAGE} }} }} }} }}",
        ("node", field),
    )


CASES = {
    "Query.users": _root("users"),
    "Query.groups": _root("groups"),
    "Query.departments": _root("departments"),
    "Query.apiTokens": _root("apiTokens"),
    "Query.templates": _root("templates"),
    "Query.dictionaries": _root("dictionaries"),
    "Query.notifications": _root("notifications"),
    "Query.tickets": _root("tickets"),
    "Query.customers": _root("customers"),
    "Query.contacts": _root("contacts"),
    "Query.mailOutbox": _root("mailOutbox"),
    "Query.jobs": _root("jobs"),
    "Query.myReminders": _root("myReminders"),
    "Query.webhookDeliveries": _root(
        "webhookDeliveries", "webhookId: $webhook, ", "$webhook: ID!, "
    ),
    "Customer.tickets": _nested("Customer", "tickets"),
    "Ticket.timeline": _nested("Ticket", "timeline"),
    "Job.failures": _nested("Job", "failures"),
    "BatchJobResult.tickets": Case(
        f"query($id: ID!, {VARS}) {{ node(id: $id) {{ ... on Job {{ outcome {{ "
        f"... on BatchJobResult {{ tickets({ARGS}) {{ {PAGE} }} }} }} }} }} }}",
        ("node", "outcome", "tickets"),
    ),
}
# Connections the walk below does not fill, each with the reason.
NOT_FILLED: dict[str, str] = {}


def test_every_connection_is_walked_backwards_or_says_why_not() -> None:
    assert set(_connection_fields(_schema())) == set(CASES) | set(NOT_FILLED)


@dataclass(frozen=True)
class Filled:
    customer: str
    ticket: str
    webhook: str
    job: str


async def _fill(shop: Shop) -> Filled:
    """At least four rows in every connection the admin can list."""
    admin = shop.org.admin_actor
    tenant = admin.tenant_id
    me = shop.users["admin"]
    # Ann adds Acme, so she may file its tickets.
    acme = await create_customer(shop.actor("ann"), CustomerKind.ORGANIZATION, "Acme")
    for name in ["Globex", "Initech", "Umbrella"]:
        await create_customer(admin, CustomerKind.ORGANIZATION, name)
    tickets = [
        await create_ticket(
            shop.actor("ann"),
            NewTicket(
                template_id=shop.returns.id,
                title=f"T{n}",
                customer_id=acme.id,
                fields={"model": "TV-9"},
            ),
        )
        for n in range(5)
    ]
    first = tickets[0]
    for n in range(2):
        await create_template(
            admin,
            {
                "name": f"Extra {n}",
                "fields": [],
                "steps": [
                    {"key": "s", "name": "S", "group_id": shop.groups["Sales"].id, "position": 0}
                ],
            },
        )
    endpoint = await WebhookEndpoint.create(
        tenant_id=tenant, owner=me, url="https://example.com/hook", secret="s" * 32
    )
    for n in range(5):
        await Department.create(tenant_id=tenant, name=f"Dept {n % 2}")  # ties on the key
        await Dictionary.create(tenant_id=tenant, name=f"Dict {n}")
        await Contact.create(tenant_id=tenant, customer_id=acme.id, name=f"Contact {n % 2}")
        await ApiToken.create(
            tenant_id=tenant, created_by=me, name=f"t{n}", prefix=f"p{n}", token_hash=f"h{n}"
        )
        await Notification.create(
            tenant_id=tenant, recipient=me, kind=NotificationKind.ASSIGNED, ticket=first
        )
        await MailOutbox.create(
            tenant_id=tenant,
            ticket=first,
            subject=f"Mail {n}",
            body="",
            message_id=f"<m{n}@example.com>",
            next_attempt_at=datetime.now(UTC),
        )
        await Job.create(tenant_id=tenant, created_by=me, kind="batch.close")
        await WebhookDelivery.create(
            tenant_id=tenant,
            endpoint=endpoint,
            event_type=WebhookEventType.TICKET_EVENT,
            webhook_id=f"msg_{n}",
            status=DeliveryStatus.PENDING,
        )
        await TicketEvent.create(
            tenant_id=tenant, ticket=first, kind=EventKind.NOTED, actor=me, comment=f"{n}"
        )
        await Reminder.create(  # ties on the list's sort key, a time
            tenant_id=tenant,
            user=me,
            ticket=first,
            remind_at=datetime(2030, 1, 1 + n % 2, tzinfo=UTC),
        )
    batch = await Job.create(  # a finished batch job over the tickets, every one failed
        tenant_id=tenant,
        created_by=me,
        kind="batch.close",
        status=JobStatus.DONE,
        total=len(tickets),
        done=len(tickets),
        failed=len(tickets),
        result={"ids": [t.id for t in tickets]},
        errors=[{"ticketId": t.id, "code": "WRONG_STATUS", "message": "No"} for t in tickets],
    )
    await Ticket.filter(id__in=[t.id for t in tickets[:3]]).update(
        updated_at=datetime(2026, 1, 1, tzinfo=UTC)  # ties on the list's sort key
    )
    return Filled(
        customer=gid("Customer", acme.id),
        ticket=gid("Ticket", first.id),
        webhook=gid("Webhook", endpoint.id),
        job=gid("Job", batch.id),
    )


Ask = Callable[..., Awaitable[dict[str, object]]]


def _page_at(data: dict[str, object], path: tuple[str, ...]) -> dict[str, object]:
    found: object = data
    for step in path:
        assert isinstance(found, dict)
        found = found[step]
    assert isinstance(found, dict)
    return found


async def walk(ask: Ask, size: int) -> tuple[list[str], list[str]]:
    """(cursors walking forwards with first/after, cursors walking backwards with last/before,
    put back in list order), checking each page's pageInfo on the way."""
    forwards: list[str] = []
    after = None
    for n in range(100):
        page = await ask(first=size, after=after)
        cursors = [e["cursor"] for e in page["edges"]]  # type: ignore[attr-defined]
        info = page["pageInfo"]
        assert info["hasPreviousPage"] is (n > 0), info  # type: ignore[index]
        forwards += cursors
        if not info["hasNextPage"]:  # type: ignore[index]
            break
        assert len(cursors) == size
        after = info["endCursor"]  # type: ignore[index]
    backwards: list[str] = []
    before = None
    for n in range(100):
        page = await ask(last=size, before=before)
        cursors = [e["cursor"] for e in page["edges"]]  # type: ignore[attr-defined]
        info = page["pageInfo"]
        assert info["hasNextPage"] is (n > 0), info  # type: ignore[index]
        backwards = cursors + backwards
        if not info["hasPreviousPage"]:  # type: ignore[index]
            break
        assert len(cursors) == size
        before = info["startCursor"]  # type: ignore[index]
    return forwards, backwards


@pytest.mark.parametrize("field", sorted(CASES))
async def test_walking_backwards_gives_the_forward_order(shop: Shop, field: str) -> None:
    filled = await _fill(shop)
    case = CASES[field]
    ids = {
        "Customer.tickets": filled.customer,
        "Ticket.timeline": filled.ticket,
        "Job.failures": filled.job,
        "BatchJobResult.tickets": filled.job,
    }

    async def ask(**paging: object) -> dict[str, object]:
        variables = {"first": None, "after": None, "last": None, "before": None, **paging}
        if field in ids:
            variables["id"] = ids[field]
        if field == "Query.webhookDeliveries":
            variables["webhook"] = filled.webhook
        return _page_at(await shop.gql("admin", case.query, variables), case.path)

    for size in (1, 3):
        forwards, backwards = await walk(ask, size)
        assert len(forwards) >= 4, forwards
        assert len(set(forwards)) == len(forwards)
        assert backwards == forwards
