"""The durable outbox of webhook deliveries, written in the transaction of the change itself.

A flow that commits something a webhook may tell (a trace event, an SLA breach, a job's end)
asks its unit of work to run one of these writers just before it commits (`before_commit`):
by then the whole action is in, so the delivery shows what the action's end state lets the
endpoint's owner see, and the rows (a delivery and the job that sends it) commit or roll
back with the change. Nothing committed is lost; nothing rolled back is told.

Payloads carry global ids only, never database ids, and a ticket's only if its owner may see
the ticket then, without the custom fields the ticket's current step hides from them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from workorder.auth.actor import Actor
from workorder.auth.visibility import visible_tickets
from workorder.clock import now
from workorder.flows.tickets.event_data import public_changes
from workorder.flows.tickets.screens import load_screen
from workorder.flows.unit_of_work import current_unit
from workorder.ids import to_global_id
from workorder.models import (
    EventKind,
    Job,
    Ticket,
    TicketEvent,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEventType,
)

KIND = "webhook_delivery"
"""The kind of job that sends one delivery (`flows.webhooks.sending`)."""


def _gid(type_name: str, pk: int | None) -> str | None:
    return None if pk is None else to_global_id(type_name, pk)


def _envelope(kind: WebhookEventType, tenant_id: int, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": kind.value,
        "timestamp": now().isoformat(),
        "tenant": to_global_id("Tenant", tenant_id),
        "data": data,
    }


def _ticket(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": to_global_id("Ticket", ticket.id),
        "number": ticket.number,
        "title": ticket.title,
        "status": str(ticket.status),
        "priority": str(ticket.priority),
        "step": ticket.current_step,
        "assignee": _gid("User", ticket.assignee_id),
    }


async def _listening(tenant_id: int, types: Iterable[WebhookEventType]) -> list[WebhookEndpoint]:
    wanted = {t.value for t in types}
    endpoints = await WebhookEndpoint.filter(tenant_id=tenant_id, active=True).order_by("id")
    return [e for e in endpoints if wanted & set(e.event_types)]


async def _owner(endpoint: WebhookEndpoint) -> Actor | None:
    """The owner as they are now; an endpoint whose owner can no longer act sends nothing."""
    user = await User.filter(
        id=endpoint.owner_id, tenant_id=endpoint.tenant_id, active=True, tenant__active=True
    ).first()
    return None if user is None else Actor.of(user)


async def _write(
    endpoint: WebhookEndpoint,
    kind: WebhookEventType,
    payload: dict[str, Any],
    ticket_id: int | None = None,
    webhook_id: str | None = None,
) -> WebhookDelivery:
    """A delivery and the job that sends it, in the caller's transaction."""
    delivery = await WebhookDelivery.create(
        tenant_id=endpoint.tenant_id,
        endpoint_id=endpoint.id,
        event_type=kind,
        ticket_id=ticket_id,
        payload=payload,
        webhook_id=webhook_id or f"msg_{uuid.uuid4().hex}",
        next_attempt_at=now(),
    )
    job = await Job.create(
        tenant_id=endpoint.tenant_id,
        created_by_id=None,  # nobody's job: it stays out of every user's list
        kind=KIND,
        params={"user_id": endpoint.owner_id, "delivery_id": delivery.id},
        lease_until=now(),  # a runner may take it from now on
    )
    await WebhookDelivery.filter(id=delivery.id).update(job_id=job.id)
    delivery.job_id = job.id
    current_unit().wake_after_commit(job.id)
    return delivery


def event_types_of(event: TicketEvent) -> list[WebhookEventType]:
    types = [WebhookEventType.TICKET_EVENT]
    if event.to_assignee_id is not None and event.to_assignee_id != event.from_assignee_id:
        types.append(WebhookEventType.TICKET_ASSIGNED)
    if event.kind == EventKind.URGED:
        types.append(WebhookEventType.TICKET_URGED)
    return types


async def ticket_event_committing(event: TicketEvent) -> None:
    """The deliveries of one trace event: one statement when nobody listens, the action's
    common case. None if the event was rolled back meanwhile (a refused item of a batch job
    undoes its own savepoint only)."""
    types = event_types_of(event)
    endpoints = await _listening(event.tenant_id, types)
    if not endpoints or not await TicketEvent.filter(id=event.id).exists():
        return
    ticket = await Ticket.get(id=event.ticket_id)
    for endpoint in endpoints:
        owner = await _owner(endpoint)
        if owner is None or not await (await visible_tickets(owner)).filter(id=ticket.id).exists():
            continue
        screen = await load_screen(owner, ticket)
        data = {
            "ticket": _ticket(ticket),
            "event": {
                "id": to_global_id("TicketEvent", event.id),
                "kind": str(event.kind),
                "actor": _gid("User", event.actor_id),
                "fromStatus": event.from_status,
                "toStatus": event.to_status,
                "fromStep": event.from_step,
                "toStep": event.to_step,
                "fromAssignee": _gid("User", event.from_assignee_id),
                "toAssignee": _gid("User", event.to_assignee_id),
                "comment": event.comment,
                "changes": public_changes(event.data or {}, screen),
                "createdAt": event.created_at.isoformat(),
            },
        }
        if screen.keys:  # the ticket's fields are not in the payload; its events' are screened
            data["ticket"]["hiddenFields"] = len(screen.keys)
        for kind in types:
            if kind.value in endpoint.event_types:
                await _write(endpoint, kind, _envelope(kind, event.tenant_id, data), ticket.id)


async def sla_breach_committing(ticket_id: int, breach: str) -> None:
    ticket = await Ticket.get(id=ticket_id)
    kind = WebhookEventType.SLA_BREACHED
    for endpoint in await _listening(ticket.tenant_id, [kind]):
        owner = await _owner(endpoint)
        if owner is None or not await (await visible_tickets(owner)).filter(id=ticket.id).exists():
            continue
        data = {"ticket": _ticket(ticket), "breach": breach}
        await _write(endpoint, kind, _envelope(kind, ticket.tenant_id, data), ticket.id)


async def job_finished_committing(job_id: int) -> None:
    job = await Job.get(id=job_id)
    if job.kind == KIND:
        return  # a delivery's own job: telling of it would never end
    kind = WebhookEventType.JOB_FINISHED
    for endpoint in await _listening(job.tenant_id, [kind]):
        owner = await _owner(endpoint)
        if owner is None or not (owner.is_admin or job.created_by_id == owner.user_id):
            continue
        data = {
            "job": {
                "id": to_global_id("Job", job.id),
                "kind": job.kind,
                "status": str(job.status),
                "total": job.total,
                "done": job.done,
                "failed": job.failed,
                "createdBy": _gid("User", job.created_by_id),
            }
        }
        await _write(endpoint, kind, _envelope(kind, job.tenant_id, data))


async def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """The same message (id and payload) once more, as a new delivery with its own log."""
    endpoint = await WebhookEndpoint.get(id=delivery.endpoint_id)
    return await _write(
        endpoint, delivery.event_type, delivery.payload, delivery.ticket_id, delivery.webhook_id
    )
