"""Nothing is lost across a restart: deliveries pending when a server stops (its receiver was
down) are sent by the next server on the same database. Each server is `workorder serve` in
its own process, as in production."""

from __future__ import annotations

import asyncio

import pytest

from tests import services
from tests.flows.webhooks.receiver import payload_of, receiving, settled_log
from tests.shop import Shop
from tests.support import server_process
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.urging import urge_ticket
from workorder.flows.webhooks.endpoints import register
from workorder.models import DeliveryStatus, WebhookDelivery
from workorder.settings import Settings

# Each server runs its job runner often, and may send to the test's loopback receiver.
SERVER = {
    "JOB_POLL_SECONDS": "0.2",
    "SLA_CHECK_SECONDS": "0",
    "REMINDER_CHECK_SECONDS": "0",
    "WEBHOOKS_ALLOW_PRIVATE": "true",
    "WEBHOOK_RETRY_BASE_SECONDS": "0.2",
}


async def _attempted(endpoint_id: int, count: int) -> None:
    async with asyncio.timeout(30):
        while (
            await WebhookDelivery.filter(endpoint_id=endpoint_id, attempts__gte=1).count() < count
        ):
            await asyncio.sleep(0.05)


async def test_pending_deliveries_are_sent_by_the_next_server(
    shop: Shop, settings: Settings, app, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(app.state.job_runner, "paused", True)  # only the servers here send
    port = services.free_port()  # the receiver's, down for now
    hook = await register(
        shop.org.admin_actor, f"http://127.0.0.1:{port}/hook", ["ticket.event"], allow_private=True
    )
    async with server_process(settings, **SERVER):
        ticket = await create_ticket(
            shop.actor("ann"),
            NewTicket(
                template_id=shop.order.id, title="Kettle", fields={"order_no": "C-3", "amount": 2}
            ),
        )
        await urge_ticket(shop.actor("sam"), ticket.id, "Soon please")
        await _attempted(hook.endpoint.id, 1)  # the server tried: connection refused
    pending = await WebhookDelivery.filter(endpoint_id=hook.endpoint.id).order_by("id")
    assert [d.status for d in pending] == [DeliveryStatus.PENDING] * 2
    assert pending[0].attempts >= 1 and "Connect" in pending[0].last_error

    async with receiving(port) as receiver, server_process(settings, **SERVER):
        await receiver.wait_for(lambda got: len(receiver.delivered()) == 2)
        log = await settled_log(hook.endpoint.id, 2)
    assert [payload_of(r)["data"]["event"]["kind"] for r in receiver.delivered()] == [
        "CREATED",
        "URGED",
    ]
    assert [d.status for d in log] == [DeliveryStatus.DELIVERED] * 2
