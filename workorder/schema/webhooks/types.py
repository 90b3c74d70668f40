"""GraphQL types of webhooks: endpoints administrators register and their delivery log."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON

from workorder.ids import to_global_id
from workorder.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from workorder.schema.errors import UserError
from workorder.schema.pagination import Connection


@strawberry.enum(
    name="WebhookEventType",
    description="What a webhook endpoint can be told of; the payload's `type` is the value "
    "shown with each.",
)
class WebhookEventTypeEnum(Enum):  # the model's WebhookEventType, member for member
    TICKET_EVENT = strawberry.enum_value(
        "ticket.event", description="`ticket.event`: every action on a ticket (its trace)."
    )
    TICKET_ASSIGNED = strawberry.enum_value(
        "ticket.assigned",
        description="`ticket.assigned`: an action that gave a ticket a new assignee.",
    )
    TICKET_URGED = strawberry.enum_value(
        "ticket.urged", description="`ticket.urged`: someone urged a ticket."
    )
    SLA_BREACHED = strawberry.enum_value(
        "sla.breached", description="`sla.breached`: a ticket missed an SLA target."
    )
    JOB_FINISHED = strawberry.enum_value(
        "job.finished", description="`job.finished`: a batch, export or import job ended."
    )


@strawberry.enum(name="WebhookDeliveryStatus", description="Where a delivery stands.")
class WebhookDeliveryStatusEnum(Enum):
    PENDING = strawberry.enum_value(
        "PENDING", description="Waiting for its first attempt or a retry (see nextAttemptAt)."
    )
    DELIVERED = strawberry.enum_value("DELIVERED", description="The receiver answered 2xx.")
    FAILED = strawberry.enum_value(
        "FAILED",
        description="Given up: retries exhausted (about 24 h), or the endpoint was disabled.",
    )


@strawberry.type(
    name="Webhook",
    description="An endpoint that hears of the tenant's events, signed the Standard Webhooks "
    "way (webhook-id, webhook-timestamp, webhook-signature). Deliveries show only what its "
    "owner may see.",
)
class WebhookType:
    id: strawberry.ID = strawberry.field(description="Global id of the endpoint.")
    url: str = strawberry.field(description="Where deliveries are POSTed (http or https).")
    description: str = strawberry.field(description="The administrators' note on it.")
    event_types: list[WebhookEventTypeEnum] = strawberry.field(description="What it is told of.")
    active: bool = strawberry.field(
        description="False: nothing is sent (turned off, or disabled after failures)."
    )
    owner_id: strawberry.ID = strawberry.field(
        description="Global id of the administrator it acts as (whose visibility applies)."
    )
    consecutive_failures: int = strawberry.field(
        description="Failed attempts in a row; reaching the limit disables the endpoint."
    )
    disabled_reason: str = strawberry.field(
        description="Why it was disabled automatically; empty otherwise."
    )
    disabled_at: datetime | None = strawberry.field(
        description="When it was disabled automatically."
    )
    created_at: datetime = strawberry.field(description="When it was registered.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> WebhookType:
        return cls(
            id=strawberry.ID(to_global_id("Webhook", endpoint.id)),
            url=endpoint.url,
            description=endpoint.description,
            event_types=[WebhookEventTypeEnum(t) for t in endpoint.event_types],
            active=endpoint.active,
            owner_id=strawberry.ID(to_global_id("User", endpoint.owner_id)),
            consecutive_failures=endpoint.consecutive_failures,
            disabled_reason=endpoint.disabled_reason,
            disabled_at=endpoint.disabled_at,
            created_at=endpoint.created_at,
            updated_at=endpoint.updated_at,
        )


@strawberry.type(
    name="WebhookDelivery",
    description="One event for one endpoint, and how sending it went (the delivery log).",
)
class WebhookDeliveryType:
    id: strawberry.ID = strawberry.field(description="Global id of the delivery.")
    webhook_id: strawberry.ID = strawberry.field(description="Global id of its endpoint.")
    message_id: str = strawberry.field(
        description="The webhook-id header: the same on every retry and redelivery of it."
    )
    event_type: WebhookEventTypeEnum = strawberry.field(description="What it tells of.")
    status: WebhookDeliveryStatusEnum = strawberry.field(description="Where it stands.")
    attempts: int = strawberry.field(description="Attempts made so far.")
    next_attempt_at: datetime | None = strawberry.field(
        description="When the next attempt is due (pending only)."
    )
    last_response_code: int | None = strawberry.field(
        description="The HTTP status of the last attempt; null when none came back."
    )
    latency_ms: int | None = strawberry.field(
        description="How long the last attempt took, in milliseconds."
    )
    last_error: str = strawberry.field(description="What went wrong last; empty on success.")
    body: strawberry.Private[dict[str, Any]]
    created_at: datetime = strawberry.field(description="When the event committed.")
    delivered_at: datetime | None = strawberry.field(description="When the receiver accepted it.")

    @strawberry.field(description="The JSON body sent (signed as serialised compactly).")
    def payload(self) -> JSON:
        return self.body  # type: ignore[return-value]

    @classmethod
    def of(cls, row: WebhookDelivery) -> WebhookDeliveryType:
        return cls(
            id=strawberry.ID(to_global_id("WebhookDelivery", row.id)),
            webhook_id=strawberry.ID(to_global_id("Webhook", row.endpoint_id)),
            message_id=row.webhook_id,
            event_type=WebhookEventTypeEnum(str(row.event_type)),
            status=WebhookDeliveryStatusEnum(str(DeliveryStatus(row.status))),
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            last_response_code=row.last_response_code,
            latency_ms=row.latency_ms,
            last_error=row.last_error,
            body=row.payload,
            created_at=row.created_at,
            delivered_at=row.delivered_at,
        )


@strawberry.type(description="A page of a webhook's deliveries, newest first.")
class WebhookDeliveryConnection(Connection[WebhookDeliveryType]):
    pass


@strawberry.input(description="Register an endpoint (administrators only).")
class CreateWebhookInput:
    url: str = strawberry.field(
        description="http(s) URL; loopback, private and link-local targets are refused. An "
        "unreachable one is accepted: failures show in the delivery log."
    )
    event_types: list[WebhookEventTypeEnum] = strawberry.field(
        description="What to send it (at least one)."
    )
    secret: str | None = strawberry.field(
        default=None,
        description="whsec_ + base64 of 24 to 64 random bytes; left out, one is generated.",
    )
    description: str = strawberry.field(default="", description="A note for administrators.")


@strawberry.type(description="The endpoint registered, and its secret: shown this once only.")
class CreateWebhookPayload:
    webhook: WebhookType | None = strawberry.field(default=None, description="The new endpoint.")
    secret: str | None = strawberry.field(
        default=None, description="The signing secret; it is never shown again."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was registered."
    )


@strawberry.input(description="Change an endpoint; fields left out stay as they are.")
class UpdateWebhookInput:
    id: strawberry.ID = strawberry.field(description="Global id of the endpoint.")
    url: str | None = strawberry.field(
        default=None, description="A new URL (checked as at creation)."
    )
    event_types: list[WebhookEventTypeEnum] | None = strawberry.field(
        default=None, description="What to send it from now on."
    )
    description: str | None = strawberry.field(default=None, description="A new note.")
    active: bool | None = strawberry.field(
        default=None, description="Turn it off, or on again (which clears its failure count)."
    )


@strawberry.type(description="The endpoint as changed.")
class UpdateWebhookPayload:
    webhook: WebhookType | None = strawberry.field(default=None, description="The endpoint.")
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed."
    )


@strawberry.input(description="Remove an endpoint and its delivery log.")
class DeleteWebhookInput:
    id: strawberry.ID = strawberry.field(description="Global id of the endpoint.")


@strawberry.type(description="The endpoint that is gone, as it was.")
class DeleteWebhookPayload:
    webhook: WebhookType | None = strawberry.field(default=None, description="The endpoint.")
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was removed."
    )


@strawberry.input(description="Send a delivery again, as a new delivery with the same message.")
class RedeliverWebhookInput:
    delivery_id: strawberry.ID = strawberry.field(description="Global id of the delivery.")


@strawberry.type(description="The new delivery, queued.")
class RedeliverWebhookPayload:
    delivery: WebhookDeliveryType | None = strawberry.field(
        default=None, description="The new delivery."
    )
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was queued."
    )
