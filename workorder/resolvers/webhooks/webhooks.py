"""Webhooks: a thin translation to workorder.flows.webhooks."""

from __future__ import annotations

from typing import Annotated

import strawberry

from workorder.flows.webhooks import endpoints
from workorder.flows.webhooks.endpoints import Registered
from workorder.models import WebhookDelivery, WebhookEndpoint, WebhookEventType
from workorder.resolvers.arguments import decode_id
from workorder.resolvers.payloads import mutate
from workorder.schema.context import Info
from workorder.schema.pagination import AfterArg, BeforeArg, FirstArg, LastArg, paginate
from workorder.schema.webhooks.types import (
    CreateWebhookInput,
    CreateWebhookPayload,
    DeleteWebhookInput,
    DeleteWebhookPayload,
    RedeliverWebhookInput,
    RedeliverWebhookPayload,
    UpdateWebhookInput,
    UpdateWebhookPayload,
    WebhookDeliveryConnection,
    WebhookDeliveryType,
    WebhookEventTypeEnum,
    WebhookType,
)


def _types(given: list[WebhookEventTypeEnum] | None) -> list[str] | None:
    return None if given is None else [WebhookEventType[t.name] for t in given]


async def webhooks_query(info: Info) -> list[WebhookType]:
    actor = info.context.require_actor()
    return [WebhookType.of(e) for e in await endpoints.endpoints_of(actor).order_by("id")]


async def webhook_deliveries_query(
    info: Info,
    webhook_id: Annotated[strawberry.ID, strawberry.argument(description="The endpoint.")],
    first: FirstArg = None,
    after: AfterArg = None,
    last: LastArg = None,
    before: BeforeArg = None,
) -> WebhookDeliveryConnection:
    actor = info.context.require_actor()
    pk = decode_id(webhook_id, "Webhook", ["webhookId"])
    query = await endpoints.deliveries_of(actor, pk)
    return await paginate(
        query,
        WebhookDeliveryType.of,
        WebhookDeliveryConnection,
        first=first,
        after=after,
        last=last,
        before=before,
        descending=True,
    )


async def create_webhook(
    info: Info,
    input: Annotated[
        CreateWebhookInput, strawberry.argument(description="The endpoint to register.")
    ],
) -> CreateWebhookPayload:
    actor = info.context.require_actor()

    async def action() -> Registered:
        return await endpoints.register(
            actor,
            input.url,
            _types(input.event_types) or [],
            allow_private=info.context.settings.webhooks_allow_private,
            secret=input.secret,
            description=input.description,
        )

    return await mutate(
        CreateWebhookPayload,
        action,
        lambda r: CreateWebhookPayload(webhook=WebhookType.of(r.endpoint), secret=r.secret),
    )


async def update_webhook(
    info: Info,
    input: Annotated[
        UpdateWebhookInput, strawberry.argument(description="The endpoint and the changes.")
    ],
) -> UpdateWebhookPayload:
    actor = info.context.require_actor()

    async def action() -> WebhookEndpoint:
        return await endpoints.update(
            actor,
            decode_id(input.id, "Webhook", ["id"]),
            allow_private=info.context.settings.webhooks_allow_private,
            url=input.url,
            event_types=None if input.event_types is None else _types(input.event_types) or [],
            description=input.description,
            active=input.active,
        )

    return await mutate(
        UpdateWebhookPayload, action, lambda e: UpdateWebhookPayload(webhook=WebhookType.of(e))
    )


async def delete_webhook(
    info: Info,
    input: Annotated[
        DeleteWebhookInput, strawberry.argument(description="The endpoint to delete.")
    ],
) -> DeleteWebhookPayload:
    actor = info.context.require_actor()

    async def action() -> WebhookEndpoint:
        return await endpoints.delete(actor, decode_id(input.id, "Webhook", ["id"]))

    return await mutate(
        DeleteWebhookPayload, action, lambda e: DeleteWebhookPayload(webhook=WebhookType.of(e))
    )


async def redeliver_webhook(
    info: Info,
    input: Annotated[
        RedeliverWebhookInput, strawberry.argument(description="The delivery to send again.")
    ],
) -> RedeliverWebhookPayload:
    actor = info.context.require_actor()

    async def action() -> WebhookDelivery:
        pk = decode_id(input.delivery_id, "WebhookDelivery", ["deliveryId"])
        return await endpoints.redeliver(actor, pk)

    return await mutate(
        RedeliverWebhookPayload,
        action,
        lambda d: RedeliverWebhookPayload(delivery=WebhookDeliveryType.of(d)),
    )
