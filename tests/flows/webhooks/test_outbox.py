"""What the outbox writes: deliveries commit with the change that caused them, or not at all."""

import asyncio
from datetime import timedelta

import pytest

from tests.flows.webhooks.receiver import Receiver, payload_of, settled_log
from tests.shop import Shop
from tests.support import gid
from workorder.errors import ErrorCode, FlowError
from workorder.flows.sla.sla import raise_breaches, set_policy
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.urging import urge_ticket
from workorder.flows.unit_of_work import unit_of_work
from workorder.flows.webhooks.endpoints import register
from workorder.models import Job, JobStatus, Priority, WebhookDelivery


async def test_a_rolled_back_change_writes_no_delivery(shop: Shop):
    await register(
        shop.org.admin_actor, "https://example.invalid/h", ["ticket.event"], allow_private=True
    )
    ticket = await create_ticket(
        shop.actor("ann"),
        NewTicket(template_id=shop.order.id, title="Kettle", fields={"order_no": "F", "amount": 1}),
    )
    assert await WebhookDelivery.all().count() == 1

    async def urge_then_refuse() -> None:
        async with unit_of_work():
            await urge_ticket(shop.actor("sam"), ticket.id, "Now")
            raise FlowError(ErrorCode.INVALID, "changed our mind")

    with pytest.raises(FlowError):
        await urge_then_refuse()
    assert await WebhookDelivery.all().count() == 1  # the urge's went with the urge


async def test_an_sla_breach_is_delivered(shop: Shop, receiver: Receiver):
    await register(shop.org.admin_actor, receiver.url, ["sla.breached"], allow_private=True)
    await set_policy(shop.org.admin_actor, shop.order.id, Priority.NORMAL, None, 60)
    ticket = await create_ticket(
        shop.actor("ann"),
        NewTicket(template_id=shop.order.id, title="Kettle", fields={"order_no": "G", "amount": 1}),
    )
    assert await raise_breaches(ticket.created_at + timedelta(minutes=61)) == 1

    await receiver.wait_for(lambda got: len(got) == 1)
    body = payload_of(receiver.requests[0])
    assert (body["type"], body["data"]["breach"], body["data"]["ticket"]["id"]) == (
        "sla.breached",
        "RESOLUTION",
        gid("Ticket", ticket.id),
    )


async def test_a_finished_job_is_delivered_and_the_delivery_jobs_are_not(
    shop: Shop, receiver: Receiver, kinds
):
    from tests.flows.batch.test_batch import granted, in_finance
    from tests.jobs.test_executor import start_close
    from workorder.auth.permissions import Permission

    hook = await register(shop.org.admin_actor, receiver.url, ["job.finished"], allow_private=True)
    await in_finance(shop, "K-1")
    fay = await granted(shop, "fay", Permission.TICKET_BATCH)
    job = await start_close(kinds, fay)

    await receiver.wait_for(lambda got: len(got) == 1)
    body = payload_of(receiver.requests[0])
    assert body["type"] == "job.finished"
    assert body["data"]["job"]["id"] == gid("Job", job.id)
    assert (body["data"]["job"]["status"], body["data"]["job"]["kind"]) == ("DONE", "batch.close")
    [delivery] = await settled_log(hook.endpoint.id, 1)
    async with asyncio.timeout(10):  # the sending job's own end, told to nobody
        while (await Job.get(id=delivery.job_id)).status != JobStatus.DONE:
            await asyncio.sleep(0.05)
    assert await WebhookDelivery.all().count() == 1
