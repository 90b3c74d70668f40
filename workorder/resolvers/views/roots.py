"""Root fields of the views domain: ticket lists, view counts, saved views and sharing rules."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from workorder.resolvers.views import lists, live, sharing
from workorder.schema.permissions import authenticated
from workorder.schema.views.live import TicketListChangeType
from workorder.schema.views.sharing import (
    CreateSharingRulePayload,
    DeleteSharingRulePayload,
    SharingRuleType,
    UpdateSharingRulePayload,
)
from workorder.schema.views.types import (
    CreateSavedViewPayload,
    DeleteSavedViewPayload,
    SavedViewType,
    TicketConnection,
    UpdateSavedViewPayload,
    ViewCount,
)


@strawberry.type
class TicketViewQuery:
    tickets: TicketConnection = strawberry.field(
        resolver=lists.tickets_query,
        extensions=authenticated(),
        description=(
            "Tickets you may see, in a preset view or a saved view, filtered, searched "
            "(number, title, description, customer name) and sorted; paged by cursor."
        ),
    )
    view_counts: list[ViewCount] = strawberry.field(
        resolver=lists.view_counts,
        extensions=authenticated(),
        description="The count of every menu entry (presets and your saved views) at once.",
    )
    saved_views: list[SavedViewType] = strawberry.field(
        resolver=lists.saved_views_query,
        extensions=authenticated(),
        description="Your views and the tenant's shared ones, in menu order.",
    )


@strawberry.type
class TicketViewSubscription:
    ticket_list_changed: AsyncGenerator[TicketListChangeType, None] = strawberry.subscription(
        resolver=live.ticket_list_changed,
        extensions=authenticated(),
        description="A list you keep open (the same arguments as `tickets`, without paging) "
        "kept current without polling: a ready item first (the stream is live), then which "
        "ticket entered the list, changed in it or left it, as it happens. Tickets among "
        "the first 500 of the list when you subscribed, and those this stream named since, "
        "count as already in it.",
    )
    view_counts_changed: AsyncGenerator[list[ViewCount], None] = strawberry.subscription(
        resolver=live.view_counts_changed,
        extensions=authenticated(),
        description="The menu badges of `viewCounts` (the presets asked for, or all, and "
        "your saved views): now (sent once the stream is live), then whenever a ticket "
        "change alters them.",
    )


@strawberry.type
class TicketViewMutation:
    create_saved_view: CreateSavedViewPayload = strawberry.mutation(
        resolver=lists.create_saved_view,
        extensions=authenticated(),
        description="Save a custom menu entry: yours, or (admins, `shared: true`) the whole "
        "tenant's.",
    )
    update_saved_view: UpdateSavedViewPayload = strawberry.mutation(
        resolver=lists.update_saved_view,
        extensions=authenticated(),
        description="Replace a saved view's settings. Your own views; shared ones are for admins.",
    )
    delete_saved_view: DeleteSavedViewPayload = strawberry.mutation(
        resolver=lists.delete_saved_view,
        extensions=authenticated(),
        description="Delete a saved view. Your own views; shared ones are for admins.",
    )


@strawberry.type
class SharingQuery:
    sharing_rules: list[SharingRuleType] = strawberry.field(
        resolver=sharing.sharing_rules_query,
        extensions=authenticated(),
        description="The tenant's sharing rules, oldest first. Administrators only.",
    )


@strawberry.type
class SharingMutation:
    create_sharing_rule: CreateSharingRulePayload = strawberry.mutation(
        resolver=sharing.create_sharing_rule,
        extensions=authenticated(),
        description="Share the tickets in a user's or department's charge with a user, department"
        " or group. Administrators only.",
    )
    update_sharing_rule: UpdateSharingRulePayload = strawberry.mutation(
        resolver=sharing.update_sharing_rule,
        extensions=authenticated(),
        description="Change a sharing rule's access. Administrators only.",
    )
    delete_sharing_rule: DeleteSharingRulePayload = strawberry.mutation(
        resolver=sharing.delete_sharing_rule,
        extensions=authenticated(),
        description="Delete a sharing rule: its target no longer sees those tickets through it. "
        "Administrators only.",
    )
