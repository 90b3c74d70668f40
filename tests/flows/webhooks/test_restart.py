"""Nothing is lost across a restart: deliveries pending when a server stops (its receiver was
down) are sent by the next server on the same database. Each server is `workorder serve` in
its own process, as in production."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from tests import services
from tests.flows.webhooks.receiver import payload_of, receiving, settled_log
from tests.shop import Shop
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.flows.tickets.urging import urge_ticket
from workorder.flows.webhooks.endpoints import register
from workorder.models import DeliveryStatus, WebhookDelivery
from workorder.settings import Settings


@asynccontextmanager
async def server_process(settings: Settings, **env_given: str) -> AsyncIterator[str]:
    """`workorder serve` on the session's database, with `env_given` over the defaults below;
    ready once it answers /healthz. Yields its base URL."""
    port = services.free_port()
    env = {
        **os.environ,
        "WORKORDER_ENV": "test",
        "DATABASE_URL": settings.database,
        "REDIS_URL": settings.redis_url or "",
        "SECRET_KEY": settings.signing_key,
        "DATA_DIR": tempfile.mkdtemp(prefix="workorder-proc-"),
        "LOG_LEVEL": "WARNING",
        "JOB_POLL_SECONDS": "0.2",
        "SLA_CHECK_SECONDS": "0",
        "WEBHOOKS_ALLOW_PRIVATE": "true",
        "WEBHOOK_RETRY_BASE_SECONDS": "0.2",
        **env_given,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "workorder.cli",
        "serve",
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            for _ in range(300):
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.returncode is None, "the server process died at start-up"
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the server process never answered /healthz")
        yield f"http://127.0.0.1:{port}"
    finally:
        await services.stop_child(process)


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
    async with server_process(settings):
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

    async with receiving(port) as receiver, server_process(settings):
        await receiver.wait_for(lambda got: len(receiver.delivered()) == 2)
        log = await settled_log(hook.endpoint.id, 2)
    assert [payload_of(r)["data"]["event"]["kind"] for r in receiver.delivered()] == [
        "CREATED",
        "URGED",
    ]
    assert [d.status for d in log] == [DeliveryStatus.DELIVERED] * 2
