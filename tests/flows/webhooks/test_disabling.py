"""An endpoint that keeps failing is disabled, and what it had pending is given up."""

import asyncio
import itertools
from datetime import timedelta

import pytest

from tests.flows.webhooks.receiver import Receiver
from tests.shop import Shop
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.webhooks import outbox
from workorder.flows.webhooks.endpoints import register, update
from workorder.flows.webhooks.sending import DeliveryJob, SendPolicy
from workorder.jobs.registry import JobKinds
from workorder.jobs.runner import run_due_jobs
from workorder.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

POLICY = SendPolicy(
    allow_private=True, retry_base=timedelta(milliseconds=50), max_attempts=10, disable_after=3
)


async def test_three_failures_in_a_row_disable_the_endpoint(
    shop: Shop, receiver: Receiver, app, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(app.state.job_runner, "paused", True)  # this test's runner sends
    kinds = JobKinds({outbox.KIND: DeliveryJob(POLICY)})
    receiver.answer = lambda request, body, n: 500
    hook = await register(shop.org.admin_actor, receiver.url, ["ticket.event"], allow_private=True)
    for title in ("One", "Two"):
        await create_ticket(
            shop.actor("ann"),
            NewTicket(
                template_id=shop.order.id, title=title, fields={"order_no": "D", "amount": 1}
            ),
        )

    async with asyncio.timeout(20):
        while (await WebhookEndpoint.get(id=hook.endpoint.id)).active:
            await run_due_jobs(kinds)
            await asyncio.sleep(0.02)
        while await WebhookDelivery.filter(status=DeliveryStatus.PENDING).exists():
            await run_due_jobs(kinds)
            await asyncio.sleep(0.02)

    endpoint = await WebhookEndpoint.get(id=hook.endpoint.id)
    assert (
        endpoint.consecutive_failures == 3
        and "3 failed attempts in a row" in endpoint.disabled_reason
    )
    assert len(receiver.requests) == 3  # nothing more was sent once it was disabled
    log = await WebhookDelivery.filter(endpoint_id=hook.endpoint.id).order_by("id")
    assert [d.status for d in log] == [DeliveryStatus.FAILED] * 2
    assert sum(d.attempts for d in log) == 3  # two tickets: their attempts interleave

    again = await update(shop.org.admin_actor, hook.endpoint.id, allow_private=True, active=True)
    assert (again.active, again.consecutive_failures, again.disabled_reason) == (True, 0, "")


async def test_a_delivery_is_given_up_after_its_last_attempt(
    shop: Shop, receiver: Receiver, app, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(app.state.job_runner, "paused", True)
    policy = SendPolicy(allow_private=True, retry_base=timedelta(milliseconds=50), max_attempts=2)
    kinds = JobKinds({outbox.KIND: DeliveryJob(policy)})
    receiver.answer = lambda request, body, n: 503
    hook = await register(shop.org.admin_actor, receiver.url, ["ticket.event"], allow_private=True)
    await create_ticket(
        shop.actor("ann"),
        NewTicket(template_id=shop.order.id, title="One", fields={"order_no": "E", "amount": 1}),
    )
    async with asyncio.timeout(20):
        while await WebhookDelivery.filter(status=DeliveryStatus.PENDING).exists():
            await run_due_jobs(kinds)
            await asyncio.sleep(0.02)
    [delivery] = await WebhookDelivery.filter(endpoint_id=hook.endpoint.id)
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
        DeliveryStatus.FAILED,
        2,
        503,
    )
    assert delivery.next_attempt_at is None and "HTTP 503" in delivery.last_error
    assert (await WebhookEndpoint.get(id=hook.endpoint.id)).active  # 2 failures: under the limit


def test_the_retry_schedule_spans_about_a_day_at_the_defaults():
    policy = SendPolicy()
    waits = [policy.backoff(n) for n in range(1, policy.max_attempts)]
    assert all(a <= b * 1.5 for a, b in itertools.pairwise(waits))  # growing, jittered
    assert timedelta(hours=18) < sum(waits, timedelta()) < timedelta(hours=30)
