"""Root fields of ticket lists and saved views."""

from __future__ import annotations

import strawberry

from workorder.resolvers.views import lists as ticket_views
from workorder.schema.permissions import authenticated
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
        resolver=ticket_views.tickets_query,
        extensions=authenticated(),
        description=(
            "Tickets you may see, in a preset view or a saved view, filtered, searched "
            "(number, title, description, customer name) and sorted; paged by cursor."
        ),
    )
    view_counts: list[ViewCount] = strawberry.field(
        resolver=ticket_views.view_counts,
        extensions=authenticated(),
        description="The count of every menu entry (presets and your saved views) at once.",
    )
    saved_views: list[SavedViewType] = strawberry.field(
        resolver=ticket_views.saved_views_query,
        extensions=authenticated(),
        description="Your views and the tenant's shared ones, in menu order.",
    )


@strawberry.type
class TicketViewMutation:
    create_saved_view: CreateSavedViewPayload = strawberry.mutation(
        resolver=ticket_views.create_saved_view, extensions=authenticated()
    )
    update_saved_view: UpdateSavedViewPayload = strawberry.mutation(
        resolver=ticket_views.update_saved_view, extensions=authenticated()
    )
    delete_saved_view: DeleteSavedViewPayload = strawberry.mutation(
        resolver=ticket_views.delete_saved_view, extensions=authenticated()
    )
