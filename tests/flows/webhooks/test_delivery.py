"""Webhook deliveries end to end: a ticket change commits, the server's job runner sends it to
a real receiver on loopback, signed; retries, order per ticket, the owner's visibility."""

import asyncio
import json
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from tests.flows.webhooks.receiver import Receiver, payload_of, settled_log
from tests.flows.webhooks.test_restart import SERVER
from tests.shop import Shop
from tests.support import gid, server_process
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.handling import save_ticket
from workorder.flows.tickets.moves import transfer_ticket
from workorder.flows.tickets.urging import urge_ticket
from workorder.flows.webhooks.endpoints import register
from workorder.models import DeliveryStatus, Priority, Role, User, WebhookDelivery
from workorder.settings import Settings


async def _ticket(shop: Shop, title: str = "Three kettles"):
    return await create_ticket(
        shop.actor("ann"),
        NewTicket(template_id=shop.order.id, title=title, fields={"order_no": "A-1", "amount": 9}),
    )


async def test_a_ticket_event_is_delivered_signed_with_global_ids(shop: Shop, receiver: Receiver):
    hook = await register(
        shop.org.admin_actor,
        receiver.url,
        ["ticket.event", "ticket.urged"],
        allow_private=True,
    )
    ticket = await _ticket(shop)
    await urge_ticket(shop.actor("sam"), ticket.id, "Customer called twice")

    await receiver.wait_for(lambda got: len(got) == 3)
    verifier = Webhook(hook.secret)
    payloads = [
        verifier.verify(r.body, r.headers) for r in receiver.requests
    ]  # raises if any signature is wrong
    assert [(p["type"], p["data"]["event"]["kind"]) for p in payloads] == [
        ("ticket.event", "CREATED"),
        ("ticket.event", "URGED"),
        ("ticket.urged", "URGED"),
    ]
    created = payloads[0]
    assert created["tenant"] == gid("Tenant", shop.org.tenant.id)
    assert created["data"]["ticket"]["id"] == gid("Ticket", ticket.id)
    assert created["data"]["event"]["actor"] == gid("User", shop.users["ann"].id)
    assert created["data"]["event"]["changes"]["fields"]["order_no"] == "A-1"
    # A tampered body does not verify.
    with pytest.raises(Exception, match="signature"):
        verifier.verify(receiver.requests[0].body + b" ", receiver.requests[0].headers)

    log = await settled_log(hook.endpoint.id, 3)
    assert [(d.status, d.attempts, d.last_response_code) for d in log] == [
        (DeliveryStatus.DELIVERED, 1, 200)
    ] * 3
    assert all(d.latency_ms is not None and d.delivered_at is not None for d in log)
    assert [d.webhook_id for d in log] == [r.webhook_id for r in receiver.requests]


async def test_a_receiver_answering_500_twice_gets_it_on_the_third_attempt(
    shop: Shop, receiver: Receiver
):
    receiver.answer = lambda request, body, n: 500 if n < 2 else 200
    hook = await register(shop.org.admin_actor, receiver.url, ["ticket.event"], allow_private=True)
    await _ticket(shop)

    await receiver.wait_for(lambda got: len(receiver.delivered()) == 1)
    assert [r.answered for r in receiver.requests] == [500, 500, 200]
    assert len({r.webhook_id for r in receiver.requests}) == 1  # one message, retried
    [delivery] = await settled_log(hook.endpoint.id, 1)
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
        DeliveryStatus.DELIVERED,
        3,
        200,
    )


async def test_a_tickets_deliveries_go_out_in_commit_order(shop: Shop, receiver: Receiver):
    # The first message fails twice: the ticket's later one waits for it rather than pass it.
    first: list[str] = []

    def answer(request, body, n):
        message = request.headers["webhook-id"]
        first[:] = first or [message]
        tries = sum(1 for r in receiver.requests if r.webhook_id == message)
        return 500 if message == first[0] and tries < 2 else 200

    receiver.answer = answer
    await register(shop.org.admin_actor, receiver.url, ["ticket.event"], allow_private=True)
    ticket = await _ticket(shop)
    await urge_ticket(shop.actor("sam"), ticket.id, "Soon please")

    await receiver.wait_for(lambda got: len(receiver.delivered()) == 2)
    kinds = [payload_of(r)["data"]["event"]["kind"] for r in receiver.delivered()]
    assert kinds == ["CREATED", "URGED"]
    assert [payload_of(r)["data"]["event"]["kind"] for r in receiver.requests] == [
        "CREATED",
        "CREATED",
        "CREATED",
        "URGED",
    ]


