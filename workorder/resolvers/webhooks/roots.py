"""Root fields of webhooks (administrators only)."""

from __future__ import annotations

import strawberry

from workorder.resolvers.webhooks import webhooks as resolvers
from workorder.schema.permissions import authenticated
from workorder.schema.webhooks.types import (
    CreateWebhookPayload,
    DeleteWebhookPayload,
    RedeliverWebhookPayload,
    UpdateWebhookPayload,
    WebhookDeliveryConnection,
    WebhookType,
)


@strawberry.type
class WebhookQuery:
    webhooks: list[WebhookType] = strawberry.field(
        resolver=resolvers.webhooks_query,
        extensions=authenticated(),
        description="The tenant's webhook endpoints, oldest first. Administrators only.",
    )
    webhook_deliveries: WebhookDeliveryConnection = strawberry.field(
        resolver=resolvers.webhook_deliveries_query,
        extensions=authenticated(),
        description="An endpoint's delivery log, newest first. Administrators only.",
    )


@strawberry.type
class WebhookMutation:
    create_webhook: CreateWebhookPayload = strawberry.mutation(
        resolver=resolvers.create_webhook,
        extensions=authenticated(),
        description="Register an endpoint; the payload shows its secret, this once. "
        "Administrators only.",
    )
    update_webhook: UpdateWebhookPayload = strawberry.mutation(
        resolver=resolvers.update_webhook,
        extensions=authenticated(),
        description="Change an endpoint, or turn it off and on. Administrators only.",
    )
    delete_webhook: DeleteWebhookPayload = strawberry.mutation(
        resolver=resolvers.delete_webhook,
        extensions=authenticated(),
        description="Remove an endpoint; what it has not been sent yet is dropped. "
        "Administrators only.",
    )
    redeliver_webhook: RedeliverWebhookPayload = strawberry.mutation(
        resolver=resolvers.redeliver_webhook,
        extensions=authenticated(),
        description="Send a delivery again (same message id and body). Administrators only.",
    )
