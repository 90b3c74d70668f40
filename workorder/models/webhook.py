from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from workorder.models.tenant import Tenant
    from workorder.models.user import User


class WebhookEventType(StrEnum):
    """What an endpoint can subscribe to; the value is the payload's `type`."""

    TICKET_EVENT = "ticket.event"  # every row of a ticket's trace
    TICKET_ASSIGNED = "ticket.assigned"  # a trace row that gave the ticket a new assignee
    TICKET_URGED = "ticket.urged"
    SLA_BREACHED = "sla.breached"
    JOB_FINISHED = "job.finished"


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"  # waiting for its (next) attempt
    DELIVERED = "DELIVERED"  # the receiver answered 2xx
    FAILED = "FAILED"  # given up: retries exhausted, or the endpoint is disabled or gone


class WebhookEndpoint(Model):
    """A URL an administrator registered to hear of the tenant's events, signed with its secret.

    It acts as its owner: a delivery carries only what the owner may see, as they are when the
    event commits. The secret is kept as it is because every delivery is signed with it.
    """

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    tenant_id: int
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "workorder.User", related_name=False, on_delete=fields.CASCADE
    )
    owner_id: int
    url = fields.CharField(max_length=2000)
    description = fields.CharField(max_length=200, default="")
    event_types: list[str] = fields.JSONField(default=list)
    secret = fields.CharField(max_length=200)
    active = fields.BooleanField(default=True)
    # Failed attempts in a row (any delivery); a success resets it, reaching the limit disables.
    consecutive_failures = fields.IntField(default=0)
    disabled_reason = fields.CharField(max_length=300, default="")
    disabled_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "webhook_endpoint"


class WebhookDelivery(Model):
    """One event for one endpoint, written in the transaction of the change it tells of.

    The job that sends it (`job_id`) is written with it. The row is the truth of its state and
    log (attempts, last response, latency). `ticket_id` orders a ticket's deliveries to one
    endpoint: the next waits until the previous is delivered or given up.
    """

    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[Tenant] = fields.ForeignKeyField(
        "workorder.Tenant", related_name=False, on_delete=fields.CASCADE
    )
    tenant_id: int
    endpoint: fields.ForeignKeyRelation[WebhookEndpoint] = fields.ForeignKeyField(
        "workorder.WebhookEndpoint", related_name="deliveries", on_delete=fields.CASCADE
    )
    endpoint_id: int
    event_type = fields.CharEnumField(WebhookEventType, max_length=32)
    ticket_id = fields.IntField(null=True)
    payload: dict[str, Any] = fields.JSONField(default=dict)
    webhook_id = fields.CharField(max_length=64)
    status = fields.CharEnumField(DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    last_response_code = fields.IntField(null=True)
    latency_ms = fields.IntField(null=True)
    last_error = fields.TextField(default="")
    job_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_delivery"
        indexes = (("endpoint_id", "ticket_id", "status"),)
