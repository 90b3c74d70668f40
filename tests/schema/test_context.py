"""One WebSocket, several subscriptions: each event is resolved with the rows read for it.

A socket keeps one context for its life while each subscription on it runs in a task of its
own. A notification being resolved with the ticket as it was before a forward must not lend
that old row (its step, hence what the step hides) to the ticket's next event on the same
socket: that is how a field the new step hides once reached a live payload.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from starlette.applications import Starlette

from tests.flows.batch.test_batch import in_sales
from tests.shop import Shop
from tests.support import gid
from workorder.flows.templates.versions import create_template
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.moves import forward_ticket
from workorder.models import Ticket
from workorder.resolvers.root import build_schema
from workorder.schema.context import Context
from workorder.settings import Settings


def _socket_context(settings: Settings, app: Starlette) -> Context:
    return Context(
        request=cast(Any, None),
        response=cast(Any, None),
        settings=settings,
        broker=app.state.broker,
    )


async def test_subscriptions_on_one_socket_never_share_a_row_read_earlier(
    shop: Shop, settings: Settings, app: Starlette
) -> None:
    ann = shop.actor("ann")
    ticket = await in_sales(shop, "A-1")
    before = await Ticket.get(id=ticket.id)  # what a slow notification event still holds
    after = await forward_ticket(ann, ticket.id)
    assert after.current_step != before.current_step
    context = _socket_context(settings, app)
    context.authenticate(ann)
    second_started, primed = asyncio.Event(), asyncio.Event()

    async def notification_event() -> None:
        context.fresh()
        await second_started.wait()
        await context.screen(before)  # hands the row it holds to its loaders
        primed.set()

    async def ticket_event() -> Ticket | None:
        context.fresh()
        second_started.set()
        await primed.wait()
        return await context.tickets.ticket.load(ticket.id)

    _, seen = await asyncio.gather(notification_event(), ticket_event())
    assert seen is not None
    assert seen.current_step == after.current_step


async def test_an_events_data_goes_through_the_step_the_ticket_is_at_after_it(
    shop: Shop, settings: Settings, app: Starlette
) -> None:
    """Ann's socket showed the ticket at intake (every field shows); she then forwards it to
    review with a memo, which review hides. The forward's data, read on the same socket
    afterwards, leaves the memo out although the socket read the ticket when it showed."""
    groups = shop.groups
    template = await create_template(
        shop.org.admin_actor,
        {
            "name": "Vetting",
            "fields": [
                {"key": "public", "label": "Public", "type": "TEXT", "position": 0},
                {"key": "memo", "label": "Memo", "type": "TEXT", "position": 1},
            ],
            "steps": [
                {"key": "intake", "name": "Intake", "group_id": groups["Sales"].id, "position": 0},
                {
                    "key": "review",
                    "name": "Review",
                    "group_id": groups["Finance"].id,
                    "position": 1,
                    "visible_fields": ["public"],
                },
            ],
        },
    )
    ann = shop.actor("ann")
    ticket = await create_ticket(
        ann, NewTicket(template_id=template.id, title="V-1", fields={"public": "shown"})
    )
    context = _socket_context(settings, app)
    context.authenticate(ann)
    schema = build_schema(settings)
    query = "query($id: ID!) { ticket(id: $id) { currentStep { key } fields { key } } }"
    variables = {"id": gid("Ticket", ticket.id)}
    at_intake = await schema.execute(query, variables, context_value=context)
    assert at_intake.errors is None and at_intake.data is not None
    assert at_intake.data["ticket"]["currentStep"]["key"] == "intake"

    await forward_ticket(ann, ticket.id, fields={"memo": "HIDDEN-memo"})
    again = await schema.execute(
        "query($id: ID!) { ticket(id: $id) { events { kind data } } }",
        variables,
        context_value=context,
    )
    assert again.errors is None and again.data is not None
    kinds = [e["kind"] for e in again.data["ticket"]["events"]]
    assert "FORWARDED" in kinds
    assert "HIDDEN-memo" not in str(again.data)


async def test_a_request_reads_through_one_set_of_loaders(
    shop: Shop, settings: Settings, app: Starlette
) -> None:
    context = _socket_context(settings, app)
    context.authenticate(shop.actor("ann"))
    assert context.tickets is context.tickets
    assert context.actor is context.actor
    assert await context.reach() is await context.reach()