async def test_an_owner_who_may_not_see_a_ticket_gets_no_delivery_of_it(
    shop: Shop, receiver: Receiver
):
    watcher = await shop.org.user("watcher", Role.ADMIN)
    from workorder.auth.actor import Actor

    blind = await register(Actor.of(watcher), receiver.url, ["ticket.event"], allow_private=True)
    seeing = await register(
        shop.org.admin_actor, receiver.url + "?all", ["ticket.event"], allow_private=True
    )
    # No longer an administrator, involved in nothing: the endpoint acts as they are now.
    await User.filter(id=watcher.id).update(roles=[str(Role.AGENT)])
    ticket = await _ticket(shop)

    await receiver.wait_for(lambda got: len(got) == 1)
    assert json.loads(receiver.requests[0].body)["data"]["ticket"]["id"] == gid("Ticket", ticket.id)
    assert await WebhookDelivery.filter(endpoint_id=blind.endpoint.id).count() == 0
    assert await WebhookDelivery.filter(endpoint_id=seeing.endpoint.id).count() == 1


async def test_a_delivery_goes_out_at_once_after_the_commit_not_at_the_next_poll(
    shop: Shop, receiver: Receiver, app: Any, settings: Settings
):
    """The request that commits the change wakes the runner: from a server whose runner looks
    only every minute, the urge still arrives within seconds."""
    await register(shop.org.admin_actor, receiver.url, ["ticket.urged"], allow_private=True)
    ticket = await _ticket(shop)
    app.state.job_runner.paused = True  # the session's runner would deliver it on its poll
    try:
        async with server_process(settings, **(SERVER | {"JOB_POLL_SECONDS": "60"})) as url:
            await asyncio.sleep(0.5)  # the slow runner's first look is behind it
            urge = "mutation($i: UrgeTicketInput!) { urgeTicket(input: $i) { errors { code } } }"
            variables = {"i": {"id": gid("Ticket", ticket.id), "comment": "Again"}}
            headers = {"authorization": f"Bearer {await shop.token('sam')}"}
            async with httpx.AsyncClient(base_url=url) as http:
                reply = await http.post(
                    "/graphql", json={"query": urge, "variables": variables}, headers=headers
                )
            assert reply.json()["data"]["urgeTicket"]["errors"] == []
            async with asyncio.timeout(5):  # well before the minute
                await receiver.wait_for(lambda got: len(got) == 1)
    finally:
        app.state.job_runner.paused = False
    assert payload_of(receiver.requests[0])["type"] == "ticket.urged"


async def test_an_events_changes_are_delivered_by_global_ids_and_api_names(
    shop: Shop, receiver: Receiver
):
    await register(shop.org.admin_actor, receiver.url, ["ticket.event"], allow_private=True)
    ticket = await _ticket(shop)
    ann, cal, fay = shop.actor("ann"), shop.users["cal"], shop.users["fay"]
    await save_ticket(ann, ticket.id, title="Four kettles", priority=Priority.HIGH)
    await transfer_ticket(shop.org.admin_actor, ticket.id, user_ids=[cal.id, fay.id])

    await receiver.wait_for(lambda got: len(got) == 3)
    events = [payload_of(r)["data"]["event"] for r in receiver.delivered()]
    assert [e["kind"] for e in events] == ["CREATED", "SAVED", "TRANSFERRED"]
    assert events[1]["changes"] == {
        "title": {"before": "Three kettles", "after": "Four kettles"},
        "priority": {"before": "NORMAL", "after": "HIGH"},
    }
    moved = events[2]["changes"]
    assert sorted(moved["users"]) == sorted([gid("User", cal.id), gid("User", fay.id)])
    assert moved["group"] == gid("Group", shop.groups["Sales"].id)  # the step's group
    assert "data" not in events[2]  # no stored form with database ids beside it
